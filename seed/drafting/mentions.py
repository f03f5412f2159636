"""Mentions: the organizations, people (with their titles), places, dates and numbers an article names, each
with its character offsets. Rules over the text and the gazetteer's names; no model. Each mention says the
name it stands for (an acronym defined in parentheses stands for the full name)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from schema.model import Approximation, Label, Measure, OrganizationKind
from schema.names import normalized_name
from seed.drafting.gazetteer import Gazetteer
from seed.drafting.when import find_dates
from seed.us_states import US_STATES

ORGANIZATION, PERSON, PLACE, DATE, NUMBER = "organization", "person", "place", "date", "number"
KINDS = (ORGANIZATION, PERSON, PLACE, DATE, NUMBER)
_LABEL_KIND = {Label.ORGANIZATION: ORGANIZATION, Label.PERSON: PERSON, Label.PLACE: PLACE, Label.SITE: PLACE}


@dataclass(frozen=True)
class Mention:
    id: str  # stable for a text: its kind and offsets
    kind: str
    start: int
    end: int
    text: str
    name: str  # the name it stands for ("Writers Guild of America" for "WGA" once defined)
    aliases: tuple[str, ...] = ()
    organization_kind: str | None = None  # OrganizationKind, guessed from the name's words
    title: str | None = None  # a person's title ("President")
    of: str | None = None  # the organization a person's title is of, as written ("AMPTP", "the guild")
    date: str | None = None  # ISO, at the precision the words give
    note: str | None = None  # how a date was resolved
    value: float | None = None
    unit: str | None = None
    approximation: str | None = None
    measure: str | None = None
    period: str | None = None


def mention_id(kind: str, start: int, end: int) -> str:
    return f"m-{kind[:3]}-{start}-{end}"


# -- organizations ----------------------------------------------------------------------------------------

_CAP = r"[A-Z][A-Za-z'\u2019&.-]*[A-Za-z]|[A-Z]"
_NAME_RUN = rf"(?:{_CAP})(?:\s+(?:of|and|for|the|de|&|(?:{_CAP})|[0-9]+))*\s+(?:{_CAP}|[0-9]+)"
# "..., told KDFR." / "told the Ashgrove Herald": a speaker's words given to an outlet (not a party to anything).
_TOLD = re.compile(rf"\btold\s+(?:the\s+)?(?P<org>{_NAME_RUN}|{_CAP})(?=\s*[.,;]|\s+(?:on|in|that|last)\b)")
_DEFINED = re.compile(rf"(?P<name>{_NAME_RUN})\s+\((?P<acronym>[A-Z][A-Za-z0-9&-]*[A-Z0-9])\)")
_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{2,}(?:-[A-Z]{2,})*(?![\w-])")
_RUN = re.compile(rf"{_NAME_RUN}|{_CAP}")
_NOT_ACRONYMS = frozenset({"CEO", "USA", "USD", "COVID", "FAQ", "PDF", "LLC", "THE", "AND", "NEW", "TV", "AI", "US"})

# Words that make a capitalized run an organization, with the kind they suggest (the last one decides).
_KIND_WORDS: dict[str, OrganizationKind] = {
    **dict.fromkeys(("Guild", "Union", "Workers", "Teamsters", "Brotherhood", "Nurses", "Teachers", "Employees",
                     "Drivers", "Pilots", "Machinists", "Steelworkers", "Writers", "Actors"), OrganizationKind.UNION),
    **dict.fromkeys(("Local",), OrganizationKind.LOCAL),
    **dict.fromkeys(("Committee",), OrganizationKind.COMMITTEE),
    **dict.fromkeys(("Alliance", "Association", "League", "Chamber", "Producers"), OrganizationKind.TRADE_ASSOCIATION),
    **dict.fromkeys(("Federation", "Congress"), OrganizationKind.FEDERATION),
    **dict.fromkeys(("Reporter", "Times", "Post", "News", "Tribune", "Journal", "Herald", "Press", "Gazette",
                     "Magazine", "Radio", "Wire"), OrganizationKind.MEDIA_OUTLET),
    **dict.fromkeys(("Board", "Department", "Ministry", "Agency", "Authority", "Commission", "Service", "Council",
                     "Office"), OrganizationKind.GOVERNMENT),
    **dict.fromkeys(("Inc", "Inc.", "Corp", "Corp.", "Corporation", "Company", "Co.", "LLC", "Hospital", "Hospitals",
                     "Health", "Center", "University", "College", "Schools", "Airlines", "Airways", "Motors", "Foods",
                     "Logistics", "Studios", "Systems", "Transit", "Group", "Industries", "Manufacturing", "Mills",
                     "Markets", "Stores", "Bakery", "Bakeries", "Freight", "Shipping", "Mining", "Energy"),
                    OrganizationKind.EMPLOYER),
}  # fmt: skip
# A union's words outrank an association's ("Nurses Association" is a union).
_UNION_FIRST = frozenset({"Nurses", "Teachers", "Employees", "Drivers", "Pilots", "Workers", "Guild", "Union"})
_SKIP_LEADING = frozenset({"The", "A", "An", "After", "Before", "When", "While", "Since", "But", "And", "At", "In",
                           "On", "Negotiators", "Members", "Meanwhile", "Last", "This", "Both", "Its",
                           "Their"})  # fmt: skip


def organization_kind(name: str) -> OrganizationKind | None:
    # "Foods", "Foods'" and "Foods's" are "Foods": only a possessive comes off
    words = [re.sub(r"['\u2019]s$", "", word).strip(",.'\u2019") or word for word in name.split()]
    if "Local" in words and any(word.isdigit() for word in words):
        return OrganizationKind.LOCAL
    if _UNION_FIRST.intersection(words) and {"Association", "Federation", "Council"}.intersection(words):
        return OrganizationKind.UNION
    kinds = [_KIND_WORDS[word] for word in words if word in _KIND_WORDS]
    return kinds[-1] if kinds else None


# -- people -------------------------------------------------------------------------------------------------

_PERSON = (
    r"(?P<person>[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)){1,2})"
)
_TITLE = (
    r"(?P<title>(?:vice |executive |international |acting |interim )?(?:president|chair(?:man|woman|person)?|"
    r"secretary-treasurer|treasurer|executive director|director|chief negotiator|chief executive(?: officer)?|"
    r"CEO|spokes(?:person|man|woman)|business (?:manager|agent)|lead negotiator|organizer|governor|mayor))"
)
# "... of the Writers Guild of America", "... for Corrow"
_OF_ORG = r"(?:\s+(?:of|for)\s+(?:the\s+)?(?P<org2>[A-Z][\w&-]*(?:\s+(?:of\s+)?[A-Z][\w&-]*){0,5}))?"
_ORG_BEFORE_TITLE = r"(?P<org>(?:[A-Z][\w&-]*(?:'s)?\s+){0,5}|(?:union|guild|company|association)(?:'s)?\s+)"
# A role in lower case that is a person's, not a title ("a union shop steward", "a dock worker and union steward"):
# its last word names a kind of person, so "Riverton, a city" is no person.
ROLE_NOUNS = (
    "steward", "member", "representative", "officer", "organizer", "negotiator", "activist", "veteran", "leader",
    "spokesperson", "spokesman", "spokeswoman", "worker", "mechanic", "operator", "nurse", "teacher", "driver",
    "baker", "cook", "clerk", "technician", "attendant", "porter", "machinist", "pilot", "writer", "actor",
    "employee", "cashier", "electrician", "welder", "janitor", "barista", "doctor", "resident",
)  # fmt: skip
_ROLE = rf"(?P<role>(?:an?|the)\s+(?:[a-z][\w'-]*\s+){{0,5}}(?:{'|'.join(ROLE_NOUNS)})s?)\b"
_ORG_WORDS = (
    r"(?P<org>(?:the |its |their )?[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,5}|the (?:union|guild|company|association))"
)
_PERSON_FORMS = tuple(
    re.compile(pattern, re.IGNORECASE if flag else 0)
    for pattern, flag in (
        (rf"{_PERSON}\s+\[(?P<org>[A-Z][\w&-]*)\s+{_TITLE}\]", False),  # Carol Lombardini [AMPTP president]
        (rf"{_PERSON},?\s+(?:was|is|became|remains)\s+(?:the\s+)?(?P<org>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){{0,4}})(?:'s)?\s+"
         rf"(?i:{_TITLE})", False),  # Ronald Reagan was SAG President
        # Maria Okafor, the union's president; Owen Stiles, a spokesman for Corrow
        (rf"{_PERSON},\s+(?:the\s+|an?\s+)?{_ORG_BEFORE_TITLE}(?:'s\s+)?(?i:{_TITLE}){_OF_ORG}", False),
        (rf"{_PERSON},\s+{_ROLE}", False),  # Samir Osei, a union steward
        (rf"(?:(?P<org>(?:the\s+)?(?:[A-Z][\w&-]*|union|guild|company|association)(?:'s)?)\s+)?(?i:{_TITLE})"
         rf"(?:\s+of\s+(?:the\s+)?(?P<org2>[A-Z][\w&-]*(?:\s+(?:of\s+)?[A-Z][\w&-]*){{0,5}}))?,?\s+{_PERSON}", False),
        (rf"\bsaid\s+{_PERSON}", False),
        (rf"{_PERSON}\s+(?:said|told|says|added|wrote)\b", False),
    )
)  # fmt: skip
_NOT_NAME_WORDS = frozenset({"The", "Guild", "Union", "Alliance", "Association", "Committee", "Friday", "Monday",
                             "Tuesday", "Wednesday", "Thursday", "Saturday", "Sunday", "January", "February", "March",
                             "April", "June", "July", "August", "September", "October", "November", "December",
                             "Negotiators", "Local", "President", "Workers", "City", "County", "State"})  # fmt: skip

# -- places and numbers ---------------------------------------------------------------------------------------

_STATE_NAMES = sorted(US_STATES.values(), key=len, reverse=True)
_CITY_STATE = re.compile(
    rf"(?P<city>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}}),\s+(?P<state>{'|'.join(map(re.escape, _STATE_NAMES))}|"
    rf"{'|'.join(US_STATES)})\b"
)
_STATE = re.compile(rf"\b(?:{'|'.join(map(re.escape, _STATE_NAMES))})\b")

_APPROX: dict[str, Approximation] = {
    **dict.fromkeys(("more than", "over", "upward of", "upwards of"), Approximation.MORE_THAN),
    **dict.fromkeys(("nearly", "almost", "close to"), Approximation.NEARLY),
    **dict.fromkeys(("about", "around", "roughly", "some", "approximately", "an estimated"), Approximation.ABOUT),
    **dict.fromkeys(("at least",), Approximation.AT_LEAST),
    **dict.fromkeys(("up to", "as many as"), Approximation.UP_TO),
    **dict.fromkeys(("fewer than", "less than", "under"), Approximation.LESS_THAN),
}  # fmt: skip
_WORD_NUMBERS = {word: float(n) for n, word in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
PEOPLE_UNITS = ("workers", "members", "nurses", "employees", "teachers", "drivers", "writers", "actors", "staff",
                 "people", "pilots", "mechanics", "baristas", "cooks", "janitors", "educators", "doctors", "residents",
                 "machinists", "operators", "clerks", "technicians", "attendants", "bakers", "porters")  # fmt: skip
_NUMBER = re.compile(
    rf"(?:\b(?P<approx>(?i:{'|'.join(sorted(_APPROX, key=len, reverse=True))}))\s+)?"
    r"(?P<currency>\$)?(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|"
    rf"\b(?:{'|'.join(_WORD_NUMBERS)})\b)"
    r"(?:\s+(?P<scale>thousand|million|billion))?"
    r"(?P<unit>%|\s+percent\b|\s+per cent\b|\s+(?:[a-z-]+\s+){0,2}?"
    rf"(?:{'|'.join(PEOPLE_UNITS)})\b|\s+(?:days|weeks|months)\b|\s+an\s+hour\b|\s+a\s+year\b)?"
    r"(?P<period>\s+(?:over|across)\s+(?:the\s+next\s+|the\s+life\s+of\s+the\s+contract|)(?:[a-z]+\s+years)?)?",
)


def _measure(unit: str, currency: bool, sentence: str) -> Measure | None:
    lowered = sentence.lower()
    if currency:
        return Measure.AMOUNT
    if unit in ("%", "percent", "per cent"):
        if re.search(r"\b(?:vot|in favou?r|ratif|approv)", lowered):
            return Measure.VOTE_SHARE_FOR
        return Measure.WAGE_INCREASE if re.search(r"\b(?:raise|increase|wage|pay|salar)", lowered) else None
    if unit in ("days",):
        return Measure.DAYS
    if unit.split()[-1] in PEOPLE_UNITS:
        if unit.endswith("members") and not re.search(r"\bstrik|walk(?:ed)? (?:off|out)|picket", lowered):
            return Measure.MEMBERS
        if re.search(r"\b(?:on strike|strik|walk(?:ed|ing)? (?:off|out)|picket|locked out)", lowered):
            return Measure.WORKERS_INVOLVED
        return Measure.WORKERS_COVERED
    return None


def find_mentions(text: str, published: dt.date, gazetteer: Gazetteer) -> list[Mention]:
    """Every mention in `text`, without overlaps, in text order."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(mention: Mention) -> bool:
        if mention.start >= mention.end or any(mention.start < b and a < mention.end for a, b in taken):
            return False
        taken.append((mention.start, mention.end))
        found.append(mention)
        return True

    for date in find_dates(text, published):
        add(Mention(mention_id(DATE, date.start, date.end), DATE, date.start, date.end, date.text, date.value,
                    date=date.value, note=date.note))  # fmt: skip
    defined = _defined_acronyms(text)
    full_names = {acronym: name for name, acronym in defined}
    # "Golden Crust said": the short form of "Golden Crust Bakeries", named elsewhere, is no person
    organizations = [_trimmed_run(text, *m.span())[2] for m in _RUN.finditer(text)]
    led = {
        " ".join(n.split()[:size]) for n in organizations if organization_kind(n) for size in range(1, len(n.split()))
    }
    people = [person for person in _people(text) if person[2] not in led]
    for start, end, name, title, of in people:
        add(Mention(mention_id(PERSON, start, end), PERSON, start, end, text[start:end], name, title=title, of=of))
    for name, acronym in defined:
        kind = organization_kind(name)
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            add(_organization(text, match.start(), match.end(), name, (acronym,), kind))
    for label, kind_name in _LABEL_KIND.items():
        for entry in gazetteer.of_label(label):
            for alias in entry.names:
                if len(alias) < 3 and not alias.isupper():
                    continue
                for match in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
                    if kind_name == ORGANIZATION:
                        add(_organization(text, match.start(), match.end(), entry.name, entry.aliases, None))
                    else:
                        add(Mention(mention_id(kind_name, *match.span()), kind_name, *match.span(), match.group(0),
                                    entry.name, entry.aliases))  # fmt: skip
    for match in _TOLD.finditer(text):  # the outlet a speaker told: a medium, whatever its name
        add(_organization(text, *match.span("org"), match["org"], (), OrganizationKind.MEDIA_OUTLET))
    for match in _RUN.finditer(text):
        for start, end in _split_pair(text, *_trimmed_run(text, match.start(), match.end())[:2]):
            name = text[start:end]
            kind = organization_kind(name)
            if kind is OrganizationKind.MEDIA_OUTLET and text[start - 4 : start] == "The ":
                start, name = start - 4, "The " + name
            if kind is not None and name not in _KIND_WORDS:
                add(_organization(text, start, end, name, (), kind))
    for short, mention in _short_forms(found):
        for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
            add(replace(mention, id=mention_id(ORGANIZATION, *match.span()), start=match.start(), end=match.end(),
                        text=short))  # fmt: skip
    for match in re.finditer(rf"according to (?:the )?(?P<org>{_NAME_RUN}|{_CAP})", text):
        name = match.group("org")
        start = match.start("org")
        if text[start - 4 : start] == "The ":
            start -= 4
            name = "The " + name
        add(_organization(text, start, match.end("org"), name, (), organization_kind(name)
                          or OrganizationKind.MEDIA_OUTLET))  # fmt: skip
    for match in _ACRONYM.finditer(text):
        acronym = match.group(0)
        if len(acronym.replace("-", "")) < 3 or acronym in _NOT_ACRONYMS:
            continue
        add(_organization(text, match.start(), match.end(), full_names.get(acronym, acronym),
                          (acronym,) if acronym in full_names else (), None))  # fmt: skip
    for match in _CITY_STATE.finditer(text):
        add(Mention(mention_id(PLACE, *match.span("city")), PLACE, *match.span("city"), match["city"], match["city"]))
    for match in _STATE.finditer(text):
        add(Mention(mention_id(PLACE, *match.span()), PLACE, *match.span(), match.group(0), match.group(0)))
    for match in _NUMBER.finditer(text):
        if (number := _number(text, match)) is not None:
            add(number)
    return sorted(found, key=lambda mention: mention.start)


def _organization(text: str, start: int, end: int, name: str, aliases: Iterable[str],
                  kind: OrganizationKind | None) -> Mention:  # fmt: skip
    guess = kind or organization_kind(name)
    if guess is not OrganizationKind.MEDIA_OUTLET:  # a newspaper's "The" is part of its name
        name = re.sub(r"^The\s+(?=[A-Z])", "", name)
    return Mention(mention_id(ORGANIZATION, start, end), ORGANIZATION, start, end, text[start:end], name,
                   tuple(aliases), organization_kind=guess.value if guess else None)  # fmt: skip


def _split_pair(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run naming two organizations of different kinds ("Pellworth Foods and Food Processors Union Local 418",
    as in "between A and B") as two; a name with "and" inside it ("Bakery and Confectionery Workers") stays one."""
    for joint in re.finditer(r"\s+and\s+", text[start:end]):
        left, right = (start, start + joint.start()), (start + joint.end(), end)
        kinds = [organization_kind(text[a:b]) for a, b in (left, right)]
        last_word = text[left[0] : left[1]].split()[-1]
        if None not in kinds and kinds[0] is not kinds[1] and last_word in _KIND_WORDS:
            return [left, right]
    return [(start, end)]


def _short_forms(found: list[Mention]) -> list[tuple[str, Mention]]:
    """The leading words an article shortens an organization's name to ("Pellworth" for "Pellworth Foods",
    "Golden Crust" for "Golden Crust Bakeries"): words before its first kind word, found once among the
    article's organizations, and no state's or month's name."""
    organizations = [m for m in found if m.kind == ORGANIZATION]
    by_short: dict[str, set[str]] = {}
    first: dict[str, Mention] = {}
    for mention in organizations:
        words = mention.name.split()
        lead = list(itertools.takewhile(lambda word: word not in _KIND_WORDS and word[:1].isupper(), words))
        if not lead or len(lead) == len(words):
            continue
        for size in range(1, len(lead) + 1):
            short = " ".join(lead[:size])
            if len(short) < 4 or _NOT_NAME_WORDS.intersection(lead[:size]) or short in US_STATES.values():
                continue
            by_short.setdefault(short, set()).add(mention.name)
            first.setdefault(short, mention)
    unique = [(short, first[short]) for short, names in by_short.items() if len(names) == 1]
    return sorted(unique, key=lambda pair: -len(pair[0]))  # "Golden Crust" before "Golden"


def _trimmed_run(text: str, start: int, end: int) -> tuple[int, int, str]:
    """A capitalized run without the sentence's leading words ("After", "The") or a trailing possessive."""
    words = text[start:end].split()
    while len(words) > 1 and words[0] in _SKIP_LEADING:
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
    name = " ".join(words)
    if name.endswith(("'s", "\u2019s")):
        name = name[:-2]
        end -= 2
    return start, start + len(text[start:end].rstrip()), name


def _defined_acronyms(text: str) -> list[tuple[str, str]]:
    """(full name, acronym) for each "Full Name (ACRONYM)" whose initials or words fit the acronym."""
    defined: list[tuple[str, str]] = []
    for match in _DEFINED.finditer(text):
        words = match.group("name").split()
        acronym = match.group("acronym")
        while len(words) > 1 and (words[0] in _SKIP_LEADING or words[0].islower()):  # "Members of the X (XU)"
            words = words[1:]
        name = " ".join(words)
        if not acronym.isupper() and not any(c.isdigit() for c in acronym):
            continue
        defined.append((name, acronym))
    return defined


def _people(text: str) -> Iterable[tuple[int, int, str, str | None, str | None]]:
    """(start, end, name, title, organization as written) for each person a title or a verb of saying names."""
    seen: set[tuple[int, int]] = set()
    for pattern in _PERSON_FORMS:
        for match in pattern.finditer(text):
            start, end = match.span("person")
            person = match.group("person")
            words = person.split()
            if (start, end) in seen or _NOT_NAME_WORDS.intersection(words) or organization_kind(person):
                continue
            seen.add((start, end))
            groups = match.groupdict()
            title = groups.get("title")
            org = re.sub(r"'s$", "", (groups.get("org2") or groups.get("org") or "").strip()) or None
            if title is None and groups.get("role"):  # a role, not a title: as written, without its article
                yield start, end, person, re.sub(r"^(?:an?|the)\s+", "", groups["role"]), None
                continue
            yield start, end, person, title.title() if title and not title.isupper() else title, org


def _number(text: str, match: re.Match[str]) -> Mention | None:
    unit = (match["unit"] or "").strip()
    currency = bool(match["currency"])
    if not unit and not currency:
        return None
    raw = match["num"]
    value = _WORD_NUMBERS.get(raw.lower()) if raw.isalpha() else float(raw.replace(",", ""))
    if value is None:
        return None
    if match["scale"]:
        value *= _SCALE[match["scale"]]
    sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [found for found in (text.find(". ", match.end()), text.find("\n", match.end())) if found >= 0]
    sentence = text[sentence_start : min(ends, default=len(text))]
    measure = _measure(unit.lower(), currency, sentence)
    if measure is None:
        return None
    approximation = _APPROX[match["approx"].lower()] if match["approx"] else Approximation.EXACT
    period = (match["period"] or "").strip() or None
    start, end = match.span()
    unit_name = "USD" if currency else ("percent" if unit in ("%", "percent", "per cent") else None)
    return Mention(mention_id(NUMBER, start, end), NUMBER, start, end, text[start:end].strip(), match.group(0).strip(),
                   value=value, unit=unit_name, approximation=approximation.value, measure=measure.value,
                   period=period)  # fmt: skip


def key(name: str) -> str:
    return normalized_name(name)
