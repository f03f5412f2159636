"""The drafter, without Neo4j: mentions with offsets, dates resolved with their precision, quotes only for
attributed words in quotation marks, the seed validator's gate, reconciliation's threshold, the --to-yaml
round trip, and recall floors on the fictional articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.drafting import ARTICLES, STORY, draft_fixture, drafted
from schema.model import Label
from seed.drafting.draft import Base, draft_article
from seed.drafting.gazetteer import Entry, Gazetteer
from seed.drafting.mentions import find_mentions
from seed.drafting.reconcile import MATCH_THRESHOLD, reconcile
from seed.drafting.when import find_dates
from seed.evidence import SOURCES_DIR
from seed.validate import read_seed

THURSDAY = dt.date(2023, 8, 10)


@pytest.fixture(scope="module")
def cold() -> Base:
    return Base.read([Path("seed/data/industries.yaml")])


@pytest.fixture
def registered() -> Iterator[None]:
    """Articles drafted in a test are registered under seed/sources/; the ones it added are removed."""
    before = set(SOURCES_DIR.glob("*.txt"))
    yield
    for created in set(SOURCES_DIR.glob("*.txt")) - before:
        created.unlink()


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("The strike crossed the 100-day mark on Wednesday.", "2023-08-09"),
        ("Negotiators previously met last Friday.", "2023-08-04"),
        ("Talks will resume Friday, Aug. 11, with the employers.", "2023-08-11"),
        ("The guild reached a deal in early June.", "2023-06"),
        ("The contract expired at the end of last year.", "2022"),
        ("The union said it will meet the company on Monday.", "2023-08-14"),
    ],
)
def test_dates_resolve_against_the_publication_day_keeping_their_precision(words: str, value: str) -> None:
    (found,) = find_dates(words, THURSDAY)
    assert found.value == value
    assert value in found.note  # the note states the date, as the seed's rules ask


def test_mentions_carry_offsets_names_and_titles() -> None:
    text = 'The Writers Guild of America (WGA) met. "Hi," said Jane Roe, the WGA\'s president. More than 2,000 workers are on strike.'
    mentions = find_mentions(text, THURSDAY, Gazetteer())
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    organizations = {(m.text, m.name) for m in mentions if m.kind == "organization"}
    assert ("WGA", "Writers Guild of America") in organizations
    (person,) = [m for m in mentions if m.kind == "person"]
    assert (person.name, person.title, person.of) == ("Jane Roe", "President", "WGA")
    (number,) = [m for m in mentions if m.kind == "number"]
    assert (number.value, number.approximation, number.measure) == (2000.0, "MORE_THAN", "WORKERS_INVOLVED")


def test_a_quote_is_only_attributed_words_inside_quotation_marks(cold: Base, registered: None) -> None:
    text = (SOURCES_DIR / STORY).read_text()
    draft = draft_article(text, THURSDAY, cold, title="WGA returns to negotiating table")
    quoted = [fact for fact in draft.facts if fact.evidence.quote]
    assert quoted
    for fact in draft.facts:
        evidence = fact.evidence
        assert (evidence.quote is None) != (evidence.paraphrase is None)
        assert text[evidence.start : evidence.end] == (evidence.quote or evidence.paraphrase)
        if evidence.quote:
            assert text[evidence.start - 1] == '"' and evidence.speaker
    # "They also "did not indicate ..."": in quotation marks, but attributed to no one in its sentence.
    silent = [fact for fact in draft.facts if fact.type == "SILENT_ON"]
    assert silent and all(fact.evidence.paraphrase for fact in silent)


def test_the_seed_validator_refuses_what_the_graph_already_holds(registered: None) -> None:
    text = (SOURCES_DIR / STORY).read_text()
    draft = draft_article(text, THURSDAY, Base.read(), title="WGA returns to negotiating table")
    refused = {r.id: r.problems[0] for r in draft.refused}
    assert "duplicate fact" in refused["carol-lombardini--presides--amptp"]
    assert "carol-lombardini--presides--amptp" not in {fact.id for fact in draft.facts}


def test_reconciliation_matches_only_above_the_threshold() -> None:
    gazetteer = Gazetteer()
    gazetteer.add(Entry("wga", Label.ORGANIZATION, "Writers Guild of America", ("WGA",)))
    assert reconcile(gazetteer, Label.ORGANIZATION, ("WGA",)).match.node_id == "wga"  # type: ignore[union-attr]
    near = reconcile(gazetteer, Label.ORGANIZATION, ("Writers Guild of Americas",))
    assert near.match is not None and near.match.score >= MATCH_THRESHOLD
    far = reconcile(gazetteer, Label.ORGANIZATION, ("Writers Union of Canada",))
    assert far.match is None and far.candidates and far.candidates[0].score < MATCH_THRESHOLD


def test_to_yaml_round_trips_through_the_seed_validator(tmp_path: Path, registered: None) -> None:
    import yaml

    path = ARTICLES / "2024-03-14-bakers-strike.txt"
    draft = draft_article(path.read_text(), dt.date(2024, 3, 14), Base.read(), title="Bakers strike")
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft.seed_document(), sort_keys=False, allow_unicode=True))
    seed = read_seed([Path("seed/data"), tmp_path])
    assert {fact.id for fact in draft.facts} <= set(seed.facts)
    assert any(node.id == draft.source.id for node in seed.nodes.values())


@pytest.mark.parametrize(("article", "entities", "dates", "facts"), [
    ("2023-11-02-transit-deal", 1.0, 0.75, 0.5),
    ("2024-03-14-bakers-strike", 0.8, 0.66, 0.25),
    ("2024-06-20-nurses-vote", 1.0, 1.0, 0.4),
])  # fmt: skip
def test_recall_on_the_fictional_articles_stays_above_its_floor(
    cold: Base, article: str, entities: float, dates: float, facts: float
) -> None:
    draft, _, (want_entities, want_dates, want_facts) = draft_fixture(ARTICLES / f"{article}.txt", cold)
    got_entities, got_dates, got_facts = drafted(draft)
    from bench.drafting import _fact_matches

    assert sum(any(e & p for p in got_entities) for e in want_entities) / len(want_entities) >= entities
    assert len(set(want_dates) & set(got_dates)) / len(set(want_dates)) >= dates
    assert sum(any(_fact_matches(e, p) for p in got_facts) for e in want_facts) / len(want_facts) >= facts
