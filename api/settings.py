"""The service's settings: one pydantic-settings class, read once at start and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.auth import ApiKeyRecord, Role

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The Neo4j version the local launcher runs and docker-compose.yml pins; a test keeps the two in step.
NEO4J_VERSION = "5.26.30"


class CostBudget(BaseModel):
    """A query cost budget: this much at once, refilled at this many a second (0: no limit)."""

    burst: float = Field(gt=0)
    per_second: float = Field(ge=0)


class Settings(BaseSettings):
    """Everything configurable, from the environment (or a `.env` file).

    The Neo4j connection uses the conventional `NEO4J_*` names so an existing server (Aura, a cluster)
    is one `NEO4J_URI` away; the rest is prefixed `STRIKEGRAPH_`.
    """

    model_config = SettingsConfigDict(env_prefix="STRIKEGRAPH_", env_file=".env", extra="ignore")

    neo4j_uri: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password: SecretStr | None = Field(default=None, validation_alias=AliasChoices("NEO4J_PASSWORD"))
    neo4j_database: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))

    host: str = "127.0.0.1"
    port: int = 8000
    environment: Literal["development", "production"] = "development"
    access_log: bool = True
    # "json": every log record as one JSON line, and one line per GraphQL request (api/web/request_log.py) in
    # place of uvicorn's access log; "text": human lines, as in development.
    log_format: Literal["text", "json"] = "text"
    metrics: bool = True  # Prometheus metrics at /metrics (api/web/metrics.py)
    # Traces go out when the standard OTEL_* variables name an OTLP endpoint (api/tracing.py); the GraphQL
    # document, its literals replaced, is recorded on the operation's span only when this asks.
    trace_documents: bool = False

    # The Neo4j that `strikegraph neo4j start` (and `serve` without NEO4J_URI) runs for you.
    neo4j_cache_dir: Path = PROJECT_ROOT / ".neo4j"  # downloaded jars, shared by every local instance
    local_neo4j_home: Path = PROJECT_ROOT / ".neo4j" / "server"  # config, data, logs, password
    local_neo4j_port: int = 0  # 0: 7687 when free, else any free port (remembered across restarts)
    local_neo4j_heap: str = "1g"
    local_neo4j_pagecache: str = "512m"
    # `serve` starts the local Neo4j again when it dies, this many times within the window; then it exits.
    local_neo4j_max_restarts: int = 3
    local_neo4j_restart_window_seconds: float = 300.0

    seed_on_start: bool = True  # load seed/ when the graph is empty
    query_timeout_seconds: float = 10.0  # per statement, planning included (a client-side guard too)
    startup_timeout_seconds: float = 60.0
    # Failing fast when Neo4j is down, retrying when it says "try again" (api/database/graph.py):
    neo4j_connection_timeout_seconds: float = 1.0  # to open a TCP connection
    neo4j_acquisition_timeout_seconds: float = 1.5  # to get a connection from the pool (open one included)
    neo4j_max_connections: int = Field(
        default=100, ge=5, le=10_000
    )  # the driver's pool (api/database/connection_slots.py)
    unavailable_retry_seconds: float = 0.5  # retrying while Neo4j does not answer at all (reads and writes)
    transient_retry_seconds: float = 10.0  # retrying a write after a deadlock or a leader switch
    # Failing fast when Neo4j is frozen (a hung process, a network black hole: TCP open, no answers;
    # api/database/liveness.py): work waiting this long on Neo4j makes us send it `RETURN 1` on a connection of its
    # own, and again as often while the work goes on; no answer within the timeout, and the work is given up.
    neo4j_liveness_after_seconds: float = 1.0
    neo4j_liveness_timeout_seconds: float = 1.0
    # A mutation request is answered within this, retries included; a commit it cuts off (or a freeze
    # does) answers SERVICE_UNAVAILABLE with `outcome: unknown`: read before retrying.
    write_deadline_seconds: float = 12.0

    # Limits on what one GraphQL request may ask for.
    max_page_size: int = 100
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_operations_per_batch: int = 10
    max_query_cost: int = 100_000  # estimated objects read (see api/compile/planner.py); over it: QUERY_TOO_COMPLEX
    # What Neo4j is asked to plan, checked before it sees anything (api/compile/render.py, `subqueries`): planning
    # time grows with the subqueries, so their number is bounded, and the statement's text as a backstop.
    max_subqueries: int = 24
    max_cypher_bytes: int = 65_536
    introspection: bool | None = None  # None: on in development, off in production
    compiled_execution: bool = True  # False: graphql-core executes every field (the equivalence tests' baseline)

    # A document no cache has seen is parsed, validated and planned on one worker thread beside the event
    # loop (api/contract/new_documents.py), and each client (by address) has a budget of that thread's CPU time: this
    # much at once, refilled at this many seconds per second; beyond it, or with this many documents waiting,
    # a new document gets RATE_LIMITED (HTTP 429). Known documents are never limited.
    new_document_burst_seconds: float = 2.0
    new_document_seconds_per_second: float = 0.25
    new_documents_max_waiting: int = 256

    # The query cost (the planned objects read, as `extensions.cost` reports it) each client, by its API key's
    # name or else its address, may spend (api/contract/answering.py): this much at once, refilled at this many
    # a second. A query that finds the budget spent gets RATE_LIMITED (HTTP 429, Retry-After); every compiled
    # query's response carries the RateLimit fields. 0 a second: no limit, the default (what share of a Neo4j is
    # fair is the operator's call). The budget is per process: behind N processes a client may spend N times it.
    query_cost_burst: float = 1_000_000
    query_cost_per_second: float = 0.0
    # Budgets of their own, by key name or role, over the default above: e.g.
    # STRIKEGRAPH_QUERY_COST_BUDGETS='{"role:reader": {"burst": 20000, "per_second": 2000}, "key:newsroom":
    # {"burst": 200000, "per_second": 20000}}'. A key's own beats its role's; a per_second of 0: no limit.
    query_cost_budgets: dict[str, CostBudget] = {}

    @field_validator("query_cost_budgets")
    @classmethod
    def _budget_names(cls, budgets: dict[str, CostBudget]) -> dict[str, CostBudget]:
        roles = {f"role:{role.value}" for role in Role}
        for name in budgets:
            if name not in roles and not (name.startswith("key:") and len(name) > 4):
                raise ValueError(f"{name!r}: name a key (`key:<name>`) or a role ({', '.join(sorted(roles))})")
        return budgets

    # Caches, bounded in bytes: parsed and validated documents, and compiled plans.
    document_cache_bytes: int = 32 << 20
    plan_cache_bytes: int = 32 << 20

    # Writes: bearer API keys, stored hashed (see api/auth.py); reads can be made private too.
    api_keys_file: Path | None = Path.home() / ".config" / "strikegraph" / "api-keys.json"
    api_keys: list[ApiKeyRecord] = []
    require_key_for_reads: bool = False

    # -- HTTP: CORS, request limits, persisted queries, GET caching, GraphiQL (api/web/http_view.py, middleware.py) --
    # CORS: None means "localhost and 127.0.0.1 on any port" in development and no origin in production.
    # Lists are JSON in the environment: STRIKEGRAPH_CORS_ALLOW_ORIGINS='["https://app.example.org"]'.
    cors_allow_origins: list[str] | None = None
    cors_allow_methods: list[str] = ["GET", "POST"]
    cors_allow_headers: list[str] = ["Authorization", "Content-Type", "Accept", "X-Request-Id"]
    cors_allow_credentials: bool = False  # bearer keys need no cookies; turn on only for cookie-based front-ends
    cors_max_age_seconds: int = 600
    max_body_bytes: int = 1_048_576  # larger request bodies get 413 before any of them is parsed
    # Connections (api/web/connections.py): a request's headers must arrive within this many seconds of the
    # connection opening (or of its first byte, on a kept-alive connection), its body within the next;
    # else the connection is closed. Behind a proxy, keep-alive must outlast the proxy's idle timeout
    # for its upstream connections (e.g. 75 behind a load balancer that idles out at 60 s).
    http_header_timeout_seconds: float = 10.0
    http_body_timeout_seconds: float = 30.0  # 1 MB (max_body_bytes) at 35 KB/s
    http_keep_alive_timeout_seconds: int = 5  # idle between two requests (uvicorn's timeout_keep_alive)
    http_max_header_bytes: int = 65_536  # request line and headers
    # Open HTTP connections at most (each is a file descriptor, and runs one request at a time): beyond it
    # the oldest connection with no request running is closed, or the new one when all are busy.
    http_max_connections: int = 4096
    # Automatic persisted queries (Apollo's `extensions.persistedQuery`): how many documents are remembered.
    persisted_queries_max_entries: int = 1000
    persisted_queries_max_bytes: int = 8_388_608
    # Allow-list mode: only the operations in this JSON file (hash -> query, or an Apollo persisted query
    # manifest) are executed; nothing can be registered at run time.
    persisted_queries_allow_list: Path | None = None
    get_cache_control: str = "public, max-age=60"  # for successful GET queries; they also get an ETag
    graphiql: bool | None = None  # None: on in development, off in production
    explorer: bool = True  # the graph explorer at /explore (a page that uses the public API only)
    # The W3C reconciliation service (OpenRefine's) at /reconcile (api/web/reconcile.py): manifest, queries,
    # suggest and preview, reading as the GraphQL reads do (STRIKEGRAPH_REQUIRE_KEY_FOR_READS applies).
    reconciliation: bool = True
    review_page: bool = True  # the review queue's page at /review (the public API, with an editor's key)

    # -- Subscriptions over WebSocket (graphql-transport-ws at /graphql), fed by the audit trail (api/live/) --
    max_subscriptions_per_connection: int = 10  # operations in flight on one WebSocket
    max_subscriptions: int = 1000  # open subscriptions in this process
    websocket_init_timeout_seconds: float = 10.0  # to send `connection_init` after connecting
    change_poll_interval_seconds: float = 0.2  # reads of the audit trail while anyone subscribes
    change_read_timeout_seconds: float = 2.0
    change_buffer: int = 256  # changes waiting for one subscriber before it has fallen behind (FELL_BEHIND)

    # -- The response cache (api/contract/response_cache.py): answers kept while the graph has not changed --
    response_cache: bool = True
    response_cache_bytes: int = 67_108_864
    # A change committed through another process is seen within this (the trail is read every
    # change_poll_interval_seconds); while the trail cannot be read for longer, nothing is served from memory.
    response_cache_max_staleness_seconds: float = 1.0
    # Writes straight into Neo4j leave no trace in the audit trail: answers are read again at this age.
    response_cache_max_age_seconds: float = 300.0

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.environment == "development"

    def with_neo4j(self, uri: str, user: str, password: str) -> Settings:
        """A copy pointing at a concrete Neo4j server (e.g. the local one just started)."""
        return self.model_copy(update={"neo4j_uri": uri, "neo4j_user": user, "neo4j_password": SecretStr(password)})
