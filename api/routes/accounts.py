"""URL routes of this API area (its views live in api/views/accounts.py): accounts, join
links, the password change and the user name search."""

from django.urls import path

from api.routes.projects import UsernameConverter  # noqa: F401 - registers the "username" converter
from api.views import accounts

urlpatterns: list = [
    path("auth/password/", accounts.PasswordView.as_view(), name="auth-password"),
    path("accounts/", accounts.AccountListView.as_view(), name="account-list"),
    path("accounts/<username:username>/", accounts.AccountDetailView.as_view(), name="account-detail"),
    path("usernames/", accounts.UsernameSearchView.as_view(), name="username-search"),
    path("join-links/", accounts.JoinLinkListView.as_view(), name="join-link-list"),
    path("join-links/<int:pk>/", accounts.JoinLinkDetailView.as_view(), name="join-link-detail"),
    path("join/<str:token>/", accounts.JoinView.as_view(), name="join"),
]
