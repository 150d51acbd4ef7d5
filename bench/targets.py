"""The targets of the speed issue, as checks on figures measured in one run.

Each part of the bench reports Results: a figure, the floor it is divided by, and the bound
the ratio must keep (at most or at least). The run prints them in one table and fails when
any target is missed. A Result with no bound is context (the account page, say): printed,
never judged.
"""

from dataclasses import asdict, dataclass


@dataclass
class Result:
    part: str  # which part of the bench measured it: pages, writes, pipeline …
    name: str
    value: float  # the measured figure, in `unit`
    floor: float | None = None  # what it is divided by, in the same unit
    unit: str = "ms"
    at_most: float | None = None  # the target: value/floor ≤ at_most …
    at_least: float | None = None  # … or value/floor ≥ at_least
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None:
            return None
        if self.floor == 0:
            return float("inf") if self.value else 1.0
        return self.value / self.floor

    @property
    def judged(self) -> bool:
        return self.at_most is not None or self.at_least is not None

    @property
    def passed(self) -> bool | None:
        if not self.judged:
            return None
        ratio = self.ratio if self.floor is not None else self.value
        if self.at_most is not None and not ratio <= self.at_most:
            return False
        return not (self.at_least is not None and not ratio >= self.at_least)

    @property
    def verdict(self) -> str:
        return {None: "", True: "PASS", False: "MISS"}[self.passed]

    @property
    def target(self) -> str:
        if self.at_most is not None:
            return f"≤ {self.at_most:g}×" if self.floor is not None else f"≤ {self.at_most:g}"
        if self.at_least is not None:
            return f"≥ {self.at_least:g}×" if self.floor is not None else f"≥ {self.at_least:g}"
        return ""

    def as_dict(self) -> dict:
        return asdict(self)


def number(value: float | None) -> str:
    if value is None:
        return ""
    if value == float("inf"):
        return "inf"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(results: list[Result]) -> str:
    """One line per result: what, the figure and its floor, the ratio, the target and the
    verdict."""
    header = ("part", "figure", "value", "floor", "unit", "ratio", "target", "")
    rows = [header] + [
        (
            r.part,
            r.name,
            number(r.value),
            number(r.floor),
            r.unit,
            f"{number(r.ratio)}×" if r.ratio is not None else "",
            r.target,
            r.verdict,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in (0, 1, 4, 6, 7) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def missed(results: list[Result]) -> list[Result]:
    return [r for r in results if r.passed is False]
