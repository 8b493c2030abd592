"""Read queries, one module per area. Writes live in `annotator.services`."""

from annotator.selectors.documents import annotation_states, live_document
from annotator.selectors.projects import (
    deleted_project_list_for,
    live_document_with_role,
    live_project_with_role,
    may_create_projects,
    project_list_for,
    role_for,
)

__all__ = [
    "annotation_states",
    "deleted_project_list_for",
    "live_document",
    "live_document_with_role",
    "live_project_with_role",
    "may_create_projects",
    "project_list_for",
    "role_for",
]
