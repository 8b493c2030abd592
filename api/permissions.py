"""Who may do what in a project. Roles rank owner > reviewer > annotator; a superuser acts
as an owner. Views say the least role they need; an outsider gets 404, not 403, so project
slugs and document ids do not leak."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from annotator.models import Project, Role
from annotator.selectors import role_for

RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}


def require_role(request: Request, project: Project, least: str) -> str:
    """The caller's role in `project`, if it is at least `least`; 404 for outsiders, 403 for
    members whose role is too low."""
    role = role_for(project=project, user=request.user)
    if role is None:
        raise Http404("no such project")
    if RANK[Role(role)] < RANK[Role(least)]:
        raise PermissionDenied(f"this needs the {least} role in project {project.slug}; you are {role}")
    return role
