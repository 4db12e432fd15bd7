"""The API fuzzed from its own OpenAPI document (schemathesis): no input makes it answer 5xx."""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis

from web.conftest import Coop


def test_no_input_makes_the_api_fail(app, coop: Coop) -> None:  # type: ignore[no-untyped-def]
    # schemathesis's pytest plugin predates pytest 9: drive its Hypothesis strategies directly.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    token = {"Authorization": f"Bearer {coop.tokens['A-admin']}"}
    failures: list[str] = []
    calls: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            # Each generated call is made with member A's admin token and anonymously.
            for headers in (token, {}):
                response = case.call(headers=headers)
                calls.append(response.status_code)
                if response.status_code >= 500 or "Traceback" in response.text:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        check()
    assert not failures, failures[:10]
    assert len(calls) > 10 * len(operations) and any(code < 300 for code in calls)


def test_openapi_and_docs_are_served_offline(app) -> None:  # type: ignore[no-untyped-def]
    from web.conftest import new_client

    with new_client(app) as c:
        spec = c.get("/openapi.json").json()
        assert "/api/v1/members/{member_id}/reports/{name}" in spec["paths"]
        docs = c.get("/docs")
        assert docs.status_code == 200
        assert "cdn" not in docs.text.lower() and "https://" not in docs.text.split("<main>")[1].split("</main>")[0].replace("https://testserver", "")
        assert "/api/v1/members/{member_id}/packages" in docs.text
