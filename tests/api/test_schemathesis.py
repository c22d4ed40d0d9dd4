"""Property-based requests generated from /api/v1/openapi.json: no input gives a server error.

Every documented operation is called with a bounded number of generated requests (valid and
invalid bodies, parameters and paths) against the real app on SQLite with the bundled act;
the only check is that none is answered with a 5xx.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from registry.routes import registry_of
from tests.registry.test_api import close, make_app

EXAMPLES = 12


def test_no_generated_request_is_a_server_error(tmp_path: Path) -> None:
    flask_app = make_app(f"sqlite:///{tmp_path}/kense.db", tmp_path)
    registry_of(flask_app).load_seed()
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", flask_app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def no_server_error(case: schemathesis.Case) -> None:
                response = case.call()
                case.validate_response(response, checks=[not_a_server_error])

            no_server_error()
    finally:
        close(flask_app)
