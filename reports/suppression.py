"""Small-number suppression for the publishable council report: a count of 1 to 4 participants is shown as
"< 5" (primary), and where a column's total would let a reader work such a cell out, another cell of that column is
withheld too (secondary, shown as "x"); a total of 1 to 4 is itself "< 5".

A reader knows the total, every cell shown, that a "< 5" cell holds 1-4 and that an "x" cell holds 5 or more
(zeros and small numbers are never shown as "x"). A column is safe when, given that, every "< 5" cell could still
hold at least two values.
"""
SMALL = "< 5"
WITHHELD = "x"
LOW, HIGH = 1, 4


def is_small(value: int) -> bool:
    return LOW <= value <= HIGH


def _is_safe(values: list[int], withheld: set[int]) -> bool:
    hidden = sum(values[i] for i in withheld)
    small = [i for i in withheld if is_small(values[i])]
    for i in small:
        others = [j for j in withheld if j != i]
        least = sum(LOW if is_small(values[j]) else HIGH + 1 for j in others)
        most = sum(HIGH if is_small(values[j]) else hidden for j in others)
        if min(HIGH, hidden - least) <= max(LOW, hidden - most):
            return False
    return True


def suppress_column(values: list[int]) -> tuple[list[str], str]:
    """The cells and the total of one column as published."""
    total = sum(values)
    if is_small(total):
        return [SMALL if is_small(v) else str(v) for v in values], SMALL
    withheld = {i for i, v in enumerate(values) if is_small(v)}
    while withheld and not _is_safe(values, withheld):
        candidates = sorted((v, i) for i, v in enumerate(values) if v > 0 and i not in withheld)
        if not candidates:
            break
        withheld.add(candidates[0][1])
    cells = [SMALL if is_small(v) else WITHHELD if i in withheld else str(v) for i, v in enumerate(values)]
    return cells, str(total) if _is_safe(values, withheld) else WITHHELD


def suppress_table(rows: list[list[int]]) -> tuple[list[list[str]], list[str]]:
    """A table of counts (rows x columns) with a total per column, as published."""
    if not rows:
        return [], []
    columns = [suppress_column([row[n] for row in rows]) for n in range(len(rows[0]))]
    return [[cells[r] for cells, _ in columns] for r in range(len(rows))], [total for _, total in columns]
