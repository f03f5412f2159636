"""The review queue's contract: the draft queries (editors only: drafts are unreviewed material), the inputs of
the review mutations, and their size limits (every input has one, refused with the argument's path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry import UNSET

from api.auth import Role, require_role
from api.contract.context import Info
from api.contract.inputs import FactPatch
from api.contract.types.drafts import Draft
from api.database import review
from api.errors import BadUserInput, NotFound
from schema.dates import Date, date_text
from seed.drafting.sources import MAX_ARTICLE_CHARS

MAX_TITLE = 300
MAX_URL = 2_000
MAX_REASON = 2_000
MAX_ID = 100  # a draft's, candidate's or mention's id, or a slug
DEFAULT_DRAFTS = 20


@strawberry.input(description="An article to draft: its text (at most 200,000 characters) and where it comes from.")
class DraftArticleInput:
    text: str
    published: Date = strawberry.field(description="The day it was published: relative dates resolve against it.")
    title: str | None = strawberry.field(default=None, description="Its headline (else its first words).")
    url: str | None = None
    publisher: str | None = None


@strawberry.input(description="Corrections to a candidate before it is written: qualifiers, note, sources, "
                              "or either end (an existing node's slug). Omitted fields stay, null clears.")  # fmt: skip
class CandidateEdits(FactPatch):  # type: ignore[misc]
    from_: str | None = strawberry.field(name="from", default=UNSET)
    to: str | None = UNSET


def bounded(value: str, limit: int, field: str, *, empty: bool = False) -> str:
    """`value` within `limit` characters (and not blank unless `empty`), else BAD_USER_INPUT at `field`."""
    if len(value) > limit:
        raise BadUserInput(f"{field}: {len(value):,} characters, over the limit of {limit:,}", field=field)
    if not empty and not value.strip():
        raise BadUserInput(f"{field}: must not be empty", field=field)
    return value


def article(input: DraftArticleInput) -> tuple[str, dt.date, str, str | None, str | None]:
    """The input checked: text, publication day, title, url, publisher."""
    text = bounded(input.text, MAX_ARTICLE_CHARS, "input.text")
    day = date_text(input.published)
    if len(day) != 10:
        raise BadUserInput(f"input.published: '{day}' is not a day (YYYY-MM-DD)", field="input.published")
    title = bounded(input.title, MAX_TITLE, "input.title") if input.title is not None else _first_words(text)
    url = bounded(input.url, MAX_URL, "input.url") if input.url is not None else None
    if url is not None and not url.startswith(("https://", "http://")):
        raise BadUserInput("input.url: must be an http(s) URL", field="input.url")
    publisher = bounded(input.publisher, MAX_TITLE, "input.publisher") if input.publisher is not None else None
    return text, dt.date.fromisoformat(day), title.strip(), url, publisher


def _first_words(text: str) -> str:
    line = text.strip().splitlines()[0]
    return line if len(line) <= 80 else line[:80].rsplit(" ", 1)[0] + "…"


async def _drafts(info: Info, first: int = DEFAULT_DRAFTS) -> list[Draft]:
    require_role(info.context.caller, Role.EDITOR)
    limit = info.context.settings.max_page_size
    if not 0 <= first <= limit:
        raise BadUserInput(f"first must be between 0 and {limit}, got {first}", argument="first")
    return [Draft.of(stored) for stored in await review.drafts(info.context.graph, first)]


async def _draft(info: Info, id: str) -> Draft | None:
    require_role(info.context.caller, Role.EDITOR)
    stored = await review.find_draft(info.context.graph, bounded(id, MAX_ID, "id"))
    return Draft.of(stored) if stored is not None else None


async def draft_of(info: Info, draft_id: str) -> Draft:
    """A draft as the request's transaction now sees it (after a review mutation)."""
    stored = await review.find_draft(info.context.graph, draft_id)
    if stored is None:
        raise NotFound(f"no draft with id '{draft_id}'", field="draft")
    return Draft.of(stored)


REVIEW_QUERIES: list[Any] = [
    strawberry.field(resolver=_drafts, name="drafts",
                     description="Drafted articles awaiting review, the latest first (editors only)."),
    strawberry.field(resolver=_draft, name="draft", description="One draft by its id (editors only)."),
]  # fmt: skip
