"""Who may call a mutation: Strawberry permission classes over the API key's role (api/auth.py)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from api.auth import Role, require_role


class _RolePermission(BasePermission):
    role: Role

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        require_role(info.context.caller, self.role)
        return True


class IsEditor(_RolePermission):
    role = Role.EDITOR


class IsAdmin(_RolePermission):
    role = Role.ADMIN
