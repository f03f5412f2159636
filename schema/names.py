"""What makes two names the same name: the one normalisation behind name keys (schema/keys.py), the seed
validator's "a name is unique per kind", the API's writes and every lookup by name.

Look-alikes are one name: "Café Guild" written decomposed (NFD), with a no-break, ideographic or zero-width
space, with a soft hyphen or a byte order mark inside, or in fullwidth letters has the key of "Café Guild".
Display names are stored as written; only keys are normalised. Confusable scripts (a Cyrillic "a" in a
Latin word) are not folded, only reported (`mixed_script_words`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# A zero-width space separates words (it is where a line may break), so it folds to a space like the others;
# every other format character (Cf: joiners, BOM, soft hyphen, bidi marks, ...) is dropped.
_WORD_BREAKS = frozenset("\u200b")


def normalized_name(name: str) -> str:
    """The key of a name: NFKC, casefolded, format characters removed, every kind of whitespace folded to one
    ASCII space, trimmed. "" when nothing visible is left."""
    if name.isascii():  # the common case: no compatibility forms, no format characters
        return " ".join(name.casefold().split())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    visible = "".join(
        " " if char in _WORD_BREAKS else char
        for char in folded
        if unicodedata.category(char) != "Cf" or char in _WORD_BREAKS
    )
    return " ".join(visible.split())


def name_keys(names: Iterable[str]) -> list[str]:
    """The keys a node's name and aliases claim: normalised, each once, sorted."""
    return sorted({key for key in map(normalized_name, names) if key})


# Scripts by the first word of a letter's Unicode name; Japanese writes one word in several of them.
_SAME_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK"}


def mixed_script_words(name: str) -> list[str]:
    """The words of `name` whose letters come from more than one script (a Cyrillic "a" among Latin letters
    looks the same and is another name): worth a curator's look, not an error."""
    if name.isascii():
        return []
    mixed = []
    for word in unicodedata.normalize("NFKC", name).split():
        scripts = {_script(char) for char in word if char.isalpha()}
        if len(scripts) > 1:
            mixed.append(word)
    return mixed


def scripts_of(word: str) -> str:
    """The scripts of a word's letters, in words: "CYRILLIC, LATIN"."""
    return ", ".join(sorted({_script(char) for char in word if char.isalpha()}))


def _script(letter: str) -> str:
    first = unicodedata.name(letter, "UNKNOWN").split()[0]
    return _SAME_SCRIPT.get(first, first)
