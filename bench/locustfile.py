"""The load: every simulated person signs in as a different demo person and asks
for one page of their own dynamic, again and again, without pause.

``bench.run`` starts locust headless with: ``BENCH_SESSIONS`` (a JSON file of
signed-in sessions: cookie, API token, dynamic and matter ids), ``BENCH_PATH``
(e.g. ``/d/{dynamic_id}/today/``), ``BENCH_AUTH`` (``session``, ``token`` or
``none`` for the bare view) and ``BENCH_NAME`` (the label in the report).
Paths rotate through ``BENCH_PATHS`` (``|``-separated) in the soak instead.
"""

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, task

SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
AUTH = os.environ.get("BENCH_AUTH", "session")
NAME = os.environ.get("BENCH_NAME", "page")
PATHS = (os.environ.get("BENCH_PATHS") or os.environ.get("BENCH_PATH", "/")).split("|")
_next = itertools.count()


class Partner(FastHttpUser):
    wait_time = constant(0)
    # Sent as they are; a redirect to sign in would be an error worth seeing.
    max_redirects = 0

    def on_start(self) -> None:
        person = SESSIONS[next(_next) % len(SESSIONS)]
        self.paths = itertools.cycle([p.format(**person) for p in PATHS])
        self.labels = itertools.cycle(PATHS)
        self.headers = {}
        if AUTH == "session":
            self.headers["Cookie"] = f"sessionid={person['session']}"
        elif AUTH == "token":
            self.headers["Authorization"] = f"Bearer {person['token']}"

    @task
    def page(self) -> None:
        path, label = next(self.paths), next(self.labels)
        name = NAME if len(PATHS) == 1 else label
        with self.client.get(
            path, headers=self.headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
