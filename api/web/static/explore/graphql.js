// The explorer's two ways to reach strikegraph, both public: GraphQL over HTTP (POST /graphql), and the
// `changes` subscription over WebSocket with the graphql-transport-ws protocol, resumed after a drop.
import { LOOKUPS } from "./model.js";

// What the explorer asks. A neighbourhood is read by global id (`node(id:)`): one query text for every
// kind of node, so one plan. A slug alone (a deep link) is first resolved to its global id, one small
// lookup per kind. The same read gives a node's summary (leaders then and over time, counts, durations)
// and the dates its facts change on (the timeline's marks), so selecting a node costs one request.
const SOURCE = "slug title publisher date url kind unverified";
const CITATIONS = `sources { quote paraphrase checked locator source { ${SOURCE} } via { ${SOURCE} } }`;
const FACT = `factId type title role detail since until attestedOn on by vote scope note inferred current ${CITATIONS}`;
const DATES = "since until attestedOn on by";
export const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $asOf: Date) {
  node(id: $id) {
    __typename id slug name description note ${CITATIONS}
    ... on Organization { kind strikeCount
      leadersThen: leaders(asOf: $asOf) { title since until attestedOn current person { slug name } ${CITATIONS} }
      leadership: leaders(history: true) { title since until attestedOn person { slug name } } }
    ... on Strike { startDate endDate durationDays(asOf: $asOf) }
    ... on Negotiation { date status }
    ... on Source { title publisher date url sourceKind: kind unverified }
    relationships(asOf: $asOf, first: 100) { ${FACT} direction other { __typename id slug name } }
    changes: relationships(history: true, first: 100) { ${DATES} other { ... on Strike { startDate endDate } } }
  }
}`;
export const RESOLVE = `query Resolve($slug: String!) {
  ${LOOKUPS.map((field) => `${field}(id: $slug) { id }`).join("\n  ")}
}`;
export const STRIKES = `query Strikes($on: Date!) {
  strikes(activeOn: $on, first: 100) { id slug name startDate endDate
    parties(asOf: $on) { factId type side since until note inferred ${CITATIONS} organization { id slug name } } }
  all: strikes(first: 100) { startDate endDate }
}`;
export const PATH = `query Path($from: String!, $to: String!, $asOf: Date) {
  path(from: $from, to: $to, maxLength: 6, asOf: $asOf) { length
    hops { ${FACT} forward from { __typename id slug name } to { __typename id slug name } } }
}`;
// Every fact resting on a source, with both ends: the source's own view.
export const CITING = `query Citing($source: String!) {
  source(id: $source) { __typename id slug name title publisher date url sourceKind: kind unverified }
  factsCiting(source: $source, first: 100) { ${FACT} from { __typename id slug name } to { __typename id slug name } }
}`;
// Work stoppages grouped for a chart: one document per measure, so a chart of stoppages reads no figures.
export function stats(measure) {
  return `query Stats($groupBy: [StatsGroup!], $asOf: Date) {
  strikeStats(groupBy: $groupBy, asOf: $asOf) { year month industry { code name } state { name } ${measure} }
}`;
}
export const SEARCH = `query Search($text: String!, $kinds: [NodeKind!], $first: Int! = 10) {
  search(text: $text, kinds: $kinds, first: $first) { matched node { __typename id slug name } }
}`;

export class GraphQLError extends Error {
  constructor(errors) {
    const first = errors[0] || {};
    super(first.message || "the request failed");
    this.code = (first.extensions || {}).code || "INTERNAL";
  }
}

// `signal` cancels it: a newer view's requests make an older one's moot (the latest request wins).
export async function query(document, variables = {}, signal = undefined) {
  const response = await fetch("/graphql", {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  return body.data;
}

const CHANGES = `subscription Changes($after: Int) {
  changes(after: $after) { seq action entityType entity nodes actor at }
}`;

// Listens to every committed change; `onChange(change)` for each, `onState("live" | "reconnecting")`.
// After a drop it reconnects (backing off up to 10 s) and resumes after the last change it saw, so none
// is missed; if too many were missed (FELL_BEHIND), `onChange(null)` asks for a full refresh.
export class LiveChanges {
  constructor({ onChange, onState }) {
    this.onChange = onChange;
    this.onState = onState;
    this.lastSeq = null;
    this.delay = 500;
    this.closed = false;
  }

  start() {
    if (this.closed) return;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    const socket = new WebSocket(url, "graphql-transport-ws");
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    socket.onmessage = (event) => this.receive(socket, JSON.parse(event.data));
    socket.onclose = () => this.retry();
  }

  receive(socket, message) {
    if (message.type === "connection_ack") {
      const variables = this.lastSeq === null ? {} : { after: this.lastSeq };
      socket.send(JSON.stringify({ id: "changes", type: "subscribe", payload: { query: CHANGES, variables } }));
      this.delay = 500;
      this.onState("live");
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next" && message.payload.data) {
      const change = message.payload.data.changes;
      this.lastSeq = change.seq;
      this.onChange(change);
    } else if (message.type === "next" || message.type === "error") {
      const errors = message.type === "error" ? message.payload : message.payload.errors;
      const code = ((errors && errors[0] && errors[0].extensions) || {}).code;
      if (code === "FELL_BEHIND") {
        this.lastSeq = null;
        this.onChange(null);
      }
      socket.close();
    } else if (message.type === "complete") {
      socket.close();
    }
  }

  retry() {
    if (this.closed) return;
    this.onState("reconnecting");
    setTimeout(() => this.start(), this.delay);
    this.delay = Math.min(this.delay * 2, 10000);
  }
}
