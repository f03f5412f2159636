"""Relay global ids: the node's GraphQL type name and its slug, base64url-encoded."""

from __future__ import annotations

import base64
import binascii
from typing import NewType

GlobalId = NewType("GlobalId", str)  # GraphQL's `ID`: what `to_global_id` makes


def to_global_id(type_name: str, slug: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{slug}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str] | None:
    """(type name, slug) of a global id, or None if it is not one."""
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, slug = decoded.partition(":")
    return (type_name, slug) if type_name and slug else None
