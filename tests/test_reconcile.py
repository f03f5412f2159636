"""The reconciliation service (/reconcile) as OpenRefine uses it, against the curated seed through the real HTTP app,
every answer checked against the W3C Reconciliation Service API v0.2's own JSON schemas
(tests/fixtures/reconciliation/, see SOURCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from jsonschema import Draft7Validator
from neo4j import AsyncDriver
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from api.auth import Role
from api.compile import reconciliation as recon
from api.settings import Settings
from schema.model import NODE_KINDS
from seed.validate import read_seed
from tests.conftest import SEED_DIR, bearer, reset_graph
from tests.http_apps import app_client

SCHEMAS = Path(__file__).parent / "fixtures" / "reconciliation"
FIXTURES = Path(__file__).parent / "fixtures"


def _validator(name: str) -> Draft7Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7)))
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft7Validator(schema, registry=Registry().with_resources(resources))


VALIDATORS = {
    name: _validator(name)
    for name in ("manifest", "reconciliation-query-batch", "reconciliation-result-batch", "suggest-entities-response",
                 "suggest-types-response", "suggest-properties-response")
}  # fmt: skip


def valid(schema: str, document: Any) -> Any:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATORS[schema].iter_errors(document)]
    assert errors == [], errors
    return document


async def reconcile(client: httpx.AsyncClient, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A batch as OpenRefine posts it: the form field `queries`, checked against the spec before it is sent."""
    valid("reconciliation-query-batch", batch)
    response = await client.post("/reconcile", data={"queries": json.dumps(batch)}, **kwargs)
    assert response.status_code == 200, response.text
    return valid("reconciliation-result-batch", response.json())


def ids(result: dict[str, Any]) -> list[str]:
    return [candidate["id"] for candidate in result["result"]]


# -- the manifest --------------------------------------------------------------------------------------------------


async def test_the_manifest_offers_v0_2_with_the_models_kinds_a_view_preview_and_suggest(
    client: httpx.AsyncClient,
) -> None:
    manifest = valid("manifest", (await client.get("/reconcile")).json())
    assert manifest["versions"] == ["0.2"]
    assert [t["id"] for t in manifest["defaultTypes"]] == [kind.type_name for kind in NODE_KINDS]
    assert manifest["view"]["url"] == "http://strikegraph.test/explore?node={{id}}"
    assert manifest["preview"]["url"] == "http://strikegraph.test/reconcile/preview?id={{id}}"
    assert manifest["batchSize"] == recon.MAX_QUERIES
    suggest = manifest["suggest"]["entity"]
    assert suggest["service_url"] + suggest["service_path"] == "http://strikegraph.test/reconcile/suggest/entity"
    assert "authentication" not in manifest  # reads are open in the test settings


async def test_a_browser_page_on_openrefines_origin_may_read_the_manifest(client: httpx.AsyncClient) -> None:
    """OpenRefine fetches the manifest and suggestions from the user's browser (http://127.0.0.1:3333)."""
    origin = {"Origin": "http://127.0.0.1:3333"}
    manifest = await client.get("/reconcile", headers=origin)
    assert manifest.headers["access-control-allow-origin"] == "http://127.0.0.1:3333"
    preflight = await client.options(
        "/reconcile", headers={**origin, "Access-Control-Request-Method": "POST",
                               "Access-Control-Request-Headers": "content-type"}
    )  # fmt: skip
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
    stranger = await client.get("/reconcile", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in stranger.headers


async def test_jsonp_is_refused_with_a_reason(client: httpx.AsyncClient) -> None:
    refused = await client.get("/reconcile", params={"callback": "jQuery123"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST", "at": "callback"}


# -- queries ------------------------------------------------------------------------------------------------------


async def test_amptp_is_the_alliance_by_its_alias_and_a_match(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    answer = await reconcile(client, {"q0": {"query": "AMPTP"}})
    best = answer["q0"]["result"][0]
    assert best["id"] == "amptp" and best["name"] == "Alliance of Motion Picture and Television Producers"
    assert best["score"] == 100 and best["match"] is True
    assert best["type"] == [{"id": "Organization", "name": "Organization"}]
    assert [c for c in answer["q0"]["result"][1:] if c["match"]] == []


async def test_writers_guild_ranks_the_wga_first_but_is_not_a_match_by_itself(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    """A part of the name is a candidate, not a decision: under the threshold, so OpenRefine asks its user."""
    result = (await reconcile(client, {"q0": {"query": "Writers Guild", "type": "Organization"}}))["q0"]
    assert ids(result)[0] == "wga"
    assert result["result"][0]["score"] < recon.MATCH_SCORE and result["result"][0]["match"] is False


async def test_a_misspelled_full_name_still_finds_and_matches_its_node(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    answer = await reconcile(
        client, {"q0": {"query": "Writers Gild of America"}, "q1": {"query": "Writers Gild of Amercia"}}
    )
    best, runner_up = answer["q0"]["result"][0], answer["q0"]["result"][1]
    assert best["id"] == "wga" and best["match"] is True
    assert best["score"] >= recon.MATCH_SCORE and best["score"] - runner_up["score"] >= recon.MATCH_GAP
    two_typos = answer["q1"]["result"][0]  # still found first, but under the threshold: the user decides
    assert two_typos["id"] == "wga" and two_typos["match"] is False


async def test_an_exact_name_in_another_case_and_spacing_is_a_match(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    best = (await reconcile(client, {"q0": {"query": "  writers GUILD of america "}}))["q0"]["result"][0]
    assert (best["id"], best["score"], best["match"]) == ("wga", 100, True)


async def test_an_entitys_id_as_the_query_finds_and_matches_it(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    """The Wikipedia article (a source) is also named SAG-AFTRA: as a name the text would be ambiguous, as an id
    it is not."""
    result = (await reconcile(client, {"q0": {"query": "sag-aftra"}}))["q0"]["result"]
    assert [(c["id"], c["score"], c["match"]) for c in result[:2]] == [
        ("sag-aftra", 100, True), ("wikipedia-sag-aftra", 100, False)
    ]  # fmt: skip


async def test_a_name_two_nodes_share_is_no_match_without_a_type(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    answer = await reconcile(
        client, {"any": {"query": "SAG-AFTRA "}, "org": {"query": "SAG-AFTRA", "type": "Organization"}}
    )
    assert [(c["id"], c["match"]) for c in answer["any"]["result"] if c["score"] == 100] == [
        ("sag-aftra", False), ("wikipedia-sag-aftra", False)
    ]  # fmt: skip
    assert (answer["org"]["result"][0]["id"], answer["org"]["result"][0]["match"]) == ("sag-aftra", True)


async def test_initials_find_an_organization_without_making_it_a_match(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    """WNC: the WGA Negotiating Committee's initials and no alias of anything: a candidate, never a match."""
    best = (await reconcile(client, {"q0": {"query": "WNC"}}))["q0"]["result"][0]
    assert best["id"] == "wga-negotiating-committee"
    assert best["score"] == recon.ACRONYM_SCORE and best["match"] is False


async def test_a_type_filter_keeps_only_that_kind(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    answer = await reconcile(
        client,
        {
            "orgs": {"query": "WGA strike", "type": "Organization"},
            "strikes": {"query": "WGA strike", "type": ["Strike"]},
        },
    )
    assert answer["orgs"]["result"] and {c["type"][0]["id"] for c in answer["orgs"]["result"]} == {"Organization"}
    assert ids(answer["strikes"])[0] == "wga-strike-2023"
    assert {c["type"][0]["id"] for c in answer["strikes"]["result"]} == {"Strike"}


async def test_type_strict_all_with_two_kinds_finds_nothing_as_no_node_is_both(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    answer = await reconcile(client, {"q0": {"query": "WGA", "type": ["Organization", "Strike"], "type_strict": "all"}})
    assert answer["q0"]["result"] == []


async def test_an_industry_code_confirms_or_halves_a_candidate(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    """The AMPTP is in NAICS 512 (facts.yaml); 51 takes in 512, 62 does not."""
    answer = await reconcile(client, {
        "film": {"query": "AMPTP", "properties": [{"pid": "industry", "v": "51"}]},
        "care": {"query": "AMPTP", "properties": [{"pid": "industry", "v": 62}]},
    })  # fmt: skip
    film, care = answer["film"]["result"][0], answer["care"]["result"][0]
    assert (film["id"], film["score"], film["match"]) == ("amptp", 100, True)
    assert (care["id"], care["score"], care["match"]) == ("amptp", 50, False)


async def test_a_wikidata_id_alone_matches_its_node_and_a_place_narrows(
    client: httpx.AsyncClient, driver: AsyncDriver
) -> None:
    """The fictional sandbox fixture: a union with Wikidata's sandbox item, a strike at Sandbox City."""
    await reset_graph(driver, read_seed([SEED_DIR, FIXTURES / "wikidata"]))
    answer = await reconcile(client, {
        "by_id": {"properties": [{"pid": "wikidata", "v": "http://www.wikidata.org/entity/Q4115189"}]},
        "id_and_name": {"query": "Sandbox Onion", "properties": [{"pid": "wikidata", "v": {"id": "Q4115189", "name": "x"}}]},
        "there": {"query": "Fictional strike", "type": "Strike", "properties": [{"pid": "place", "v": "sandbox city"}]},
        "elsewhere": {"query": "Fictional strike", "type": "Strike", "properties": [{"pid": "place", "v": "US-NY"}]},
    })  # fmt: skip
    assert [(c["id"], c["score"], c["match"]) for c in answer["by_id"]["result"]] == [("sandbox-union", 100, True)]
    assert (answer["id_and_name"]["result"][0]["id"], answer["id_and_name"]["result"][0]["match"]) == (
        "sandbox-union",
        True,
    )
    there = answer["there"]["result"][0]
    assert there["id"] == "sandbox-strike" and there["features"][2] == {"id": "properties_satisfied", "value": 1}
    assert all(c["features"][2]["value"] == 0 and not c["match"] for c in answer["elsewhere"]["result"])


async def test_a_batch_answers_every_query_by_its_key_in_one_statement(
    client: httpx.AsyncClient, seeded: AsyncDriver, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.database import graph

    statements: list[str] = []
    original = graph.RequestGraph.read

    async def counted(self: graph.RequestGraph, cypher: str, **params: Any) -> list[dict[str, Any]]:
        statements.append(cypher)
        return await original(self, cypher, **params)  # type: ignore[arg-type]

    monkeypatch.setattr(graph.RequestGraph, "read", counted)
    names = ["AMPTP", "WGA", "SAG-AFTRA", "Directors Guild", "Xyzzy Plugh"]
    batch = {f"q{i}": {"query": name} for i, name in enumerate(names)}
    answer = await reconcile(client, batch)
    assert len(statements) == 1
    assert set(answer) == set(batch)
    assert [ids(answer[f"q{i}"])[0] for i in range(4)] == ["amptp", "wga", "sag-aftra", "dga"]
    assert answer["q4"]["result"] == []


async def test_limit_bounds_the_candidates_and_is_lowered_to_the_maximum(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    answer = await reconcile(client, {"one": {"query": "Guild", "limit": 1}, "many": {"query": "a", "limit": 1000}})
    assert len(answer["one"]["result"]) == 1
    assert 1 < len(answer["many"]["result"]) <= recon.MAX_LIMIT
    scores = [c["score"] for c in answer["many"]["result"]]
    assert scores == sorted(scores, reverse=True)


async def test_a_json_body_and_a_get_with_queries_answer_as_the_form_does(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    batch = {"q0": {"query": "AMPTP", "limit": 2}}
    form = await reconcile(client, batch)
    body = await client.post("/reconcile", json=batch)
    query = await client.get("/reconcile", params={"queries": json.dumps(batch)})
    assert valid("reconciliation-result-batch", body.json()) == form == query.json()


async def test_openrefine_s_own_request_is_answered(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    """As OpenRefine 3.x posts a batch (StandardReconConfig): form-encoded UTF-8, `type_strict: "should"` on every
    query, a column as a property with the cell's text or an earlier reconciled value."""
    batch = {
        "q0": {"query": "Writers Guild of America", "type": "Organization", "type_strict": "should",
               "properties": [{"pid": "industry", "v": "Motion Picture and Sound Recording Industries"}]},
        "q1": {"query": "Alliance of Motion Picture & Television Producers", "type": "Organization",
               "type_strict": "should", "limit": 3},
    }  # fmt: skip
    body = urlencode({"queries": json.dumps(batch)})  # as Java's URLEncoder writes it: spaces as +
    response = await client.post(
        "/reconcile",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    answer = valid("reconciliation-result-batch", response.json())
    wga = answer["q0"]["result"][0]
    assert wga["id"] == "wga" and wga["match"] is False  # the WGA has no industry in the seed: not confirmed
    amptp = answer["q1"]["result"][0]
    assert amptp["id"] == "amptp" and amptp["match"] is True and len(answer["q1"]["result"]) <= 3


# -- bad input --------------------------------------------------------------------------------------------------


async def test_every_problem_in_a_batch_is_a_400_saying_where(client: httpx.AsyncClient) -> None:
    batch = {
        "q0": {"query": "AMPTP", "limit": 0},
        "q1": {"query": "AMPTP", "type": "Union"},
        "q2": {"query": "AMPTP", "properties": [{"pid": "P31", "v": "Q5"}]},
        "q3": {"type": "Organization"},
        "q4": {"query": "x", "colour": "red"},
        "q5": {"query": "x", "type_strict": "some"},
    }
    refused = await client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [e["extensions"]["at"] for e in errors] == [
        "q0.limit", "q1.type", "q2.properties[0].pid", "q3", "q4.colour", "q5.type_strict"
    ]  # fmt: skip
    assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}
    assert errors[1]["message"].startswith("q1.type: unknown type 'Union'; the types are ")


async def test_what_is_not_a_batch_is_refused(client: httpx.AsyncClient) -> None:
    not_json = await client.post("/reconcile", data={"queries": "{q0: AMPTP"})
    assert not_json.status_code == 400 and not_json.json()["errors"][0]["message"].startswith("queries: not JSON")
    a_list = await client.post("/reconcile", json=[{"query": "AMPTP"}])
    assert a_list.status_code == 400 and a_list.json()["errors"][0]["extensions"]["at"] == "queries"
    no_field = await client.post("/reconcile", data={"query": "AMPTP"})
    assert no_field.status_code == 400 and no_field.json()["errors"][0]["extensions"]["at"] == "queries"
    text = await client.post("/reconcile", content=b"AMPTP", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415


async def test_too_many_queries_or_too_long_a_query_is_refused(client: httpx.AsyncClient) -> None:
    batch = {f"q{i}": {"query": "AMPTP"} for i in range(recon.MAX_QUERIES + 1)}
    too_many = await client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert too_many.status_code == 413
    assert too_many.json()["errors"][0]["message"] == f"queries: at most {recon.MAX_QUERIES} queries in a batch, got 51"
    long = await client.post("/reconcile", json={"q0": {"query": "x" * 201}})
    assert long.status_code == 400 and long.json()["errors"][0]["extensions"]["at"] == "q0.query"


# -- suggest and preview ----------------------------------------------------------------------------------------


async def test_suggest_entities_by_prefix_with_a_cursor(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    first = valid(
        "suggest-entities-response", (await client.get("/reconcile/suggest/entity", params={"prefix": "Writ"})).json()
    )
    wga = next(item for item in first["result"] if item["id"] == "wga")
    assert wga["name"] == "Writers Guild of America" and wga["notable"] == [
        {"id": "Organization", "name": "Organization"}
    ]
    exact = (await client.get("/reconcile/suggest/entity", params={"prefix": "amptp"})).json()["result"]
    assert exact[0]["id"] == "amptp"  # a name or alias typed whole comes first
    typed = (await client.get("/reconcile/suggest/entity", params={"prefix": "WGA", "type": "Strike"})).json()
    assert typed["result"] and {r["notable"][0]["id"] for r in typed["result"]} == {"Strike"}
    page = (await client.get("/reconcile/suggest/entity", params={"prefix": "a", "cursor": 0})).json()["result"]
    after = (await client.get("/reconcile/suggest/entity", params={"prefix": "a", "cursor": 1})).json()["result"]
    assert len(page) == recon.SUGGEST_PAGE and after[0] == page[1]


async def test_suggest_types_and_properties(client: httpx.AsyncClient) -> None:
    types = valid(
        "suggest-types-response", (await client.get("/reconcile/suggest/type", params={"prefix": "org"})).json()
    )
    assert [t["id"] for t in types["result"]] == ["Organization"]
    props = valid(
        "suggest-properties-response",
        (await client.get("/reconcile/suggest/property", params={"prefix": "wiki"})).json(),
    )
    assert [p["id"] for p in props["result"]] == ["wikidata"]
    bad = await client.get("/reconcile/suggest/entity", params={"prefix": "a", "cursor": "-1"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["at"] == "cursor"


async def test_the_preview_is_a_small_escaped_card(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    driver = seeded
    await driver.execute_query(
        "MATCH (n:Organization {id: 'wga'}) SET n.description = '<script>alert(1)</script> & co'"
    )
    try:
        card = await client.get("/reconcile/preview", params={"id": "wga"})
        assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
        assert "<h1>Writers Guild of America</h1>" in card.text and "Also called WGA" in card.text
        assert "<script>" not in card.text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in card.text
        assert card.headers["content-security-policy"].startswith("default-src 'none'")
        assert 'href="/explore?node=wga"' in card.text
    finally:
        await driver.execute_query("MATCH (n:Organization {id: 'wga'}) REMOVE n.description")
    missing = await client.get("/reconcile/preview", params={"id": "no-such-node"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# -- settings ---------------------------------------------------------------------------------------------------


async def test_with_keys_required_for_reads_the_manifest_says_so_and_queries_need_one(
    settings: Settings, seeded: AsyncDriver
) -> None:
    async with app_client(settings, require_key_for_reads=True) as http:
        manifest = (await http.get("/reconcile")).json()
        assert manifest["authentication"] == {"type": "apiKey", "name": "Authorization", "in": "header"}
        batch = {"queries": json.dumps({"q0": {"query": "AMPTP"}})}
        refused = await http.post("/reconcile", data=batch)
        assert refused.status_code == 401 and refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await http.get("/reconcile/suggest/entity", params={"prefix": "WGA"})).status_code == 401
        assert (await http.get("/reconcile/preview", params={"id": "wga"})).status_code == 401
        allowed = await http.post("/reconcile", data=batch, headers=bearer(Role.READER))
        assert allowed.status_code == 200 and ids(allowed.json()["q0"])[0] == "amptp"


async def test_the_service_can_be_turned_off(settings: Settings) -> None:
    async with app_client(settings, reconciliation=False) as http:
        off = await http.get("/reconcile")
    assert off.status_code == 404 and off.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
