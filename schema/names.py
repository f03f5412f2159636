"""What makes two names the same name: the one normalisation behind name keys (schema/keys.py), the seed
validator's "a name is unique per kind", the API's writes and every lookup by name.

Look-alikes are one name: "Café Guild" written decomposed (NFD), with a no-break, ideographic or zero-width
space, with a soft hyphen or a byte order mark inside, or in fullwidth letters has the key of "Café Guild".
Display names are stored as written; only keys are normalised. Confusable scripts (a Cyrillic "a" in a
Latin word) are not folded, only reported (`mixed_script_words`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

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


def name_likeness(text: str, name: str) -> float:
    """How alike two names are, 0 to 1, as the name keys compare them: 1 for the same name, else the better
    of the characters' likeness (which forgives a typo: "Writers Gild") and the words' (the text's words found
    in the name, with a little for the name's words found in the text: "Writers Guild" in "Writers Guild of
    America"). The one measure reconciliation and drafting score names by."""
    query, candidate = normalized_name(text), normalized_name(name)
    if not query or not candidate:
        return 0.0
    if query == candidate:
        return 1.0
    characters = fuzz.ratio(query, candidate) / 100
    words_q, words_c = set(re.findall(r"\w+", query)), set(re.findall(r"\w+", candidate))
    shared = len(words_q & words_c)
    words = 0.8 * shared / len(words_q) + 0.2 * shared / len(words_c) if words_q and words_c else 0.0
    return max(characters, words)
