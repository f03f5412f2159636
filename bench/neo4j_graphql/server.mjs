// Comparison server for the strikegraph benchmark: the same Neo4j graph, served by @neo4j/graphql 7
// on Apollo Server 5 (standalone). Read-only: no mutations are generated, and the database schema is
// never touched (no assertIndexesAndConstraints).
//
//   NEO4J_URI NEO4J_USER NEO4J_PASSWORD [NEO4J_DATABASE=neo4j] [PORT=4000] node server.mjs
//   node server.mjs --print-schema     # print the generated GraphQL schema and exit (no database needed)
//
// See README.md for how the benchmark's four reads map onto strikegraph's.

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { GraphQLError, printSchema } from "graphql";
import neo4j from "neo4j-driver";

// Node properties shared by every kind (the property `id` is the slug, exposed as `slug` like ours).
const NODE_FIELDS = `
  slug: String! @alias(property: "id")
  name: String!
  aliases: [String!]
  description: String
  note: String
  sources: [String!]`;

// Relationship properties shared by every fact. Current facts are those with `retractedAt: {eq: null}`.
const FACT_FIELDS = `
  factId: String! @alias(property: "id")
  sources: [String!]
  note: String
  retractedAt: DateTime`;

export const typeDefs = /* GraphQL */ `
  extend schema @mutation(operations: [])

  "A person or an organization: who can lead, belong, take part, take a stance or publish."
  interface Party {
    slug: String! @alias(property: "id")
    name: String!
  }

  type Organization implements Party @node {
    ${NODE_FIELDS}
    kind: String
    presidedBy: [Person!]! @relationship(type: "PRESIDES", direction: IN, properties: "Leadership", aggregate: false)
    ledBy: [Person!]! @relationship(type: "LEADS", direction: IN, properties: "Leadership", aggregate: false)
    members: [Party!]! @relationship(type: "MEMBER_OF", direction: IN, properties: "Membership", aggregate: false)
    memberOf: [Organization!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "Membership", aggregate: false)
    strikes: [Strike!]! @relationship(type: "WAGES", direction: OUT, properties: "StrikeParty", aggregate: false)
    struckBy: [Strike!]! @relationship(type: "AGAINST", direction: IN, properties: "StrikeParty", aggregate: false)
    reached: [Agreement!]! @relationship(type: "REACHED", direction: OUT, properties: "AgreementAction", aggregate: false)
    partyTo: [Agreement!]! @relationship(type: "PARTY_TO", direction: OUT, properties: "AgreementAction", aggregate: false)
    ratified: [Agreement!]! @relationship(type: "RATIFIED", direction: OUT, properties: "AgreementAction", aggregate: false)
    negotiations: [Negotiation!]! @relationship(type: "PARTICIPATES_IN", direction: OUT, properties: "Participation", aggregate: false)
    proposes: [Issue!]! @relationship(type: "PROPOSES", direction: OUT, properties: "Stance", aggregate: false)
    willingToDiscuss: [Issue!]! @relationship(type: "WILLING_TO_DISCUSS", direction: OUT, properties: "Stance", aggregate: false)
    refuses: [Issue!]! @relationship(type: "REFUSES", direction: OUT, properties: "Stance", aggregate: false)
    silentOn: [Issue!]! @relationship(type: "SILENT_ON", direction: OUT, properties: "Stance", aggregate: false)
    published: [Source!]! @relationship(type: "PUBLISHED", direction: OUT, properties: "Publication", aggregate: false)
  }

  type Person implements Party @node {
    ${NODE_FIELDS}
    presides: [Organization!]! @relationship(type: "PRESIDES", direction: OUT, properties: "Leadership", aggregate: false)
    leads: [Organization!]! @relationship(type: "LEADS", direction: OUT, properties: "Leadership", aggregate: false)
    memberOf: [Organization!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "Membership", aggregate: false)
    negotiations: [Negotiation!]! @relationship(type: "PARTICIPATES_IN", direction: OUT, properties: "Participation", aggregate: false)
  }

  type Strike @node {
    ${NODE_FIELDS}
    startDate: String
    endDate: String
    startDateEarliest: Date
    startDateLatest: Date
    endDateEarliest: Date
    endDateLatest: Date
    strikers: [Organization!]! @relationship(type: "WAGES", direction: IN, properties: "StrikeParty", aggregate: false)
    against: [Organization!]! @relationship(type: "AGAINST", direction: OUT, properties: "StrikeParty", aggregate: false)
    negotiations: [Negotiation!]! @relationship(type: "ABOUT", direction: IN, properties: "About", aggregate: false)
    agreements: [Agreement!]! @relationship(type: "ABOUT", direction: IN, properties: "About", aggregate: false)
  }

  type Agreement @node {
    ${NODE_FIELDS}
    reachedBy: [Organization!]! @relationship(type: "REACHED", direction: IN, properties: "AgreementAction", aggregate: false)
    parties: [Organization!]! @relationship(type: "PARTY_TO", direction: IN, properties: "AgreementAction", aggregate: false)
    ratifiedBy: [Organization!]! @relationship(type: "RATIFIED", direction: IN, properties: "AgreementAction", aggregate: false)
    strikes: [Strike!]! @relationship(type: "ABOUT", direction: OUT, properties: "About", aggregate: false)
  }

  type Negotiation @node {
    ${NODE_FIELDS}
    date: String
    dateEarliest: Date
    dateLatest: Date
    status: String
    outcome: String
    participants: [Party!]! @relationship(type: "PARTICIPATES_IN", direction: IN, properties: "Participation", aggregate: false)
    strikes: [Strike!]! @relationship(type: "ABOUT", direction: OUT, properties: "About", aggregate: false)
  }

  type Issue @node {
    ${NODE_FIELDS}
    proposedBy: [Party!]! @relationship(type: "PROPOSES", direction: IN, properties: "Stance", aggregate: false)
    discussableBy: [Party!]! @relationship(type: "WILLING_TO_DISCUSS", direction: IN, properties: "Stance", aggregate: false)
    refusedBy: [Party!]! @relationship(type: "REFUSES", direction: IN, properties: "Stance", aggregate: false)
    silenceFrom: [Party!]! @relationship(type: "SILENT_ON", direction: IN, properties: "Stance", aggregate: false)
  }

  type Source @node {
    ${NODE_FIELDS}
    kind: String
    publisher: String
    date: String
    dateEarliest: Date
    url: String
    file: String
    publishedBy: [Party!]! @relationship(type: "PUBLISHED", direction: IN, properties: "Publication", aggregate: false)
    cites: [Source!]! @relationship(type: "CITES", direction: OUT, properties: "Citation", aggregate: false)
  }

  # Any node (every node also has the label Entity). It exists for full-text search: @fulltext on this
  # type queries the multi-label index entity_text and keeps the hits whose labels include Entity,
  # that is all of them.
  type Entity
    @node
    @fulltext(indexes: [{ indexName: "entity_text", queryName: "searchEntities", fields: ["name", "aliasText", "description"] }]) {
    slug: String! @alias(property: "id")
    name: String!
    aliasText: String
    description: String
  }

  type Leadership @relationshipProperties {
    ${FACT_FIELDS}
    title: String
    since: String
    until: String
    sinceEarliest: Date
    untilLatest: Date
  }

  type Membership @relationshipProperties {
    ${FACT_FIELDS}
    role: String
    since: String
    until: String
    sinceEarliest: Date
    untilLatest: Date
  }

  type StrikeParty @relationshipProperties {
    ${FACT_FIELDS}
    since: String
    until: String
    sinceEarliest: Date
    untilLatest: Date
  }

  type AgreementAction @relationshipProperties {
    ${FACT_FIELDS}
    on: String
    by: String
    onEarliest: Date
    byLatest: Date
  }

  type Participation @relationshipProperties {
    ${FACT_FIELDS}
    role: String
    detail: String
  }

  type Stance @relationshipProperties {
    ${FACT_FIELDS}
    detail: String
    on: String
    onEarliest: Date
  }

  type About @relationshipProperties {
    ${FACT_FIELDS}
    detail: String
  }

  type Publication @relationshipProperties {
    ${FACT_FIELDS}
    on: String
  }

  type Citation @relationshipProperties {
    ${FACT_FIELDS}
  }

  # Shortest path: @neo4j/graphql has no path support, so this is the one @cypher query field. Cypher
  # takes no parameter in a variable-length bound, so the bound is fixed at 4 hops, as the benchmark asks.
  type PathNode {
    slug: String!
    name: String
  }

  type PathHop {
    type: String!
    forward: Boolean!
    from: PathNode!
    to: PathNode!
  }

  type Path {
    length: Int!
    hops: [PathHop!]!
  }

  type Query {
    path(from: String!, to: String!): Path
      @cypher(
        columnName: "path"
        statement: """
        MATCH (a:Entity {id: $from})
        MATCH (b:Entity {id: $to})
        MATCH p = shortestPath((a)-[*..4]-(b))
        WHERE all(rel IN relationships(p) WHERE rel.retractedAt IS NULL)
        RETURN {
          length: length(p),
          hops: [i IN range(0, length(p) - 1) |
            {
              type: type(relationships(p)[i]),
              forward: startNode(relationships(p)[i]) = nodes(p)[i],
              from: {slug: nodes(p)[i].id, name: nodes(p)[i].name},
              to: {slug: nodes(p)[i + 1].id, name: nodes(p)[i + 1].name}
            }]
        } AS path
        """
      )
  }
`;

// Our API turns the search text into `(term OR term*)` per word, Lucene special characters escaped;
// the @fulltext query takes a raw Lucene phrase, so the same conversion is applied to its argument.
const LUCENE_SPECIAL = /([+\-&|!(){}[\]^"~*?:\\/])/g;

export function toLucene(text) {
  const terms = String(text)
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => term.replace(LUCENE_SPECIAL, "\\$1"));
  return terms.map((term) => `(${term} OR ${term}*)`).join(" ");
}

function wrapSearch(schema) {
  const field = schema.getQueryType().getFields().searchEntities;
  const resolve = field.resolve;
  field.resolve = (source, args, context, info) => {
    const phrase = toLucene(args.phrase);
    if (!phrase) {
      throw new GraphQLError("phrase: give at least one word to search for", {
        extensions: { code: "BAD_USER_INPUT", argument: "phrase" },
      });
    }
    return resolve(source, { ...args, phrase }, context, info);
  };
  return schema;
}

async function buildSchema(driver) {
  const neoSchema = new Neo4jGraphQL({
    typeDefs,
    driver,
    // Only the current (non-deprecated) filter and mutation API, which keeps the generated schema smaller.
    features: {
      excludeDeprecatedFields: {
        mutationOperations: true,
        aggregationFilters: true,
        aggregationFiltersOutsideConnection: true,
        relationshipFilters: true,
        attributeFilters: true,
      },
    },
  });
  return wrapSearch(await neoSchema.getSchema());
}

async function main() {
  if (process.argv.includes("--print-schema")) {
    process.stdout.write(printSchema(await buildSchema(undefined)) + "\n");
    return;
  }
  const uri = process.env.NEO4J_URI;
  const user = process.env.NEO4J_USER ?? "neo4j";
  const password = process.env.NEO4J_PASSWORD;
  const database = process.env.NEO4J_DATABASE || "neo4j";
  const port = Number(process.env.PORT || 4000);
  if (!uri || password === undefined) {
    console.error("set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD (NEO4J_DATABASE defaults to neo4j)");
    process.exit(2);
  }

  const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 30_000,
  });
  await driver.verifyConnectivity({ database });

  const schema = await buildSchema(driver);
  // Signals are handled below (stop Apollo, then close the driver), not by Apollo's own handler.
  const server = new ApolloServer({ schema, includeStacktraceInErrorResponses: false, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port },
    // Every request runs on the configured database (@neo4j/graphql runs queries in read transactions).
    context: async () => ({ sessionConfig: { database } }),
  });
  console.log(`ready on ${url.replace(/\/$/, "")}/graphql`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    try {
      await server.stop(); // stops accepting, drains in-flight requests (the standalone server's drain plugin)
      await driver.close();
      process.exit(0);
    } catch (error) {
      console.error(error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
