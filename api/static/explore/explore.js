// strikegraph explorer: search, a node's neighbourhood as of a date, who strikes whom on a date, shortest
// paths, the dates and citations of every fact, and live updates. It talks only to the public GraphQL API
// (./graphql.js), as any front-end would; Cytoscape.js draws.
import { LiveChanges, query } from "./graphql.js";

const KINDS = {
  Organization: { color: "#2563eb", shape: "round-rectangle" },
  Person: { color: "#d97706", shape: "ellipse" },
  Strike: { color: "#dc2626", shape: "diamond" },
  Agreement: { color: "#16a34a", shape: "hexagon" },
  Negotiation: { color: "#7c3aed", shape: "round-triangle" },
  Issue: { color: "#0891b2", shape: "round-tag" },
  Source: { color: "#6b7280", shape: "rectangle" },
};
const LOOKUPS = ["organization", "person", "strike", "agreement", "negotiation", "issue", "source"];
const STRIKE_FACTS = new Set(["Strike", "WAGES", "CALLED", "AUTHORIZED", "AGAINST"]);
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

const SOURCE = "slug title publisher date url";
const CITATIONS = `sources { quote paraphrase source { ${SOURCE} } via { ${SOURCE} } }`;
const FACT = `factId type title role detail since until attestedOn on by vote note inferred ${CITATIONS}`;
// A neighbourhood is read by global id (`node(id:)`): one query text for every kind of node, so one
// plan. A slug alone (a deep link) is first resolved to its global id, one small lookup per kind.
const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $asOf: Date!) {
  node(id: $id) {
    __typename id slug name description note ${CITATIONS}
    ... on Organization { kind }
    ... on Strike { startDate endDate }
    ... on Negotiation { date status }
    ... on Source { title publisher date url sourceKind: kind }
    relationships(asOf: $asOf, first: 100) { ${FACT} direction other { __typename id slug name } }
  }
}`;
const RESOLVE = `query Resolve($slug: String!) {
  ${LOOKUPS.map((field) => `${field}(id: $slug) { id }`).join("\n  ")}
}`;
const STRIKES = `query Strikes($on: Date!) {
  strikes(activeOn: $on, first: 100) { id slug name startDate endDate
    parties(asOf: $on) { factId type side since until note inferred ${CITATIONS} organization { id slug name } } }
}`;
const PATH = `query Path($from: String!, $to: String!) {
  path(from: $from, to: $to, maxLength: 6) { length
    hops { ${FACT} forward from { __typename id slug name } to { __typename id slug name } } }
}`;
const SEARCH = `query Search($text: String!) { search(text: $text, first: 10) { node { __typename id slug name } } }`;

const $ = (id) => document.getElementById(id);
const state = {
  asOf: today(),
  view: "neighbourhood", // or "strikes"
  expanded: [], // the nodes whose neighbourhoods are drawn, in order
  path: null, // {from, to} when a path is highlighted
  nodes: new Map(), // slug -> what was read of it (its details when it was expanded)
  facts: new Map(), // fact id -> {fact, source, target}
  busy: 0,
};

const cy = cytoscape({
  container: $("graph"),
  minZoom: 0.15,
  maxZoom: 3,
  style: [
    {
      selector: "node",
      style: {
        "background-color": "data(color)", shape: "data(shape)", label: "data(label)", width: 26, height: 26,
        "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 120,
        color: "#111827", "text-outline-color": "#fff", "text-outline-width": 2, "border-width": 1,
        "border-color": "#fff",
      },
    },
    { selector: "node.expanded", style: { width: 36, height: 36, "border-width": 3, "border-color": "#111827" } },
    { selector: "node.new", style: { "border-width": 5, "border-color": "#22c55e" } },
    {
      selector: "edge",
      style: {
        width: 1.6, "curve-style": "bezier", "line-color": "#9ca3af", "target-arrow-color": "#9ca3af",
        "target-arrow-shape": "triangle", "arrow-scale": 1.1, label: "data(type)", "font-size": 9,
        "text-rotation": "autorotate", color: "#374151", "text-background-color": "#fff",
        "text-background-opacity": 0.85, "text-background-padding": 1,
      },
    },
    { selector: ":selected", style: { "line-color": "#111827", "target-arrow-color": "#111827", "border-color": "#f59e0b", "border-width": 4 } },
    { selector: "edge:selected", style: { width: 4 } },
    { selector: ".faded", style: { opacity: 0.2 } },
    { selector: "edge.on-path", style: { width: 5, "line-color": "#f59e0b", "target-arrow-color": "#f59e0b", "z-index": 9 } },
    { selector: "node.on-path", style: { "border-width": 5, "border-color": "#f59e0b" } },
  ],
});

// -- drawing --------------------------------------------------------------------------------------------

function addNode(node, near) {
  const existing = cy.$id(node.slug);
  if (existing.nonempty()) {
    existing.data("label", node.name);
    return false;
  }
  const kind = KINDS[node.__typename] || KINDS.Source;
  const data = { id: node.slug, label: node.name, kind: node.__typename, color: kind.color, shape: kind.shape };
  cy.add({ group: "nodes", data, position: near ? { ...near } : { x: 0, y: 0 } });
  if (!state.nodes.has(node.slug)) state.nodes.set(node.slug, node);
  return true;
}

function addFact(fact, source, target) {
  state.facts.set(fact.factId, { fact, source, target });
  const existing = cy.$id(fact.factId);
  if (existing.nonempty()) return;
  cy.add({ group: "edges", data: { id: fact.factId, source, target, type: fact.type } });
}

// New nodes go on a ring around the node they were reached from, so nothing jumps when a live change
// adds one; `arrange` then lays everything out when the reader asked for more.
function ring(center, slugs) {
  const origin = cy.$id(center).position();
  const radius = 90 + 12 * slugs.length;
  slugs.forEach((slug, index) => {
    const angle = (2 * Math.PI * index) / slugs.length;
    cy.$id(slug).position({ x: origin.x + radius * Math.cos(angle), y: origin.y + radius * Math.sin(angle) });
  });
}

function arrange() {
  if (cy.nodes().length < 2) return cy.fit(undefined, 80);
  if (state.expanded.length <= 1 && !state.path) {
    // One neighbourhood: the node in the middle, its neighbours around it.
    cy.layout({
      name: "concentric", animate: false, fit: true, padding: 30, minNodeSpacing: 50,
      concentric: (node) => (node.hasClass("expanded") ? 2 : 1), levelWidth: () => 1,
    }).run();
    return calm();
  }
  cy.layout({
    name: "cose", animate: false, randomize: false, fit: true, padding: 40, nodeRepulsion: () => 40000,
    idealEdgeLength: () => 120, gravity: 0.3, numIter: 2500,
  }).run();
  calm();
}

// A small graph fitted to the screen would be drawn huge: no closer than this.
function calm() {
  if (cy.zoom() > 1.25) {
    cy.zoom(1.25);
    cy.center();
  }
}

async function globalId(slug) {
  const known = state.nodes.get(slug);
  if (known && known.id) return known.id;
  const found = Object.values(await query(RESOLVE, { slug })).find(Boolean);
  if (!found) throw new Error(`no node with id '${slug}'`);
  return found.id;
}

async function expand(slug) {
  const { node } = await query(NEIGHBOURHOOD, { id: await globalId(slug), asOf: state.asOf });
  if (!node) throw new Error(`no node with id '${slug}'`);
  state.nodes.set(slug, node);
  addNode(node);
  cy.$id(slug).addClass("expanded");
  const added = [];
  for (const fact of node.relationships) {
    if (addNode(fact.other)) added.push(fact.other.slug);
    const outgoing = fact.direction !== "INCOMING";
    addFact(fact, outgoing ? slug : fact.other.slug, outgoing ? fact.other.slug : slug);
  }
  ring(slug, added);
  if (!state.expanded.includes(slug)) state.expanded.push(slug);
  return added;
}

// Everything drawn, read again (a new date, or a change someone committed): positions are kept.
async function redraw({ relayout = false } = {}) {
  const before = new Set(cy.nodes().map((node) => node.id()));
  const positions = new Map(cy.nodes().map((node) => [node.id(), { ...node.position() }]));
  cy.elements().remove();
  state.facts.clear();
  if (state.view === "strikes") {
    await drawStrikes();
  } else {
    for (const slug of [...state.expanded]) await expand(slug);
    if (state.path) await drawPath(state.path.from, state.path.to);
  }
  cy.nodes().forEach((node) => {
    if (positions.has(node.id())) node.position(positions.get(node.id()));
  });
  const fresh = cy.nodes().filter((node) => !before.has(node.id()));
  if (relayout) arrange();
  if (before.size && fresh.nonempty()) {
    fresh.addClass("new");
    setTimeout(() => fresh.removeClass("new"), 4000);
    const view = cy.extent();
    const outside = (p) => p.x < view.x1 || p.x > view.x2 || p.y < view.y1 || p.y > view.y2;
    if (fresh.some((node) => outside(node.position()))) cy.animate({ fit: { eles: cy.elements(), padding: 40 }, duration: 300 });
  }
  renderLists();
}

async function drawStrikes() {
  const { strikes } = await query(STRIKES, { on: state.asOf });
  const rows = { STRIKER: [], TARGET: [] };
  strikes.forEach((strike, index) => {
    addNode({ __typename: "Strike", id: strike.id, slug: strike.slug, name: strike.name }, { x: 340, y: index * 110 });
    for (const party of strike.parties) {
      const org = { __typename: "Organization", ...party.organization };
      if (addNode(org)) rows[party.side].push([org.slug, index * 110]);
      const striker = party.side === "STRIKER";
      addFact(party, striker ? org.slug : strike.slug, striker ? strike.slug : org.slug);
    }
  });
  // Strikers on the left, strikes in the middle, targets on the right; each near its first strike.
  for (const [side, x] of [["STRIKER", 0], ["TARGET", 680]]) {
    let last = -Infinity;
    for (const [slug, y] of rows[side]) {
      last = Math.max(y, last + 70);
      cy.$id(slug).position({ x, y: last });
    }
  }
  cy.fit(undefined, 60);
  calm();
  say(strikes.length ? `${strikes.length} strike${strikes.length > 1 ? "s" : ""} on ${state.asOf}` : `No strike on ${state.asOf}`);
}

async function drawPath(from, to) {
  const { path } = await query(PATH, { from, to });
  cy.elements().removeClass("on-path faded");
  if (!path) {
    say(`No connection between ${from} and ${to} within 6 steps`);
    return false;
  }
  const route = cy.collection();
  for (const hop of path.hops) {
    addNode(hop.from, cy.$id(hop.to.slug).nonempty() ? cy.$id(hop.to.slug).position() : undefined);
    addNode(hop.to, cy.$id(hop.from.slug).position());
    const [source, target] = hop.forward ? [hop.from.slug, hop.to.slug] : [hop.to.slug, hop.from.slug];
    addFact(hop, source, target);
    route.merge(cy.$id(hop.factId)).merge(cy.$id(source)).merge(cy.$id(target));
  }
  cy.elements().difference(route).addClass("faded");
  route.addClass("on-path");
  say(`${path.length} step${path.length > 1 ? "s" : ""} from ${from} to ${to}`);
  return true;
}

// -- what the reader does -----------------------------------------------------------------------------

async function run(work) {
  state.busy += 1;
  document.body.dataset.busy = "true";
  try {
    await work();
    syncUrl();
  } catch (error) {
    say(error.code ? `${error.message} (${error.code})` : error.message, true);
  } finally {
    state.busy -= 1;
    document.body.dataset.busy = String(state.busy > 0);
  }
}

function focusOn(slug) {
  return run(async () => {
    state.view = "neighbourhood";
    state.expanded = [];
    state.path = null;
    cy.elements().remove();
    state.facts.clear();
    say("");
    await expand(slug);
    arrange();
    renderLists();
    showNode(slug);
  });
}

function expandNode(slug) {
  return run(async () => {
    if (state.view === "strikes") state.expanded = [];
    state.view = "neighbourhood";
    $("strikes-view").setAttribute("aria-pressed", "false");
    if (!state.expanded.includes(slug)) {
      const added = await expand(slug);
      if (added.length) arrange();
      renderLists();
    }
    showNode(slug);
  });
}

function showStrikes() {
  return run(async () => {
    state.view = "strikes";
    state.path = null;
    $("strikes-view").setAttribute("aria-pressed", "true");
    cy.elements().remove();
    await drawStrikes();
    renderLists();
  });
}

function showPath(from, to) {
  return run(async () => {
    if (state.view === "strikes") {
      state.view = "neighbourhood";
      state.expanded = [];
      cy.elements().remove();
      $("strikes-view").setAttribute("aria-pressed", "false");
    }
    state.path = { from, to };
    if (await drawPath(from, to)) arrange();
    else state.path = null;
    renderLists();
  });
}

function setDate(value) {
  if (!DATE.test(value) || value === state.asOf) return;
  state.asOf = value;
  $("as-of").value = value.length === 10 ? value : `${value}-01-01`.slice(0, 10);
  run(() => redraw());
}

async function search(text) {
  const list = $("results");
  list.replaceChildren();
  $("results-section").hidden = false;
  await run(async () => {
    const { search: hits } = await query(SEARCH, { text });
    if (!hits.length) list.append(h("li", {}, `Nothing matches “${text}”.`));
    for (const { node } of hits) {
      if (!state.nodes.has(node.slug)) state.nodes.set(node.slug, node);
      list.append(h("li", {}, h("button", { type: "button", onclick: () => focusOn(node.slug) }, chip(node.__typename), node.name,
        h("small", {}, ` ${node.__typename}`))));
    }
  });
}

// -- the panel ------------------------------------------------------------------------------------------

function showNode(slug) {
  cy.$(":selected").unselect();
  cy.$id(slug).select();
  const node = state.nodes.get(slug) || { slug, name: slug, __typename: cy.$id(slug).data("kind") };
  const fields = [
    ["Kind", [node.__typename, node.kind || node.sourceKind].filter(Boolean).join(", ")],
    ["Id", node.slug], ["Title", node.title], ["Publisher", node.publisher], ["Date", node.date],
    ["Started", node.startDate], ["Ended", node.endDate], ["Status", node.status],
  ];
  $("details").replaceChildren(
    h("h2", {}, chip(node.__typename), node.name),
    definitions(fields),
    node.description ? h("p", {}, node.description) : "",
    node.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), node.note) : "",
    node.sources && node.sources.length ? h("h3", {}, "Attested by") : "",
    node.sources ? citations(node.sources) : "",
    h("div", { class: "actions" },
      state.expanded.includes(slug) ? "" : h("button", { type: "button", onclick: () => expandNode(slug) }, "Expand"),
      h("button", { type: "button", onclick: () => focusOn(slug) }, "Only this"),
      h("button", { type: "button", onclick: () => { $("path-from").value = slug; $("path-to").focus(); } }, "Path from here"),
      h("button", { type: "button", onclick: () => { $("path-to").value = slug; $("path-from").focus(); } }, "Path to here")),
  );
}

function showFact(factId) {
  const entry = state.facts.get(factId);
  if (!entry) return;
  cy.$(":selected").unselect();
  cy.$id(factId).select();
  const { fact, source, target } = entry;
  const name = (slug) => cy.$id(slug).data("label") || slug;
  const fields = [
    ["Title", fact.title], ["Role", fact.role], ["Side", fact.side && fact.side.toLowerCase()],
    ["Since", fact.since], ["Until", fact.until], ["Attested on", fact.attestedOn], ["On", fact.on],
    ["By", fact.by], ["Vote", fact.vote], ["Detail", fact.detail],
    ["Inferred", fact.inferred ? "yes: no source states it outright (see the note)" : null], ["Fact id", fact.factId],
  ];
  $("details").replaceChildren(
    h("h2", {}, fact.type),
    h("p", { class: "ends" }, name(source), " → ", name(target)),
    definitions(fields),
    fact.note ? h("p", { class: "note" }, h("strong", {}, "Note: "), fact.note) : "",
    h("h3", {}, `Sources (${fact.sources.length})`),
    citations(fact.sources),
  );
}

// Each source with its title, publisher and date, its own words (a quote) or how a relaying source puts
// them (a paraphrase, "via" that source).
function citations(sources) {
  const title = (source) =>
    source.url ? h("a", { href: source.url, rel: "noopener" }, source.title) : h("strong", {}, source.title);
  return h("ol", { class: "citations" }, ...sources.map(({ quote, paraphrase, source, via }) => h("li", {},
    title(source),
    h("div", { class: "source-facts" }, [source.publisher, source.date].filter(Boolean).join(", ")),
    via ? h("div", { class: "via" }, "via ", title(via), via.date ? `, ${via.date}` : "") : "",
    quote ? h("blockquote", {}, quote) : "",
    paraphrase ? h("blockquote", { class: "paraphrase" }, `as relayed: ${paraphrase}`) : "")));
}

function definitions(fields) {
  const shown = fields.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", {}, ...shown.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, String(value))]));
}

// Every drawn node and fact as a button too: the graph is usable without a mouse.
function renderLists() {
  const nodes = cy.nodes().sort((a, b) => a.data("label").localeCompare(b.data("label")));
  $("node-list").replaceChildren(...nodes.map((node) => h("li", {}, h("button", {
    type: "button", onclick: () => expandNode(node.id()),
  }, chip(node.data("kind")), node.data("label")))));
  $("edge-list").replaceChildren(...cy.edges().map((edge) => h("li", {}, h("button", {
    type: "button", onclick: () => showFact(edge.id()),
  }, `${edge.source().data("label")} —${edge.data("type")}→ ${edge.target().data("label")}`))));
  $("drawn-nodes").replaceChildren(...nodes.map((node) => h("option", { value: node.id() }, node.data("label"))));
}

function renderLegend() {
  $("legend").replaceChildren(...Object.keys(KINDS).map((kind) => h("li", {}, chip(kind), kind)));
}

function logChange(change) {
  const time = change.at.slice(11, 19);
  const entry = h("li", {}, `${time} ${change.actor}: ${change.action.toLowerCase().replace("_", " ")} `,
    h("button", { type: "button", onclick: () => focusOn(change.nodes[0]) }, change.entity));
  const log = $("change-log");
  log.prepend(entry);
  while (log.children.length > 20) log.lastChild.remove();
}

// -- live updates -------------------------------------------------------------------------------------

let refreshTimer = null;

function onChange(change) {
  if (change !== null) logChange(change);
  const drawn = change === null || change.nodes.some((slug) => cy.$id(slug).nonempty());
  const strikes = state.view === "strikes" && change !== null && STRIKE_FACTS.has(change.entityType);
  if (!drawn && !strikes) return;
  clearTimeout(refreshTimer); // a request's several changes arrive together: one redraw
  refreshTimer = setTimeout(() => run(() => redraw()), 150);
}

function onState(live) {
  const badge = $("live");
  badge.dataset.state = live;
  badge.textContent = live === "live" ? "live" : "reconnecting…";
}

// -- the page -------------------------------------------------------------------------------------------

function syncUrl() {
  const params = new URLSearchParams();
  if (state.view === "strikes") params.set("view", "strikes");
  else if (state.expanded.length) params.set("node", state.expanded.join(","));
  if (state.path) {
    params.set("from", state.path.from);
    params.set("to", state.path.to);
  }
  if (state.asOf !== today()) params.set("asOf", state.asOf);
  const search = params.toString();
  history.replaceState(null, "", search ? `/explore?${search}` : "/explore");
}

function say(text, error = false) {
  const message = $("message");
  message.textContent = text;
  message.classList.toggle("error", error);
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function chip(kind) {
  return h("span", { class: "kind", style: `background:${(KINDS[kind] || KINDS.Source).color}`, "aria-hidden": "true" });
}

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value);
  }
  element.append(...children.filter((child) => child !== "" && child !== null && child !== undefined));
  return element;
}

function wire() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("search-text").value.trim();
    if (text) search(text);
  });
  $("as-of").addEventListener("change", (event) => setDate(event.target.value || today()));
  $("strikes-view").addEventListener("click", () => showStrikes());
  $("path-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const [from, to] = [$("path-from").value.trim(), $("path-to").value.trim()];
    if (from && to) showPath(from, to);
  });
  cy.on("tap", "node", (event) => expandNode(event.target.id()));
  cy.on("tap", "edge", (event) => showFact(event.target.id()));
  $("graph").addEventListener("keydown", (event) => {
    const pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[event.key];
    if (pan) cy.panBy({ x: pan[0], y: pan[1] });
    else if (event.key === "+" || event.key === "=") cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: center() });
    else if (event.key === "-") cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: center() });
    else if (event.key === "0") cy.fit(undefined, 40);
    else return;
    event.preventDefault();
  });
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA"].includes(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      $("search-text").focus();
    } else if (event.key === "Escape") {
      cy.$(":selected").unselect();
    }
  });
  // Arrow keys move between search results (and back to the box).
  $("results").addEventListener("keydown", (event) => arrowThrough(event, $("results")));
  $("search-text").addEventListener("keydown", (event) => {
    const first = $("results").querySelector("button");
    if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
    }
  });
}

function arrowThrough(event, list) {
  const buttons = [...list.querySelectorAll("button")];
  const at = buttons.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && at < buttons.length - 1) buttons[at + 1].focus();
  else if (event.key === "ArrowUp") (at > 0 ? buttons[at - 1] : $("search-text")).focus();
  else return;
  event.preventDefault();
}

function center() {
  return { x: cy.width() / 2, y: cy.height() / 2 };
}

function start() {
  renderLegend();
  wire();
  const params = new URLSearchParams(location.search);
  const asOf = params.get("asOf");
  if (asOf && DATE.test(asOf)) state.asOf = asOf;
  $("as-of").value = state.asOf.length === 10 ? state.asOf : `${state.asOf}-01-01`.slice(0, 10);
  const live = new LiveChanges({ onChange, onState });
  live.start();
  window.explorer = { cy, state, live, focusOn, showStrikes, showPath, setDate };
  const nodes = (params.get("node") || "").split(",").filter(Boolean).slice(0, 20);
  const [from, to] = [params.get("from"), params.get("to")];
  const drawn = () => performance.mark("explorer-drawn"); // the first view is on screen (page-load figures)
  if (params.get("view") === "strikes") return showStrikes().then(drawn);
  return run(async () => {
    for (const slug of nodes) await expand(slug);
    if (from && to) {
      state.path = { from, to };
      await drawPath(from, to);
    }
    arrange();
    renderLists();
    if (nodes.length) showNode(nodes[0]);
  }).then(drawn);
}

start();
