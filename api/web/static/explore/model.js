// The kinds of node and the types of fact, as the server's model has them (GET /explore/model.json, made
// from schema/model.py): each kind's GraphQL type, its enum value, its lookup field, what one of them is and
// how it is drawn; each fact type's label for a reader and its meaning. Read once, before any module that
// uses it runs (a top-level await), so the explorer lists no kind and no type by hand.

const response = await fetch("/explore/model.json", { headers: { Accept: "application/json" } });
if (!response.ok) throw new Error(`the explorer's model: HTTP ${response.status}`);
const model = await response.json();

// { Organization: { enum: "ORGANIZATION", lookup: "organization", called: "...", color, shape }, ... } in model order.
export const KINDS = Object.fromEntries(model.kinds.map((kind) => [kind.type, kind]));
export const LOOKUPS = model.kinds.map((kind) => kind.lookup);
// { PRESIDES: { label: "presides", meaning: "a person is president or chair of an organization" }, ... }
export const FACTS = Object.fromEntries(model.facts.map((fact) => [fact.type, fact]));

// A fact type or a closed value (`TRADE_ASSOCIATION`) as a reader says it ("trade association"), in the
// server's words; a node kind's type name in lower case.
const WORDS = model.words;
export function readable(name) {
  if (!name) return "";
  return (FACTS[name] && FACTS[name].label) || WORDS[name] || String(name).toLowerCase();
}
