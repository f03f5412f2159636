// How the drawing is laid out. "auto": one neighbourhood as rings around its node, several with forces, who
// strikes whom in three columns; "force"; "layers": each fact's arrow points down a level (strikers, then
// strikes, then their targets); "timeline": left to right by the earliest date known of each node, one row
// per kind. Nodes the reader dragged stay pinned where they were put, whatever the layout.

export function arrange(cy, { layout, view, expanded, pins }) {
  const nodes = cy.nodes();
  if (nodes.empty()) return;
  nodes.forEach((node) => (pins.has(node.id()) ? node.lock() : null));
  try {
    run(cy, layout === "auto" ? auto(view, expanded) : layout);
  } finally {
    nodes.unlock();
  }
  if (cy.zoom() > 1.25) {
    cy.zoom(1.25); // a small graph fitted to the screen would be drawn huge
    cy.center();
  }
}

function auto(view, expanded) {
  if (view === "strikes") return "columns";
  return expanded.length <= 1 ? "rings" : "force";
}

function run(cy, name) {
  if (cy.nodes().length < 2) {
    cy.fit(undefined, 80);
    return;
  }
  if (name === "columns") return columns(cy);
  if (name === "timeline") return timeline(cy);
  const options = {
    rings: {
      name: "concentric", minNodeSpacing: 50, levelWidth: () => 1,
      concentric: (node) => (node.hasClass("expanded") ? 2 : 1),
    },
    force: {
      name: "cose", randomize: false, nodeRepulsion: () => 40000, idealEdgeLength: () => 120, gravity: 0.3,
      numIter: 2500,
    },
    layers: {
      name: "breadthfirst", directed: true, spacingFactor: 1.1,
      roots: cy.nodes().filter((node) => node.indegree(false) === 0),
    },
  }[name] || { name: "cose", randomize: false };
  cy.layout({ animate: false, fit: true, padding: 40, ...options }).run();
}

// Who strikes whom: strikers left, strikes in the middle, targets right, each near its first strike.
function columns(cy) {
  const strikes = cy.nodes('[kind = "Strike"]');
  strikes.forEach((strike, index) => strike.position({ x: 340, y: index * 110 }));
  const placed = new Set();
  for (const [type, x, end] of [["WAGES", 0, "source"], ["AGAINST", 680, "target"]]) {
    let last = -Infinity;
    strikes.forEach((strike, index) => {
      strike.connectedEdges(`[type = "${type}"]`).forEach((edge) => {
        const node = edge[end]();
        if (placed.has(node.id()) || node.locked()) return;
        placed.add(node.id());
        last = Math.max(index * 110, last + 70);
        node.position({ x, y: last });
      });
    });
  }
  cy.fit(undefined, 60);
}

// Left to right by date, a row per kind; nodes with no date known stand at the right end.
function timeline(cy) {
  const dated = cy.nodes().map((node) => node.data("first")).filter(Boolean).sort();
  const first = dated.length ? Date.parse(dated[0].padEnd(10, "-01").slice(0, 10)) : 0;
  const last = dated.length ? Date.parse(dated[dated.length - 1].padEnd(10, "-01").slice(0, 10)) : 0;
  const width = Math.max(600, cy.nodes().length * 60);
  const kinds = [...new Set(cy.nodes().map((node) => node.data("kind")))];
  const used = new Map();
  cy.nodes().forEach((node) => {
    if (node.locked()) return;
    const date = node.data("first");
    const x = date && last > first
      ? ((Date.parse(date.padEnd(10, "-01").slice(0, 10)) - first) / (last - first)) * width
      : date ? width / 2 : width + 160;
    const row = kinds.indexOf(node.data("kind"));
    const key = `${Math.round(x / 40)} ${row}`;
    const stacked = used.get(key) || 0;
    used.set(key, stacked + 1);
    node.position({ x, y: row * 120 + stacked * 34 });
  });
  cy.fit(undefined, 50);
}
