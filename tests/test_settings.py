"""Settings come from TRIALGRAPH_* variables with documented defaults; bad values are refused;
the SERVICE allow-list matches whole endpoints, not look-alike hosts."""

from pathlib import Path

import pytest

from tests.conftest import ROOT
from trialgraph.query_guard import allowed
from trialgraph.settings import Settings, SettingsError


def test_defaults():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.tokens_path == Path("trialgraph-data/tokens.json")
    assert settings.service_allowlist == ()


def test_every_setting_from_the_environment():
    settings = Settings.from_env(
        {
            "TRIALGRAPH_DATA_DIR": "/srv/tg",
            "TRIALGRAPH_TOKENS_FILE": "/etc/tg/tokens.json",
            "TRIALGRAPH_QUERY_TIMEOUT": "2.5",
            "TRIALGRAPH_MAX_ROWS": "50",
            "TRIALGRAPH_MAX_UPLOAD_BYTES": "1000",
            "TRIALGRAPH_SERVICE_ALLOWLIST": "https://a.example/sparql, https://b.example/q",
            "TRIALGRAPH_QUERY_WORKERS": "3",
            "TRIALGRAPH_HOST": "0.0.0.0",
            "TRIALGRAPH_PORT": "9000",
        }
    )
    assert settings.data_dir == Path("/srv/tg") and settings.store_dir == Path("/srv/tg/store")
    assert settings.tokens_path == Path("/etc/tg/tokens.json")
    assert (settings.query_timeout, settings.max_rows, settings.max_upload_bytes) == (2.5, 50, 1000)
    assert settings.service_allowlist == ("https://a.example/sparql", "https://b.example/q")
    assert (settings.query_workers, settings.host, settings.port) == (3, "0.0.0.0", 9000)


@pytest.mark.parametrize(
    ("name", "value"),
    [("QUERY_TIMEOUT", "soon"), ("MAX_ROWS", "0"), ("PORT", "-1"), ("QUERY_WORKERS", "1.5")],
)
def test_bad_values_are_refused(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({f"TRIALGRAPH_{name}": value})


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.__dataclass_fields__:
        assert f"`TRIALGRAPH_{name.upper()}`" in readme, name


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://a.example/sparql", True),
        ("https://a.example/sparql/sub", True),
        ("https://a.example/sparql2", False),
        ("https://a.example.evil.test/sparql", False),
        ("http://127.0.0.1:8080/sparql", False),
    ],
)
def test_allow_list_matches_whole_endpoints(endpoint, expected):
    assert allowed(endpoint, ("https://a.example/sparql",)) is expected
