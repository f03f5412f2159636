"""`python -m bench.drafting`: how much of a curated answer the drafter recovers, offline. On the seed story
(seed/sources/, published 2023-08-10) against the curated seed/data, and on the fictional articles of
tests/fixtures/articles/ against their hand-written answers: precision and recall per kind (entities, dates,
facts), quotes not found word for word in the text (must be 0), and the time to draft a 1,000-word article.

The drafter is given no knowledge of the story's nodes (its gazetteer holds only the NAICS industries), so
every entity must be found in the text. Entities and fact ends match by name or alias keys; events (strikes,
deals, talks, sources) match by kind, since their names are the curators' choice."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from schema.model import Label
from schema.names import normalized_name
from seed.drafting.draft import Base, Draft, draft_article
from seed.evidence import SOURCES_DIR
from seed.validate import read_seed

ROOT = Path(__file__).resolve().parent.parent
STORY = "2023-08-10-wga-returns-to-negotiating-table.txt"
STORY_ID = "story-2023-08-10-wga-returns"
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
NAMED = (Label.ORGANIZATION, Label.PERSON, Label.PLACE, Label.ISSUE)  # matched by name; other kinds by kind
ENTITY_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.PLACE)


@dataclass(frozen=True)
class Score:
    found: int
    expected: int
    proposed: int

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.proposed if self.proposed else 1.0


End = tuple[str, frozenset[str]]  # (label, name keys; empty for events)
Fact = tuple[str, End, End]
Answer = tuple[list[frozenset[str]], list[str], list[Fact]]  # entities (name keys), dates, facts


def _matches(a: End, b: End) -> bool:
    return a[0] == b[0] and ((not a[1] and not b[1]) or bool(a[1] & b[1]))


def fact_matches(expected: Fact, proposed: Fact) -> bool:
    return expected[0] == proposed[0] and _matches(expected[1], proposed[1]) and _matches(expected[2], proposed[2])


def _end(label: Label, names: tuple[str, ...]) -> End:
    return (label.value, frozenset(map(normalized_name, names)) if label in NAMED else frozenset())


def drafted(draft: Draft) -> Answer:
    """A draft's entities (name keys), resolved dates and facts, in the terms the answers use."""
    nodes = {node.id: node for node in draft.nodes}
    entities = [frozenset(map(normalized_name, (n.name, *n.aliases))) for n in draft.nodes if n.label in ENTITY_LABELS]
    dates = sorted({m.date for m in draft.mentions if m.date})
    facts: list[Fact] = []
    for fact in draft.facts:
        ends = []
        for node_id in (fact.from_, fact.to):
            node = nodes.get(node_id)
            ends.append(_end(node.label, (node.name, *node.aliases)) if node else (Label.SOURCE.value, frozenset()))
        facts.append((fact.type, ends[0], ends[1]))
    return entities, dates, facts


def quotes_not_in_text(draft: Draft, text: str) -> int:
    collapsed = " ".join(text.split())
    quotes = [f.evidence.quote for f in draft.facts if f.evidence.quote]
    return sum(1 for quote in quotes if " ".join(quote.split()) not in collapsed)


def report(name: str, expected: Answer, draft: Draft, text: str) -> dict[str, Score]:
    entities, dates, facts = drafted(draft)
    want_entities, want_dates, want_facts = expected
    scores = {
        "entities": Score(sum(1 for e in want_entities if any(e & p for p in entities)), len(want_entities),
                          len(entities)),
        "dates": Score(len(set(want_dates) & set(dates)), len(set(want_dates)), len(dates)),
        "facts": Score(sum(1 for e in want_facts if any(fact_matches(e, p) for p in facts)), len(want_facts),
                       len(facts)),
    }  # fmt: skip
    correct = {
        "entities": sum(1 for p in entities if any(e & p for e in want_entities)),
        "dates": len(set(want_dates) & set(dates)),
        "facts": sum(1 for p in facts if any(fact_matches(e, p) for e in want_facts)),
    }
    for kind, s in scores.items():
        precision = correct[kind] / s.proposed if s.proposed else 1.0
        print(f"{name:34} {kind:9} recall {s.found:3}/{s.expected:<3} = {s.recall:6.1%}   "
              f"precision {correct[kind]:3}/{s.proposed:<3} = {precision:6.1%}")  # fmt: skip
    print(f"{name:34} quotes not in the text: {quotes_not_in_text(draft, text)}")
    return scores


def story_answer() -> Answer:
    """What the curators recorded from the story: nodes and facts citing it (directly or through it); dates of
    records that rest on it alone."""
    seed = read_seed()

    def on_story(cites: list[object]) -> bool:
        return any(STORY_ID in (c.source, getattr(c, "via", None)) for c in cites)  # type: ignore[attr-defined]

    def only_story(cites: list[object]) -> bool:
        return all(STORY_ID in (c.source, getattr(c, "via", None)) for c in cites)  # type: ignore[attr-defined]

    entities = [frozenset(map(normalized_name, (n.name, *n.aliases))) for n in seed.nodes.values()
                if n.label in ENTITY_LABELS and on_story(list(n.cites))]  # fmt: skip
    dates: set[str] = set()
    records = [*seed.nodes.values(), *seed.facts.values()]
    for record in records:
        if record.cites and only_story(list(record.cites)):
            for name in ("on", "since", "until", "attested_on", "by", "date", "start_date", "end_date"):
                value = getattr(record, name, None)
                if value is not None and hasattr(value, "isoformat"):
                    dates.add(value.isoformat())
    facts: list[Fact] = []
    for fact in seed.facts.values():
        if on_story(list(fact.cites)):
            ends = [seed.nodes[i] for i in (fact.from_, fact.to)]
            facts.append((fact.type.value, *(_end(n.label, (n.name, *n.aliases)) for n in ends)))  # type: ignore[arg-type]
    return entities, sorted(dates), facts


def fixture_answer(path: Path) -> tuple[dt.date, Answer]:
    answer = yaml.safe_load(path.read_text())
    entities = [frozenset({normalized_name(name)}) for name in answer["entities"]]
    people = frozenset(answer["people"])
    facts: list[Fact] = []
    for rel, start, end in answer["facts"]:
        facts.append((rel, _fixture_end(start, people), _fixture_end(end, people)))
    return dt.date.fromisoformat(str(answer["published"])), (entities, [str(d) for d in answer["dates"]], facts)


def _fixture_end(text: str, people: frozenset[str]) -> End:
    """An end as the answer writes it: a kind (an event), a lowercase issue, a person the answer lists under
    `people`, else an organization."""
    if text in {label.value for label in Label}:
        return (text, frozenset())
    label = Label.ISSUE if text[0].islower() else Label.PERSON if text in people else Label.ORGANIZATION
    return (label.value, frozenset({normalized_name(text)}))


def draft_fixture(path: Path, base: Base) -> tuple[Draft, str, Answer]:
    """Draft a fixture article (its registered copy removed afterwards) and its expected answer."""
    published, answer = fixture_answer(path.parent / (path.stem + ".expected.yaml"))
    text = path.read_text()
    before = set(SOURCES_DIR.glob("*.txt"))
    try:
        draft = draft_article(text, published, base, title=path.stem)
    finally:
        for created in set(SOURCES_DIR.glob("*.txt")) - before:
            created.unlink()
    return draft, text, answer


def main() -> None:
    cold = Base.read([ROOT / "seed" / "data" / "industries.yaml"])
    story = (SOURCES_DIR / STORY).read_text()
    draft = draft_article(story, dt.date(2023, 8, 10), cold, title="WGA returns to negotiating table")
    report("seed story (vs seed/data)", story_answer(), draft, story)
    for path in sorted(ARTICLES.glob("*.txt")):
        fixture, text, answer = draft_fixture(path, cold)
        report(path.stem, answer, fixture, text)
    words = story.split()
    thousand = " ".join((words * (1000 // len(words) + 1))[:1000])
    started = time.perf_counter()
    before = set(SOURCES_DIR.glob("*.txt"))
    try:
        draft_article(thousand, dt.date(2023, 8, 10), Base.read(), title="timing article")
    finally:
        for created in set(SOURCES_DIR.glob("*.txt")) - before:
            created.unlink()
    print(f"time to draft a 1,000-word article (base: seed/data, validator included): "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
