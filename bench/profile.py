"""One person's daily pages, timed in this process without a server: the
quick before/after check while cutting a page's cost (docs/performance.md).

    DATABASE_URL=postgres://instep:instep@127.0.0.1:5432/instep_bench_seed_copy \
        .venv/bin/python -m bench.profile [page ...] [--profile] [--leader]

Runs against a database ``make bench`` generated (a copy: pages note the
person's presence), through the whole middleware stack with Django's test
client, signed in as the follower (or leader) of demo couple 7. Prints each
page's mean time over ``--requests`` requests and its SQL query count;
``--profile`` adds pyinstrument's call tree.
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--leader", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import demo
    from bench.run import PAGES
    from dynamics.models import Membership
    from talk.models import Matter

    user = User.objects.get(
        email=demo.email_of("leader" if args.leader else "follower", 7)
    )
    me = Membership.objects.get(user=user)
    matter = (
        Matter.objects.filter(dynamic_id=me.dynamic_id).order_by("-opened_at").first()
    )
    ids = {"dynamic_id": me.dynamic_id, "matter_id": matter.pk if matter else 0}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    pages = {
        name: path.format(**ids) for name, path, auth in PAGES if auth == "session"
    }
    pages["bare /health/"] = "/health/"
    for name in args.pages or pages:
        path = pages[name]
        for _ in range(3):  # warm: templates, connections, the day's presence note
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        walls, cpus = [], []  # per request: the median shrugs off the host's noise
        for _ in range(args.requests):
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        wall_ms, cpu_ms = statistics.median(walls), statistics.median(cpus)
        print(
            f"{name:16} {wall_ms:6.1f} ms ({cpu_ms:5.1f} ms CPU here)"
            f"  {len(queries):2} queries"
        )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.requests):
                    client.get(path)
            print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
