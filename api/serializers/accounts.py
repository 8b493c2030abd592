"""Shapes of the accounts endpoints: the admins' account list and join links, the public join
page, the password change and the owners' user name search."""

from __future__ import annotations

from rest_framework import serializers

from annotator.models import Role
from annotator.services.accounts import MAX_JOIN_LINK_DAYS
from api.serializers.fields import InputSerializer, QuerySerializer

USERNAME_HELP = "Letters (any script), digits and @ . + - _; at most 150 characters."


def _password(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}, help_text=help_text
    )


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The user name.")
    email = serializers.CharField(allow_blank=True, help_text="The e-mail address, if any.")
    is_active = serializers.BooleanField(help_text="false: deactivated, logs in neither by password nor by token.")
    is_staff = serializers.BooleanField(help_text="A site admin: manages accounts and join links.")
    is_superuser = serializers.BooleanField(help_text="Acts as the owner of every project.")
    last_login = serializers.DateTimeField(allow_null=True, help_text="The last login; null: never.")
    date_joined = serializers.DateTimeField(help_text="When the account was made.")


class AccountPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Accounts in all pages.")
    next = serializers.CharField(allow_null=True, help_text="The next page's URL; null on the last page.")
    previous = serializers.CharField(allow_null=True, help_text="The previous page's URL; null on the first.")
    results = AccountSerializer(many=True, help_text="This page's accounts, by user name.")


class AccountListQuerySerializer(QuerySerializer):
    prefix = serializers.CharField(
        max_length=150, required=False, help_text="Only user names starting with this (case ignored)."
    )
    page = serializers.IntegerField(min_value=1, required=False, help_text="Page number, from 1 (50 a page).")


class AccountCreateSerializer(InputSerializer):
    username = serializers.CharField(max_length=150, help_text="The new user name. " + USERNAME_HELP)
    password = _password("Their password; the site's password rules apply (the answer names a broken one).")
    email = serializers.EmailField(required=False, allow_blank=True, help_text="Their e-mail address (optional).")


class AccountUpdateSerializer(InputSerializer):
    is_active = serializers.BooleanField(help_text="false deactivates the account, true reactivates it.")


class UsernameQuerySerializer(QuerySerializer):
    prefix = serializers.CharField(min_length=1, max_length=150, help_text="The start of a user name (case ignored).")


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="An active account's user name.")


class JoinLinkCreateSerializer(InputSerializer):
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="The user name the account will have; leave out to let the person choose. " + USERNAME_HELP,
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, help_text="Where to send the link, when the server can send mail."
    )
    project = serializers.SlugField(
        max_length=64, required=False, help_text="A project (you own) the person joins, with `role`."
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False, help_text="Their role in `project`.")
    days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_JOIN_LINK_DAYS,
        required=False,
        help_text="How many days the link works (default: the server's JOIN_LINK_DAYS, 7).",
    )


class JoinLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Withdraw with DELETE join-links/{id}/.")
    token_prefix = serializers.CharField(help_text="The token's first characters (the link is never shown again).")
    username = serializers.CharField(allow_blank=True, help_text="The preset user name; empty: the person chooses.")
    email = serializers.CharField(allow_blank=True, help_text="The address it was made for, if any.")
    project = serializers.CharField(allow_null=True, help_text="The slug of the project it joins; null: none.")
    role = serializers.CharField(allow_blank=True, help_text="The role in that project; empty without a project.")
    created_by = serializers.CharField(allow_null=True, help_text="The admin who made it.")
    created_at = serializers.DateTimeField(help_text="When it was made.")
    expires_at = serializers.DateTimeField(help_text="When it stops working.")
    state = serializers.ChoiceField(
        choices=["waiting", "expired", "used"], help_text="waiting: usable; expired; used: an account was made."
    )


class IssuedJoinLinkSerializer(JoinLinkSerializer):
    token = serializers.CharField(help_text="The link's token. Shown only once.")
    url = serializers.CharField(help_text="The link to give the person: it opens the page where they join.")
    mailed = serializers.BooleanField(help_text="Whether the link was also sent to `email`.")


class JoinLinkInfoSerializer(serializers.Serializer):
    username = serializers.CharField(allow_blank=True, help_text="The preset user name; empty: choose one.")
    project_name = serializers.CharField(allow_null=True, help_text="The project you will join; null: none.")
    role = serializers.CharField(allow_blank=True, help_text="Your role there.")
    expires_at = serializers.DateTimeField(help_text="Until when the link works.")


class JoinSerializer(InputSerializer):
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Your user name (needed unless the link presets one). " + USERNAME_HELP,
    )
    password = _password("Your password; the site's password rules apply.")


class PasswordChangeSerializer(InputSerializer):
    old_password = _password("Your current password.")
    new_password = _password("The new password; the site's password rules apply.")


class PasswordChangedSerializer(serializers.Serializer):
    tokens_revoked = serializers.IntegerField(help_text="API tokens revoked: a password change revokes them all.")
