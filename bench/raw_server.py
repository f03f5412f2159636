"""The raw driver behind the thinnest HTTP endpoint on strikegraph's own server stack (Starlette on uvicorn
with uvloop and httptools): `POST /read/{name}` with the read's variables as the JSON body answers
`{"data": ...}` from the hand-written Cypher, serialised by orjson. It is what HTTP alone costs.

    NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=... [NEO4J_DATABASE=neo4j] python -m bench.raw_server --port N
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import uvicorn
from neo4j import AsyncGraphDatabase, NotificationMinimumSeverity
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bench.raw import QUERIES, dumps, raw_read


def create_app(uri: str, user: str, password: str, database: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        driver = AsyncGraphDatabase.driver(
            uri, auth=(user, password), notifications_min_severity=NotificationMinimumSeverity.OFF
        )
        await driver.verify_connectivity()
        yield {"driver": driver}
        await driver.close()

    async def read(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in QUERIES:
            return PlainTextResponse(f"no read named {name!r}", status_code=404)
        variables = orjson.loads(await request.body())
        data = await raw_read(request.state.driver, database, name, variables)
        return Response(dumps({"data": data}), media_type="application/json")

    async def ready(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route("/read/{name}", read, methods=["POST"]), Route("/readyz", ready)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    env = os.environ
    app = create_app(env["NEO4J_URI"], env["NEO4J_USER"], env["NEO4J_PASSWORD"], env.get("NEO4J_DATABASE", "neo4j"))
    # The stack strikegraph runs on: uvloop and httptools (uvicorn's defaults when installed), named here.
    uvicorn.run(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False, log_level="warning"
    )


if __name__ == "__main__":
    main()
