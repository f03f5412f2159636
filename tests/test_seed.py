"""The seeder: every class of bad input is reported with file:line: field and leaves the graph as it
was; identical re-runs change nothing; an edit changes exactly that; --prune removes what left the files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from api.settings import PROJECT_ROOT
from seed.loader import HASH_SCHEME, fact_rows, load_seed, node_rows
from seed.problems import SeedValidationError
from seed.validate import read_seed
from tests.conftest import SEED_DIR

SOURCE = """\
sources:
  - id: story
    name: A story
    kind: ARTICLE
    date: 2023-08-10
"""

GOOD = (
    SOURCE
    + """\
organizations:
  - id: guild
    name: A Guild
    kind: UNION
    cites: [{source: story}]
  - id: producers
    name: The Producers
    kind: TRADE_ASSOCIATION
    cites: [{source: story}]
strikes:
  - id: guild-strike
    name: The guild strike
    start_date: 2023-05-02
    cites: [{source: story, quote: "on strike since 2023-05-02"}]
facts:
  - {type: WAGES, from: guild, to: guild-strike, since: 2023-05-02, cites: [{source: story, quote: "since 2023-05-02"}]}
  - {type: AGAINST, from: guild-strike, to: producers, cites: [{source: story, quote: "against the producers"}]}
"""
)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


async def graph_fingerprint(driver: AsyncDriver) -> list[tuple[object, ...]]:
    records, _, _ = await driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN n.id AS n, properties(n) AS props, type(r) AS t, r.id AS r, m.id AS m ORDER BY n, r"
    )
    return [tuple(str(value) for value in record.values()) for record in records]


def problems_of(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> list[str]:
    write(tmp_path, name, text)
    with pytest.raises(SeedValidationError) as raised:
        read_seed([tmp_path])
    return [str(problem) for problem in raised.value.problems]


BAD_INPUTS = [
    pytest.param(
        GOOD.replace("to: producers", "to: producer"),
        "bad.yaml:22: facts[1].to: unknown id 'producer' (did you mean 'producers'?)",
        id="unknown-id",
    ),
    pytest.param(
        GOOD.replace("id: producers", "id: guild"),
        "bad.yaml:11: organizations[1].id: duplicate id 'guild', first defined at",
        id="duplicate-id",
    ),
    pytest.param(
        GOOD.replace("start_date: 2023-05-02", "start_date: 2023-02-30"),
        "bad.yaml:18: strikes[0].start_date: '2023-02-30' is impossible: February 2023 has 28 days",
        id="impossible-date",
    ),
    pytest.param(
        GOOD.replace("start_date: 2023-05-02", "start_date: early June"),
        "bad.yaml:18: strikes[0].start_date: 'early June' is not a date",
        id="bad-date",
    ),
    pytest.param(
        GOOD.replace("kind: UNION", "kind: GUILDISH"),
        "bad.yaml:9: organizations[0].kind: unknown value 'GUILDISH'",
        id="unknown-kind",
    ),
    pytest.param(
        GOOD.replace("type: WAGES", "type: STRIKES_AT"),
        "bad.yaml:21: facts[0].type: unknown value 'STRIKES_AT'",
        id="unknown-relationship-type",
    ),
    pytest.param(
        GOOD.replace("type: AGAINST, from: guild-strike", "type: AGAINST, from: guild"),
        "bad.yaml:22: facts[1].from: AGAINST cannot from a Organization ('guild'): expected Strike",
        id="wrong-endpoint",
    ),
    pytest.param(
        GOOD.replace("name: A Guild", "name: [A, Guild]"),
        "bad.yaml:8: organizations[0].name: wrong type",
        id="wrong-property-type",
    ),
    pytest.param(
        GOOD.replace(', since: 2023-05-02, cites: [{source: story, quote: "since 2023-05-02"}]', ""),
        "bad.yaml:21: facts[0].cites: missing source: every entry must cite at least one source",
        id="missing-source",
    ),
    pytest.param(
        GOOD.replace("cites: [{source: story, quote", "cites: [{source: storyy, quote"),
        "bad.yaml:22: facts[1].cites[0].source: unknown source 'storyy' (did you mean 'story'?)",
        id="unknown-source",
    ),
    pytest.param(
        GOOD.replace("    kind: TRADE_ASSOCIATION", "   kind: [TRADE"),
        "bad.yaml:13: malformed YAML",
        id="malformed-yaml",
    ),
    pytest.param(GOOD.encode().replace(b"A Guild", b"A Guild \xff"), "bad.yaml:8: not UTF-8: byte 0xff", id="not-utf8"),
    pytest.param(
        GOOD.replace("    name: A Guild", "    name: A Guild\n    colour: red"),
        "bad.yaml:9: organizations[0].colour: unknown field",
        id="unknown-field",
    ),
    pytest.param(
        GOOD + "strikez: []\n",
        "bad.yaml:23: strikez: unknown section (did you mean 'strikes'?)",
        id="unknown-section",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_INPUTS)
async def test_bad_input_is_reported_with_file_line_and_field_and_writes_nothing(
    tmp_path: Path, seeded: AsyncDriver, text: str | bytes, expected: str
) -> None:
    before = await graph_fingerprint(seeded)
    problems = problems_of(tmp_path, text)
    assert any(problem.startswith(expected) or expected in problem for problem in problems), problems
    assert await graph_fingerprint(seeded) == before


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("kind: UNION", "kind: GUILDISH").replace("to: producers", "to: nobody")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2
    assert "bad.yaml:9: organizations[0].kind: unknown value 'GUILDISH'" in problems[0]
    assert "bad.yaml:22: facts[1].to: unknown id 'nobody'" in problems[1]


def test_a_fact_joining_an_invalid_node_is_still_checked_for_its_kind(tmp_path: Path) -> None:
    """The guild fails validation, and a fact draws it as a strike: both problems in one run, so fixing
    the guild does not reveal a new one on the second run."""
    text = GOOD.replace("kind: UNION", "kind: GUILDISH").replace(
        "type: AGAINST, from: guild-strike", "type: AGAINST, from: guild"
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2, problems
    assert "bad.yaml:9: organizations[0].kind: unknown value 'GUILDISH'" in problems[0]
    assert "bad.yaml:22: facts[1].from: AGAINST cannot from a Organization ('guild'): expected Strike" in problems[1]
    fixed = problems_of(tmp_path, text.replace("kind: GUILDISH", "kind: UNION"))
    assert fixed == [problems[1]]


def test_duplicates_across_files_name_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", SOURCE)
    with pytest.raises(SeedValidationError) as raised:
        read_seed([tmp_path])
    assert [str(p) for p in raised.value.problems] == [
        f"{tmp_path / 'b.yaml'}:2: sources[0].id: duplicate id 'story', first defined at {tmp_path / 'a.yaml'}:2"
    ]


def test_relative_dates_stay_partial_and_note_their_resolution() -> None:
    seed = read_seed()
    dga = seed.facts["dga--reached--dga-amptp-agreement-2023"]
    assert dga.on is not None and dga.on.isoformat() == "2023-06"
    meeting = seed.nodes["wga-amptp-meeting-2023-08-04"]
    assert meeting.note is not None and "2023-08-04" in meeting.note


async def test_identical_rerun_changes_nothing(seeded: AsyncDriver) -> None:
    before = await graph_fingerprint(seeded)
    summary = await load_seed(seeded, "neo4j", read_seed())
    assert summary.changes == 0
    assert summary.nodes["unchanged"] == len(read_seed().nodes)
    assert await graph_fingerprint(seeded) == before


async def test_a_graph_seeded_under_the_first_hash_scheme_is_rehashed_once_and_nothing_else_changes(
    seeded: AsyncDriver,
) -> None:
    seed = read_seed()
    nodes = [{"id": row["id"], "hash": row["legacy"]} for row in node_rows(list(seed.nodes.values()), legacy=True)]
    facts = [{"id": row["id"], "hash": row["legacy"]} for row in fact_rows(list(seed.facts.values()), legacy=True)]
    await seeded.execute_query(
        "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n.seedHash = row.hash", rows=nodes
    )
    await seeded.execute_query(
        "UNWIND $rows AS row MATCH ()-[r {id: row.id}]->() SET r.seedHash = row.hash", rows=facts
    )
    stamps = (
        "MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->() "
        "RETURN n.id AS n, n.version AS nv, n.updatedAt AS nu, r.id AS r, r.version AS rv, r.updatedAt AS ru ORDER BY n, r"
    )
    before, _, _ = await seeded.execute_query(stamps)
    epoch, _, _ = await seeded.execute_query("MATCH (s:ChangeSequence) RETURN s.epoch AS epoch, s.seq AS seq")

    migrated = await load_seed(seeded, "neo4j", seed)
    assert (migrated.nodes["rehashed"], migrated.facts["rehashed"]) == (len(seed.nodes), len(seed.facts))
    assert migrated.changes == 0
    after, _, _ = await seeded.execute_query(stamps)
    assert [record.data() for record in after] == [record.data() for record in before]  # no version, no time moved
    assert (await seeded.execute_query("MATCH (s:ChangeSequence) RETURN s.epoch AS epoch, s.seq AS seq"))[0] == epoch
    hashes, _, _ = await seeded.execute_query(
        "MATCH (n:Entity) OPTIONAL MATCH ()-[r]->() RETURN collect(DISTINCT n.seedHash) + collect(DISTINCT r.seedHash) AS h"
    )
    assert all(value.startswith(HASH_SCHEME) for value in hashes[0]["h"])

    again = await load_seed(seeded, "neo4j", seed)
    assert (again.nodes["unchanged"], again.facts["unchanged"], again.nodes["rehashed"]) == (
        len(seed.nodes), len(seed.facts), 0,
    )  # fmt: skip


async def test_an_edit_changes_exactly_that(tmp_path: Path, seeded: AsyncDriver) -> None:
    shutil.copytree(SEED_DIR, tmp_path / "data")
    people = tmp_path / "data" / "organizations.yaml"
    people.write_text(people.read_text().replace("name: Carol Lombardini", "name: Carol A. Lombardini"))
    summary = await load_seed(seeded, "neo4j", read_seed([tmp_path / "data"]))
    assert (summary.nodes["updated"], summary.nodes["created"], summary.facts["updated"]) == (1, 0, 0)
    records, _, _ = await seeded.execute_query(
        "MATCH (p:Person {id: 'carol-lombardini'}) RETURN p.name AS name, p.version AS v"
    )
    assert records[0]["name"] == "Carol A. Lombardini"
    assert records[0]["v"] == 2


async def test_prune_removes_what_left_the_files_but_never_api_facts(tmp_path: Path, seeded: AsyncDriver) -> None:
    await seeded.execute_query(
        "MATCH (a:Person {id: 'ronald-reagan'}), (o:Organization {id: 'dga'}) "
        "CREATE (a)-[:MEMBER_OF {id: 'api-fact', managedBy: 'api', sources: ['story-2023-08-10-wga-returns'], quotes: ['']}]->(o)"
    )
    shutil.copytree(SEED_DIR, tmp_path / "data")
    facts = tmp_path / "data" / "facts.yaml"
    text = facts.read_text()
    start = text.index("  - {type: PRESIDES, from: ronald-reagan")
    end = text.index("  - type: PART_OF")
    facts.write_text(text[:start] + text[end:])
    without_prune = await load_seed(seeded, "neo4j", read_seed([tmp_path / "data"]))
    assert without_prune.facts["removed"] == 0
    summary = await load_seed(seeded, "neo4j", read_seed([tmp_path / "data"]), prune=True)
    assert summary.facts["removed"] == 1
    records, _, _ = await seeded.execute_query(
        "MATCH (:Person {id: 'ronald-reagan'})-[r]->() RETURN collect(r.id) AS ids"
    )
    assert records[0]["ids"] == ["api-fact"]


async def test_a_load_that_fails_half_way_writes_nothing(empty_graph: AsyncDriver) -> None:
    # Sources load first; a constraint two organizations then violate fails the transaction after them.
    await empty_graph.execute_query(
        "CREATE CONSTRAINT poison IF NOT EXISTS FOR (n:Organization) REQUIRE n.managedBy IS UNIQUE"
    )
    try:
        with pytest.raises(Exception, match="already exists"):
            await load_seed(empty_graph, "neo4j", read_seed())
        assert await graph_fingerprint(empty_graph) == []
    finally:
        await empty_graph.execute_query("DROP CONSTRAINT poison IF EXISTS")


def test_dry_run_validates_only_and_reports_problems(tmp_path: Path) -> None:
    strikegraph = str(Path(sys.executable).parent / "strikegraph")
    ok = subprocess.run(
        [strikegraph, "seed", "--dry-run"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stderr
    write(tmp_path, "bad.yaml", GOOD.replace("to: producers", "to: producer"))
    bad = subprocess.run([strikegraph, "seed", "--dry-run", str(tmp_path)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "bad.yaml:22: facts[1].to: unknown id 'producer'" in bad.stderr
    assert "nothing was written" in bad.stderr
