"""A newcomer's first hour: the demo's two example files and make's PORT."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_serves_on_another_port_and_mails_link_to_it():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8100" in plan
    assert "SITE_URL=http://127.0.0.1:8100" in plan and "seed_demo" in plan


def test_make_reset_demo_starts_the_demo_over():
    plan = subprocess.run(["make", "-n", "reset-demo"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "rm -f var/db.sqlite3" in plan and "seed_demo" in plan


def test_the_example_environment_is_safe_to_copy_for_the_demo(tmp_path):
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            example[key.strip()] = value.strip()
    assert example.get("DEBUG") == "true"
    assert not {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} & set(example), "the demo needs none of these"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "BINDELED_REQUIRE_SERVICES")}
    env.update(example, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PYTHONPATH=str(ROOT))
    check = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_production_example_names_every_required_secret():
    production = (ROOT / ".env.production.example").read_text()
    for key in (
        "SECRET_KEY=",
        "FIELD_ENCRYPTION_KEYS=",
        "CPR_LOOKUP_KEY=",
        "DATABASE_URL=",
        "REDIS_URL=",
        "DEBUG=false",
    ):
        assert key in production
