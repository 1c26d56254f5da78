"""`pip install .` ships the workspace's templates, stylesheet and queries in the wheel."""

import zipfile

from tests.test_packaging import wheel  # noqa: F401  (the fixture that builds the wheel)


def test_wheel_contains_templates_static_files_and_queries(wheel):  # noqa: F811  (the imported fixture)
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "trialgraph/ui/templates/base.html",
        "trialgraph/ui/templates/dashboard.html",
        "trialgraph/ui/static/style.css",
        "trialgraph/ui/queries/outcomes.rq",
    ):
        assert expected in names, f"{expected} is not in the wheel"
