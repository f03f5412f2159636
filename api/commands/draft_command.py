"""`strikegraph draft`: an article to a draft (mentions, reconciled nodes, candidate facts with evidence),
offline, against the seed files; `--json` writes the draft, `--to-yaml` the candidates as seed files that
`strikegraph seed` accepts beside the files they were reconciled with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from seed.drafting.draft import Base, Draft, draft_article
from seed.drafting.sources import MAX_ARTICLE_CHARS
from seed.problems import SeedValidationError


def run_draft(
    article: Path,
    published: dt.date,
    *,
    title: str | None,
    url: str | None,
    publisher: str | None,
    base: list[Path] | None,
    json_out: Path | None,
    to_yaml: Path | None,
    console: Console,
) -> int:
    """Returns the exit code: 0 drafted, 1 an unreadable article or invalid base files."""
    if not article.is_file() or article.stat().st_size > MAX_ARTICLE_CHARS * 4:
        console.print(f"[bold red]error:[/] {article}: no such file, or over {MAX_ARTICLE_CHARS:,} characters")
        return 1
    try:
        known = Base.read(base)
    except SeedValidationError as error:
        for problem in error.problems:
            console.print(str(problem), markup=False, highlight=False)
        return 1
    text = article.read_text(encoding="utf-8")
    heading = title or article.stem.replace("-", " ")
    try:
        draft = draft_article(text, published, known, title=heading, url=url, publisher=publisher)
    except ValueError as error:
        console.print(f"[bold red]error:[/] {error}")
        return 1
    print_summary(draft, console)
    if json_out is not None:
        json_out.write_bytes(draft.to_json())
        console.print(f"Wrote the draft to {json_out}")
    if to_yaml is not None:
        to_yaml.mkdir(parents=True, exist_ok=True)
        target = to_yaml / f"{draft.source.id}.yaml"
        target.write_text(yaml.safe_dump(draft.seed_document(), sort_keys=False, allow_unicode=True, width=120))
        console.print(f"Wrote {len(draft.facts)} candidate fact(s) as seed YAML to {target}")
    return 0


def print_summary(draft: Draft, console: Console) -> None:
    source = draft.source
    console.print(f"Source [bold]{source.id}[/] ({'new' if source.new else 'known'}): seed/sources/{source.file}, "
                  f"sha256 {source.sha256[:16]}…")  # fmt: skip
    counts: dict[str, int] = {}
    for mention in draft.mentions:
        counts[mention.kind] = counts.get(mention.kind, 0) + 1
    console.print("Mentions: " + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items())))
    nodes = Table("node", "kind", "name", "reconciled", title="Nodes")
    for node in draft.nodes:
        best = node.candidates[0] if node.candidates else None
        said = f"match {node.match.score:.0f}" if node.match else (f"new (best {best.node_id} {best.score:.0f})"
                                                                  if best else "new")  # fmt: skip
        nodes.add_row(node.id, node.label.value, node.name, said)
    console.print(nodes)
    facts = Table("type", "from", "to", "when", "evidence", title="Candidate facts (passed the seed's rules)")
    for fact in draft.facts:
        when = ", ".join(f"{k} {v}" for k, v in fact.qualifiers.items() if k in ("since", "on", "by", "attested_on"))
        kind = "quote" if fact.evidence.quote else "paraphrase"
        facts.add_row(fact.type + (" (inferred)" if fact.inferred else ""), fact.from_, fact.to, when,
                      f"{kind} {fact.evidence.start}-{fact.evidence.end}")  # fmt: skip
    console.print(facts)
    if draft.refused:
        console.print(f"{len(draft.refused)} candidate(s) refused by the seed's rules (see --json):", style="yellow")
        for refused in draft.refused[:10]:
            console.print(f"  {refused.id}: {refused.problems[0]}", markup=False, highlight=False, style="yellow")
