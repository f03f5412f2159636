// strikegraph explorer: search, a node's neighbourhood as of a date, who strikes whom on a date, shortest
// paths, the dates and citations of every fact, and live updates. It talks only to the public GraphQL API
// (./graphql.js), as any front-end would; Cytoscape.js draws.
import { drawChart } from "./chart.js";
import { LiveChanges, NEIGHBOURHOOD, PATH, RESOLVE, SEARCH, STRIKES, query, stats } from "./graphql.js";
import { KINDS } from "./model.js";
import { changeEntry, drawnLists, factDetails, legend, nodeDetails, searchResults } from "./panel.js";

const STRIKE_FACTS = new Set(["Strike", "WAGES", "CALLED", "AUTHORIZED", "AGAINST"]);
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

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
        "target-arrow-shape": "triangle", "arrow-scale": 1.1, label: "data(label)", "font-size": 9,
        "text-rotation": "autorotate", color: "#374151", "text-background-color": "#fff",
        "text-background-opacity": 0.85, "text-background-padding": 1,
      },
    },
    { selector: ":selected", style: { "line-color": "#111827", "target-arrow-color": "#111827", "border-color": "#f59e0b", "border-width": 4 } },
    { selector: "edge:selected", style: { width: 4 } },
    { selector: "edge.latest-known", style: { "line-style": "dashed" } },
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
  // Without a date the explorer shows today: a fact not known to hold today is the latest known, drawn
  // dashed and labelled with the date it was last known ("as of 2023-08-10").
  const latest = state.asOf === today() && fact.current === false;
  const label = latest ? `${fact.type} (as of ${lastKnown(fact)})` : fact.type;
  const edge = cy.add({ group: "edges", data: { id: fact.factId, source, target, type: fact.type, label } });
  if (latest) edge.addClass("latest-known");
}

function lastKnown(fact) {
  return fact.until || fact.attestedOn || fact.on || fact.by || fact.since || "an earlier date";
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
  // Today is asked without `asOf`: what holds today, or else the latest known (README, "Time").
  const asOf = state.asOf === today() ? null : state.asOf;
  const { node } = await query(NEIGHBOURHOOD, { id: await globalId(slug), asOf });
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

// Everything drawn, read again: positions are kept. For a change someone committed (`live`), what it
// added is ringed in green and nothing moves; for a new date, the drawing is laid out again if it grew.
async function redraw({ live = false } = {}) {
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
  if (!live && fresh.nonempty() && state.view !== "strikes") arrange();
  if (live && fresh.nonempty()) {
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
  if (!$("chart-pane").hidden) showChart();
}

// The chart replaces the graph until it is closed (the same button); it follows the date and its selects.
function toggleChart() {
  const showing = $("chart-pane").hidden;
  $("chart-pane").hidden = !showing;
  $("graph").hidden = showing;
  $("chart-view").setAttribute("aria-pressed", String(showing));
  if (showing) return showChart();
  cy.resize();
  return Promise.resolve();
}

function showChart() {
  const group = $("chart-group").value;
  const measure = $("chart-measure").value;
  const groupBy = group === "MONTH" ? ["YEAR", "MONTH"] : [group];
  return run(async () => {
    const { strikeStats: rows } = await query(stats(measure), { groupBy, asOf: state.asOf });
    drawChart($("chart"), rows, group, measure);
    $("chart").dataset.drawn = `${group} ${measure} ${state.asOf}`;
  });
}

async function search(text) {
  const list = $("results");
  list.replaceChildren();
  $("results-section").hidden = false;
  await run(async () => {
    const { search: hits } = await query(SEARCH, { text });
    for (const { node } of hits) {
      if (!state.nodes.has(node.slug)) state.nodes.set(node.slug, node);
    }
    list.replaceChildren(...searchResults(hits, text, focusOn));
  });
}

// -- the panel ------------------------------------------------------------------------------------------

function select(id) {
  cy.$(":selected").unselect();
  cy.$id(id).select();
}

function showNode(slug) {
  select(slug);
  const node = state.nodes.get(slug) || { slug, name: slug, __typename: cy.$id(slug).data("kind") };
  const pathEnd = (field, next) => () => {
    $(field).value = slug;
    $(next).focus();
  };
  $("details").replaceChildren(...nodeDetails(node, {
    expand: state.expanded.includes(slug) ? null : () => expandNode(slug),
    only: () => focusOn(slug),
    pathFrom: pathEnd("path-from", "path-to"),
    pathTo: pathEnd("path-to", "path-from"),
  }));
}

function showFact(factId) {
  const entry = state.facts.get(factId);
  if (!entry) return;
  select(factId);
  $("details").replaceChildren(...factDetails(entry, (slug) => cy.$id(slug).data("label") || slug));
}

function renderLists() {
  const lists = drawnLists(cy, { onNode: expandNode, onFact: showFact });
  $("node-list").replaceChildren(...lists.nodes);
  $("edge-list").replaceChildren(...lists.facts);
  $("drawn-nodes").replaceChildren(...lists.options);
}

function logChange(change) {
  const log = $("change-log");
  log.prepend(changeEntry(change, focusOn));
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
  refreshTimer = setTimeout(() => run(() => redraw({ live: true })), 150);
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

function wire() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("search-text").value.trim();
    if (text) search(text);
  });
  $("as-of").addEventListener("change", (event) => setDate(event.target.value || today()));
  $("strikes-view").addEventListener("click", () => showStrikes());
  $("chart-view").addEventListener("click", () => toggleChart());
  $("chart-form").addEventListener("change", () => showChart());
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
  $("legend").replaceChildren(...legend());
  wire();
  const params = new URLSearchParams(location.search);
  const asOf = params.get("asOf");
  if (asOf && DATE.test(asOf)) state.asOf = asOf;
  $("as-of").value = state.asOf.length === 10 ? state.asOf : `${state.asOf}-01-01`.slice(0, 10);
  const live = new LiveChanges({ onChange, onState });
  live.start();
  window.explorer = { cy, state, live, focusOn, showStrikes, showPath, setDate, toggleChart };
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
