"""Safe under concurrent curators and hostile input: every race ends in one success and CONFLICT for the
rest (never INTERNAL, never a duplicate), seed and API keep the same uniqueness keys, batches with a
mutation are refused, year 0000 is a user error, and hostile YAML is refused with file:line."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.auth import Role
from api.database.graph import RequestGraph
from api.errors import QueryTimeout
from api.settings import Settings
from bench.hostile import planning_bomb
from seed.loader import load_seed
from seed.problems import SeedValidationError
from seed.validate import read_seed
from tests.conftest import GraphQLClient, bearer
from tests.test_cost import AMPTP, spread_thirty_times
from tests.test_plan import SCHEMA
from tests.test_seed import GOOD, graph_fingerprint, problems_of, write

pytestmark = pytest.mark.usefixtures("seeded")

EDITOR, ADMIN = bearer(Role.EDITOR), bearer(Role.ADMIN)
SOURCE = "story-2023-08-10-wga-returns"
CLIENTS = 20

CREATE = "mutation($kind: NodeKind!, $input: NodeInput!) { createNode(kind: $kind, input: $input) { slug } }"
ASSERT = "mutation($input: FactInput!) { assertFact(input: $input) { factId type } }"


async def _race(gql: GraphQLClient, query: str, variables: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Send every request at once; (successes, error codes)."""
    bodies = await asyncio.gather(*(gql(query, v, headers=EDITOR) for v in variables))
    codes = [error["extensions"]["code"] for body in bodies for error in body.get("errors") or []]
    return sum(1 for body in bodies if not body.get("errors")), codes


def _problems(tmp_path: Path, text: str) -> list[str]:
    return [problem.removeprefix(f"{tmp_path}/") for problem in problems_of(tmp_path, text)]


async def _count(driver: AsyncDriver, cypher: str, **params: Any) -> int:
    records, _, _ = await driver.execute_query(cypher, params)
    return int(records[0]["count"])


# -- races --------------------------------------------------------------------------------------------


async def test_twenty_creates_of_one_id_make_one_node_and_nineteen_conflicts(
    gql: GraphQLClient, seeded: AsyncDriver
) -> None:
    variables = [
        {"kind": "PERSON", "input": {"id": "race-person", "name": f"Racer {i}", "cites": [{"source": SOURCE}]}}
        for i in range(CLIENTS)
    ]
    successes, codes = await _race(gql, CREATE, variables)
    assert (successes, codes) == (1, ["CONFLICT"] * (CLIENTS - 1))
    assert await _count(seeded, "MATCH (n:Entity {id: 'race-person'}) RETURN count(n) AS count") == 1
    assert await _count(seeded, "MATCH (c:Change {entity: 'race-person'}) RETURN count(c) AS count") == 1


async def test_twenty_creates_of_one_name_in_any_case_make_one_organization(
    gql: GraphQLClient, seeded: AsyncDriver
) -> None:
    names = ["Race Guild", "race guild", "RACE GUILD", "Race guild"]
    variables = [
        {
            "kind": "ORGANIZATION",
            "input": {
                "id": f"race-guild-{i}",
                "name": names[i % 4],
                "organizationKind": "UNION",
                "cites": [{"source": SOURCE}],
            },
        }
        for i in range(CLIENTS)
    ]
    successes, codes = await _race(gql, CREATE, variables)
    assert (successes, codes) == (1, ["CONFLICT"] * (CLIENTS - 1))
    named = "MATCH (n:Organization) WHERE 'race guild' IN n.nameKeys RETURN count(n) AS count"
    assert await _count(seeded, named) == 1
    assert await _count(seeded, "MATCH (k:NameKey {key: 'Organization:race guild'}) RETURN count(k) AS count") == 1


async def test_twenty_facts_with_one_id_across_types_make_one_fact(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    types = ["PRESIDES", "LEADS", "MEMBER_OF", "SUPPORTS", "REPRESENTS"]
    variables = [
        {"input": {"id": "race-fact-1", "type": types[i % len(types)], "from": "carol-lombardini", "to": "wga",
                   "cites": [{"source": SOURCE}]}}
        for i in range(CLIENTS)
    ]  # fmt: skip
    successes, codes = await _race(gql, ASSERT, variables)
    assert (successes, codes) == (1, ["CONFLICT"] * (CLIENTS - 1))
    assert await _count(seeded, "MATCH ()-[r {id: 'race-fact-1'}]->() RETURN count(r) AS count") == 1
    assert await _count(seeded, "MATCH (c:Change {entity: 'race-fact-1'}) RETURN count(c) AS count") == 1
    # One retraction retracts that one fact and is audited once.
    retracted = await gql('mutation { retractFact(id: "race-fact-1", expectedVersion: 1) { version } }', headers=EDITOR)
    assert retracted["data"] == {"retractFact": {"version": 2}}
    assert await _count(seeded, "MATCH (c:Change {entity: 'race-fact-1'}) RETURN count(c) AS count") == 2


async def test_crossed_updates_deadlock_free_for_clients_one_wins_each_pair(gql: GraphQLClient) -> None:
    """Two requests locking the same two nodes in opposite orders may deadlock in Neo4j; the loser is run
    again from the start (then its expected version is stale: CONFLICT), never INTERNAL."""
    forward = """mutation($d: String) {
      a: updateNode(id: "wga", expectedVersion: 1, input: {description: $d}) { version }
      b: updateNode(id: "amptp", expectedVersion: 1, input: {description: $d}) { version } }"""
    backward = forward.replace('"wga"', '"tmp"').replace('"amptp"', '"wga"').replace('"tmp"', '"amptp"')
    bodies = await asyncio.gather(
        gql(forward, {"d": "forward"}, headers=EDITOR), gql(backward, {"d": "backward"}, headers=EDITOR)
    )
    codes = sorted(error["extensions"]["code"] for body in bodies for error in body.get("errors") or [])
    assert [body["data"] for body in bodies].count(None) == 1, bodies
    assert set(codes) == {"CONFLICT"}, bodies
    data = await gql.data(
        '{ a: organization(id: "wga") { description } b: organization(id: "amptp") { description } changes { entity } }'
    )
    assert data["a"]["description"] == data["b"]["description"]
    assert len(data["changes"]) == 2


# -- names and keys, API and seed ---------------------------------------------------------------------


async def test_renaming_to_a_taken_name_is_a_conflict(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    before = await graph_fingerprint(seeded)
    body = await gql(
        'mutation { updateNode(id: "dga", expectedVersion: 1, input: {aliases: ["wga"]}) { slug } }', headers=EDITOR
    )
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT", body
    assert await graph_fingerprint(seeded) == before


async def test_a_deleted_node_frees_its_names_and_fact_ids(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    assert (await gql('mutation { deleteNode(id: "carol-lombardini", expectedVersion: 1) }', headers=ADMIN))["data"]
    assert await _count(seeded, "MATCH (k:NameKey {owner: 'carol-lombardini'}) RETURN count(k) AS count") == 0
    gone = "MATCH (k:FactKey {id: 'carol-lombardini--presides--amptp'}) RETURN count(k) AS count"
    assert await _count(seeded, gone) == 0
    again = await gql(
        CREATE,
        {"kind": "PERSON", "input": {"id": "carol-l", "name": "Carol Lombardini", "cites": [{"source": SOURCE}]}},
        headers=EDITOR,
    )
    assert again["data"] == {"createNode": {"slug": "carol-l"}}


async def test_every_node_and_fact_of_the_seed_has_its_keys(seeded: AsyncDriver) -> None:
    missing_names = """MATCH (n:Entity) UNWIND n.nameKeys AS name
        WITH n, [l IN labels(n) WHERE l <> 'Entity'][0] + ':' + name AS key
        WHERE NOT EXISTS { MATCH (:NameKey {key: key, owner: n.id}) } RETURN count(*) AS count"""
    assert await _count(seeded, missing_names) == 0
    missing_facts = """MATCH (a)-[r]->(b) WHERE NOT EXISTS { MATCH (:FactKey {id: r.id, from: a.id, to: b.id}) }
        RETURN count(*) AS count"""
    assert await _count(seeded, missing_facts) == 0
    assert await _count(seeded, "MATCH (k:NameKey) RETURN count(k) AS count") > 36


async def test_the_seed_refuses_a_name_the_api_gave_another_node(
    gql: GraphQLClient, seeded: AsyncDriver, tmp_path: Path
) -> None:
    created = await gql(
        CREATE,
        {"kind": "ORGANIZATION", "input": {"id": "api-guild", "name": "A Guild", "organizationKind": "UNION", "cites": [{"source": SOURCE}]}},
        headers=EDITOR,
    )  # fmt: skip
    assert "errors" not in created, created
    before = await graph_fingerprint(seeded)
    write(tmp_path, "guild.yaml", GOOD)
    with pytest.raises(SeedValidationError) as refused:
        await load_seed(seeded, "neo4j", read_seed([tmp_path]))
    assert [str(p).removeprefix(f"{tmp_path}/") for p in refused.value.problems] == [
        "guild.yaml:8: organizations[0].name: the name or alias 'a guild' already names 'api-guild' in the graph "
        "(names are unique per kind)"
    ]
    assert await graph_fingerprint(seeded) == before


async def test_a_fact_that_changes_type_keeps_one_id_and_one_key(seeded: AsyncDriver, tmp_path: Path) -> None:
    text = GOOD.replace("  - {type: WAGES,", "  - {id: guild-walkout, type: WAGES,")
    write(tmp_path, "guild.yaml", text)
    await load_seed(seeded, "neo4j", read_seed([tmp_path]))
    write(tmp_path, "guild.yaml", text.replace("type: WAGES", "type: SUPPORTS"))
    await load_seed(seeded, "neo4j", read_seed([tmp_path]))
    records, _, _ = await seeded.execute_query(
        "MATCH ()-[r {id: 'guild-walkout'}]->() MATCH (k:FactKey {id: r.id}) RETURN type(r) AS type, k.type AS key"
    )
    assert [(r["type"], r["key"]) for r in records] == [("SUPPORTS", "SUPPORTS")]


async def test_prune_takes_the_keys_of_what_it_removes(seeded: AsyncDriver, tmp_path: Path) -> None:
    write(tmp_path, "guild.yaml", GOOD)
    await load_seed(seeded, "neo4j", read_seed([tmp_path]))
    owned = (
        "MATCH (k:NameKey) WHERE k.owner IN ['guild', 'producers', 'guild-strike', 'story'] RETURN count(k) AS count"
    )
    facts = "MATCH (k:FactKey) WHERE 'guild-strike' IN [k.from, k.to] RETURN count(k) AS count"
    assert (await _count(seeded, owned), await _count(seeded, facts)) == (4, 2)
    summary = await load_seed(seeded, "neo4j", read_seed(), prune=True)
    assert (summary.nodes["removed"], summary.facts["removed"]) == (4, 2)
    assert (await _count(seeded, owned), await _count(seeded, facts)) == (0, 0)


def test_seed_names_are_unique_per_kind_in_any_case(tmp_path: Path) -> None:
    text = GOOD.replace("name: The Producers", "name: The Producers\n    aliases: [a guild]")
    assert _problems(tmp_path, text) == [
        f"bad.yaml:12: organizations[1].name: 'a guild' already names the Organization 'guild' ({tmp_path}/bad.yaml:7): "
        "names and aliases are unique per kind"
    ]


# -- batches ------------------------------------------------------------------------------------------


async def test_a_batch_with_a_mutation_is_refused_whole(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    before = await graph_fingerprint(seeded)
    batch = [
        {"query": CREATE, "variables": {"kind": "PERSON", "input": {"id": "jane", "name": "Jane", "cites": [{"source": SOURCE}]}}},
        {"query": '{ organization(id: "wga") { slug } }'},
    ]  # fmt: skip
    response = await gql.http.post("/graphql", json=batch, headers=EDITOR)
    bodies = response.json()
    assert len(bodies) == 2
    for body in bodies:
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "may not contain a mutation" in body["errors"][0]["message"]
    assert await graph_fingerprint(seeded) == before


async def test_a_batch_of_queries_answers_each(gql: GraphQLClient) -> None:
    batch = [{"query": '{ organization(id: "wga") { slug } }'}, {"query": '{ person(id: "ronald-reagan") { slug } }'}]
    bodies = (await gql.http.post("/graphql", json=batch)).json()
    assert [body["data"] for body in bodies] == [
        {"organization": {"slug": "wga"}},
        {"person": {"slug": "ronald-reagan"}},
    ]


# -- read-your-writes ---------------------------------------------------------------------------------


async def test_writes_and_reads_share_the_drivers_bookmarks(gql: GraphQLClient, app: Starlette) -> None:
    bookmarks = app.state.driver.execute_query_bookmark_manager
    before = await bookmarks.get_bookmarks()
    created = await gql(
        CREATE,
        {"kind": "PERSON", "input": {"id": "jane", "name": "Jane", "cites": [{"source": SOURCE}]}},
        headers=EDITOR,
    )
    assert "errors" not in created
    after = await bookmarks.get_bookmarks()
    assert after and after != before  # the commit's bookmark: the next read waits for it on any member
    assert (await gql.data('{ person(id: "jane") { slug } }'))["person"] == {"slug": "jane"}


# -- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ strikes(activeOn: "0000") { slug } }', None),
        (
            'mutation { createNode(kind: STRIKE, input: {id: "old-strike", name: "Old", startDate: "0000", '
            f'cites: [{{source: "{SOURCE}"}}]}}) {{ slug }} }}',
            None,
        ),
    ],
    ids=["strikes-activeOn", "createNode-startDate"],
)
async def test_year_0000_is_a_user_error(
    gql: GraphQLClient, seeded: AsyncDriver, query: str, variables: dict[str, Any] | None
) -> None:
    before = await graph_fingerprint(seeded)
    body = await gql(query, variables, headers=EDITOR)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "0000" in error["message"] and "0001 to 9999" in error["message"], error
    assert await graph_fingerprint(seeded) == before


def test_year_0000_in_a_seed_file_is_reported_with_its_line(tmp_path: Path) -> None:
    assert _problems(tmp_path, GOOD.replace("start_date: 2023-05-02", "start_date: '0000'")) == [
        "bad.yaml:18: strikes[0].start_date: '0000' is not a date: years run from 0001 to 9999"
    ]


async def test_a_query_over_the_timeout_is_query_timeout(seeded: AsyncDriver) -> None:
    graph = RequestGraph(seeded, "neo4j", timeout=0.5)
    with pytest.raises(QueryTimeout) as raised:
        await graph.read("UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 8 RETURN count(x) AS n")
    assert raised.value.code == "QUERY_TIMEOUT"


# -- hostile YAML -------------------------------------------------------------------------------------


def billion_laughs(levels: int) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    names = "abcdefghijklmnop"[:levels]
    for index in range(1, len(names)):
        text += f"{names[index]}: &{names[index]} [{','.join([f'*{names[index - 1]}'] * 9)}]\n"
    return text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (billion_laughs(9), "bad.yaml:5: aliases expand to more than 10,000 values: write the data out"),
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "bad.yaml:1: nested deeper than 50 levels"),
        ("".join("  " * i + "-\n" for i in range(200)), "bad.yaml:51: nested deeper than 50 levels"),
        ("a: &a [x]\n" + "".join(f"a{i}: &a{i} [*{'a' if i == 1 else f'a{i - 1}'}]\n" for i in range(1, 80)),
         "bad.yaml:49: this alias nests the data deeper than 50 levels"),
        ("a: &a [*a]\n", "bad.yaml:1: an alias refers to the list or mapping that contains it"),
        (GOOD.replace("  - id: guild\n", "  - <<: {kind: UNION}\n    id: guild\n"),
         "bad.yaml:7: organizations[0]: merge keys (<<) are not supported: write the fields out"),
        (GOOD.replace("name: A Guild", "name: !custom A Guild"),
         "bad.yaml:8: organizations[0].name: unknown tag '!custom': seed files hold plain data"),
        (GOOD.replace("name: A Guild", "name: !!python/name:os.system A Guild"),
         "bad.yaml:8: organizations[0].name: unknown tag '!!python/name:os.system': seed files hold plain data"),
        (GOOD.replace("kind: UNION", "kind: !!int UNION"),
         "bad.yaml:9: organizations[0].kind: cannot read this value"),
    ],
    ids=["billion-laughs", "deep-flow", "deep-block", "alias-chain", "recursive-alias", "merge-key", "custom-tag",
         "python-tag", "bad-int"],
)  # fmt: skip
def test_hostile_yaml_is_refused_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    problems = _problems(tmp_path, text)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_seed_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("seed.yaml_reader.MAX_FILE_BYTES", 1024)
    problems = _problems(tmp_path, GOOD + "#" * 2000 + "\n")
    assert problems == [f"bad.yaml: {len(GOOD) + 2001:,} bytes is over the limit of 1,024 bytes: split the file"]


# -- limits on what Neo4j is asked ---------------------------------------------------------------------


async def test_the_planning_bomb_is_refused_before_neo4j_plans_it(gql: GraphQLClient, settings: Settings) -> None:
    body = await gql(planning_bomb(SCHEMA, depth=1, max_tokens=settings.max_tokens), {"id": AMPTP})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and error["extensions"]["limit"] == "subqueries"


async def test_introspection_beside_a_costly_root_is_held_to_the_limits(gql: GraphQLClient) -> None:
    query = spread_thirty_times(inline=False).replace("{ ", "{ __schema { queryType { name } } ", 1)
    body = await gql(query)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]


async def test_a_mutation_with_a_costly_payload_is_refused_before_it_writes(
    gql: GraphQLClient, seeded: AsyncDriver
) -> None:
    inner = "relationships { other { slug relationships { other { slug relationships { other { slug } } } } } }"
    query = "mutation($input: NodeInput!) { createNode(kind: ORGANIZATION, input: $input) { " + inner + " } }"
    body = await gql(
        query, {"input": {"id": "costly-guild", "name": "Costly Guild", "cites": [{"source": SOURCE}]}}, EDITOR
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"], body
    assert await _count(seeded, "MATCH (n {id: 'costly-guild'}) RETURN count(n) AS count") == 0
