"""Small-number suppression: cells of 1-4 are "< 5", and no "< 5" cell can be worked out from the column's total,
checked by trying every value a reader could assign to the withheld cells."""
from itertools import product

import pytest

from reports.suppression import SMALL, WITHHELD, suppress_column, suppress_table


def readable_values(values: list[int], cells: list[str], total: str) -> dict[int, set[int]]:
    """What a reader can conclude for each "< 5" cell: every value consistent with what is shown."""
    hidden = [i for i, c in enumerate(cells) if c in (SMALL, WITHHELD)]
    ranges = [range(1, 5) if cells[i] == SMALL else range(5, sum(values) + 1) for i in hidden]
    shown = sum(int(c) for c in cells if c not in (SMALL, WITHHELD))
    found = {i: set() for i in hidden if cells[i] == SMALL}
    for guess in product(*ranges):
        if total in (SMALL, WITHHELD) or shown + sum(guess) == int(total):
            for i, value in zip(hidden, guess):
                if i in found:
                    found[i].add(value)
    return found


@pytest.mark.parametrize("values, cells, total", [
    # nothing small: all shown
    ([12, 7, 0], ["12", "7", "0"], "19"),
    # one small cell: the next smallest is withheld as well, else total - others gives it away
    ([12, 3, 7], ["12", SMALL, WITHHELD], "22"),
    # two small cells with a known sum of 2 would each be 1: a third cell goes too
    ([1, 1, 20, 9], [SMALL, SMALL, "20", WITHHELD], "31"),
    # two small cells whose sum (5) leaves each of them open: nothing more withheld
    ([2, 3, 20], [SMALL, SMALL, "20"], "25"),
    # a small total is itself "< 5"
    ([1, 2, 0], [SMALL, SMALL, "0"], SMALL),
    # the only non-zero cell is small: the total is withheld too
    ([4, 0, 0, 6], [SMALL, "0", "0", WITHHELD], "10"),
])
def test_columns_are_published_with_small_numbers_suppressed(values, cells, total):
    assert suppress_column(values) == (cells, total)


@pytest.mark.parametrize("values", [[12, 3, 7], [1, 1, 20, 9], [2, 3, 20], [4, 0, 0, 6], [1, 4, 5, 5], [3, 30],
                                    [1, 2, 3, 4, 100], [4, 4, 4, 5], [1, 5], [2, 2, 2]])
def test_no_small_cell_can_be_worked_out_from_the_total(values):
    cells, total = suppress_column(values)
    assert all(c == SMALL for v, c in zip(values, cells) if 1 <= v <= 4)
    assert all(len(options) >= 2 for options in readable_values(values, cells, total).values())


def test_a_table_is_suppressed_per_column():
    cells, totals = suppress_table([[10, 2], [8, 0], [6, 9]])
    assert cells == [["10", SMALL], ["8", "0"], ["6", WITHHELD]] and totals == ["24", "11"]
