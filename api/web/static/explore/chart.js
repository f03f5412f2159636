// Work stoppages as bars (`strikeStats`), per year, month, industry or state, as of the explorer's date:
// drawn as plain SVG, no library. Each bar carries its group and value (data-group, data-value) and a
// tooltip; the chart is an image with a text alternative, and the numbers are in a table beside it.
const SVG = "http://www.w3.org/2000/svg";
export const MEASURES = {
  stoppages: "Stoppages",
  workersHigh: "Workers involved (high)",
  idleDaysHigh: "Idle days, BLS (high)",
};

// The group's label for a row: a year, a year and month, an industry's code, a state's name.
export function groupLabel(row, group) {
  if (group === "MONTH") return row.month ? `${row.year}-${String(row.month).padStart(2, "0")}` : `${row.year}`;
  if (group === "INDUSTRY") return row.industry ? `${row.industry.code} ${row.industry.name}` : "(none)";
  if (group === "STATE") return row.state ? row.state.name : "(none)";
  return String(row.year);
}

export function drawChart(container, rows, group, measure) {
  const width = Math.max(320, container.clientWidth || 640);
  const height = 260;
  const margin = { top: 16, right: 12, bottom: 64, left: 56 };
  const values = rows.map((row) => row[measure] ?? 0);
  const top = Math.max(1, ...values);
  const step = (width - margin.left - margin.right) / Math.max(1, rows.length);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${MEASURES[measure]} by ${group.toLowerCase()}: ${rows.length} bars`);
  const axis = document.createElementNS(SVG, "text");
  axis.setAttribute("x", 4);
  axis.setAttribute("y", margin.top);
  axis.setAttribute("class", "axis");
  axis.textContent = top.toLocaleString("en-US");
  const base = document.createElementNS(SVG, "line");
  base.setAttribute("x1", margin.left);
  base.setAttribute("x2", width - margin.right);
  base.setAttribute("y1", height - margin.bottom);
  base.setAttribute("y2", height - margin.bottom);
  base.setAttribute("class", "baseline");
  svg.append(axis, base);
  rows.forEach((row, index) => {
    const label = groupLabel(row, group);
    const value = values[index];
    const barHeight = ((height - margin.top - margin.bottom) * value) / top;
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("class", "chart-bar");
    const barWidth = Math.max(1, Math.min(step * 0.8, 48));
    bar.setAttribute("x", margin.left + index * step + (step - barWidth) / 2);
    bar.setAttribute("y", height - margin.bottom - barHeight);
    bar.setAttribute("width", barWidth);
    bar.setAttribute("height", barHeight);
    bar.dataset.group = label;
    bar.dataset.value = String(row[measure] ?? "");
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${label}: ${row[measure] == null ? "unknown" : value.toLocaleString("en-US")}`;
    bar.append(title);
    svg.append(bar);
    if (rows.length <= 40 || index % Math.ceil(rows.length / 40) === 0) {
      const text = document.createElementNS(SVG, "text");
      const x = margin.left + index * step + step / 2;
      text.setAttribute("transform", `translate(${x}, ${height - margin.bottom + 10}) rotate(45)`);
      text.setAttribute("class", "tick");
      text.textContent = label.length > 16 ? `${label.slice(0, 15)}…` : label;
      svg.append(text);
    }
  });
  const table = document.createElement("table");
  table.className = "chart-table";
  const head = table.createTHead().insertRow();
  for (const text of [group.toLowerCase(), MEASURES[measure]]) head.insertCell().textContent = text;
  const body = table.createTBody();
  rows.forEach((row, index) => {
    const line = body.insertRow();
    line.insertCell().textContent = groupLabel(row, group);
    line.insertCell().textContent = row[measure] == null ? "unknown" : values[index].toLocaleString("en-US");
  });
  container.replaceChildren(svg, table);
}
