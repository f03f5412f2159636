// The explorer's side panel, built with DOM calls only (never HTML from data): search results, a node's
// or a fact's details with every citation, the drawn nodes and facts as buttons, the legend, the change log.

import { KINDS } from "./model.js";

// A node: its kind and dates, description, note, the sources that attest it, and what to do with it.
export function nodeDetails(node, actions) {
  const fields = [
    ["Kind", [node.__typename, node.kind || node.sourceKind].filter(Boolean).join(", ")],
    ["Id", node.slug], ["Title", node.title], ["Publisher", node.publisher], ["Date", node.date],
    ["Started", node.startDate], ["Ended", node.endDate], ["Status", node.status],
  ];
  const button = (label, onclick) => (onclick ? h("button", { type: "button", onclick }, label) : "");
  return [
    h("h2", {}, chip(node.__typename), node.name),
    definitions(fields),
    node.description ? h("p", {}, node.description) : "",
    node.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), node.note) : "",
    node.sources && node.sources.length ? h("h3", {}, "Attested by") : "",
    node.sources ? citations(node.sources) : "",
    h("div", { class: "actions" }, button("Expand", actions.expand), button("Only this", actions.only),
      button("Path from here", actions.pathFrom), button("Path to here", actions.pathTo)),
  ];
}

// A fact: its type and ends, its qualifiers and dates, its note, and every citation.
export function factDetails({ fact, source, target }, nameOf) {
  const fields = [
    ["Title", fact.title], ["Role", fact.role], ["Side", fact.side && fact.side.toLowerCase()],
    ["Since", fact.since], ["Until", fact.until], ["Attested on", fact.attestedOn], ["On", fact.on],
    ["By", fact.by], ["Vote", fact.vote], ["Scope", fact.scope], ["Detail", fact.detail],
    ["Today", fact.current === false ? "not known to hold today: the latest known fact" : null],
    ["Inferred", fact.inferred ? "yes: no source states it outright (see the note)" : null], ["Fact id", fact.factId],
  ];
  return [
    h("h2", {}, fact.type),
    h("p", { class: "ends" }, nameOf(source), " → ", nameOf(target)),
    definitions(fields),
    fact.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), fact.note) : "",
    h("h3", {}, `Sources (${fact.sources.length})`),
    citations(fact.sources),
  ];
}

// Each source as solid as it is: its title (a link when it has an address), what kind of document it is,
// publisher and date, whether anyone can check it, where in it (a spreadsheet's row and column), and its
// own words (a quote) or how a relaying source puts them (a paraphrase, "via" that source).
function citations(sources) {
  const title = (source) =>
    source.url ? h("a", { href: source.url, rel: "noopener" }, source.title) : h("strong", {}, source.title);
  const facts = (source) => h("div", { class: "source-facts" },
    [source.kind && source.kind.toLowerCase(), source.publisher, source.date].filter(Boolean).join(", "),
    source.unverified ? h("span", { class: "unverified", title: "It has neither a web address nor a stored copy: "
      + "nobody can check it." }, "unverified") : "");
  return h("ol", { class: "citations" }, ...sources.map(({ quote, paraphrase, checked, locator, source, via }) =>
    h("li", {},
    title(source),
    facts(source),
    locator ? h("div", { class: "locator" }, `at ${locator}`) : "",
    via ? h("div", { class: "via" }, "via ", title(via), via.date ? `, ${via.date}` : "",
      via.unverified ? h("span", { class: "unverified" }, "unverified") : "") : "",
    quote ? h("blockquote", {}, quote) : "",
    paraphrase ? h("blockquote", { class: "paraphrase" }, `as relayed: ${paraphrase}`) : "",
    (quote || paraphrase) && checked === false
      ? h("div", { class: "unchecked" }, "Not checked: no stored copy of the source to find these words in.")
      : "")));
}

function definitions(fields) {
  const shown = fields.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", {}, ...shown.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, String(value))]));
}

// Every drawn node and fact as a button too: the graph is usable without a mouse.
export function drawnLists(cy, { onNode, onFact }) {
  const nodes = cy.nodes().sort((a, b) => a.data("label").localeCompare(b.data("label")));
  return {
    nodes: nodes.map((node) => h("li", {}, h("button", { type: "button", onclick: () => onNode(node.id()) },
      chip(node.data("kind")), node.data("label")))),
    facts: cy.edges().map((edge) => h("li", {}, h("button", { type: "button", onclick: () => onFact(edge.id()) },
      `${edge.source().data("label")} —${edge.data("type")}→ ${edge.target().data("label")}`))),
    options: nodes.map((node) => h("option", { value: node.id() }, node.data("label"))),
  };
}

export function searchResults(hits, text, onPick) {
  if (!hits.length) return [h("li", {}, `Nothing matches “${text}”.`)];
  // The alias that matched, when it was not the name: "AMPTP" finds the Alliance under its full name.
  return hits.map(({ node, matched }) => h("li", {}, h("button", { type: "button", onclick: () => onPick(node.slug) },
    chip(node.__typename), node.name, matched && matched !== node.name ? h("span", { class: "alias" }, ` “${matched}”`) : "",
    h("small", {}, ` ${node.__typename}`))));
}

export function legend() {
  return Object.entries(KINDS).map(([kind, { called }]) => h("li", { title: called }, chip(kind), kind));
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
