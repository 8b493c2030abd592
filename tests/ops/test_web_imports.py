"""The web app never loads scikit-learn, numpy or scipy (issue 17): a web process started as
gunicorn starts it (import annotator.wsgi in a fresh interpreter, then the URL conf) and
answering the annotators' requests — login, projects, next/ (of a project with a current
model whose suggestions are not computed yet), a save, the documents list, an export
request, a prediction — has imported none of them. Predicting goes to the worker.

Known exception until the agreement report runs as a job (another branch of issue 17): the
agreement package uses numpy and scikit-learn, and the per-document agreement table imports it
when asked. The check records which module asked for each of the three and allows only the
agreement's; at start (the app and its URL conf imported) none of them is loaded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from annotator.models import ModelVersion
from tests.conftest import ROOT, free_port, subprocess_env

HEAVY = ("sklearn", "numpy", "scipy")
KNOWN_EXCEPTIONS = ("annotator.agreement", "annotator.services.agreement", "api.views.agreement")

# Run in the fresh interpreter: records the first module of ours on the stack whenever one
# of HEAVY is imported, starts the app as gunicorn does, answers requests, prints findings.
WEB_PROCESS = r"""
import json, sys, traceback

HEAVY = set(sys.argv[1].split(","))
asked_by = {}

class Recorder:
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in HEAVY and name.split(".")[0] not in asked_by:
            ours = [f.filename for f in traceback.extract_stack() if "/site-packages/" not in f.filename]
            ours = [p for p in ours if p.endswith(".py") and ("/annotator/" in p or "/api/" in p)]
            asked_by[name.split(".")[0]] = ours[-1] if ours else "?"
        return None

sys.meta_path.insert(0, Recorder())

import annotator.wsgi  # what gunicorn imports
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

get_resolver().url_patterns  # the URL conf, as the first request loads it
at_start = sorted(m for m in HEAVY if m in sys.modules)
client = Client()
statuses = {}

def call(name, method, url, data=None):
    response = getattr(client, method)(url, data=json.dumps(data) if data is not None else None,
                                       content_type="application/json")
    statuses[name] = response.status_code
    if response.status_code >= 400:
        print(name, response.status_code, response.content[:300], file=sys.stderr)
    return response.json() if response.get("Content-Type", "").startswith("application/json") else None

call("login", "post", "/api/auth/login/", {"username": "alice", "password": "alice-password-1"})
call("projects", "get", "/api/projects/")
got = call("next", "get", "/api/projects/aleppo/next/")
document = got["document"]["id"]
mine = call("mine", "get", f"/api/documents/{document}/annotations/mine/")
call("save", "put", f"/api/documents/{document}/annotations/mine/",
     {"spans": [], "status": "draft", "version": mine["version"]})
call("documents", "get", "/api/projects/aleppo/documents/")
call("open", "get", f"/api/documents/{document}/")
call("predict", "post", "/api/projects/aleppo/predict/", {"text": "Warplanes struck Aleppo."})
call("logout", "post", "/api/auth/logout/", {})
call("owner login", "post", "/api/auth/login/", {"username": "olivia", "password": "olivia-password-1"})
call("export", "get", "/api/projects/aleppo/export/?format=jsonl&source=all")
print(json.dumps({"statuses": statuses, "asked_by": asked_by, "at_start": at_start,
                  "pending": got["suggestions_pending"], "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


@pytest.mark.django_db(transaction=True)
def test_the_web_app_loads_no_scikit_learn_numpy_or_scipy(project, alice, owner) -> None:
    # The subprocess checks passwords with production's hasher list (the tests' MD5 is not in it).
    for user in (alice, owner):
        user.password = PBKDF2PasswordHasher().encode(f"{user.username}-password-1", "websalt1234", iterations=1000)
        user.save(update_fields=["password"])
    ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.CURRENT, artifact=b"x")
    env = subprocess_env(
        # A broker nobody answers on: the web queues and asks, the worker never runs here.
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        PREDICT_WAIT_SECONDS="0.2",
        SUGGESTIONS_WAIT_SECONDS="0.2",
        DEBUG="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS, ",".join(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])

    assert found["statuses"] == {
        "login": 200,
        "projects": 200,
        "next": 200,
        "mine": 200,
        "save": 200,
        "documents": 200,
        "open": 200,
        "predict": 503,  # no worker: "try again", never a prediction in the web process
        "logout": 204,
        "owner login": 200,
        "export": 200,  # a small project's export streams
    }
    assert found["pending"] is True  # the document's suggestions were asked of the worker
    # Started, it holds none of them, the agreement's neither: they are loaded, if ever, by the
    # request that needs them, never by every web process at start (start-up time, memory).
    assert found["at_start"] == []
    modules = {module: path[len(str(ROOT)) + 1 : -3].replace("/", ".") for module, path in found["asked_by"].items()}
    unexpected = {m: by for m, by in modules.items() if not by.startswith(KNOWN_EXCEPTIONS)}
    assert unexpected == {}, f"the web imports {unexpected} (module: who imported it)"
    if not modules:
        assert found["loaded"] == []
