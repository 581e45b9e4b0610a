"""README_SOURCES.md's settings blocks validate against the connectors' own options: the doc cannot drift."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from connectors import CONNECTORS
from monitor.config.schema import SourceSettings

DOC = Path(__file__).resolve().parents[2] / "README_SOURCES.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _secrets(value):
    """{env: NAME} arrives as the variable's string; any string stands in for it here."""
    if isinstance(value, dict):
        return "secret-from-env" if set(value) == {"env"} else {k: _secrets(v) for k, v in value.items()}
    return [_secrets(v) for v in value] if isinstance(value, list) else value


SOURCES = [s for block in BLOCKS for s in yaml.safe_load(block)]


@pytest.mark.parametrize("entry", SOURCES, ids=[s["name"] for s in SOURCES])
def test_each_documented_block_validates(entry):
    settings = SourceSettings.model_validate(_secrets(entry))
    CONNECTORS[settings.kind].Options.model_validate(settings.options())


def test_every_registered_kind_is_documented():
    assert set(CONNECTORS) == {s["kind"] for s in SOURCES}
