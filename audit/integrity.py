"""How apps above audit add their own checks to `verify_audit`, without audit knowing them.

An app's AppConfig may define `integrity_checks()`, returning IntegrityCheck objects;
`verify_audit` runs them after the chain itself verifies."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrityCheck:
    # Returns a sentence naming the first problem found, or None when all is well.
    first_problem: Callable[[], str | None]
    # What to print when there is no problem.
    passed: str
