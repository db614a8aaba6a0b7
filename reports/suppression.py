"""Small-number suppression for the publishable council report, over all its tables at once.

Every count of the report is a cell under a key; a figure that two tables show (the process indicators' period
totals in the table per municipality and in the one per quarter) is one cell, so it is published the same in both.
The sums that a reader can see hold (a column and its total, a row and its total) are given with it.

A count of 1 to 4 participants is shown as "< 5" (primary). Where a sum with its other cells shown would let a
reader work such a cell out, the smallest other cell of 5 or more in that sum is withheld as well, shown as "x", or
when there is none the sum's total, or when that is hidden already the smallest in the sums next to it (secondary);
a zero is withheld only where no cell of 5 or more is left to withhold. A reader knows every cell shown, that a
"< 5" cell holds 1-4 and that an "x" cell holds 0 or more; from that and the sums, the bounds of every hidden cell
are narrowed until they settle. The report is safe when every "< 5" cell can still hold at least two values.
"""
from math import inf

SMALL = "< 5"
WITHHELD = "x"
LOW, HIGH = 1, 4


def is_small(value: int) -> bool:
    return LOW <= value <= HIGH


class Counts:
    """The counts of one report and the sums between them, published as they are or with small numbers withheld."""

    def __init__(self, publishable: bool):
        self.publishable = publishable
        self.values: dict = {}
        self.sums: list[tuple] = []
        self._hidden: set | None = None

    def count(self, key, value: int):
        """A cell; a key counted twice is the same figure in two tables and must hold the same value."""
        if self.values.setdefault(key, value) != value:
            raise ValueError(f"{key!r} counted as {self.values[key]} and as {value}")
        self._hidden = None
        return key

    def total(self, key, parts: list):
        """A cell that is the sum of the parts, shown next to them."""
        self.sums.append((key, list(parts)))
        return self.count(key, sum(self.values[p] for p in parts))

    @property
    def hidden(self) -> set:
        if self._hidden is None:
            self._hidden = withhold(self.values, self.sums)
        return self._hidden

    def is_shown(self, key) -> bool:
        return not self.publishable or key not in self.hidden

    def text(self, key) -> str:
        value = self.values[key]
        if self.is_shown(key):
            return str(value)
        return SMALL if is_small(value) else WITHHELD


def withhold(values: dict, sums: list[tuple]) -> set:
    """The keys not to show: the small ones, and as few others as make every sum safe."""
    hidden = {key for key, value in values.items() if is_small(value)}
    while True:
        bounds = readable_bounds(values, sums, hidden)
        unsafe = next(((total, parts) for total, parts in sums if any(
            bounds[k][1] == bounds[k][0] for k in (total, *parts) if k in hidden and is_small(values[k]))), None)
        if unsafe is None:
            return hidden
        found = _next_to_withhold(values, sums, hidden, unsafe)
        if found is None:
            return hidden  # nothing left that could be withheld: every cell of it is hidden or zero
        hidden.add(found)


def _next_to_withhold(values: dict, sums: list[tuple], hidden: set, unsafe: tuple):
    """The smallest other cell of 5 or more of the unsafe sum, or else its total; where every cell of it is hidden
    or zero (its small cell is given away through a hidden cell's other sums), the smallest in the sums that share
    a hidden cell with it, and so outward; where no cell of 5 or more is left, a zero the same way."""
    return _nearest(values, sums, hidden, unsafe, lambda v: v > HIGH) or \
        _nearest(values, sums, hidden, unsafe, lambda v: v == 0)


def _nearest(values: dict, sums: list[tuple], hidden: set, unsafe: tuple, allowed):
    def shown(keys) -> list:
        return [k for k in keys if k not in hidden and allowed(values[k])]

    total, parts = unsafe
    candidates = shown(parts) or shown([total])
    reached, near = set(), {k for k in (total, *parts) if k in hidden}
    while not candidates and near - reached:
        reached |= near
        around = [s for s in sums if reached & {s[0], *s[1]}]
        candidates = shown(k for t, ps in around for k in (t, *ps))
        near = {k for t, ps in around for k in (t, *ps) if k in hidden}
    return min(candidates, key=lambda k: values[k]) if candidates else None


def readable_bounds(values: dict, sums: list[tuple], hidden: set) -> dict:
    """Per key the (lowest, highest) value a reader can infer: a shown cell exactly; a hidden one from its "< 5" or
    "x", narrowed by every sum it is in until nothing changes."""
    bounds = {key: (value, value) if key not in hidden else (LOW, HIGH) if is_small(value) else (0, inf)
              for key, value in values.items()}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            narrowed = {total: (sum(bounds[p][0] for p in parts), sum(bounds[p][1] for p in parts))}
            for part in parts:
                others = [p for p in parts if p != part]
                narrowed[part] = (bounds[total][0] - sum(bounds[p][1] for p in others),
                                  bounds[total][1] - sum(bounds[p][0] for p in others))
            for key, (low, high) in narrowed.items():
                new = (max(bounds[key][0], low), min(bounds[key][1], high))
                if new != bounds[key]:
                    bounds[key], changed = new, True
    return bounds
