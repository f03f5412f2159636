"""The time rule (README, "Time") as Cypher: when a fact holds, written once for the compiler's filters and
the facts' `current` field.

- A span holds from `since` to `until`; a fact attested only at a point in time (`attestedOn`) holds on that
  date; an open end reaches as far as it may.
- A fact that belongs to an event (a strike's parties and sites, a deal's parties, the participants of talks)
  holds within the event's own life where it has no bound of its own: an undated `AGAINST` holds while its
  strike was on, not at any date. Else a fact of an organization holds within the life of that stage of it
  (`founded` to `dissolved`): the AMPTP of 1982 represents no one in 1960; a fact between two organizations,
  within both lives (a union affiliated with a federation dissolved in 2012 is affiliated with it no longer).
- An event (`on`, `by`) holds from when it happened; `by` (no later than) from its last day.
- Without `asOf`, a fact is current when it holds today; a relation with nothing current answers with its
  latest known facts instead, each `current: false` (the compiler, api/compile/render.py).

Node variables and dates are Cypher expressions; labels are the model's (schema/model.py).
"""

from __future__ import annotations

# The life of each kind of event node: its first and last day as Cypher over `{e}` (null: open or unknown).
LIFE: dict[str, tuple[str, str]] = {
    "Strike": (
        "coalesce({e}.startDateEarliest, {e}.attestedOnEarliest)",
        "coalesce({e}.endDateLatest, {e}.attestedOnLatest)",
    ),
    "Negotiation": ("{e}.dateEarliest", "coalesce({e}.endDateLatest, {e}.dateLatest)"),
    "Agreement": ("{e}.effectiveEarliest", "{e}.expiresLatest"),
    # Last: an event's life bounds its facts before the life of the organization taking part in it.
    "Organization": ("{e}.foundedEarliest", "{e}.dissolvedLatest"),
}

Life = tuple[str, str]  # (first day, last day) of the event a fact belongs to
ORGANIZATION = "Organization"
EVENTS = tuple(label for label in LIFE if label != ORGANIZATION)


def later(a: str, b: str) -> str:
    """The later of two days, either unknown (null): the other."""
    return f"CASE WHEN {a} IS NULL OR {b} > {a} THEN {b} ELSE {a} END"


def earlier(a: str, b: str) -> str:
    """The earlier of two days, either unknown (null): the other."""
    return f"CASE WHEN {a} IS NULL OR {b} < {a} THEN {b} ELSE {a} END"


def both_lives(first: Life, second: Life) -> Life:
    """The days within both lives: from the later start to the earlier end."""
    return later(first[0], second[0]), earlier(first[1], second[1])


def life_of(label: str, var: str) -> Life | None:
    """The life of node `var`, known to be a `label`; None when that kind is no event."""
    bounds = LIFE.get(label)
    return None if bounds is None else (bounds[0].format(e=var), bounds[1].format(e=var))


def life_of_either(start: str, end: str) -> Life:
    """The life that bounds a fact between `start` and `end` (node variables of any kind), found by their
    labels: an event's before the organizations'; both organizations' when it joins two."""
    organizations = organizations_life(start, end)

    def bound(index: int) -> str:
        events = " ".join(f"WHEN {e}:{label} THEN {_life(label, e)[index]}" for label in EVENTS for e in (start, end))
        both = f"WHEN {start}:{ORGANIZATION} AND {end}:{ORGANIZATION} THEN {organizations[index]}"
        one = " ".join(f"WHEN {e}:{ORGANIZATION} THEN {_life(ORGANIZATION, e)[index]}" for e in (start, end))
        return f"CASE {events} {both} {one} END"

    return bound(0), bound(1)


def organizations_life(first: str, second: str) -> Life:
    """The life that bounds a fact between two organizations: within both."""
    return both_lives(_life(ORGANIZATION, first), _life(ORGANIZATION, second))


def _life(label: str, var: str) -> Life:
    first, last = LIFE[label]
    return first.format(e=var), last.format(e=var)


def span_held(rel: str, lo: str, hi: str, life: Life | None = None) -> str:
    """The span of fact `rel` (or, bound by bound where it has none, its event's life) meets [lo, hi]."""
    start, end = life or ("null", "null")
    return (
        f"coalesce({rel}.attestedOnEarliest, {rel}.sinceEarliest, {start}, {lo}) <= {hi} "
        f"AND coalesce({rel}.attestedOnLatest, {rel}.untilLatest, {end}, {hi}) >= {lo}"
    )


def point_held(rel: str, hi: str) -> str:
    """Event `rel` had happened by `hi` (an undated one: at any date)."""
    return f"coalesce({rel}.onEarliest, {rel}.byLatest, {hi}) <= {hi}"


# A fact of any type (`relationships`, `path`): both rules, each true of the facts it does not concern.
ANY_FACT = ("span", "point")


def held_on(rel: str, times: tuple[str, ...], bounds: tuple[str, str] | None, life: Life | None = None) -> str:
    """Fact `rel` held within `bounds` (the first and last day of `asOf`, Cypher expressions; None: today)
    by each rule of `times` ("span", "point"), and was not retracted by then. `life` is the life of the event
    the fact belongs to, where one of its ends is an event (a strike, a deal, talks)."""
    if bounds is None:
        lo = hi = "date()"
        conditions = [f"{rel}.retractedAt IS NULL"]
    else:
        lo, hi = bounds
        conditions = [f"({rel}.retractedAt IS NULL OR date({rel}.retractedAt) > {hi})"]
    for time in times:
        conditions.append(span_held(rel, lo, hi, life) if time == "span" else point_held(rel, hi))
    return " AND ".join(conditions)


def happened_since(rel: str, day: str) -> str:
    """Event `rel` is dated `day` or later, or undated: what a dated event must be to be current."""
    return f"coalesce({rel}.onLatest, {rel}.byLatest, {day}) >= {day}"


def current(rel: str, life: Life | None = None) -> str:
    """Fact `rel` holds today (Neo4j's clock, UTC): its span reaches today and, if it is an event, it is
    dated today or later (a past event is known, not current)."""
    return f"({span_held(rel, 'date()', 'date()', life)} AND {happened_since(rel, 'date()')})"


def last_known(rel: str, life: Life | None = None) -> str:
    """The last day fact `rel` is known to hold: its end, its attested date, its event date, its event's end."""
    end = life[1] if life else "null"
    return (
        f"coalesce({rel}.untilLatest, {rel}.attestedOnLatest, {rel}.onLatest, {rel}.byLatest, {end}, {rel}.sinceLatest)"
    )


# A fact's `current` field, over `{v}` (the fact), whichever of its ends is an event.
CURRENT = current("{v}", life_of_either("startNode({v})", "endNode({v})"))
