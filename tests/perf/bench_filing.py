"""Filings per second through the whole stack: gunicorn (2 workers), PostgreSQL, Redis,
one Celery worker and a real SMTP sink, all on loopback.

Seeds a throw-away database as bench_referrals.py does (tests/perf/_seed_referrals.py,
default 100,000 existing concerns), signs in --users contact persons, and lets locust
post the real concern form (CSRF and one-time token included) as fast as it is
answered for --seconds. Prints filings per second, p50/p95 of the POST, errors, the
queries of one POST, lock waits seen in pg_stat_activity, and whether every outbox
row written during the run reached the SMTP sink. Exits 1 on an error, an undelivered
notification or (full run) fewer than 100 filings per second. See README.md.

    DATABASE_URL=postgres://…/bench_filing REDIS_URL=redis://127.0.0.1:PORT/1 \\
        .venv/bin/python tests/perf/bench_filing.py [--smoke] [--concerns N] [--users N] [--seconds N]
"""

import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench  # noqa: E402 - after the path above
import _stack  # noqa: E402

SCRIPT = "bench_filing.py"
TARGET_PER_SECOND = 100
STACK_DEFAULTS = {"users": (16, 4), "seconds": (60, 5)}


def parse_args(argv=None):
    return _stack.parse_args(
        __doc__,
        argv,
        **STACK_DEFAULTS,
        explain_help="print EXPLAIN (ANALYZE, BUFFERS) of the SELECTs of one filing",
        reuse_help="the database already holds concerns: file on top of them, do not seed",
    )


def one_filing(user, department_id: int):
    """One POST in this process (the same code and settings, with the broker): its queries."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/referrals/new/")
    data = {
        "department": str(department_id),
        "address": "Bench-vej 1",
        "unit": "st.",
        "categories": ["isolation", "smell"],
        "children_present": "unknown",
        "description": f"Én filing talt i denne proces ({uuid.uuid4()})",
        "source": "own_observation",
        "submission_token": str(uuid.uuid4()),
    }
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/referrals/new/", data)
    queries = list(captured.captured_queries)
    assert response.status_code == 302, f"the in-process filing answered HTTP {response.status_code}"
    return queries


def main(argv=None) -> int:
    args = parse_args(argv)
    _stack.share_keys()
    _bench.setup_django()

    from django.conf import settings

    from notifications.models import Notification
    from referrals.models import Referral

    _stack.redis_url()
    _bench.check_target(
        args,
        script=SCRIPT,
        holds_data=[("referrals_referral", "concerns")],
        user_prefix="bench-",
        reuse_needs_data=None,
    )
    _bench.migrate()
    if args.seed_data:
        import _seed_referrals

        _seed_referrals.seed(args)  # VACUUM ANALYZE included
    existing = Referral.objects.count()
    contacts = _stack.contact_persons(max(args.users, 1))
    if not contacts:
        _bench.fail(SCRIPT, "no bench-contact* users: seed a fresh database (without --reuse)")
    print(f"Data: {existing:,} concerns, {len(contacts)} contact persons signed in for the load")
    cookies = _stack.session_cookies([user for user, _ in contacts])
    config = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "contacts": [
            {"session": cookie, "department": department}
            for cookie, (_, department) in zip(cookies, contacts, strict=True)
        ],
        "form_each_time": False,
    }

    with (
        tempfile.TemporaryDirectory(prefix="bench-filing-") as tmp,
        _stack.stack(args, workdir=Path(tmp)) as (
            base,
            sink,
        ),
    ):
        workdir = Path(tmp)
        since_id = _stack.last_id(Notification)
        referrals_before = _stack.last_id(Referral)
        queries = one_filing(*contacts[0])
        print(
            f"\nOne filing POST in this process (broker configured: e-mails left to the worker): {len(queries)} queries"
        )
        for number, query in enumerate(queries, 1):
            print(f"  {number:>2}. {_stack.statement_shape(query['sql'])}")
        if args.explain:
            for label, sql in [(q["sql"][:60], q["sql"]) for q in queries if q["sql"].lstrip().startswith("SELECT")]:
                _bench.explain_query(label, sql)

        print(
            f"\nLoad: {args.users} locust users, each posting the form as soon as the last one was answered, "
            f"for {args.seconds} s against {base} ({args.web_workers} gunicorn workers, "
            f"{'sync' if args.threads == 1 else f'{args.threads} threads each'}; Celery concurrency "
            f"{args.celery_concurrency})"
        )
        sampler = _stack.LockSampler()
        sampler.start()
        cpu = _stack.CpuMeter(sink.pids, settings.DATABASES["default"]["NAME"])
        cpu.__enter__()
        started = time.monotonic()
        result = _stack.run_locust(
            base=base,
            user_classes=["ContactPerson"],
            users=args.users,
            seconds=args.seconds,
            config=config,
            workdir=workdir,
        )
        sampler.stop()
        cpu.__exit__()
        wall = time.monotonic() - started
        filed = Referral.objects.filter(pk__gt=referrals_before).count() - 1  # less the in-process one
        outbox = _stack.outbox_drained(since_id=since_id, sink=sink, sent_before=0, timeout=max(60, args.seconds * 2))

    _stack.print_stats(result["stats"])
    post = result["stats"].get("POST /referrals/new/ (file)", {"requests": 0, "failures": 0, "p50": 0, "p95": 0})
    errors = sum(row["failures"] for name, row in result["stats"].items() if name != "Aggregated")
    rate = (post["requests"] - post["failures"]) / args.seconds
    print(
        f"\nfilings: {filed:,} concerns filed in {args.seconds} s of load = {rate:.1f} filings/s "
        f"(POST p50 {post['p50']:.0f} ms, p95 {post['p95']:.0f} ms; errors {errors}; locust ran {wall:.1f} s)"
    )
    for failure in result["failures"]:
        print(f"  error: {failure}")
    for line in sampler.report():
        print(line)
    for line in cpu.report(filings=filed, locust_cpu=result["locust_cpu"]):
        print(line)
    _stack.print_outbox(outbox)

    missed = []
    # Posts still in flight when locust stops are filed but not counted: filed may be more.
    if errors or filed < post["requests"] - post["failures"]:
        missed.append("errors, or fewer concerns filed than POSTs answered")
    if not _stack.outbox_ok(outbox):
        missed.append("not every notification delivered")
    if not args.smoke and rate < TARGET_PER_SECOND:
        missed.append(f"fewer than {TARGET_PER_SECOND} filings/s")
    if missed:
        print(f"MISSES TARGET: {'; '.join(missed)}")
        return 1
    print(
        f"target: ≥ {TARGET_PER_SECOND} filings/s, no errors, every notification delivered: "
        + ("smoke run (rate not checked)" if args.smoke else "met")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
