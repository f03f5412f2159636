// The explorer's side panel, built with DOM calls only (never HTML from data): search results, a node's
// or a fact's details with every citation, the drawn nodes and facts as buttons, the legend, the change log.

import { FACTS, KINDS, readable } from "./model.js";

// A node's summary: its kind and dates, counts and durations, who led it then and over time, its facts
// grouped by type with their dates, the sources that attest it, and what to do with it.
export function nodeSummary(node, actions) {
  const fields = [
    ["Kind", [node.__typename, readable(node.kind || node.sourceKind)].filter(Boolean).join(", ")],
    ["Id", node.slug], ["Title", node.title], ["Publisher", node.publisher], ["Date", node.date],
    ["Started", node.startDate], ["Ended", node.endDate], ["Status", readable(node.status)],
    ["Days on strike", node.durationDays === undefined || node.durationDays === null ? null
      : `${node.durationDays} (${actions.asOf ? `by ${actions.asOf}` : "in all, or to date"})`],
    ["Strikes waged", node.strikeCount || null],
  ];
  const button = (label, onclick) => (onclick ? h("button", { type: "button", onclick }, label) : "");
  return [
    h("h2", {}, chip(node.__typename), node.name),
    definitions(fields),
    leadersThen(node, actions),
    h("div", { class: "actions" }, button("Expand", actions.expand), button("Only this", actions.only),
      button("Facts from this source", actions.source),
      button("Path from here", actions.pathFrom), button("Path to here", actions.pathTo), button("Hide", actions.hide)),
    node.description ? h("p", {}, node.description) : "",
    node.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), node.note) : "",
    leadership(node),
    factsByType(node, actions.pick),
    node.sources && node.sources.length ? h("h3", {}, "Attested by") : "",
    node.sources ? citations(node.sources) : "",
  ];
}

function leadersThen(node, actions) {
  if (!node.leadersThen || !node.leadersThen.length) return "";
  const when = actions.asOf ? `On ${actions.asOf}` : "Now, or as last known";
  return h("section", { class: "summary-leaders" }, h("h3", {}, `Led by (${when})`),
    h("ul", {}, ...node.leadersThen.map((leader) => h("li", {},
      h("strong", {}, leader.person.name), `, ${leader.title || "leader"}`,
      dates(leader) ? ` (${dates(leader)})` : "",
      leader.current === false && !actions.asOf ? h("span", { class: "badge" }, "latest known") : "",
      citations(leader.sources)))));
}

function leadership(node) {
  if (!node.leadership || node.leadership.length < 2) return "";
  const ordered = [...node.leadership].sort((a, b) => (first(a) || "").localeCompare(first(b) || ""));
  return h("section", {}, h("h3", {}, "Leaders over time"),
    h("ol", { class: "leadership" }, ...ordered.map((leader) =>
      h("li", {}, `${dates(leader) || "undated"}: ${leader.person.name}, ${leader.title || "leader"}`))));
}

function factsByType(node, pick) {
  if (!node.relationships || !node.relationships.length) return "";
  const groups = new Map();
  for (const fact of node.relationships) {
    if (!groups.has(fact.type)) groups.set(fact.type, []);
    groups.get(fact.type).push(fact);
  }
  return h("section", {}, h("h3", {}, `Facts (${node.relationships.length})`),
    ...[...groups].map(([type, facts]) => h("div", { class: "fact-group" },
      h("h4", { title: (FACTS[type] || {}).meaning || "" }, `${readable(type)} (${facts.length})`),
      h("ul", { class: "buttons compact" }, ...facts.map((fact) => h("li", {},
        h("button", { type: "button", onclick: () => pick(fact.factId) },
          fact.direction === "INCOMING" ? `← ${fact.other.name}` : `→ ${fact.other.name}`,
          dates(fact) ? h("small", {}, ` ${dates(fact)}`) : "")))))));
}

// Who strikes whom on a date: each strike, its strikers and targets, and where each fact comes from.
export function strikesSummary(strikes, on, { pick }) {
  if (!strikes.length) return [h("p", { class: "hint" }, `No strike on ${on}.`)];
  return [
    h("h2", {}, `Who strikes whom on ${on}`),
    ...strikes.map((strike) => h("section", { class: "strike-summary" },
      h("h3", {}, h("button", { type: "button", class: "link", onclick: () => pick(strike.slug) }, strike.name),
        ` (since ${strike.startDate || "?"}${strike.endDate ? `, until ${strike.endDate}` : ""})`),
      ...["STRIKER", "TARGET"].map((side) => h("div", {},
        h("h4", {}, side === "STRIKER" ? "On strike" : "Against"),
        h("ul", { class: "parties" }, ...strike.parties.filter((party) => party.side === side).map((party) =>
          h("li", {}, h("button", { type: "button", class: "link", onclick: () => pick(party.organization.slug) },
            party.organization.name), citations(party.sources)))))))),
  ];
}

// A source's own view: what it is and how solid, and every fact resting on it.
export function sourceSummary(source, { pick }) {
  const fields = [["Kind", readable(source.sourceKind)], ["Publisher", source.publisher], ["Date", source.date],
    ["Checkable", source.unverified ? "no: neither a web address nor a stored copy" : "yes"]];
  return [
    h("h2", {}, chip("Source"), source.url ? h("a", { href: source.url, rel: "noopener" }, source.title) : source.title),
    definitions(fields),
    h("h3", {}, `Facts resting on it (${source.facts.length})`),
    h("ul", { class: "buttons compact" }, ...source.facts.map((fact) => h("li", {},
      h("button", { type: "button", onclick: () => pick(fact.factId) },
        `${fact.from.name} —${readable(fact.type)}→ ${fact.to.name}`, dates(fact) ? h("small", {}, ` ${dates(fact)}`) : "")))),
  ];
}

// An empty view says which dates have facts for this node, and goes there.
export function emptyHint(node, dates, on, jump) {
  const sample = dates.length > 8 ? [...dates.slice(0, 4), ...dates.slice(-4)] : dates;
  return [
    h("p", { class: "empty-view" }, `Nothing known of ${node.name} held on ${on}.`),
    sample.length ? h("p", {}, "Its facts are dated: ", ...sample.map((date) =>
      h("button", { type: "button", class: "date-jump", onclick: () => jump(date) }, date))) : h("p", {}, "It has no dated facts."),
  ];
}

// A fact: its type and ends, its qualifiers and dates, its note, and every citation.
export function factDetails({ fact, source, target }, nameOf, { source: showSource, asOf = null } = {}) {
  const fields = [
    ["Title", fact.title], ["Role", fact.role], ["Side", fact.side && fact.side.toLowerCase()],
    ["Since", fact.since], ["Until", fact.until], ["Attested on", fact.attestedOn], ["On", fact.on],
    ["By", fact.by], ["Vote", fact.vote], ["Scope", fact.scope], ["Detail", fact.detail],
    ["Today", !asOf && fact.current === false ? "not known to hold today: the latest known fact" : null],
    ["Fact id", fact.factId],
  ];
  return [
    h("h2", { title: (FACTS[fact.type] || {}).meaning || "" }, readable(fact.type)),
    h("p", { class: "ends" }, nameOf(source), " → ", nameOf(target)),
    h("p", { class: "meaning" }, (FACTS[fact.type] || {}).meaning || ""),
    fact.inferred ? h("p", { class: "inferred" }, h("span", { class: "badge" }, "inferred"),
      " No source states it outright: it is read from what they say (see the note).") : "",
    definitions(fields),
    fact.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), fact.note) : "",
    h("h3", {}, `Sources (${fact.sources.length})`),
    citations(fact.sources, showSource),
  ];
}

// Each source as solid as it is: its title (a link when it has an address), what kind of document it is,
// publisher and date, whether anyone can check it, where in it (a spreadsheet's row and column), and its
// own words (a quote) or how a relaying source puts them (a paraphrase, "via" that source).
function citations(sources, showSource) {
  const title = (source) =>
    source.url ? h("a", { href: source.url, rel: "noopener" }, source.title) : h("strong", {}, source.title);
  const facts = (source) => h("div", { class: "source-facts" },
    [readable(source.kind), source.publisher, source.date].filter(Boolean).join(", "),
    source.unverified ? h("span", { class: "unverified", title: "It has neither a web address nor a stored copy: "
      + "nobody can check it." }, "unverified") : "");
  return h("ol", { class: "citations" }, ...sources.map((citation) => {
    const { quote, paraphrase, checked, locator, source, via } = citation;
    return h("li", {},
      title(source),
      facts(source),
      locator ? h("div", { class: "locator" }, `at ${locator}`) : "",
      via ? h("div", { class: "via" }, "via ", title(via), via.date ? `, ${via.date}` : "",
        via.unverified ? h("span", { class: "unverified" }, "unverified") : "") : "",
      quote ? h("blockquote", {}, h("span", { class: "evidence" }, "quote"), quote) : "",
      paraphrase ? h("blockquote", { class: "paraphrase" }, h("span", { class: "evidence" }, "paraphrase"),
        `as relayed: ${paraphrase}`) : "",
      (quote || paraphrase) && checked === false
        ? h("div", { class: "unchecked" }, "Not checked: no stored copy of the source to find these words in.")
        : "",
      h("div", { class: "actions" },
        h("button", { type: "button", class: "copy", onclick: (event) => copy(event.target, citationText(citation)) },
          "Copy citation"),
        showSource ? h("button", { type: "button", onclick: () => showSource(source.slug) }, "Facts from this source") : ""));
  }));
}

// A citation as a reader pastes it: title, publisher, date, address, and the words it rests on.
export function citationText({ quote, paraphrase, source, via }) {
  const parts = [`“${source.title}”`, source.publisher, source.date, source.url].filter(Boolean);
  if (via) parts.push(`via “${via.title}”${via.date ? `, ${via.date}` : ""}`);
  if (quote) parts.push(`quote: “${quote}”`);
  else if (paraphrase) parts.push(`paraphrase: ${paraphrase}`);
  if (source.unverified) parts.push("(unverified)");
  return parts.join(", ");
}

async function copy(button, text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h("textarea", { "aria-hidden": "true", class: "copy-area" }, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = "Copied";
  button.dataset.copied = text;
}

// When a fact held or happened, as the panel and the arrows say it: "2023-08-10", "by 2023-06",
// "2023-05-02 – 2023-09-27", "2023-07-14 – …".
export function dates(fact) {
  if (fact.on) return fact.on;
  if (fact.by) return `by ${fact.by}`;
  if (fact.attestedOn) return fact.attestedOn;
  if (fact.since || fact.until) return `${fact.since || "…"} – ${fact.until || "…"}`;
  return "";
}

function first(fact) {
  return fact.since || fact.attestedOn || fact.on || fact.by || fact.until;
}

function definitions(fields) {
  const shown = fields.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", {}, ...shown.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, String(value))]));
}

// Every drawn node and fact as a button too: the graph is usable without a mouse.
export function drawnLists(cy, { onNode, onFact }) {
  const shown = (element) => !element.hasClass("filtered");
  const nodes = cy.nodes().filter(shown).sort((a, b) => a.data("label").localeCompare(b.data("label")));
  return {
    nodes: nodes.map((node) => h("li", {}, h("button", { type: "button", onclick: () => onNode(node.id()) },
      chip(node.data("kind")), node.data("label")))),
    facts: cy.edges().filter(shown).map((edge) => h("li", {}, h("button", { type: "button", onclick: () => onFact(edge.id()) },
      `${edge.source().data("label")} —${readable(edge.data("type"))}→ ${edge.target().data("label")}`))),
  };
}

export function searchResults(hits, text, onPick) {
  if (!hits.length) return [h("li", {}, `Nothing matches “${text}”.`)];
  // The alias that matched, when it was not the name: "AMPTP" finds the Alliance under its full name.
  return hits.map(({ node, matched }) => h("li", {}, h("button", { type: "button", onclick: () => onPick(node.slug) },
    chip(node.__typename), node.name, matched && matched !== node.name ? h("span", { class: "alias" }, ` “${matched}”`) : "",
    h("small", {}, ` ${node.__typename}`))));
}

// The legend: what each colour and each arrow means, and a switch for each that hides it (the stances
// hidden, strikes and leadership kept). Only what the view holds is listed.
export function legend(cy, scene, hidden, toggle) {
  const kinds = new Set([...scene.nodes.values()].map((node) => node.__typename));
  const types = new Set([...scene.facts.values()].map(({ fact }) => fact.type));
  const counts = (key, value) => cy.elements(`[${key} = "${value}"]`).length;
  const entry = (name, label, title, swatch, count) => h("li", { title },
    h("label", {}, h("input", { type: "checkbox", ...(hidden.has(name) ? {} : { checked: "" }), "data-filter": name,
      onchange: () => toggle(name) }), swatch, `${label} (${count})`));
  return [
    h("li", { class: "legend-heading" }, "Nodes"),
    ...Object.entries(KINDS).filter(([kind]) => kinds.has(kind) || hidden.has(kind)).map(([kind, { called }]) =>
      entry(kind, readable(kind), called, chip(kind), counts("kind", kind))),
    h("li", { class: "legend-heading" }, "Arrows"),
    ...Object.keys(FACTS).filter((type) => types.has(type) || hidden.has(type)).map((type) =>
      entry(type, readable(type), FACTS[type].meaning, h("span", { class: "arrow", "aria-hidden": "true" }, "→"),
        counts("type", type))),
    h("li", { class: "legend-note" }, "Dashed: the latest known, not known to hold today. Dotted: inferred."),
  ];
}

export function changeEntry(change, onShow) {
  const time = change.at.slice(11, 19);
  return h("li", {}, `${time} ${change.actor}: ${change.action.toLowerCase().replace("_", " ")} `,
    h("button", { type: "button", onclick: () => onShow(change.nodes[0]) }, change.entity));
}

export function chip(kind) {
  return h("span", { class: "kind", style: `background:${(KINDS[kind] || KINDS.Source).color}`, "aria-hidden": "true" });
}

export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value);
  }
  element.append(...children.filter((child) => child !== "" && child !== null && child !== undefined));
  return element;
}
