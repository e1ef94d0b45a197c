"""The layers are enforced by import-linter in `make lint`; this keeps its contract whole."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
LINTER = PYPROJECT["tool"]["importlinter"]


def _our_packages() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    # Our apps are the packages right beside manage.py (config hosts the admin site).
    ours = {
        config.name.split(".")[0] for config in apps.get_app_configs() if Path(config.path).resolve().parent == base
    }
    return ours | {"config"}


def _layered() -> set[str]:
    [layers] = [c["layers"] for c in LINTER["contracts"] if c["type"] == "layers"]
    return {tail.strip().strip("()") for layer in layers for tail in layer.split("|")}


def test_every_app_of_ours_is_checked_by_the_layers_contract():
    ours = _our_packages()
    assert ours <= set(LINTER["root_packages"]), "an app is missing from [tool.importlinter] root_packages"
    assert ours <= _layered(), "an app is missing from the layers contract"


def test_the_layers_are_the_design_order():
    [layers] = [c["layers"] for c in LINTER["contracts"] if c["type"] == "layers"]
    required = [layer for layer in layers if not layer.startswith("(")]
    assert required == ["portal", "referrals", "cases", "contacts", "housing", "notifications", "config"]
