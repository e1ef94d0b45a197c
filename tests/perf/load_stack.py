"""A load test of the whole stack: 50 users for 2 minutes, advisors reading their queue
and contact persons filing concerns, against gunicorn (2 workers), PostgreSQL, Redis,
one Celery worker and a real SMTP sink, all on loopback.

Contact persons open the form, post it (CSRF and one-time token from the page) and
open the receipt; advisors read the first page of their queue, a filtered queue,
page 2 and the htmx refresh. Every user waits 0.5–1.5 s between actions, as people
do. Prints requests/s, p50/p95 per endpoint, errors, lock waits and whether every
outbox row written during the run reached the SMTP sink. Exits 1 on any error or an
undelivered notification. See README.md.

    DATABASE_URL=postgres://…/load_stack REDIS_URL=redis://127.0.0.1:PORT/1 \\
        .venv/bin/python tests/perf/load_stack.py [--smoke] [--users 50] [--seconds 120]
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench  # noqa: E402 - after the path above
import _stack  # noqa: E402

SCRIPT = "load_stack.py"
STACK_DEFAULTS = {"users": (50, 6), "seconds": (120, 8)}
# Of the users, this share are contact persons filing; the rest are advisors reading.
FILING_SHARE = 0.5


def parse_args(argv=None):
    return _stack.parse_args(
        __doc__,
        argv,
        **STACK_DEFAULTS,
        explain_help="(not used)",
        reuse_help="the database already holds concerns: load it as it is, do not seed",
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    _stack.share_keys()
    _bench.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from notifications.models import Notification
    from referrals.models import Referral

    _stack.redis_url()
    _bench.check_target(args, script=SCRIPT, holds_data=[("referrals_referral", "concerns")], user_prefix="bench-")
    _bench.migrate()
    if args.seed_data:
        import _seed_referrals

        _seed_referrals.seed(args)  # VACUUM ANALYZE included
    filers = max(1, round(args.users * FILING_SHARE))
    readers = max(1, args.users - filers)
    contacts = _stack.contact_persons(filers)
    advisors = list(get_user_model().objects.filter(username__startswith="bench-advisor").order_by("pk"))
    print(
        f"Data: {Referral.objects.count():,} concerns; {len(contacts)} contact persons filing, "
        f"{readers} advisor sessions over {len(advisors)} advisors reading"
    )
    config = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "contacts": [
            {"session": cookie, "department": department}
            for cookie, (_, department) in zip(
                _stack.session_cookies([user for user, _ in contacts]), contacts, strict=True
            )
        ],
        "advisors": [{"session": cookie} for cookie in _stack.session_cookies(advisors)],
        "form_each_time": True,
        "think": [0.5, 1.5],
        "contact_weight": filers,
        "advisor_weight": readers,
    }

    with (
        tempfile.TemporaryDirectory(prefix="load-stack-") as tmp,
        _stack.stack(args, workdir=Path(tmp)) as (
            base,
            sink,
        ),
    ):
        since_id = _stack.last_id(Notification)
        referrals_before = _stack.last_id(Referral)
        print(
            f"\nLoad: {args.users} locust users ({filers} filing, {readers} reading; 0.5–1.5 s between actions) "
            f"for {args.seconds} s against {base} ({args.web_workers} gunicorn workers, Celery concurrency "
            f"{args.celery_concurrency})"
        )
        sampler = _stack.LockSampler()
        sampler.start()
        cpu = _stack.CpuMeter(sink.pids, settings.DATABASES["default"]["NAME"])
        cpu.__enter__()
        result = _stack.run_locust(
            base=base,
            user_classes=["ContactPerson", "Advisor"],
            users=args.users,
            seconds=args.seconds,
            config=config,
            workdir=Path(tmp),
        )
        sampler.stop()
        cpu.__exit__()
        filed = Referral.objects.filter(pk__gt=referrals_before).count()
        outbox = _stack.outbox_drained(since_id=since_id, sink=sink, sent_before=0, timeout=max(60, args.seconds))

    _stack.print_stats(result["stats"])
    errors = sum(row["failures"] for name, row in result["stats"].items() if name != "Aggregated")
    total = result["stats"].get("Aggregated", {"requests": 0, "rps": 0.0})
    print(
        f"\n{total['requests']:,} requests, {total['rps']:.1f} requests/s; {filed:,} concerns filed "
        f"({filed / args.seconds:.1f}/s); errors {errors}"
    )
    for failure in result["failures"]:
        print(f"  error: {failure}")
    for line in sampler.report():
        print(line)
    for line in cpu.report(filings=filed, locust_cpu=result["locust_cpu"]):
        print(line)
    _stack.print_outbox(outbox)
    missed = []
    if errors:
        missed.append(f"{errors} errors")
    if not _stack.outbox_ok(outbox):
        missed.append("not every notification delivered")
    if missed:
        print(f"MISSES TARGET: {'; '.join(missed)}")
        return 1
    print("target: zero errors and every notification delivered: met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
