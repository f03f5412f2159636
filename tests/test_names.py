"""What makes two names one, without Neo4j: look-alikes of "Café Guild" have its key, display names stay as
written, a name with nothing visible is refused, and a word mixing scripts is found (fast tier)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schema.model import Label
from schema.names import mixed_script_words, name_keys, normalized_name
from schema.records import NODE_RECORDS

CAFE_GUILD = "Caf\u00e9 Guild"
LOOK_ALIKES = {
    "decomposed (NFD)": "Cafe\u0301 Guild",
    "no-break space": "Caf\u00e9\u00a0Guild",
    "zero-width space": "Caf\u00e9\u200bGuild",
    "fullwidth letters": "\uff23\uff41\uff46\u00e9 \uff27\uff55\uff49\uff4c\uff44",
    "ideographic spaces around": "\u3000Caf\u00e9\u3000\u3000Guild\u3000",
    "byte order mark and soft hyphen": "\ufeffCaf\u00ad\u00e9 Guild",
    "word joiner": "Ca\u2060f\u00e9 Guild",
    "another case": "CAF\u00c9 GUILD",
}


@pytest.mark.parametrize("look_alike", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_cafe_guild_has_its_key(look_alike: str) -> None:
    assert normalized_name(look_alike) == normalized_name(CAFE_GUILD) == "caf\u00e9 guild"


def test_ascii_names_keep_the_keys_they_had() -> None:  # so a graph of plain names needs no migration
    for name in ["WGA", "Writers Guild of America", "SAG-AFTRA", "O'Brien & Sons (1960)"]:
        assert normalized_name(name) == name.casefold()


def test_a_node_stores_its_name_as_written_and_claims_the_normalised_keys() -> None:
    record = NODE_RECORDS[Label.ORGANIZATION].model_validate(
        {"id": "cafe", "name": LOOK_ALIKES["no-break space"], "aliases": [LOOK_ALIKES["decomposed (NFD)"], "CG"],
         "kind": "UNION", "cites": [{"source": "s"}]}
    )  # fmt: skip
    properties = record.properties()
    assert properties["name"] == "Caf\u00e9\u00a0Guild"
    assert properties["nameKeys"] == ["caf\u00e9 guild", "cg"] == name_keys([record.name, *record.aliases])


@pytest.mark.parametrize("name", ["\u200b", "\u200d\ufeff", "\u3000\u00ad"])
def test_a_name_with_nothing_visible_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="nothing visible"):
        NODE_RECORDS[Label.PERSON].model_validate({"id": "p", "name": name, "cites": [{"source": "s"}]})


@pytest.mark.parametrize(
    ("name", "mixed"),
    [
        ("C\u0430f\u00e9 Guild", ["C\u0430f\u00e9"]),  # a Cyrillic a
        ("Caf\u00e9 \u0393uild", ["\u0393uild"]),  # a Greek capital gamma
        (CAFE_GUILD, []),
        ("\u041c\u0413\u0423 Union", []),  # a Cyrillic word beside a Latin one
        ("\u6771\u4eac\u30e6\u30cb\u30aa\u30f3", []),  # Japanese: kanji and katakana in one word
        (LOOK_ALIKES["fullwidth letters"], []),
    ],
)
def test_words_that_mix_scripts_are_found(name: str, mixed: list[str]) -> None:
    assert mixed_script_words(name) == mixed
