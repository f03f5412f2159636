// The kinds of node, as the server's model has them (GET /explore/model.json, made from schema/model.py):
// each kind's GraphQL type, its lookup field, what one of them is, and how it is drawn. Read once, before
// any module that uses it runs (a top-level await), so the explorer lists no kind by hand.

const response = await fetch("/explore/model.json", { headers: { Accept: "application/json" } });
if (!response.ok) throw new Error(`the explorer's model: HTTP ${response.status}`);
const model = await response.json();

// { Organization: { lookup: "organization", called: "...", color: "#...", shape: "..." }, ... } in model order.
export const KINDS = Object.fromEntries(model.kinds.map((kind) => [kind.type, kind]));
export const LOOKUPS = model.kinds.map((kind) => kind.lookup);
