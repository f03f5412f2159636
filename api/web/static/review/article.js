// The article as text nodes and <mark>s: each mention highlighted at its offsets (DOM calls only, never HTML
// from data), and one span marked as the selected candidate's evidence.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Cut points: every mention's and the evidence's edges, so each piece of text has one set of marks.
export function renderArticle(container, text, mentions, evidence) {
  container.replaceChildren();
  const cuts = new Set([0, text.length]);
  const kept = [];
  let end = -1;
  for (const mention of [...mentions].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (mention.start < end) continue; // nested or overlapping: the outer one is shown
    kept.push(mention);
    end = mention.end;
    cuts.add(mention.start).add(mention.end);
  }
  if (evidence) cuts.add(evidence.start).add(evidence.end);
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = text.slice(from, to);
    const mention = kept.find((m) => m.start <= from && to <= m.end);
    let node = document.createTextNode(piece);
    if (mention) {
      const mark = element("mark", `mention kind-${mention.kind}`, piece);
      mark.dataset.mention = mention.id;
      mark.title = mention.date ? `${mention.kind}: ${mention.date}${mention.note ? ` (${mention.note})` : ""}`
        : `${mention.kind}: ${mention.name}`;
      node = mark;
    }
    if (evidence && evidence.start <= from && to <= evidence.end) {
      const span = element("span", "evidence");
      span.append(node);
      node = span;
    }
    container.append(node);
  }
  const first = container.querySelector(".evidence");
  if (first) first.scrollIntoView({ block: "nearest" });
}

export { element };
