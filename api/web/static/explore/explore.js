// strikegraph explorer: search, a node's neighbourhood as of a date, who strikes whom on a date, shortest
// paths, a source's facts, the dates and citations of every fact, and live updates. It talks only to the
// public GraphQL API (./graphql.js), as any front-end would; Cytoscape.js draws.
//
// One state (the view, its nodes, the date, the selection, the filters) drives everything on the screen:
// `update` changes it, writes the address, and draws it again. A draw reads everything it needs first and
// paints only when its answers are in and no newer draw has begun (the latest request wins: the older
// one's requests are cancelled), so the drawing, the panel, the footer and the address always agree.
import { drawChart } from "./chart.js";
import { exportView } from "./export.js";
import { CITING, LiveChanges, NEIGHBOURHOOD, PATH, RESOLVE, SEARCH, STRIKES, query, stats } from "./graphql.js";
import { arrange } from "./layouts.js";
import { FACTS, KINDS, readable } from "./model.js";
import {
  changeEntry, dates, drawnLists, emptyHint, factDetails, h, legend, nodeSummary, searchResults, sourceSummary,
  strikesSummary,
} from "./panel.js";
import { Timeline, isDate } from "./timeline.js";

const STRIKE_FACTS = new Set(["Strike", "WAGES", "CALLED", "AUTHORIZED", "AGAINST"]);
const VIEWS = new Set(["graph", "strikes", "citing", "chart"]);
const LAYOUTS = new Set(["auto", "force", "layers", "timeline"]);
const PHONE = window.matchMedia("(max-width: 760px)");
const MIN_LABEL_PX = 11; // on a phone the drawing is never zoomed out below readable labels

const $ = (id) => document.getElementById(id);

// -- the one state, and its address -----------------------------------------------------------------------

function emptyState() {
  return {
    view: "graph", // "graph" (neighbourhoods and a path), "strikes", "citing" (a source's facts) or "chart"
    nodes: [], // the nodes whose neighbourhoods are drawn, in order
    from: null, to: null, // a path's ends, highlighted in the graph view
    cites: null, // the source whose facts the citing view draws
    asOf: null, // YYYY, YYYY-MM or YYYY-MM-DD; null: today (what holds today, or the latest known)
    selected: null, // a node's slug or a fact's id: what the panel shows
    hide: [], // fact types and node kinds the legend hides
    drop: [], // nodes the reader hid, last hidden last (undo brings it back)
    layout: "auto",
    group: "YEAR", measure: "stoppages", // the chart's
  };
}

let state = emptyState();

function fromAddress(search) {
  const params = new URLSearchParams(search);
  const list = (name) => (params.get(name) || "").split(",").filter(Boolean).slice(0, 50);
  const next = emptyState();
  next.view = VIEWS.has(params.get("view")) ? params.get("view") : "graph";
  next.nodes = list("node");
  next.from = params.get("from");
  next.to = params.get("to");
  next.cites = params.get("cites");
  next.asOf = isDate(params.get("asOf")) ? params.get("asOf") : null;
  next.selected = params.get("selected");
  next.hide = list("hide");
  next.drop = list("drop");
  next.layout = LAYOUTS.has(params.get("layout")) ? params.get("layout") : "auto";
  if (params.get("group")) next.group = params.get("group");
  if (params.get("measure")) next.measure = params.get("measure");
  return next;
}

function address() {
  const params = new URLSearchParams();
  if (state.view !== "graph") params.set("view", state.view);
  if (state.view === "graph" && state.nodes.length) params.set("node", state.nodes.join(","));
  if (state.view === "graph" && state.from && state.to) {
    params.set("from", state.from);
    params.set("to", state.to);
  }
  if (state.view === "citing" && state.cites) params.set("cites", state.cites);
  if (state.view === "chart") {
    params.set("group", state.group);
    params.set("measure", state.measure);
  }
  if (state.asOf) params.set("asOf", state.asOf);
  if (state.selected && state.view !== "chart") params.set("selected", state.selected);
  if (state.hide.length) params.set("hide", state.hide.join(","));
  if (state.drop.length) params.set("drop", state.drop.join(","));
  if (state.layout !== "auto") params.set("layout", state.layout);
  const search = params.toString().replaceAll("%2C", ","); // lists read as lists
  return search ? `/explore?${search}` : "/explore";
}

// The one way anything on the screen changes. `draw: false` for what needs no new read (a selection, a
// filter): the panel and the drawing are brought in line from what was read.
function update(patch, { draw = true } = {}) {
  state = { ...state, ...patch };
  history.replaceState(null, "", address());
  $("as-of").value = state.asOf || "";
  for (const view of ["strikes", "chart"]) $(`${view}-view`).setAttribute("aria-pressed", String(state.view === view));
  $("layout").value = state.layout;
  timeline.show(state.asOf || today());
  if (draw) return redraw();
  if ("drop" in patch) paint(scene); // hidden or brought back: drawn again from what was read
  applyFilters();
  renderPanel();
  return Promise.resolve();
}

// -- reading a view ------------------------------------------------------------------------------------------

const ids = new Map(); // slug -> global id, learnt from every answer
let scene = emptyScene();

function emptyScene() {
  // What one draw read: the nodes and facts to draw, each expanded node's full read (its summary), the
  // dates facts change on (the timeline's marks), a path's route, and what the footer says.
  return { nodes: new Map(), facts: new Map(), details: new Map(), marks: new Set(), route: null, message: "",
    empty: [], strikes: null, source: null };
}

function addNode(into, node) {
  if (node.id) ids.set(node.slug, node.id);
  if (!into.nodes.has(node.slug)) into.nodes.set(node.slug, node);
}

function addFact(into, fact, source, target) {
  into.facts.set(fact.factId, { fact, source, target });
}

function mark(into, ...dates) {
  for (const date of dates) if (date) into.marks.add(date);
}

async function globalId(slug, signal) {
  if (ids.has(slug)) return ids.get(slug);
  const found = Object.values(await query(RESOLVE, { slug }, signal)).find(Boolean);
  if (!found) throw new Error(`no node with id '${slug}'`);
  ids.set(slug, found.id);
  return found.id;
}

async function readNode(slug, signal) {
  const { node } = await query(NEIGHBOURHOOD, { id: await globalId(slug, signal), asOf: state.asOf }, signal);
  if (!node) throw new Error(`no node with id '${slug}'`);
  return node;
}

async function readNeighbourhood(into, slug, signal) {
  const node = await readNode(slug, signal);
  into.details.set(slug, node);
  addNode(into, node);
  for (const fact of node.relationships) {
    addNode(into, fact.other);
    const outgoing = fact.direction !== "INCOMING";
    addFact(into, fact, outgoing ? slug : fact.other.slug, outgoing ? fact.other.slug : slug);
  }
  const dates = [];
  for (const fact of node.changes) {
    dates.push(fact.since, fact.until, fact.attestedOn, fact.on, fact.by, fact.other.startDate, fact.other.endDate);
  }
  mark(into, node.startDate, node.endDate, ...dates);
  if (!node.relationships.length) into.empty.push({ node, dates: [...new Set(dates.filter(Boolean))].sort() });
}

async function readStrikes(into, signal) {
  const on = state.asOf || today();
  const { strikes, all } = await query(STRIKES, { on }, signal);
  for (const strike of all) mark(into, strike.startDate, strike.endDate);
  for (const strike of strikes) {
    addNode(into, { __typename: "Strike", ...strike });
    for (const party of strike.parties) {
      addNode(into, { __typename: "Organization", ...party.organization });
      const striker = party.side === "STRIKER";
      const [source, target] = striker ? [party.organization.slug, strike.slug] : [strike.slug, party.organization.slug];
      addFact(into, party, source, target);
    }
  }
  into.strikes = strikes;
  into.message = strikes.length ? `${strikes.length} strike${strikes.length > 1 ? "s" : ""} on ${on}` : `No strike on ${on}`;
}

async function readPath(into, signal) {
  const { path } = await query(PATH, { from: state.from, to: state.to, asOf: state.asOf }, signal);
  const when = state.asOf ? ` on ${state.asOf}` : "";
  if (!path) {
    into.route = new Set();
    into.message = `No connection between ${state.from} and ${state.to} within 6 steps${when}`;
    return;
  }
  into.route = new Set();
  for (const hop of path.hops) {
    addNode(into, hop.from);
    addNode(into, hop.to);
    const [source, target] = hop.forward ? [hop.from.slug, hop.to.slug] : [hop.to.slug, hop.from.slug];
    addFact(into, hop, source, target);
    for (const id of [hop.factId, source, target]) into.route.add(id);
    mark(into, hop.since, hop.until, hop.attestedOn, hop.on, hop.by);
  }
  into.message = `${path.length} step${path.length > 1 ? "s" : ""} from ${state.from} to ${state.to}${when}`;
}

async function readSource(into, signal) {
  const { source, factsCiting } = await query(CITING, { source: state.cites }, signal);
  if (!source) throw new Error(`no source with id '${state.cites}'`);
  into.source = { ...source, facts: factsCiting };
  addNode(into, source);
  for (const fact of factsCiting) {
    addNode(into, fact.from);
    addNode(into, fact.to);
    addFact(into, fact, fact.from.slug, fact.to.slug);
    mark(into, fact.since, fact.until, fact.attestedOn, fact.on, fact.by);
  }
  into.message = `${factsCiting.length} fact${factsCiting.length === 1 ? "" : "s"} rest on ${source.title}`;
}

async function read(signal) {
  const into = emptyScene();
  if (state.view === "strikes") await readStrikes(into, signal);
  else if (state.view === "citing") await readSource(into, signal);
  else if (state.view === "graph") {
    await Promise.all(state.nodes.map((slug) => readNeighbourhood(into, slug, signal)));
    if (state.from && state.to) await readPath(into, signal);
    if (into.empty.length && !into.message) {
      const names = into.empty.map(({ node }) => node.name).join(", ");
      into.message = `Nothing known of ${names} on ${state.asOf || "today"}`;
    }
  }
  // The selected node's summary, when it is drawn but was not read in full (a strike's striker).
  const selected = selection();
  if (selected && into.nodes.has(selected) && !into.details.has(selected) && state.view !== "chart") {
    into.details.set(selected, await readNode(selected, signal));
  }
  return into;
}

// -- drawing ----------------------------------------------------------------------------------------------

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
    { selector: "node.pinned", style: { "border-style": "double", "border-width": 4, "border-color": "#111827" } },
    { selector: "node.new", style: { "border-width": 5, "border-color": "#22c55e" } },
    {
      selector: "edge",
      style: {
        width: 1.6, "curve-style": "bezier", "line-color": "#9ca3af", "target-arrow-color": "#9ca3af",
        "target-arrow-shape": "triangle", "arrow-scale": 1.1, label: "data(label)", "font-size": 9,
        "text-rotation": "autorotate", color: "#374151", "text-background-color": "#fff",
        "text-background-opacity": 0.85, "text-background-padding": 1, "text-wrap": "wrap",
      },
    },
    { selector: ":selected", style: { "line-color": "#111827", "target-arrow-color": "#111827", "border-color": "#f59e0b", "border-width": 4 } },
    { selector: "edge:selected", style: { width: 4 } },
    { selector: "edge.latest-known", style: { "line-style": "dashed" } },
    { selector: "edge.inferred", style: { "line-style": "dotted" } },
    { selector: ".faded", style: { opacity: 0.2 } },
    { selector: ".filtered", style: { display: "none" } },
    { selector: "edge.on-path", style: { width: 5, "line-color": "#f59e0b", "target-arrow-color": "#f59e0b", "z-index": 9 } },
    { selector: "node.on-path", style: { "border-width": 5, "border-color": "#f59e0b" } },
  ],
});

// A fact's arrow says what it is and when: "presides 2023-08-10", "wages 2023-05-02 – 2023-09-27". Without a date
// the explorer shows today: a fact not known to hold today is the latest known, dashed, "as of" its date.
function arrowLabel(fact) {
  const latest = !state.asOf && fact.current === false;
  const when = latest ? `as of ${lastKnown(fact)}` : dates(fact);
  return when ? `${readable(fact.type)}\n${when}` : readable(fact.type);
}

function lastKnown(fact) {
  return fact.until || fact.attestedOn || fact.on || fact.by || fact.since || "an earlier date";
}

const pins = new Map(); // slug -> position the reader dragged it to: kept by every redraw and layout

function paint(next, { live = false } = {}) {
  const positions = new Map(cy.nodes().map((node) => [node.id(), { ...node.position() }]));
  const before = new Set(positions.keys());
  const dropped = new Set(state.drop);
  const relayout = next.layoutKey !== scene.layoutKey;
  cy.batch(() => {
    cy.elements().remove();
    for (const [slug, node] of next.nodes) {
      if (dropped.has(slug)) continue;
      const kind = KINDS[node.__typename] || KINDS.Source;
      const data = { id: slug, label: node.name, kind: node.__typename, color: kind.color, shape: kind.shape,
        first: firstDate(slug, next) };
      cy.add({ group: "nodes", data, position: pins.get(slug) || positions.get(slug) || { x: 0, y: 0 } });
    }
    for (const [id, { fact, source, target }] of next.facts) {
      if (dropped.has(source) || dropped.has(target)) continue;
      const edge = cy.add({ group: "edges", data: { id, source, target, type: fact.type, label: arrowLabel(fact) } });
      if (!state.asOf && fact.current === false) edge.addClass("latest-known");
      if (fact.inferred) edge.addClass("inferred");
    }
    for (const slug of next.details.keys()) if (state.nodes.includes(slug)) cy.$id(slug).addClass("expanded");
    for (const slug of pins.keys()) cy.$id(slug).addClass("pinned");
    if (next.route) {
      const route = cy.elements().filter((element) => next.route.has(element.id()));
      route.addClass("on-path");
      cy.elements().difference(route).addClass("faded");
    }
  });
  scene = next;
  applyFilters();
  const fresh = cy.nodes().filter((node) => !before.has(node.id()));
  if (live) {
    placeNear(fresh);
    fresh.addClass("new");
    setTimeout(() => fresh.removeClass("new"), 4000);
    const view = cy.extent();
    const outside = (p) => p.x < view.x1 || p.x > view.x2 || p.y < view.y1 || p.y > view.y2;
    if (fresh.some((node) => outside(node.position()))) cy.animate({ fit: { eles: cy.elements(), padding: 40 }, duration: 300 });
  } else if (fresh.nonempty() || relayout) {
    arrange(cy, { layout: state.layout, view: state.view, expanded: state.nodes, pins });
    readableOnPhone();
  }
}

// New nodes from a live change go on a ring around a drawn neighbour, so nothing else moves.
function placeNear(fresh) {
  fresh.forEach((node, index) => {
    const anchor = node.neighborhood("node").filter((n) => !fresh.contains(n))[0];
    const origin = anchor ? anchor.position() : { x: 0, y: 0 };
    const angle = (2 * Math.PI * index) / Math.max(fresh.length, 1);
    node.position({ x: origin.x + 120 * Math.cos(angle), y: origin.y + 120 * Math.sin(angle) });
  });
}

// The earliest date known of a node in this view (the timeline layout's x).
function firstDate(slug, from) {
  const node = from.details.get(slug) || from.nodes.get(slug) || {};
  const dates = [node.startDate, node.date];
  for (const { fact, source, target } of from.facts.values()) {
    if (source === slug || target === slug) dates.push(fact.since, fact.attestedOn, fact.on, fact.by);
  }
  return dates.filter(Boolean).sort()[0] || null;
}

// On a phone a fitted graph would draw labels too small to read: zoom in on what matters instead.
function readableOnPhone() {
  if (!PHONE.matches || cy.nodes().empty()) return;
  const least = MIN_LABEL_PX / 11;
  if (cy.zoom() >= least) return;
  const focus = cy.$id(selection() || "");
  cy.zoom(least);
  cy.center(focus.nonempty() ? focus : cy.nodes()[0]);
}

// The legend's filters: hidden fact types and node kinds are kept in the drawing, not displayed.
function applyFilters() {
  const hidden = new Set(state.hide);
  cy.batch(() => {
    cy.elements().removeClass("filtered");
    cy.nodes().filter((node) => hidden.has(node.data("kind"))).addClass("filtered");
    cy.edges().filter((edge) => hidden.has(edge.data("type"))).addClass("filtered");
    cy.edges().filter((edge) => edge.source().hasClass("filtered") || edge.target().hasClass("filtered")).addClass("filtered");
  });
  cy.$(":selected").unselect();
  if (selection()) cy.$id(selection()).select();
  renderLists();
}

let generation = 0;
let inFlight = null;

// Reads the view the state names and paints it, unless a newer draw began meanwhile (then this one's
// requests are cancelled and its answers, if any arrive, are dropped).
async function redraw({ live = false } = {}) {
  const mine = ++generation;
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  busy(+1);
  try {
    if (state.view === "chart") {
      await showChart(controller.signal);
      if (mine !== generation) return;
      scene = emptyScene();
      say("");
    } else {
      const next = await read(controller.signal);
      if (mine !== generation) return;
      next.layoutKey = `${state.view} ${state.layout}`;
      paint(next, { live });
      timeline.setMarks([...next.marks]);
      say(next.message);
    }
    showPane();
    renderPanel();
  } catch (error) {
    if (mine !== generation || error.name === "AbortError") return;
    say(error.code ? `${error.message} (${error.code})` : error.message, true);
  } finally {
    if (inFlight === controller) inFlight = null;
    busy(-1);
  }
}

let pending = 0;
function busy(step) {
  pending += step;
  document.body.dataset.busy = String(pending > 0);
}

// -- the panel and the footer, from the state and what was read ---------------------------------------------------

// What the panel shows: the selection, or in the graph view the node explored last.
function selection() {
  return state.selected || (state.view === "graph" ? state.nodes[state.nodes.length - 1] || null : null);
}

function nameOf(slug) {
  const node = scene.nodes.get(slug);
  return node ? node.name : slug;
}

function renderPanel() {
  const selected = selection();
  const details = $("details");
  let content;
  if (selected && scene.facts.has(selected)) {
    content = factDetails(scene.facts.get(selected), nameOf, { source: showSource, asOf: state.asOf });
  } else if (selected && scene.nodes.has(selected)) {
    const node = scene.details.get(selected) || scene.nodes.get(selected);
    const empty = scene.empty.find((entry) => entry.node.slug === selected);
    const hint = empty ? emptyHint(empty.node, empty.dates, state.asOf || "today", (date) => update({ asOf: date })) : [];
    content = [...hint, ...nodeSummary(node, {
      asOf: state.asOf,
      expand: state.view === "graph" && state.nodes.includes(selected) ? null : () => explore(selected, { add: true }),
      only: () => explore(selected),
      source: node.__typename === "Source" ? () => showSource(selected) : null,
      pathFrom: () => setPathEnd("path-from", node),
      pathTo: () => setPathEnd("path-to", node),
      hide: () => update({ drop: [...state.drop, selected], selected: null }, { draw: false }),
      pick: (slug) => update({ selected: slug }, { draw: false }),
      jump: (date) => update({ asOf: date }),
    })];
  } else if (state.view === "strikes" && scene.strikes) {
    content = strikesSummary(scene.strikes, on(), { pick: choose });
  } else if (state.view === "citing" && scene.source) {
    content = sourceSummary(scene.source, { pick: (id) => update({ selected: id }, { draw: false }) });
  } else if (scene.empty.length) {
    content = scene.empty.map(({ node, dates }) => emptyHint(node, dates, state.asOf || "today", (date) => update({ asOf: date })));
  } else {
    content = [h("p", { class: "hint" }, "Search for an organization, a person, a strike… then click a node to expand "
      + "it and an arrow to see its dates and sources.")];
  }
  details.replaceChildren(...content.flat());
  $("undo").hidden = state.drop.length === 0;
  $("legend").replaceChildren(...legend(cy, scene, new Set(state.hide), toggleHidden));
  if (selected && PHONE.matches) details.scrollIntoView({ block: "start" }); // the tapped fact's citation in view
}

function toggleHidden(name) {
  const hide = new Set(state.hide);
  if (hide.has(name)) hide.delete(name);
  else hide.add(name);
  update({ hide: [...hide] }, { draw: false });
}

function renderLists() {
  const lists = drawnLists(cy, { onNode: (slug) => choose(slug), onFact: (id) => update({ selected: id }, { draw: false }) });
  $("node-list").replaceChildren(...lists.nodes);
  $("edge-list").replaceChildren(...lists.facts);
}

function showPane() {
  const chart = state.view === "chart";
  $("chart-pane").hidden = !chart;
  $("graph").hidden = chart;
  if (!chart) cy.resize();
}

function say(text, error = false) {
  const message = $("message");
  message.textContent = text;
  message.classList.toggle("error", error);
}

function on() {
  return state.asOf || today();
}

// -- what the reader does ------------------------------------------------------------------------------

// A node tapped or picked: in the graph view its neighbourhood is drawn too; elsewhere it is selected.
function choose(slug) {
  if (state.view === "graph" && !state.nodes.includes(slug)) return explore(slug, { add: true });
  return update({ selected: slug }, { draw: !scene.details.has(slug) });
}

// A node's neighbourhood: alone (a search result, "only this") or added to what is drawn ("expand").
function explore(slug, { add = false } = {}) {
  const keep = add && state.view === "graph";
  const nodes = keep ? [...state.nodes.filter((s) => s !== slug), slug] : [slug];
  return update({ view: "graph", nodes, from: keep ? state.from : null, to: keep ? state.to : null, selected: null,
    cites: null });
}

function showSource(slug) {
  return update({ view: "citing", cites: slug, nodes: [], from: null, to: null, selected: null });
}

function setDate(value) {
  const asOf = value || null;
  if (asOf === state.asOf) return Promise.resolve();
  return update({ asOf });
}

async function search(text) {
  const kind = $("search-kind").value;
  const list = $("results");
  $("results-section").hidden = false;
  list.replaceChildren(h("li", {}, "Searching…"));
  try {
    const { search: hits } = await query(SEARCH, { text, kinds: kind ? [kind] : null });
    for (const { node } of hits) ids.set(node.slug, node.id);
    list.replaceChildren(...searchResults(hits, text, (slug) => {
      $("results-section").hidden = true; // a pick clears the results: the panel shows what was picked
      explore(slug);
    }));
  } catch (error) {
    list.replaceChildren(h("li", {}, error.message));
  }
}

// The path's ends are picked by name: each box suggests what search finds as one types.
const pathNames = new Map(); // a suggested name -> its slug
let suggestTimer = null;

function suggest(input) {
  clearTimeout(suggestTimer);
  const text = input.value.trim();
  if (text.length < 2 || pathNames.has(text)) return;
  suggestTimer = setTimeout(async () => {
    const { search: hits } = await query(SEARCH, { text, kinds: null });
    $("path-names").replaceChildren(...hits.map(({ node }) => {
      pathNames.set(node.name, node.slug);
      return h("option", { value: node.name }, node.__typename);
    }));
  }, 200);
}

async function pathEnd(text) {
  if (pathNames.has(text)) return pathNames.get(text);
  if (scene.nodes.has(text)) return text;
  const { search: hits } = await query(SEARCH, { text, kinds: null, first: 1 });
  if (!hits.length) throw new Error(`nothing matches “${text}”`);
  return hits[0].node.slug;
}

function setPathEnd(field, node) {
  pathNames.set(node.name, node.slug);
  $(field).value = node.name;
  $(field === "path-from" ? "path-to" : "path-from").focus();
}

async function showPath() {
  const [from, to] = [$("path-from").value.trim(), $("path-to").value.trim()];
  if (!from || !to) return;
  try {
    const ends = await Promise.all([pathEnd(from), pathEnd(to)]);
    const graph = state.view === "graph";
    await update({ view: "graph", from: ends[0], to: ends[1], nodes: graph ? state.nodes : [], selected: null });
  } catch (error) {
    say(error.message, true);
  }
}

function showChart(signal) {
  $("chart-group").value = state.group;
  $("chart-measure").value = state.measure;
  const groupBy = state.group === "MONTH" ? ["YEAR", "MONTH"] : [state.group];
  return query(stats(state.measure), { groupBy, asOf: on() }, signal).then(({ strikeStats: rows }) => {
    drawChart($("chart"), rows, state.group, state.measure);
    $("chart").dataset.drawn = `${state.group} ${state.measure} ${on()}`;
  });
}

// -- live updates -------------------------------------------------------------------------------------

let refreshTimer = null;

function onChange(change) {
  if (change !== null) {
    const log = $("change-log");
    log.prepend(changeEntry(change, (slug) => explore(slug)));
    while (log.children.length > 20) log.lastChild.remove();
  }
  const drawn = change === null || change.nodes.some((slug) => scene.nodes.has(slug) || state.nodes.includes(slug));
  const strikes = state.view === "strikes" && change !== null && STRIKE_FACTS.has(change.entityType);
  if (!drawn && !strikes) return;
  clearTimeout(refreshTimer); // a request's several changes arrive together: one redraw
  refreshTimer = setTimeout(() => redraw({ live: true }), 150);
}

function onState(live) {
  const badge = $("live");
  badge.dataset.state = live;
  badge.textContent = live === "live" ? "live" : "reconnecting…";
}

// -- the page -------------------------------------------------------------------------------------------

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const timeline = new Timeline({
  slider: $("timeline"), marks: $("timeline-marks"), label: $("timeline-label"), field: $("as-of"),
  previous: $("previous-change"), next: $("next-change"), play: $("play"), today,
  onCommit: (date) => setDate(date === today() ? null : date),
  onInvalid: (text) => say(`“${text}” is not a date: write a year (2023), a month (2023-08) or a day (2023-08-10)`, true),
});

function wire() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("search-text").value.trim();
    if (text) search(text);
  });
  const leaveFor = (view) => ({ view: state.view === view ? "graph" : view, nodes: [], from: null, to: null,
    cites: null, selected: null });
  $("strikes-view").addEventListener("click", () => update(leaveFor("strikes")));
  $("chart-view").addEventListener("click", () => update(leaveFor("chart")));
  $("chart-form").addEventListener("change", () => update({ group: $("chart-group").value, measure: $("chart-measure").value }));
  $("path-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showPath();
  });
  for (const id of ["path-from", "path-to"]) $(id).addEventListener("input", (event) => suggest(event.target));
  $("layout").addEventListener("change", (event) => update({ layout: event.target.value }, { draw: false }).then(() => {
    scene.layoutKey = null;
    arrange(cy, { layout: state.layout, view: state.view, expanded: state.nodes, pins });
    readableOnPhone();
  }));
  $("undo").addEventListener("click", () => update({ drop: state.drop.slice(0, -1) }, { draw: false }));
  $("export").addEventListener("change", (event) => {
    const format = event.target.value;
    event.target.value = "";
    if (format) exportView(format, cy, scene, { name: address(), nameOf });
  });
  cy.on("tap", "node", (event) => choose(event.target.id()));
  cy.on("tap", "edge", (event) => update({ selected: event.target.id() }, { draw: false }));
  cy.on("dragfree", "node", (event) => {
    pins.set(event.target.id(), { ...event.target.position() }); // pinned where the reader put it
    event.target.addClass("pinned");
  });
  cy.on("cxttap", "node", (event) => {
    pins.delete(event.target.id()); // a right click (or a long press) lets it go
    event.target.removeClass("pinned");
  });
  $("graph").addEventListener("keydown", (event) => {
    const pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[event.key];
    const center = { x: cy.width() / 2, y: cy.height() / 2 };
    if (pan) cy.panBy({ x: pan[0], y: pan[1] });
    else if (event.key === "+" || event.key === "=") cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: center });
    else if (event.key === "-") cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: center });
    else if (event.key === "0") cy.fit(undefined, 40);
    else return;
    event.preventDefault();
  });
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      $("search-text").focus();
    } else if (event.key === "Escape" && state.selected) {
      update({ selected: null }, { draw: false });
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

function start() {
  $("search-kind").append(...Object.values(KINDS).map((kind) => h("option", { value: kind.enum }, readable(kind.type))));
  wire();
  const live = new LiveChanges({ onChange, onState });
  live.start();
  window.explorer = {
    cy, live, update, explore, setDate,
    get state() { return state; },
    get scene() { return scene; },
    address,
    FACTS,
  };
  const drawn = () => performance.mark("explorer-drawn"); // the first view is on screen (page-load figures)
  return update(fromAddress(location.search)).then(drawn);
}

start();
