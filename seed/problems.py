"""A problem in a seed file (or a mutation input), said with its exact place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class SeedValidationError(Exception):
    """Every problem found in the seed files; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class LoadRaced(Exception):
    """A write that ran alongside the load took a name or fact id it needs (a unique constraint said so);
    the load's transaction rolled back, so nothing was written. Running it again settles it."""
