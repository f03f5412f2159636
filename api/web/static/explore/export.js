// The view as a file: a picture (PNG from Cytoscape, SVG drawn here from the same positions and styles) or
// the drawn facts with their citations (CSV, JSON), each downloaded under a name that says what it shows.
import { readable } from "./model.js";
import { citationText } from "./panel.js";

export function exportView(format, cy, scene, { name, nameOf }) {
  const base = fileName(name);
  if (format === "png") return download(cy.png({ full: true, scale: 2, bg: "#ffffff", output: "blob" }), `${base}.png`);
  if (format === "svg") return download(new Blob([svg(cy)], { type: "image/svg+xml" }), `${base}.svg`);
  const rows = factRows(cy, scene, nameOf);
  if (format === "json") return download(new Blob([JSON.stringify(rows, null, 2)], { type: "application/json" }), `${base}.json`);
  if (format === "csv") return download(new Blob([csv(rows)], { type: "text/csv" }), `${base}.csv`);
  return null;
}

// The facts drawn (not those the legend hides), each with its ends, dates and every citation.
export function factRows(cy, scene, nameOf) {
  return cy.edges().filter((edge) => !edge.hasClass("filtered")).map((edge) => {
    const { fact, source, target } = scene.facts.get(edge.id());
    return {
      factId: fact.factId, type: fact.type, label: readable(fact.type), from: source, fromName: nameOf(source),
      to: target, toName: nameOf(target), since: fact.since || null, until: fact.until || null,
      attestedOn: fact.attestedOn || null, on: fact.on || null, by: fact.by || null, inferred: Boolean(fact.inferred),
      note: fact.note || null,
      citations: fact.sources.map((citation) => ({
        source: citation.source.slug, title: citation.source.title, kind: citation.source.kind,
        publisher: citation.source.publisher, date: citation.source.date, url: citation.source.url,
        unverified: citation.source.unverified, quote: citation.quote || null, paraphrase: citation.paraphrase || null,
        via: citation.via ? citation.via.slug : null, text: citationText(citation),
      })),
    };
  });
}

const COLUMNS = ["factId", "type", "from", "fromName", "to", "toName", "since", "until", "attestedOn", "on", "by",
  "inferred", "note", "citations"];

export function csv(rows) {
  const cell = (value) => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const line = (row) => COLUMNS.map((column) =>
    cell(column === "citations" ? row.citations.map((c) => c.text).join(" | ") : row[column])).join(",");
  return [COLUMNS.join(","), ...rows.map(line)].join("\r\n") + "\r\n";
}

// An SVG of what is drawn: arrows as lines with their labels, nodes as circles of their kind's colour.
export function svg(cy) {
  const box = cy.elements(":visible").boundingBox();
  const pad = 40;
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const edges = cy.edges(":visible").map((edge) => {
    const [a, b] = [edge.source().position(), edge.target().position()];
    const [mx, my] = [(a.x + b.x) / 2, (a.y + b.y) / 2];
    return `<g class="fact" data-id="${escape(edge.id())}"><line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" `
      + `stroke="#9ca3af" stroke-width="1.6" marker-end="url(#arrow)"/>`
      + `<text x="${mx}" y="${my}" font-size="9" text-anchor="middle">${escape(edge.data("label").replace("\n", " "))}</text></g>`;
  });
  const nodes = cy.nodes(":visible").map((node) => {
    const p = node.position();
    return `<g class="node" data-id="${escape(node.id())}"><circle cx="${p.x}" cy="${p.y}" r="13" fill="${escape(node.data("color"))}"/>`
      + `<text x="${p.x}" y="${p.y + 26}" font-size="11" text-anchor="middle">${escape(node.data("label"))}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}" `
    + `font-family="system-ui, sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" `
    + `markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>`
    + `<rect x="${box.x1 - pad}" y="${box.y1 - pad}" width="${box.w + 2 * pad}" height="${box.h + 2 * pad}" fill="#fff"/>`
    + `${edges.join("")}${nodes.join("")}</svg>`;
}

function fileName(address) {
  const query = address.split("?")[1] || "explore";
  return `strikegraph-${query.replace(/[^A-Za-z0-9-]+/g, "_").slice(0, 80)}`;
}

function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
