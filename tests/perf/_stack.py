"""The whole stack on loopback for bench_filing.py and load_stack.py: gunicorn, one
Celery worker, an SMTP sink, sessions for the seeded users, locust headless, the lock
sampler and the outbox check.

Not a test module: pytest collects nothing here. The scripts `import _stack` after
`_bench.setup_django()`. The locust users are in _locustfile.py (locust runs in a
process of its own: it patches the standard library with gevent on import).
"""

import csv
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import _bench
from _bench import ROOT

PERF = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
# Production-like, apart from HTTPS: DEBUG off, real SMTP to the sink.
SERVER_ENV = {
    **_bench.PRODUCTION_ENV,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "PYTHONUNBUFFERED": "1",
}


def share_keys() -> None:
    """This process signs the sessions gunicorn reads and encrypts what it reads: the same keys."""
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "CPR_LOOKUP_KEY"):
        os.environ[name] = SERVER_ENV[name]


# What both scripts seed before the load, as bench_referrals.py does.
SIZES = {
    "concerns": (100_000, 300, "existing concerns to seed"),
    "departments": (500, 20, "departments to seed"),
    "districts": (10, 4, "districts to seed"),
    "organisations": (8, 8, "housing organisations"),
    "advisors": (20, 4, "advisors to seed"),
}


def parse_args(description, argv, *, users, seconds, explain_help, reuse_help):
    """The seed sizes, the stack's flags, and --users/--seconds: (full, smoke) defaults."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    _bench.add_arguments(parser, sizes=SIZES, seed=20260101, explain_help=explain_help, reuse_help=reuse_help)
    add_stack_arguments(parser, users=users[0], seconds=seconds[0])
    args = parser.parse_args(argv)
    _bench.apply_sizes(args, SIZES)
    for name, (full, smoke) in {"users": users, "seconds": seconds}.items():
        if getattr(args, name) is None:
            setattr(args, name, smoke if args.smoke else full)
    return args


def contact_persons(n: int):
    """The first n seeded contact persons with the department each serves (after setup_django)."""
    from contacts.models import Appointment

    appointments = (
        Appointment.objects.filter(contact_person__user__username__startswith="bench-contact")
        .select_related("contact_person__user")
        .order_by("department_id")[:n]
    )
    return [(a.contact_person.user, a.department_id) for a in appointments]


def add_stack_arguments(parser, *, users, seconds) -> None:
    parser.add_argument("--users", type=int, help=f"concurrent locust users (default {users})")
    parser.add_argument("--seconds", type=int, help=f"how long the load runs (default {seconds})")
    parser.add_argument("--port", type=int, default=18030, help="gunicorn's port on 127.0.0.1 (default 18030)")
    parser.add_argument("--smtp-port", type=int, default=18031, help="the SMTP sink's port (default 18031)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1: sync)")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="the Celery worker's processes (default 2)")
    parser.add_argument(
        "--url", help="a gunicorn already running against the same DATABASE_URL/REDIS_URL (then none is started)"
    )


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        print("set REDIS_URL to a THROW-AWAY Redis (the Celery broker of the stack)", file=sys.stderr)
        sys.exit(2)
    return url


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    client.flushdb()
    client.close()


# --- Processes -------------------------------------------------------------------


class SmtpCounter:
    """A real SMTP server (aiosmtpd) that counts what it is given and keeps nothing."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.messages = 0
        self.recipients: dict[str, int] = {}
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages += 1
            for address in envelope.rcpt_tos:
                self.recipients[address] = self.recipients.get(address, 0) + 1
        return "250 OK"


def wait_for_http(url: str, *, timeout: float, process=None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:g} s")
        time.sleep(0.2)


@contextmanager
def process(command, *, env, log_path: Path):
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def stack(args, *, workdir: Path):
    """Start the SMTP sink, a Celery worker and (unless --url) gunicorn; yield (base URL, sink)."""
    broker = redis_url()
    flush_redis(broker)
    env = {
        **os.environ,
        **SERVER_ENV,
        "REDIS_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}",
    }
    env.pop("CELERY_BROKER_URL", None)
    with ExitStack() as stack_:
        sink = SmtpCounter(args.smtp_port)
        sink.controller.start()
        stack_.callback(sink.controller.stop)
        worker = stack_.enter_context(
            process(
                [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool=prefork",
                 f"--concurrency={args.celery_concurrency}", "--without-heartbeat", "--without-gossip",
                 "--without-mingle", "-Q", "celery", "--loglevel=WARNING"],
                env=env,
                log_path=workdir / "celery.log",
            )
        )  # fmt: skip
        pids = {"Celery worker": worker.pid}
        if args.url:
            base = args.url.rstrip("/")
        else:
            _bench.collectstatic()
            base = f"http://127.0.0.1:{args.port}"
            worker_class = ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
            gunicorn = stack_.enter_context(
                process(
                    [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
                     "--workers", str(args.web_workers), *worker_class, "--access-logfile", "-",
                     "--access-logformat", "%(m)s %(U)s %(s)s %(M)s"],
                    env=env,
                    log_path=workdir / "gunicorn.log",
                )
            )  # fmt: skip
            wait_for_http(f"{base}/healthz", timeout=60, process=gunicorn)
            pids["gunicorn"] = gunicorn.pid
        # The worker is ready when it has taken a first message: the sweeper's.
        time.sleep(3 if worker.poll() is None else 0)
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited: {(workdir / 'celery.log').read_text()[-2000:]}")
        sink.pids = pids
        yield base, sink


# --- Sessions ---------------------------------------------------------------------


def session_cookies(users) -> list[str]:
    """A signed-in session per user (as after a login), for locust to send as a cookie."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


# --- Locks ------------------------------------------------------------------------


def statement_shape(query: str) -> str:
    """ "INSERT sequences_sequence": the kind of statement and its table, no values."""
    verb = re.match(r"\s*(\w+)", query)
    table = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)', query, re.IGNORECASE)
    return f"{verb.group(1).upper() if verb else '?'} {table.group(1) if table else '?'}"


class LockSampler(threading.Thread):
    """Every 50 ms: which backends wait for a lock, and on what (statement kind and table
    only, never the statement's values)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = 0
        self.waiting_samples = 0
        self.max_waiting = 0
        self.waits: dict[str, int] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            while not self.stopped.is_set():
                cursor.execute(
                    "SELECT wait_event, left(query, 80) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                rows = cursor.fetchall()
                self.samples += 1
                if rows:
                    self.waiting_samples += 1
                    self.max_waiting = max(self.max_waiting, len(rows))
                    for wait_event, query in rows:
                        shape = statement_shape(query or "")
                        key = f"{wait_event}: {shape}"
                        self.waits[key] = self.waits.get(key, 0) + 1
                time.sleep(0.05)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)

    def report(self) -> list[str]:
        share = self.waiting_samples / self.samples if self.samples else 0
        lines = [
            f"lock waits: {self.waiting_samples:,} of {self.samples:,} samples (every 50 ms) had a backend "
            f"waiting for a lock ({share:.1%}); at most {self.max_waiting} at once"
        ]
        lines += [f"  {count:>6,}× {what}" for what, count in sorted(self.waits.items(), key=lambda kv: -kv[1])]
        return lines


# --- CPU --------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds spent by each part of the stack during the load, from /proc (psutil):
    on a shared machine the wall-clock numbers drift, CPU per filing does not."""

    def __init__(self, pids: dict[str, int], database: str):
        self.pids, self.database = pids, database

    def _sample(self) -> dict[str, float]:
        import psutil

        def tree(pid: int) -> float:
            try:
                root = psutil.Process(pid)
                return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])
            except psutil.Error:
                return 0.0

        sample = {name: tree(pid) for name, pid in self.pids.items()}
        postgres = 0.0
        for proc in psutil.process_iter(["username", "cmdline"]):
            try:
                if proc.info["username"] == "postgres" and f" {self.database} " in " ".join(proc.info["cmdline"] or []):
                    postgres += sum(proc.cpu_times()[:2])
            except psutil.Error:
                pass
        sample["PostgreSQL backends"] = postgres
        times = psutil.cpu_times()
        sample["whole machine"] = times.user + times.system + getattr(times, "nice", 0.0)
        return sample

    def __enter__(self):
        self.before = self._sample()
        return self

    def __exit__(self, *exc):
        self.after = self._sample()

    def report(self, *, filings: int, locust_cpu: float) -> list[str]:
        used = {name: self.after[name] - self.before[name] for name in self.after}
        used["locust"] = locust_cpu
        lines = [f"CPU during the load (seconds, and ms per filing over {filings:,} filings):"]
        for name, seconds in used.items():
            per = seconds / filings * 1000 if filings else 0
            lines.append(f"  {name:<22}{seconds:>8.1f} s{per:>8.1f} ms")
        return lines


# --- Locust -----------------------------------------------------------------------


def run_locust(*, base: str, user_classes: list[str], users: int, seconds: int, config: dict, workdir: Path) -> dict:
    """locust headless, bounded in users and time; returns its stats per endpoint."""
    config_path = workdir / "locust-config.json"
    config_path.write_text(json.dumps(config))
    prefix = workdir / "locust"
    command = [
        str(VENV_BIN / "locust"), "-f", str(PERF / "_locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING", *user_classes,
    ]  # fmt: skip
    env = {**os.environ, "BINDELED_LOCUST_CONFIG": str(config_path)}
    started = time.monotonic()
    children_before = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    locust_cpu = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]) - children_before
    if result.returncode not in (0, 1):  # 1: some requests failed, reported below
        raise RuntimeError(f"locust exited with {result.returncode}:\n{result.stderr[-3000:]}")
    stats = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "max": float(row["Max Response Time"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = [f"{row['Occurrences']}× {row['Name']}: {row['Error'][:200]}" for row in csv.DictReader(handle)]
    return {
        "stats": stats,
        "failures": failures,
        "elapsed": elapsed,
        "locust_cpu": locust_cpu,
        "stderr": result.stderr[-2000:],
    }


def print_stats(stats: dict) -> None:
    print(f"{'endpoint':<34}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    print("-" * 88)
    for name, row in stats.items():
        print(
            f"{name:<34}{row['requests']:>10,}{row['failures']:>8,}{row['rps']:>9.1f}"
            f"{row['p50']:>9.0f}{row['p95']:>9.0f}{row['max']:>9.0f}"
        )


# --- The outbox -------------------------------------------------------------------


def outbox_drained(*, since_id: int, sink: SmtpCounter, sent_before: int, timeout: float) -> dict:
    """Wait until every notification written after since_id is sent (or failed); count them."""
    from django.db.models import Count

    from notifications.models import Notification

    started = time.monotonic()
    while True:
        states = dict(
            Notification.objects.filter(pk__gt=since_id).values_list("state").annotate(n=Count("pk")).order_by()
        )
        pending = states.get(Notification.State.PENDING, 0)
        if not pending or time.monotonic() - started > timeout:
            break
        time.sleep(0.5)
    total = sum(states.values())
    return {
        "rows": total,
        "sent": states.get(Notification.State.SENT, 0),
        "pending": pending,
        "failed": states.get(Notification.State.FAILED, 0),
        "smtp_received": sink.messages - sent_before,
        "drain_seconds": time.monotonic() - started,
    }


def outbox_ok(outbox: dict) -> bool:
    return outbox["rows"] > 0 and outbox["sent"] == outbox["rows"] == outbox["smtp_received"]


def print_outbox(outbox: dict) -> None:
    verdict = "ALL DELIVERED" if outbox_ok(outbox) else "NOT ALL DELIVERED"
    print(
        f"outbox: {outbox['rows']:,} rows written during the run; sent {outbox['sent']:,}, pending "
        f"{outbox['pending']:,}, failed {outbox['failed']:,}; the SMTP sink received {outbox['smtp_received']:,}; "
        f"drained {outbox['drain_seconds']:.1f} s after the load stopped: {verdict}"
    )


def last_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def db_url_for_display() -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    return urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
