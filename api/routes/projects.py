"""URL routes of this API area (its views live in api/views/): auth, projects, members,
documents and imports."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from api.views import auth, deletion, documents, imports, invitations, projects


class UsernameConverter(StringConverter):
    """A user name as Django allows it (letters, digits and @.+-_). Anything else, a NUL
    included, matches no route (a JSON 404) instead of reaching the database."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")

urlpatterns: list = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", auth.TokenListView.as_view(), name="auth-token-list"),
    path("auth/tokens/<int:pk>/", auth.TokenDetailView.as_view(), name="auth-token-detail"),
    path("auth/login/", auth.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", auth.MeView.as_view(), name="auth-me"),
    path("projects/<slug:slug>/restore/", deletion.ProjectRestoreView.as_view(), name="project-restore"),
    path("documents/<int:pk>/restore/", deletion.DocumentRestoreView.as_view(), name="document-restore"),
    path("projects/", projects.ProjectListView.as_view(), name="project-list"),
    path("deleted-projects/", projects.DeletedProjectListView.as_view(), name="deleted-project-list"),
    path("project-templates/", projects.ProjectTemplateListView.as_view(), name="project-template-list"),
    path("projects/<slug:slug>/duplicate/", projects.ProjectDuplicateView.as_view(), name="project-duplicate"),
    path("projects/<slug:slug>/", projects.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<slug:slug>/members/", projects.MemberListView.as_view(), name="member-list"),
    path(
        "projects/<slug:slug>/members/<username:username>/", projects.MemberDetailView.as_view(), name="member-detail"
    ),
    path("projects/<slug:slug>/invitations/", projects.ProjectInvitationListView.as_view(), name="project-invitations"),
    path(
        "projects/<slug:slug>/invitations/<username:username>/",
        projects.ProjectInvitationDetailView.as_view(),
        name="project-invitation-detail",
    ),
    path("invitations/", invitations.InvitationListView.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/accept/", invitations.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/decline/", invitations.InvitationDeclineView.as_view(), name="invitation-decline"),
    path("projects/<slug:slug>/documents/", documents.DocumentListView.as_view(), name="document-list"),
    path("projects/<slug:slug>/documents/bulk/", documents.DocumentBulkView.as_view(), name="document-bulk"),
    path("projects/<slug:slug>/imports/", imports.ImportView.as_view(), name="import-create"),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="document-detail"),
]
