"""Property-based fuzzing of the whole HTTP API from its OpenAPI document (schemathesis's
strategies on the WSGI app, no socket): for any input the document allows, no answer is a 5xx
and every status is one the document gives for that operation.

Budget: TRIALGRAPH_FUZZ_EXAMPLES examples per operation (default 25), of inputs the document
allows and of inputs it does not (schemathesis's positive and negative modes), for each of two
callers (an admin token, and no token), derandomized so that a run repeats: 28 operations,
about 2,800 requests, a few minutes in all.
(schemathesis's own pytest plugin is not used: its lazy fixtures fail on pytest 9.)
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.conftest import make_app, tokens_of

EXAMPLES = int(os.environ.get("TRIALGRAPH_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance]


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("fuzz") / "data", query_timeout=10.0)
    yield app
    app.extensions["trialgraph"].close()


def operations(app) -> list:
    """Every operation of the app's OpenAPI document."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("role", ["admin", None], ids=["admin-token", "no-token"])
def test_no_input_gives_a_5xx_or_an_undocumented_status(fuzzed_app, role, mode):
    headers = {"Authorization": f"Bearer {tokens_of(fuzzed_app)[role]}"} if role else {}
    failures = []
    for operation in operations(fuzzed_app):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def fuzz(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Unsatisfiable:  # no input breaks the document of an operation without inputs
            assert mode is GenerationMode.NEGATIVE
        except (Exception, BaseExceptionGroup) as error:  # schemathesis: failure groups
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
