"""Benchmarks: a synthetic labour-relations graph, load throughput, and four reads measured with wrk against
strikegraph, the raw async driver (in-process and behind a minimal HTTP endpoint) and @neo4j/graphql on the
same Neo4j (`python -m bench`)."""
