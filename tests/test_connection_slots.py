"""The requests' share of the driver's pool (api/database/connection_slots.py), without Neo4j: a slot is
waited for, the wait measured, and a wait past the timeout refused with a code."""

from __future__ import annotations

import asyncio

import pytest

from api.database.connection_slots import RESERVED, ConnectionSlots
from api.errors import ServiceUnavailable


async def test_requests_wait_for_a_free_slot_and_the_wait_is_measured() -> None:
    waits: list[float] = []
    slots = ConnectionSlots(size=RESERVED + 1, timeout=5.0, on_wait=waits.append)
    await slots.take()
    second = asyncio.ensure_future(slots.take())
    await asyncio.sleep(0.05)
    assert (slots.in_use, slots.pending, second.done()) == (1, 1, False)
    slots.give_back()
    await second
    assert (slots.in_use, slots.pending) == (1, 0)
    assert waits[0] < 0.01 and waits[1] >= 0.04
    slots.give_back()
    assert slots.in_use == 0


async def test_a_wait_past_the_timeout_is_service_unavailable_and_counted() -> None:
    slots = ConnectionSlots(size=RESERVED + 1, timeout=0.05)
    await slots.take()
    with pytest.raises(ServiceUnavailable, match="all 1 connections to the graph database are busy"):
        await slots.take()
    assert (slots.timeouts, slots.pending, slots.in_use) == (1, 0, 1)
    slots.give_back()
    await slots.take()  # the slot came back; the refused request took none
    assert slots.in_use == 1
