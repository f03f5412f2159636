"""Errors are logged by whose fault they are: a client's bad input is one INFO line with its code and no
traceback (a fuzzer must not fill the log), an unexpected error is an ERROR with its traceback and the
request id the client was given."""

from __future__ import annotations

import logging

import pytest
from neo4j import AsyncDriver

from api.auth import Role
from tests.conftest import GraphQLClient, bearer

BAD_MUTATION = 'mutation { createNode(kind: PERSON, input: {id: "jane", name: "Jane"}) { slug } }'


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_bad_input_is_logged_as_one_info_line_without_a_traceback(
    seeded: AsyncDriver, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = [
        await gql(BAD_MUTATION, headers=bearer(Role.EDITOR)),  # input checked by pydantic: BAD_USER_INPUT
        await gql(BAD_MUTATION),  # no key: UNAUTHENTICATED
        await gql('{ strikes(activeOn: "0000") { name } }'),  # BAD_USER_INPUT
        await gql("{ strikes { nope } }"),  # GRAPHQL_VALIDATION_FAILED
        await gql("{ strikes { name "),  # GRAPHQL_PARSE_FAILED
    ]
    codes = [answer["errors"][0]["extensions"]["code"] for answer in answers]
    assert codes == [
        "BAD_USER_INPUT", "UNAUTHENTICATED", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"
    ]  # fmt: skip
    assert _errors_logged(caplog) == []
    assert [record for record in caplog.records if record.exc_info] == []
    lines = [record.getMessage() for record in caplog.records if record.name == "strikegraph.graphql"]
    assert [line.split(": ")[1] for line in lines] == codes, lines


async def test_an_unexpected_error_is_logged_at_error_with_the_request_id(
    seeded: AsyncDriver, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    # A strike stored outside the API with a date Cypher cannot read: the service's fault, not the client's.
    await seeded.execute_query("MATCH (s:Strike {id: 'wga-strike-2023'}) SET s.startDateEarliest = 'not a date'")
    body = await gql("{ strikesPerYear { year strikes } }", headers={"X-Request-Id": "req-broken-1"})
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": "req-broken-1"}, body
    errors = _errors_logged(caplog)
    assert [record.name for record in errors] == ["strikegraph.graphql"], [r.getMessage() for r in errors]
    assert "req-broken-1" in errors[0].getMessage()
    assert errors[0].exc_info is not None
