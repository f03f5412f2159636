// The review page: draft an article (or open a draft), then walk its candidate facts with the keyboard:
// j/k move, a accepts, e edits then accepts, r rejects with a reason. Everything goes through the public
// GraphQL API with the editor's key (kept in memory); the page never builds HTML from data.
import { ACCEPT, DRAFT, LIST, MERGE, READ, REJECT, graphql, hasKey, setKey } from "./api.js";
import { element, renderArticle } from "./article.js";

const state = { draft: null, order: [], selected: 0 };
window.review = { state };
const $ = (id) => document.getElementById(id);

function say(message, failed = false) {
  $("status").textContent = message;
  $("status").classList.toggle("failed", failed);
}

async function busy(work) {
  document.body.dataset.busy = "true";
  try {
    await work();
  } catch (error) {
    say(`${error.code || "ERROR"}: ${error.message}`, true);
  } finally {
    document.body.dataset.busy = "false";
  }
}

function explorerLink(slug, text) {
  const link = element("a", "explore", text || slug);
  link.href = `/explore?node=${encodeURIComponent(slug)}`;
  link.target = "_blank";
  link.rel = "noopener";
  return link;
}

// -- drawing ------------------------------------------------------------------------------------------------

function show(draft) {
  state.draft = draft;
  const byType = new Map();
  for (const candidate of draft.candidates) {
    if (!byType.has(candidate.type)) byType.set(candidate.type, []);
    byType.get(candidate.type).push(candidate);
  }
  state.order = [...byType.values()].flat(); // the keyboard walks them as shown: grouped by kind of fact
  state.selected = Math.min(state.selected, Math.max(state.order.length - 1, 0));
  $("review").hidden = false;
  const list = $("candidates");
  list.replaceChildren();
  for (const [type, candidates] of byType) {
    const group = element("section", "group");
    group.append(element("h3", "", `${type.toLowerCase().replaceAll("_", " ")} (${candidates.length})`));
    const items = element("ol");
    for (const candidate of candidates) items.append(candidateItem(candidate));
    group.append(items);
    list.append(group);
  }
  drawNodes(draft);
  select(state.selected);
  say(`${draft.title}: ${draft.pending} of ${draft.candidates.length} candidates to review`);
}

function candidateItem(candidate) {
  const item = element("li", `candidate status-${candidate.status}`);
  item.dataset.id = candidate.id;
  item.dataset.status = candidate.status;
  item.tabIndex = -1;
  const head = element("div", "fact");
  head.append(explorerLink(candidate.from), element("span", "type", ` ${candidate.type} `), explorerLink(candidate.to));
  item.append(head);
  const when = candidate.qualifiers.map((q) => `${q.name} ${q.value}`).join(", ");
  if (when) item.append(element("div", "qualifiers", when));
  const evidence = element("blockquote", `evidence-text ${candidate.evidence.kind.toLowerCase()}`);
  evidence.textContent = candidate.evidence.kind === "QUOTE" ? `“${candidate.evidence.text}”` : candidate.evidence.text;
  item.append(evidence);
  if (candidate.note) item.append(element("div", "note", candidate.note));
  const status = element("div", "review-status", candidate.status.toLowerCase());
  if (candidate.reason) status.append(element("span", "reason", `: ${candidate.reason}`));
  if (candidate.writtenFact) status.append(" ", explorerLink(candidate.from, "see it in the explorer"));
  item.append(status);
  item.addEventListener("click", () => select(state.order.findIndex((c) => c.id === candidate.id)));
  return item;
}

function drawNodes(draft) {
  const nodes = $("nodes");
  nodes.replaceChildren();
  for (const node of draft.nodes) {
    const box = element("div", `node ${node.new ? "new" : "matched"}`);
    box.dataset.slug = node.slug;
    const head = element("div", "node-head");
    head.append(element("strong", "", node.name), ` ${node.kind} `,
      node.new ? element("em", "", `new: ${node.slug}`) : explorerLink(node.slug));
    box.append(head);
    const options = element("ul", "reconciliation");
    for (const candidate of node.candidates) {
      const option = element("li", candidate.match ? "match" : "");
      option.append(explorerLink(candidate.slug, candidate.name), ` ${candidate.score.toFixed(0)}`);
      if (node.new && node.mentions.length) {
        const merge = element("button", "merge", "merge into this");
        merge.type = "button";
        merge.addEventListener("click", () => mergeInto(node.mentions[0], candidate.slug));
        option.append(" ", merge);
      }
      options.append(option);
    }
    box.append(options);
    nodes.append(box);
  }
}

function select(index) {
  if (!state.order.length) return;
  state.selected = Math.max(0, Math.min(index, state.order.length - 1));
  const chosen = state.order[state.selected];
  for (const item of document.querySelectorAll(".candidate")) {
    item.classList.toggle("selected", item.dataset.id === chosen.id);
    if (item.dataset.id === chosen.id) {
      item.setAttribute("aria-current", "true");
      item.scrollIntoView({ block: "nearest" });
    } else {
      item.removeAttribute("aria-current");
    }
  }
  renderArticle($("article"), state.draft.text, state.draft.mentions, chosen.evidence);
}

// -- actions ------------------------------------------------------------------------------------------------

async function reload() {
  const data = await graphql(READ, { id: state.draft.id });
  show(data.draft);
}

async function accept(edits = null) {
  const chosen = state.order[state.selected];
  if (!chosen || chosen.status !== "PENDING") return;
  await busy(async () => {
    const data = await graphql(ACCEPT, { draft: state.draft.id, candidate: chosen.id, edits });
    await reload();
    say(`accepted: ${data.acceptCandidate.factId}`);
    select(state.selected + 1);
  });
}

async function reject(reason) {
  const chosen = state.order[state.selected];
  await busy(async () => {
    await graphql(REJECT, { draft: state.draft.id, candidate: chosen.id, reason });
    await reload();
    say(`rejected: ${chosen.factId}`);
    select(state.selected + 1);
  });
}

async function mergeInto(mention, slug) {
  await busy(async () => {
    await graphql(MERGE, { draft: state.draft.id, mention, into: slug });
    await reload();
    say(`merged into ${slug}`);
  });
}

// The editor: each end and qualifier as a field, and the note; blank clears a qualifier.
function openEditor() {
  const chosen = state.order[state.selected];
  if (!chosen || chosen.status !== "PENDING") return;
  const fields = $("editor-fields");
  fields.replaceChildren();
  const rows = [["from", chosen.from], ["to", chosen.to], ...chosen.qualifiers.map((q) => [q.name, q.value]),
    ["note", chosen.note || ""]];
  for (const [name, value] of rows) {
    const label = element("label", "edit-field", name);
    const input = element("input");
    input.name = name;
    input.value = value;
    input.maxLength = 2000;
    label.append(input);
    fields.append(label);
  }
  $("editor-title").textContent = `Edit ${chosen.type.toLowerCase()}`;
  $("editor").hidden = false;
  fields.querySelector("input").focus();
}

function camel(name) {
  return name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
}

function edits() {
  const chosen = state.order[state.selected];
  const before = new Map([["from", chosen.from], ["to", chosen.to], ["note", chosen.note || ""],
    ...chosen.qualifiers.map((q) => [q.name, q.value])]);
  const changed = {};
  for (const input of $("editor-fields").querySelectorAll("input")) {
    if (input.value !== before.get(input.name)) changed[camel(input.name)] = input.value.trim() || null;
  }
  return changed;
}

// -- wiring -------------------------------------------------------------------------------------------------

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
    || target instanceof HTMLSelectElement;
}

document.addEventListener("keydown", (event) => {
  if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey || !state.draft) return;
  const actions = {
    j: () => select(state.selected + 1),
    k: () => select(state.selected - 1),
    a: () => accept(),
    e: () => openEditor(),
    r: () => {
      $("rejecter").hidden = false;
      $("reason").focus();
    },
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

$("editor").addEventListener("submit", (event) => {
  event.preventDefault();
  $("editor").hidden = true;
  accept(edits());
});
$("editor-cancel").addEventListener("click", () => {
  $("editor").hidden = true;
});
$("rejecter").addEventListener("submit", (event) => {
  event.preventDefault();
  $("rejecter").hidden = true;
  const reason = $("reason").value.trim();
  $("reason").value = "";
  if (reason) reject(reason);
});
for (const form of ["editor", "rejecter"]) {
  $(form).addEventListener("keydown", (event) => {
    if (event.key === "Escape") $(form).hidden = true;
  });
}

async function listDrafts() {
  if (!hasKey()) return;
  await busy(async () => {
    const data = await graphql(LIST);
    const select = $("drafts");
    select.replaceChildren(element("option", "", `drafts (${data.drafts.length})`));
    select.firstChild.value = "";
    for (const draft of data.drafts) {
      const option = element("option", "", `${draft.published} ${draft.title} (${draft.pending} to review)`);
      option.value = draft.id;
      select.append(option);
    }
  });
}

$("key").addEventListener("change", (event) => {
  setKey(event.target.value);
  listDrafts();
});
$("drafts").addEventListener("change", (event) => {
  if (!event.target.value) return;
  busy(async () => {
    const data = await graphql(READ, { id: event.target.value });
    state.selected = 0;
    show(data.draft);
  });
});
$("draft-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = { text: $("article-text").value, published: $("published").value.trim() };
  for (const name of ["title", "url", "publisher"]) {
    const value = $(name).value.trim();
    if (value) input[name] = value;
  }
  busy(async () => {
    say("drafting…");
    const data = await graphql(DRAFT, { input });
    state.selected = 0;
    show(data.draftArticle);
    $("article-text").blur();
  }).then(listDrafts);
});
