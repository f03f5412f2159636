"""Per-client budgets refilled over time (token buckets that may go into debt): the new-documents lane's
CPU seconds (api/contract/new_documents.py) and the query cost a client may spend (api/contract/answering.py).

A client may spend while its budget is above zero; a dear request can leave it in debt, which the refill
pays back before the next one: a request is never refused for its own size, only for what came before."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from api.auth import Caller


@dataclass
class Budget:
    left: float  # what the client may still spend; negative: in debt until refilled
    updated: float  # time.monotonic() of the last refill
    policy: Budgets = field(repr=False)  # whose burst and refill it follows


class Budgets:
    """One budget per client: `burst` at once, `per_second` refilled, at most `max_clients` remembered (the
    longest-idle client starts afresh)."""

    def __init__(self, burst: float, per_second: float, max_clients: int = 10_000) -> None:
        self.burst = burst
        self.per_second = per_second
        self.max_clients = max_clients
        self._budgets: OrderedDict[str, Budget] = OrderedDict()

    def __contains__(self, client: str) -> bool:
        return client in self._budgets

    def __len__(self) -> int:
        return len(self._budgets)

    def of(self, client: str) -> Budget:
        """The client's budget, refilled to now."""
        now = time.monotonic()
        budget = self._budgets.get(client)
        if budget is None:
            budget = self._budgets[client] = Budget(self.burst, now, self)
            while len(self._budgets) > self.max_clients:
                self._budgets.popitem(last=False)
        else:
            self._budgets.move_to_end(client)
            budget.left = min(self.burst, budget.left + (now - budget.updated) * self.per_second)
            budget.updated = now
        return budget

    def wait(self, client: str) -> int | None:
        """Whole seconds until the client may spend again (at least 1), or None when it may spend now."""
        left = self.of(client).left
        if left > 0:
            return None
        return max(1, math.ceil(-left / self.per_second)) if self.per_second > 0 else 60

    def spend(self, client: str, amount: float) -> Budget:
        budget = self.of(client)
        budget.left -= amount
        return budget

    @property
    def refill_seconds(self) -> int:
        """Seconds an empty budget takes to fill."""
        return math.ceil(self.burst / self.per_second) if self.per_second > 0 else 0

    def seconds_to_full(self, budget: Budget) -> int:
        return math.ceil((self.burst - budget.left) / self.per_second) if self.per_second > 0 else 0


class CostPolicies:
    """Whose query cost budget follows which policy: a key's own (`key:<name>` in the settings), else its
    role's (`role:<role>`), else the default; None: no limit."""

    def __init__(self, default: Budgets | None, named: dict[str, Budgets | None]) -> None:
        self.default = default
        self.named = named

    def of(self, caller: Caller | None) -> Budgets | None:
        if caller is not None and caller.name:
            for name in (f"key:{caller.name}", f"role:{caller.role.value}"):
                if name in self.named:
                    return self.named[name]
        return self.default
