"""The validator's evidence checks, without Neo4j: dates need a quote or note that states them, a quote is
found word for word where it says, a paraphrase names its relaying source, and unverifiable sources are said."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed.problems import SeedValidationError
from seed.validate import read_seed

SOURCES = """\
sources:
  - id: story
    name: The story
    kind: ARTICLE
    file: 2023-08-10-wga-returns-to-negotiating-table.txt
  - id: email
    name: An email
    kind: EMAIL
organizations:
  - id: guild
    name: A Guild
    kind: UNION
    cites: [{source: story, quote: "The Writers Guild of America (WGA) is returning"}]
"""


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, since: 2023-07-01, cites: [{source: story}]}",
            "bad.yaml:15: facts[0].since: since 2023-07-01 is in no quote, paraphrase or note",
            id="bound-without-evidence",
        ),
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, since: 1960, attested_on: 1960, note: in 1960,"
            " cites: [{source: story}]}",
            "bad.yaml:15: facts[0].attested_on: attested_on is for a fact known only at a point in time",
            id="attested-and-bounded",
        ),
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, cites: [{source: email, quote: unions stand together}]}",
            "",
            id="unverifiable-quote-is-allowed",
        ),
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, cites: [{source: email, via: story, quote: unions stand together}]}",
            "bad.yaml:15: facts[0].cites[0].quote: not found word for word in the text of 'story'",
            id="quote-not-in-the-relaying-text",
        ),
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, cites: [{source: email, paraphrase: the guild is back}]}",
            "bad.yaml:15: facts[0].cites[0]: a paraphrase is another source's words: name it in `via`",
            id="paraphrase-without-via",
        ),
        pytest.param(
            "  - {type: SUPPORTS, from: guild, to: guild, cites: [{source: email, via: stroy}]}",
            "bad.yaml:15: facts[0].cites[0].via: unknown source 'stroy' (did you mean 'story'?)",
            id="unknown-via",
        ),
    ],
)
def test_the_validator_checks_evidence_at_file_and_line(tmp_path: Path, entry: str, expected: str) -> None:
    (tmp_path / "bad.yaml").write_text(SOURCES + "facts:\n" + entry + "\n")
    if not expected:
        seed = read_seed([tmp_path])
        said = [str(w).split(": ", 1)[1] for w in seed.warnings]
        assert said[0] == "sources[1]: 'email' has neither a url nor a file: it is marked unverified"
        assert all("not checked: no stored text of 'email'" in more for more in said[1:])
        return
    with pytest.raises(SeedValidationError) as raised:
        read_seed([tmp_path])
    problems = [str(p).replace(str(tmp_path) + "/", "") for p in raised.value.problems]
    assert any(p.startswith(expected) for p in problems), problems


def test_words_no_stored_text_can_check_are_allowed_and_said(tmp_path: Path) -> None:
    """A quote of a source known only by its URL is kept, with a warning at its place (and `checked: false`
    in the API); the same quote of a source with a stored text is checked word for word."""
    web = SOURCES.replace(
        "sources:\n", 'sources:\n  - {id: web, name: A page, kind: ARTICLE, url: "https://example.org/a"}\n'
    )
    (tmp_path / "words.yaml").write_text(
        web + "facts:\n  - {type: SUPPORTS, from: guild, to: guild, cites: [{source: web, quote: Anything at all}]}\n"
    )
    seed = read_seed([tmp_path])
    warnings = [str(w).replace(str(tmp_path) + "/", "") for w in seed.warnings]
    assert "words.yaml:16: facts[0].cites[0].quote: not checked: no stored text of 'web' to find it in" in warnings


def test_a_status_worked_out_when_read_is_never_written(tmp_path: Path) -> None:
    talks = "negotiations:\n  - {id: talks, name: Talks, status: PAST_UNCONFIRMED, cites: [{source: story}]}\n"
    (tmp_path / "talks.yaml").write_text(SOURCES + talks)
    with pytest.raises(SeedValidationError) as raised:
        read_seed([tmp_path])
    problems = [str(p).replace(str(tmp_path) + "/", "") for p in raised.value.problems]
    assert any(
        "talks.yaml:15: negotiations[0].status: PAST_UNCONFIRMED is worked out when the field is read, never "
        "written: give one of SCHEDULED, HELD" in p
        for p in problems
    ), problems
