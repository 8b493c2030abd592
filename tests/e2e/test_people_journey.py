"""People in a real browser against the real server: a site admin makes a join link into a
project, a newcomer opens it in a browser of their own, chooses a user name in three scripts
and a password, lands in the project, then changes the password and makes an API token on
their account page. What the server stored is checked in code points."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User

from annotator.models import ApiToken, JoinLink, Membership
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e]

# Accented Latin, Arabic and Danish letters with . and -: all valid in a Django user name.
NAME = "Zoé.حلب-Øst"
FIRST_PASSWORD = "a long walk to Azaz 2026"
SECOND_PASSWORD = "the road back from Afrin 2027"
TOKEN_NAME = "carnet d'Alep — حلب"


def test_an_invited_annotator_joins_by_link_then_changes_the_password_and_makes_a_token(  # type: ignore[no-untyped-def]
    server, page, browser, mixed, owner
):
    # The admin (Olivia, staff and owner of the project) makes a link into the project.
    log_in(page, server, owner.username)
    page.click("text=People")
    page.wait_for_url("**/people")
    page.select_option("select[name=link_project]", "mixed")
    page.select_option("select[name=link_role]", "annotator")
    page.click("[data-test=create-link]")
    url = page.input_value("[data-test=join-url]")
    assert url.startswith(server + "/join/")
    token = url.rsplit("/", 1)[1]
    link = JoinLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and link.role == "annotator"

    # The newcomer, in a browser context of their own (no session, no cookies).
    context = browser.new_context()
    guest = context.new_page()
    guest.goto(url)
    assert "as annotator" in guest.locator("[data-test=join-project]").inner_text()
    # An emoji is not a letter: refused, naming the user name, and nothing is stored.
    guest.fill("input[name=username]", "Zoé\U0001f691")
    guest.fill("input[name=password]", FIRST_PASSWORD)
    guest.fill("input[name=password2]", FIRST_PASSWORD)
    guest.click("button[type=submit]")
    assert "not a valid user name" in guest.locator("[data-test=join-error]").inner_text()
    assert not User.objects.filter(username__startswith="Zo").exists()
    guest.fill("input[name=username]", NAME)
    guest.click("button[type=submit]")
    guest.wait_for_url("**/projects/mixed")
    assert guest.locator("[data-test=whoami]").inner_text() == NAME

    user = User.objects.get(username=NAME)
    assert [ord(c) for c in user.username] == [ord(c) for c in NAME] and len(user.username) == 11
    assert Membership.objects.get(project=mixed, user=user).role == "annotator"
    link.refresh_from_db()
    assert link.used_by == user

    # The link is spent: opened again, it says so.
    again = context.new_page()
    again.goto(url)
    assert "was used" in again.locator("[data-test=join-refused]").inner_text()

    # The account page: a new password (the current one asked for), then an API token.
    guest.click("[data-test=whoami]")
    guest.wait_for_url("**/account")
    guest.fill("input[name=old_password]", FIRST_PASSWORD)
    guest.fill("input[name=new_password]", SECOND_PASSWORD)
    guest.fill("input[name=new_password2]", SECOND_PASSWORD)
    guest.click("[data-test=change-password]")
    assert "password is changed" in guest.locator("[data-test=account-message]").inner_text()
    guest.fill("input[name=token_name]", TOKEN_NAME)
    guest.click("[data-test=create-token]")
    key = guest.locator("[data-test=new-token-key]").inner_text()
    assert TOKEN_NAME in guest.locator("[data-test=tokens]").inner_text()

    stored = ApiToken.objects.get(user=user)
    assert stored.name == TOKEN_NAME and stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    # The server takes the new password and the new key, and no longer the first password.
    me = guest.request.get(server + "/api/auth/me/", headers={"Authorization": f"Token {key}"})
    assert me.json()["username"] == NAME
    for password, status in ((SECOND_PASSWORD, 200), (FIRST_PASSWORD, 401)):
        answer = guest.request.post(server + "/api/auth/token/", data={"username": NAME, "password": password})
        assert answer.status == status

    # The owner finds the newcomer by the start of their name when adding members.
    page.goto(server + "/projects/mixed/settings")
    page.fill("[data-test=user-search]", "zo")
    page.locator(f'datalist option[value="{NAME}"]').wait_for(state="attached")
    assert page.errors == []
    context.close()
