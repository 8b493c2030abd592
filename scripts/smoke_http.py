"""The smoke test's checks of a running `make run`, through HTTP only (the standard library:
this runs outside the app's virtualenv). Each step prints a line; the first that fails
prints `smoke FAILED: <step>: <why>` and exits 1.

    python3 scripts/smoke_http.py http://127.0.0.1:PORT
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any

DEMO = "aleppo"
OWNER = ("owner", "owner-demo-2026")
ANNOTATOR = ("alice", "alice-demo-2026")


class StepFailed(Exception):
    pass


def request(base: str, method: str, path: str, *, token: str | None = None, body: Any = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        raise StepFailed(f"{method} {path}: no answer ({error})") from error


def expect_json(base: str, method: str, path: str, *, status: int = 200, **kwargs: Any) -> Any:
    got, body = request(base, method, path, **kwargs)
    if got != status:
        raise StepFailed(f"{method} {path} answered {got}, expected {status}: {body[:200]!r}")
    return json.loads(body)


def token_for(base: str, user: tuple[str, str]) -> str:
    answer = expect_json(base, "POST", "/api/auth/token/", body={"username": user[0], "password": user[1]})
    return str(answer["token"])


def login_page(base: str) -> None:
    status, body = request(base, "GET", "/login")
    if status != 200 or b'<div id="app">' not in body:
        raise StepFailed(f"GET /login answered {status} without the app page")


def schema(base: str) -> None:
    status, body = request(base, "GET", "/api/schema/")
    if status != 200 or b"openapi" not in body:
        raise StepFailed(f"GET /api/schema/ answered {status}")


def training_on_the_worker(base: str) -> None:
    token = token_for(base, OWNER)
    job = expect_json(base, "POST", f"/api/projects/{DEMO}/models/train/", status=202, token=token)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = expect_json(base, "GET", f"/api/jobs/{job['id']}/", token=token)
        if job["status"] == "succeeded":
            return
        if job["status"] == "failed":
            raise StepFailed(f"training job {job['id']} failed: {job.get('error')}")
        time.sleep(1)
    raise StepFailed(f"training job {job['id']} still {job['status']} after 5 minutes (is the worker running?)")


def suggestions_on_next(base: str) -> None:
    """Alice's next document comes with the new model's suggestions, once they are computed
    (the promotion's refresh runs on the worker: `pending` until then). Her document may be
    one no model may show suggestions on (a control document, or one the model trained on
    another annotator's work of: `suggestions_state` says so); then the model must still be
    suggesting on the project's other documents."""
    token = token_for(base, ANNOTATOR)
    deadline = time.monotonic() + 120
    while True:
        served = expect_json(base, "GET", f"/api/projects/{DEMO}/next/", token=token)
        if served.get("document") is None:
            raise StepFailed("next/ served no document to alice")
        if served.get("suggestions"):
            return
        state = served.get("suggestions_state")
        if state in ("control", "excluded_trained_on_it") and _suggested_elsewhere(base):
            return
        if time.monotonic() > deadline:
            raise StepFailed(
                f"next/ served document {served['document'].get('id')} with no suggestions (state {state!r}), "
                "and no other document has any after 2 minutes"
            )
        time.sleep(2)


def _suggested_elsewhere(base: str) -> bool:
    token = token_for(base, OWNER)
    listed = expect_json(base, "GET", f"/api/projects/{DEMO}/documents/?page_size=20", token=token)
    for row in listed["results"]:
        if expect_json(base, "GET", f"/api/documents/{row['id']}/", token=token).get("suggestions"):
            return True
    return False


STEPS = [
    ("the login page answers", login_page),
    ("the API schema answers", schema),
    ("the owner's training succeeds on the worker", training_on_the_worker),
    ("alice's next document comes with suggestions", suggestions_on_next),
]


def main(base: str) -> int:
    for name, step in STEPS:
        try:
            step(base)
        except StepFailed as failure:
            print(f"smoke FAILED: {name}: {failure}", flush=True)
            return 1
        print(f"smoke: {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/")))
