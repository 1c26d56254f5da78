"""`pip install .` ships the ontology, shapes and queries, so the command works from any folder."""

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    return next(out.glob("trialgraph-*.whl"))


def test_wheel_contains_the_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "trialgraph/data/ontology/trialgraph.ttl",
        "trialgraph/data/ontology/value-sets.ttl",
        "trialgraph/data/queries/qc/term-label-violation.rq",
    ):
        assert expected in names


def test_installed_package_checks_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import sys, trialgraph.resources as r;"
        "print(r.data_root());"
        "from trialgraph.cli import main;"
        "main(['check', '--no-reasoner'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    data_root, verdict = result.stdout.splitlines()
    assert data_root.startswith(str(target)), "the data came from the checkout, not the install"
    assert verdict == "all checks passed"
