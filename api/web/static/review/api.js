// The page's one way to reach strikegraph: GraphQL over HTTP with the editor's key, held in memory only.
let key = "";

export function setKey(value) {
  key = value.trim();
}

export function hasKey() {
  return key !== "";
}

export class GraphQLError extends Error {
  constructor(errors) {
    const first = errors[0] || {};
    super(first.message || "the request failed");
    this.code = (first.extensions || {}).code || "INTERNAL";
  }
}

export async function graphql(query, variables = {}) {
  const headers = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  return body.data;
}

const DRAFT_FIELDS = `id title published source text pending
  mentions { id kind start end text name date note node }
  nodes { slug kind name new mentions candidates { slug name matched score match } }
  candidates { id factId type from to note inferred status reason writtenFact
    qualifiers { name value } evidence { kind text start end speaker } }`;

export const DRAFT = `mutation Draft($input: DraftArticleInput!) { draftArticle(input: $input) { ${DRAFT_FIELDS} } }`;
export const READ = `query Draft($id: String!) { draft(id: $id) { ${DRAFT_FIELDS} } }`;
export const LIST = `query Drafts { drafts(first: 50) { id title published pending } }`;
export const ACCEPT = `mutation Accept($draft: String!, $candidate: String!, $edits: CandidateEdits) {
  acceptCandidate(draft: $draft, candidate: $candidate, edits: $edits) { factId } }`;
export const REJECT = `mutation Reject($draft: String!, $candidate: String!, $reason: String!) {
  rejectCandidate(draft: $draft, candidate: $candidate, reason: $reason) { id status } }`;
export const MERGE = `mutation Merge($draft: String!, $mention: String!, $into: String!) {
  mergeMention(draft: $draft, mention: $mention, into: $into) { id } }`;
