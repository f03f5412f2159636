"""The drafter, without Neo4j: mentions with offsets, dates resolved with their precision, quotes only for
attributed words in quotation marks, the seed validator's gate, reconciliation's threshold, the --to-yaml
round trip, and recall floors on the fictional articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.drafting import (
    ARTICLES,
    STORY,
    Answer,
    draft_fixture,
    drafted,
    fact_matches,
    quotes_not_in_text,
    story_answer,
)
from schema.model import NODE_KIND, Label
from seed.drafting.draft import Base, Draft, NodeCandidate, SourceRecord, draft_article, draft_text
from seed.drafting.gazetteer import Entry, Gazetteer
from seed.drafting.mentions import find_mentions
from seed.drafting.reconcile import MATCH_THRESHOLD, reconcile
from seed.drafting.text import quotations, sentences
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


# Today's recall, as floors: a change that loses a name, a date or a fact on any article fails. The last two
# are held out (written before the rules for votes, roles and trailing attributions; see the fixtures' README).
@pytest.mark.parametrize(("article", "entities", "dates", "facts"), [
    ("2023-11-02-transit-deal", 1.0, 0.75, 0.7),
    ("2024-03-14-bakers-strike", 1.0, 0.66, 1.0),
    ("2024-06-20-nurses-vote", 1.0, 1.0, 0.8),
    ("2024-09-12-cannery-ratification", 1.0, 1.0, 0.9),
    ("2025-02-06-freight-authorization", 0.85, 1.0, 0.8),
])  # fmt: skip
def test_recall_on_the_fictional_articles_stays_above_its_floor(
    cold: Base, article: str, entities: float, dates: float, facts: float
) -> None:
    draft, text, answer = draft_fixture(ARTICLES / f"{article}.txt", cold)
    _assert_recall(draft, text, answer, entities, dates, facts)


def test_recall_on_the_seed_story_stays_above_its_floor(cold: Base, registered: None) -> None:
    text = (SOURCES_DIR / STORY).read_text()
    draft = draft_article(text, THURSDAY, cold, title="WGA returns to negotiating table")
    _assert_recall(draft, text, story_answer(), entities=0.9, dates=1.0, facts=0.83)


def _assert_recall(draft: Draft, text: str, answer: Answer, entities: float, dates: float, facts: float) -> None:
    want_entities, want_dates, want_facts = answer
    got_entities, got_dates, got_facts = drafted(draft)
    assert sum(any(e & p for p in got_entities) for e in want_entities) / len(want_entities) >= entities
    assert len(set(want_dates) & set(got_dates)) / len(set(want_dates)) >= dates
    assert sum(any(fact_matches(e, p) for p in got_facts) for e in want_facts) / len(want_facts) >= facts
    assert quotes_not_in_text(draft, text) == 0


def _drafted(text: str, day: dt.date, base: Base) -> tuple[Draft, dict[str, NodeCandidate]]:
    """A fictional text drafted without registering it (its words are checked against the text itself)."""
    source = SourceRecord("article-test", "Test", day.isoformat(), "test-article.txt", "0" * 64)
    draft = draft_text(text, day, base, source)
    return draft, {node.id: node for node in draft.nodes}


def _facts(draft: Draft, nodes: dict[str, NodeCandidate]) -> dict[tuple[str, str, str], dict[str, str]]:
    """(type, from's name or label, to's name or label) -> qualifiers."""

    def end(node_id: str) -> str:
        node = nodes.get(node_id)
        return node.label.value if node is None or node.label in (Label.STRIKE, Label.AGREEMENT) else node.name

    return {(f.type, end(f.from_), end(f.to)): f.qualifiers for f in draft.facts}


@pytest.mark.parametrize(
    ("words", "speaker"),
    [
        ("\u201cWe held the line,\u201d Ada Quill, a union steward, told KQXR.", "Ada Quill"),
        ("\u201cWe held the line,\u201d Ada Quill, a union shop steward told KQXR.", "Ada Quill"),  # no closing comma
        ('"We held the line," said Ada Quill, the union\'s president.', "Ada Quill"),
        ('"We held the line," Ada Quill, Tamsin\'s plant manager, said on Monday.', "Ada Quill"),
        ('"We held the line." The vote is on Friday.', None),  # nobody said it in its sentence: no quote
    ],
)
def test_a_quote_is_attributed_to_the_speaker_named_after_it(words: str, speaker: str | None) -> None:
    (quotation,) = quotations(words, sentences(words))
    assert (quotation.words, quotation.speaker) == ("We held the line", speaker)


def test_a_union_steward_after_a_comma_is_a_member_of_the_union_and_the_outlet_told_no_party(cold: Base) -> None:
    text = (
        "Members of the Hollis Bakers Union (HBU) went on strike at Tamsin Bread Company on Monday.\n\n"
        "\u201cWe held the line,\u201d Ada Quill, a union shop steward told KQXR.\n\n"
        "Rob Penn, a spokesman for Tamsin, said the company was willing to discuss scheduling."
    )
    draft, nodes = _drafted(text, dt.date(2024, 5, 9), cold)
    facts = _facts(draft, nodes)
    assert facts[("MEMBER_OF", "Ada Quill", "Hollis Bakers Union")]["title"] == "Union shop steward"
    assert facts[("REPRESENTS", "Rob Penn", "Tamsin Bread Company")] == {"role": "spokesman"}
    assert "KQXR" not in {node.name for node in draft.nodes}
    (member,) = [fact for fact in draft.facts if fact.type == "MEMBER_OF"]
    assert member.evidence.quote is None  # the quote does not say it: the sentence does
    assert "a union shop steward told KQXR" in (member.evidence.paraphrase or "")


@pytest.mark.parametrize(
    ("words", "fact", "vote"),
    [
        ("Tamsin workers voted 140-61 on Wednesday to ratify a three-year contract.", "RATIFIED", "140-61"),
        ("Members of the union ratified the new contract by a vote of 1,118 to 152.", "RATIFIED", "1,118-152"),
        ("Drivers at Tamsin Bread Company voted 88% to authorize a strike.", "AUTHORIZED", "88%"),
        ("The union's members voted to authorize a strike.", "AUTHORIZED", None),
        ("Tamsin workers voted 61-140 to reject the contract.", None, None),  # turned down: nothing ratified
    ],
)
def test_a_members_vote_is_a_ratification_or_an_authorization_with_its_tally(
    cold: Base, words: str, fact: str | None, vote: str | None
) -> None:
    text = f"The Hollis Bakers Union represents workers at Tamsin Bread Company. {words}"
    draft, nodes = _drafted(text, dt.date(2024, 9, 12), cold)
    votes = {f.type: f.qualifiers for f in draft.facts if f.type in ("RATIFIED", "AUTHORIZED")}
    if fact is None:
        assert votes == {}
        return
    assert list(votes) == [fact] and votes[fact].get("vote") == vote
    (voter,) = [nodes[f.from_].name for f in draft.facts if f.type == fact]
    assert voter == "Hollis Bakers Union"  # workers named by their employer vote through their union


def test_workers_named_by_their_employer_strike_through_their_union_against_it(cold: Base) -> None:
    text = "Tamsin Bread Company bakers are members of the Hollis Bakers Union. Tamsin workers walked off the job on Monday."
    draft, nodes = _drafted(text, dt.date(2024, 5, 9), cold)
    facts = _facts(draft, nodes)
    assert facts[("WAGES", "Hollis Bakers Union", "Strike")] == {"since": "2024-05-06"}
    assert ("AGAINST", "Strike", "Tamsin Bread Company") in facts


@pytest.mark.parametrize(
    "words",
    ["The union ratified a three-year contract on Monday.", "The contract, which lasts three years, raises pay by 6%."],
)
def test_a_deals_term_is_in_its_note_the_model_having_no_term_field(cold: Base, words: str) -> None:
    text = f"The Hollis Bakers Union reached a deal with Tamsin Bread Company on Friday. {words}"
    draft, _ = _drafted(text, dt.date(2024, 5, 9), cold)
    (agreement,) = [node for node in draft.nodes if node.label is Label.AGREEMENT]
    assert "term of 3 years" in agreement.fields["note"]
    assert not {"term", "duration"} & {attr.name for attr in NODE_KIND[Label.AGREEMENT].all_fields}


def test_an_offers_term_is_not_the_deals(cold: Base) -> None:
    text = "The Hollis Bakers Union reached a deal with Tamsin Bread Company. The company had offered a four-year contract."
    draft, _ = _drafted(text, dt.date(2024, 5, 9), cold)
    (agreement,) = [node for node in draft.nodes if node.label is Label.AGREEMENT]
    assert "note" not in agreement.fields
