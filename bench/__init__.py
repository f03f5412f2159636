"""Benchmarks: a synthetic labour-relations graph, load throughput, and four reads measured against
strikegraph, the raw async driver and @neo4j/graphql on the same Neo4j (`python -m bench`)."""
