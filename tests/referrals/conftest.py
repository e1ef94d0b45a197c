"""Real services for the outbox's integration tests: an SMTP sink, a Celery worker, Redis.

Nothing here is a mock. The SMTP sink is a real SMTP server (aiosmtpd) in a thread
of the test process; the worker is `celery -A config worker` in a subprocess that
reads the committed test data from the shared PostgreSQL test database; Redis is
either the one CI gives us (REDIS_URL, on a db number of our own) or a throw-away
redis-server that a test may stop and start again to play an outage.
"""

import contextlib
import email
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email import policy
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]

# Our own Redis db number on CI's Redis: the rest of the suite publishes to db 0
# with no worker listening, and a worker here must not pick that up.
WORKER_REDIS_DB = 9

WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "config", "worker",
    "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
    "--without-mingle", "-Q", "celery", "--loglevel=INFO",
]  # fmt: skip


def free_port() -> int:
    """A TCP port on loopback that nobody listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, watch=None, interval: float = 0.1):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds.

    `watch` (a Worker) makes the wait fail at once when that process dies, and
    puts its log in the failure message: a failure says why, not only "timeout".
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if watch is not None and not watch.running:
            pytest.fail(f"the worker died while waiting for {what}\n{watch.diagnostics()}")
        if time.monotonic() > deadline:
            details = watch.diagnostics() if watch is not None else ""
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n{details}")
        time.sleep(interval)


# --- SMTP sink ----------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def everything(self) -> str:
        """Every header (decoded) and every text part (decoded), plus the raw bytes.

        The raw text alone would miss a name hidden in base64 or quoted-printable;
        the decoded text alone would miss something in an odd header.
        """
        message = self.message
        pieces = [f"{name}: {value}" for name, value in message.items()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                pieces.append(part.get_content())
        pieces.append(self.raw.decode("utf-8", errors="replace"))
        return "\n".join(pieces)


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self._lock = threading.Lock()
        self._messages: list[ReceivedMail] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        """For django-environ's EMAIL_URL (plain SMTP, no TLS, no login)."""
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        mail = ReceivedMail(
            mail_from=envelope.mail_from,
            recipients=tuple(envelope.rcpt_tos),
            raw=envelope.original_content or envelope.content,
        )
        with self._lock:
            self._messages.append(mail)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.messages if address in mail.recipients]

    def wait_for(self, *addresses: str, timeout: float = 30, watch=None) -> dict[str, ReceivedMail]:
        """Wait until every address has received a message; the first one for each."""

        def arrived():
            received = {address: self.to(address) for address in addresses}
            if all(received.values()):
                return {address: mails[0] for address, mails in received.items()}
            return None

        return wait_until(
            arrived,
            timeout=timeout,
            what=f"e-mail to {', '.join(addresses)} (received so far: {[mail.recipients for mail in self.messages]})",
            watch=watch,
        )


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


def assert_nothing_sensitive(mails, *secrets: str) -> None:
    """None of the secrets appears anywhere in any message (headers, bodies, raw)."""
    assert mails, "no e-mail to check"
    for mail in mails:
        text = mail.everything()
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into the e-mail to {mail.recipients}"


# --- Services the worker needs ------------------------------------------------------


@pytest.fixture
def require_postgres():
    """Tests of what only PostgreSQL does: the worker, another process, sees the test
    data only in a shared PostgreSQL; the district's composite foreign key exists only there."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        skip_or_fail("DATABASE_URL does not point at PostgreSQL (the worker and the database's own rules need it)")


def redis_flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def shared_redis_url():
    """CI's Redis (REDIS_URL), on a db number of our own, flushed before and after."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        skip_or_fail("REDIS_URL is not set: no Redis for the Celery worker")
    # One db number per pytest-xdist worker, so parallel runs never flush each other's queue.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    url = urlunsplit(urlsplit(url)._replace(path=f"/{WORKER_REDIS_DB + worker % 7}"))
    redis_flush(url)
    try:
        yield url
    finally:
        redis_flush(url)


class RedisServer:
    """A throw-away redis-server on a free loopback port that a test may stop and restart."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _ping(self) -> bool:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        assert self.process is None, "already running"
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        wait_until(
            lambda: self._ping() or self.process.poll() is not None,
            timeout=10,
            what=f"redis-server on port {self.port}",
        )
        if self.process.poll() is not None:
            output = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
            self.process = None
            pytest.fail(f"redis-server on port {self.port} did not start:\n{output}")

    def stop(self) -> None:
        """Stop it for good: afterwards the port refuses connections."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- Celery --------------------------------------------------------------------------


def _reset_broker_pools(app) -> None:
    """Forget the broker connections the app made, so the next publish uses the new URL.

    The app keeps its connection pool (and kombu keeps global pools keyed by URL)
    from the first publish on; changing app.conf alone would not reach them.
    """
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_at(settings, redis_url: str, *, timeout: float | None = None):
    """Point the test process at a real broker: Django settings and the Celery app.

    config/celery.py read Django's settings once, when the app was first used, so
    the `settings` fixture alone does not reach Celery: the app is reconfigured
    here and restored afterwards. With a `timeout`, the broker timeouts are set as
    settings.py derives them from BROKER_TIMEOUT_SECONDS; without one, the app
    keeps the timeouts settings.py gave it.
    """
    from config.celery import app

    changes = {"broker_url": redis_url, "task_always_eager": False}
    if timeout is not None:
        changes["broker_transport_options"] = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        }
        changes["broker_connection_timeout"] = timeout
    saved = {key: app.conf[key] for key in changes}  # also loads the conf, before we touch settings

    settings.REDIS_URL = redis_url
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    if timeout is not None:
        settings.BROKER_TIMEOUT_SECONDS = timeout
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = changes["broker_transport_options"]
        settings.CELERY_BROKER_CONNECTION_TIMEOUT = timeout
    _reset_broker_pools(app)
    app.conf.update(changes)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_broker_pools(app)


def worker_database_url() -> str:
    """A DATABASE_URL for pytest-django's test database (it renames the database)."""
    from django.db import connection

    db = connection.settings_dict
    assert connection.vendor == "postgresql", "the worker needs the shared PostgreSQL test database"
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def diagnostics(self) -> str:
        state = "running" if self.running else f"exited with {self.process.returncode}"
        return f"worker {state}; its log ends:\n{self.log()[-4000:]}"


@contextlib.contextmanager
def celery_worker(*, redis_url: str, email_url: str, log_path: Path):
    """A real `celery -A config worker` against the test database, always stopped after."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": email_url,
        "DEBUG": "false",
        "SECRET_KEY": "test",
        # The worker must read the same encrypted fields as the test process.
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "CPR_LOOKUP_KEY": settings.CPR_LOOKUP_KEY,
        "SECURE": "false",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    # Celery prefers CELERY_BROKER_URL from the environment over its configuration.
    env.pop("CELERY_BROKER_URL", None)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(WORKER_COMMAND, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield Worker(process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
