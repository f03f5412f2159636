"""`python -m bench.connections`: what the HTTP connection deadlines and cap do under hostile sockets, on a
`strikegraph serve` process with the default settings: when a silent, a trickling-header and a half-sent
body socket are closed, and how a normal request fares beside 2,000 and then 6,000 silent sockets."""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from bench.live import ApiProcess, serving


async def _open(api: ApiProcess) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = api.url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def _closed_after(reader: asyncio.StreamReader, started: float) -> float:
    try:
        while await asyncio.wait_for(reader.read(65536), timeout=120):
            pass
    except (ConnectionError, TimeoutError):
        pass
    return time.monotonic() - started


async def _trickle(writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            writer.write(b"X")
            await writer.drain()
            await asyncio.sleep(0.5)
    except ConnectionError:
        pass


async def _request_ms(api: ApiProcess, count: int = 20) -> list[float]:
    timings = []
    async with httpx.AsyncClient(base_url=api.url, timeout=30) as http:
        for _ in range(count):
            started = time.monotonic()
            response = await http.post("/graphql", json={"query": "{ strikes { slug } }"})
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            timings.append((time.monotonic() - started) * 1000)
    return timings


async def measure(api: ApiProcess) -> None:
    started = time.monotonic()
    silent, _ = await _open(api)
    trickling, trickling_writer = await _open(api)
    trickling_writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
    trickler = asyncio.create_task(_trickle(trickling_writer))
    half, half_writer = await _open(api)
    half_writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
    half_writer.write(b"Content-Length: 99\r\n\r\n{")
    closed = await asyncio.gather(*(_closed_after(reader, started) for reader in (silent, trickling, half)))
    await trickler
    print(f"closed after: silent {closed[0]:.1f} s, trickling headers {closed[1]:.1f} s, half a body {closed[2]:.1f} s")

    baseline = await _request_ms(api)
    print(f"a normal request alone: p50 {statistics.median(baseline):.1f} ms, max {max(baseline):.1f} ms")
    for flood_size in (2000, 6000):
        flood = [await _open(api) for _ in range(flood_size)]
        beside = await _request_ms(api)
        await asyncio.sleep(0.5)
        gone = sum(1 for reader, _ in flood if reader.at_eof())
        print(
            f"beside {flood_size} silent sockets: p50 {statistics.median(beside):.1f} ms, "
            f"max {max(beside):.1f} ms; {gone} of them closed at once to keep the cap"
        )
        flood_started = time.monotonic()
        last = max(await asyncio.gather(*(_closed_after(reader, flood_started) for reader, _ in flood)))
        print(f"  the rest closed within {last:.1f} s")
        for _, writer in flood:
            writer.close()
    after = await _request_ms(api)
    print(f"afterwards: p50 {statistics.median(after):.1f} ms")


def main() -> None:
    with serving("api-connections", None) as api:
        asyncio.run(measure(api))


if __name__ == "__main__":
    main()
