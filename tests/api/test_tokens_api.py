"""API tokens: one per script, named, listed and revoked by their owner, optionally
expiring, stored hashed, and all revoked when the owner's password changes."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import ApiToken

ALICE = {"username": "alice", "password": "alice-password-1"}


def new_token(**wanted: object) -> dict:
    response = APIClient().post("/api/auth/token/", {**ALICE, **wanted}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def holding(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    status = holding(key).get("/api/auth/me/").status_code
    assert status in (200, 401)
    return status == 200


def test_each_script_has_its_own_token_and_logging_out_one_leaves_the_others(alice) -> None:
    laptop, cron = new_token(name="laptop")["token"], new_token(name="nightly cron")["token"]
    assert laptop != cron
    assert holding(laptop).post("/api/auth/logout/").status_code == 204
    assert not works(laptop)
    assert works(cron)


def test_asking_without_a_name_still_gives_a_working_token(alice) -> None:
    first, second = new_token(), new_token()
    assert first["token"] != second["token"] and first["name"] != second["name"]
    assert works(first["token"]) and works(second["token"])
    assert first["expires_at"] is None


def test_the_owner_lists_their_tokens_but_never_their_keys(alice, bob) -> None:
    laptop = new_token(name="laptop")
    new_token(name="cron", expires_in=3600)
    APIClient().post("/api/auth/token/", {"username": "bob", "password": "bob-password-1"}, format="json")
    response = holding(laptop["token"]).get("/api/auth/tokens/")
    assert response.status_code == 200
    listed = response.json()
    assert [(t["name"], t["current"]) for t in listed] == [("laptop", True), ("cron", False)]
    assert listed[0]["key_prefix"] == laptop["token"][:8] and listed[0]["last_used_at"] is not None
    assert listed[1]["expires_at"] is not None and listed[1]["last_used_at"] is None
    assert laptop["token"] not in response.content.decode()


def test_asking_again_for_a_name_replaces_that_token(alice) -> None:
    old = new_token(name="laptop")["token"]
    new = new_token(name="laptop")["token"]
    assert not works(old) and works(new)
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_a_token_made_while_logged_in_needs_no_password(alice) -> None:
    client = APIClient()
    client.force_authenticate(alice)
    response = client.post("/api/auth/tokens/", {"name": "ci"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "ci"
    assert works(response.json()["token"])


def test_the_owner_revokes_a_token_and_it_stops_working(alice) -> None:
    laptop, cron = new_token(name="laptop"), new_token(name="cron")
    assert holding(laptop["token"]).delete(f"/api/auth/tokens/{cron['id']}/").status_code == 204
    assert not works(cron["token"]) and works(laptop["token"])


def test_nobody_revokes_or_sees_another_users_token(alice, bob) -> None:
    mine = new_token(name="laptop")
    bobs = APIClient()
    bobs.force_authenticate(bob)
    response = bobs.delete(f"/api/auth/tokens/{mine['id']}/")
    assert response.status_code == 404
    assert bobs.get("/api/auth/tokens/").json() == []
    assert works(mine["token"])


def test_a_token_stops_working_once_it_expires(alice) -> None:
    token = new_token(name="short", expires_in=600)
    assert works(token["token"])
    ApiToken.objects.filter(pk=token["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))  # time passes
    response = holding(token["token"]).get("/api/auth/me/")
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_an_expiry_may_be_given_as_a_date(alice) -> None:
    when = timezone.now() + timedelta(days=30)
    token = new_token(name="month", expires_at=when.isoformat())
    assert abs(ApiToken.objects.get(pk=token["id"]).expires_at - when) < timedelta(seconds=1)


def test_a_bad_expiry_is_400_naming_the_field(alice) -> None:
    client = APIClient()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    for wanted, field in [
        ({"expires_in": 5}, "expires_in"),
        ({"expires_in": 600, "expires_at": future}, "expires_in"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"expires_at": past}, "expires_at"),
    ]:
        response = client.post("/api/auth/token/", {**ALICE, **wanted}, format="json")
        assert response.status_code == 400, wanted
        assert field in response.json()["error"]["message"], response.json()
    assert not ApiToken.objects.exists()


def test_a_token_made_with_an_expiring_token_does_not_outlive_it(alice) -> None:
    short = new_token(name="short", expires_in=600)
    response = holding(short["token"]).post("/api/auth/tokens/", {"name": "forever"}, format="json")
    assert response.status_code == 200
    assert response.json()["expires_at"] == short["expires_at"]


@override_settings(API_TOKEN_DEFAULT_DAYS=30)
def test_the_server_may_give_tokens_a_default_expiry(alice) -> None:
    token = ApiToken.objects.get(pk=new_token(name="laptop")["id"])
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)


def test_a_password_change_revokes_every_token(alice) -> None:
    keys = [new_token(name="laptop")["token"], new_token(name="cron")["token"]]
    alice.set_password("a-new-password-2")
    alice.save()
    assert not any(works(key) for key in keys)
    assert not ApiToken.objects.filter(user=alice).exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(alice) -> None:
    key = new_token(name="laptop")["token"]
    alice.first_name = "Alice"
    alice.save()
    assert works(key)


UPGRADED_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=UPGRADED_HASHERS)
def test_a_password_rehash_at_login_is_no_password_change(alice) -> None:
    alice.password = make_password("alice-password-1", hasher="md5")
    alice.save(update_fields=["password"])
    key = new_token(name="laptop")["token"]  # logging in upgrades the hash to PBKDF2
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_")
    assert works(key)


def test_only_a_hash_of_the_key_is_stored(alice) -> None:
    token = new_token(name="laptop")
    row = ApiToken.objects.filter(pk=token["id"]).values().get()
    assert token["token"] not in {str(value) for value in row.values()}


def test_tokens_from_before_keep_working_after_the_migration(alice, bob) -> None:
    """DRF's authtoken table (what the API used before) is copied, hashed, then emptied."""
    migration = importlib.import_module("annotator.migrations.0003_api_tokens")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp NOT NULL, user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, "2026-01-02 03:04:05", alice.pk],
        )

    class Editor:  # what RunPython hands the function: only its connection is used
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    from django.apps import apps

    migration.copy_drf_tokens(apps, editor)
    assert works(old_key)
    assert ApiToken.objects.get(user=alice).name == "token from before"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0


@override_settings(API_TOKENS_PER_USER=3)
def test_a_user_holds_a_bounded_number_of_tokens(alice) -> None:
    for name in ("a", "b", "c"):
        new_token(name=name)
    response = APIClient().post("/api/auth/token/", ALICE, format="json")
    assert response.status_code == 409 and "revoke some" in response.json()["error"]["message"]
    # Replacing one by its name still works, and an expired one makes room.
    assert works(new_token(name="a")["token"])
    ApiToken.objects.filter(user=alice, name="b").update(expires_at=timezone.now())
    assert works(new_token(name="d")["token"])
    assert sorted(ApiToken.objects.filter(user=alice).values_list("name", flat=True)) == ["a", "c", "d"]


def test_a_password_set_in_the_admin_revokes_every_token(alice) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    key = new_token(name="laptop")["token"]
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="root-password-1"))
    form = {"password1": "Another-pass-2026", "password2": "Another-pass-2026", "usable_password": "true"}
    response = admin.post(f"/admin/auth/user/{alice.pk}/password/", form)
    assert response.status_code == 302, response.content[-2000:]
    assert not works(key)
