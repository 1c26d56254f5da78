"""Fixtures of the attack tests (`app`, `client` and `loopback_site` come from
tests/conftest.py)."""

import pytest

from tests.ui.conftest import ui_app_on


@pytest.fixture
def mixed_app(tmp_path):
    """Fifteen patients: eligible, one enrolled, ineligible and undetermined ones."""
    app = ui_app_on(tmp_path / "data")
    yield app
    app.extensions["trialgraph"].close()
