"""GraphQL over HTTP as the spec has it: media types, status codes, and every malformed request answered
with a 4xx JSON error that carries `extensions.code`, never a 500."""

from __future__ import annotations

import json

import httpx
import pytest

from api.web.http_view import Exchange, _status

GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = json.dumps({"query": "{ __typename }"}).encode()


def _error_code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def test_graphql_response_json_is_returned_when_asked(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html, application/json;q=0.9"])
async def test_application_json_is_the_default_media_type(client: httpx.AsyncClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    request = client.build_request("POST", "/graphql", json={"query": "{ __typename }"}, headers=headers)
    if accept is None:
        del request.headers["accept"]
    response = await client.send(request)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


async def test_the_most_preferred_media_type_wins(client: httpx.AsyncClient) -> None:
    accept = f"application/json;q=0.5, {GRAPHQL_RESPONSE}"
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_an_unacceptable_accept_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert _error_code(response) == "NOT_ACCEPTABLE"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql"])
async def test_an_unsupported_content_type_is_415(client: httpx.AsyncClient, content_type: str) -> None:
    response = await client.post("/graphql", content=TYPENAME, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert _error_code(response) == "BAD_REQUEST"
    assert content_type in response.json()["errors"][0]["message"]


async def test_a_post_without_content_type_is_415(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", "/graphql", content=TYPENAME)
    request.headers.pop("content-type", None)
    response = await client.send(request)
    assert response.status_code == 415


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8"])
async def test_the_json_content_type_is_matched_in_any_case(client: httpx.AsyncClient, content_type: str) -> None:
    response = await client.post("/graphql", content=TYPENAME, headers={"Content-Type": content_type})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


MALFORMED_BODIES = {
    "invalid UTF-8": (b'{"query": "{ __typename \xff }"}', "BAD_REQUEST", "not UTF-8"),
    "not JSON": (b'{ "not a JSON', "BAD_REQUEST", "not valid JSON"),
    "empty": (b"", "BAD_REQUEST", "empty"),
    "a list of strings": (b'["a"]', "BAD_REQUEST", "must be a JSON object"),
    "a number": (b"42", "BAD_REQUEST", "must be a JSON object"),
    "a string": (b'"{ __typename }"', "BAD_REQUEST", "must be a JSON object"),
    "null": (b"null", "BAD_REQUEST", "must be a JSON object"),
    "an empty batch": (b"[]", "BAD_REQUEST", "empty batch"),
    "query not a string": (b'{"query": 7}', "BAD_REQUEST", "`query`"),
    "variables not an object": (b'{"query": "{ __typename }", "variables": [1]}', "BAD_REQUEST", "`variables`"),
    "operationName not a string": (
        b'{"query": "{ __typename }", "operationName": {}}',
        "BAD_REQUEST",
        "`operationName`",
    ),
    "extensions not an object": (b'{"query": "{ __typename }", "extensions": "x"}', "BAD_REQUEST", "`extensions`"),
    "no query": (b'{"qeury": "{ __typename }"}', "BAD_REQUEST", "no GraphQL document"),
    "a lone surrogate in a variable": (
        b'{"query": "query($q: String!) { __typename }", "variables": {"q": "\\ud800"}}',
        "BAD_USER_INPUT",
        "variables.q",
    ),
    "a lone surrogate deep in variables": (
        b'{"query": "{ __typename }", "variables": {"a": [{"b": "ok\\udfff"}]}}',
        "BAD_USER_INPUT",
        "variables.a[0].b",
    ),
    "a lone surrogate in the query": (b'{"query": "{ __typename } # \\ud800"}', "BAD_REQUEST", "query"),
    "a lone surrogate in a key": (
        b'{"query": "{ __typename }", "variables": {"\\ud800": 1}}',
        "BAD_USER_INPUT",
        "variables",
    ),
    "NaN": (b'{"query": "{ __typename }", "variables": {"n": NaN}}', "BAD_REQUEST", "NaN"),
    "a giant integer": (
        b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}",
        "BAD_REQUEST",
        "JSON",
    ),
    "deep nesting": (
        b'{"query": "{ __typename }", "variables": {"n": ' + b"[" * 100 + b"]" * 100 + b"}}",
        "BAD_REQUEST",
        "nested more than 64",
    ),
    "absurd nesting": (
        b'{"query": "{ __typename }", "variables": {"n": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        "BAD_REQUEST",
        "recursion",
    ),
    "a batch item that is not an object": (b'[{"query": "{ __typename }"}, 3]', "BAD_REQUEST", "batch[1]"),
}


@pytest.mark.parametrize("body, code, says", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_every_malformed_body_is_a_400_with_a_coded_json_error(
    client: httpx.AsyncClient, body: bytes, code: str, says: str
) -> None:
    response = await client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert _error_code(response) == code
    assert says in response.json()["errors"][0]["message"]


async def test_malformed_get_parameters_are_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }", "variables": "{nope"})
    assert response.status_code == 400
    assert "`variables` parameter is not valid JSON" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("accept, status", [("application/json", 200), (GRAPHQL_RESPONSE, 400)])
async def test_a_syntax_error_is_coded_and_400_under_graphql_response_json(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await client.post("/graphql", json={"query": "{"}, headers={"Accept": accept})
    assert response.status_code == status
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert ("data" in body) is (accept == "application/json")


async def test_the_token_limit_is_a_coded_parse_error(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(["__typename"] * 3000) + " }"
    response = await client.post("/graphql", json={"query": query}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "tokens" in error["message"]


async def test_a_validation_error_is_400_without_data_under_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ noSuchField }"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_variable_coercion_error_is_400_under_graphql_response_json(client: httpx.AsyncClient) -> None:
    query = "query Q($id: ID!) { node(id: $id) { __typename } }"
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"id": None}}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert "$id" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"]


async def test_a_mutation_over_get_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _error_code(response) == "METHOD_NOT_ALLOWED"


async def test_other_methods_get_a_coded_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert _error_code(response) == "METHOD_NOT_ALLOWED"


async def test_unknown_paths_get_a_coded_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nothing-here")
    assert response.status_code == 404
    assert _error_code(response) == "NOT_FOUND"


def test_only_service_unavailable_errors_make_a_503() -> None:
    def status(codes: set[str], media_type: str = "application/json", request_error: bool = False) -> int:
        exchange = Exchange("POST", media_type, None, False, request_errors=[request_error], codes=[codes])
        return _status(exchange, batch=False)

    assert status({"SERVICE_UNAVAILABLE"}) == 503
    assert status({"SERVICE_UNAVAILABLE"}, GRAPHQL_RESPONSE) == 503
    assert status({"SERVICE_UNAVAILABLE", "NOT_FOUND"}) == 200
    assert status({"NOT_FOUND"}) == 200
    assert status({"UNAUTHENTICATED"}, GRAPHQL_RESPONSE, request_error=True) == 401
    assert status({"BAD_USER_INPUT"}, GRAPHQL_RESPONSE, request_error=True) == 400
