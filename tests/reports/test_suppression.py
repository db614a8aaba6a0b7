"""Small-number suppression: cells of 1-4 are "< 5", and no "< 5" cell can be worked out from what is shown, checked
by a reader who tries every value of every hidden cell against every sum shown (rows, columns and their totals,
and a figure two tables share) at once."""
import random

import pytest

from reports.suppression import SMALL, WITHHELD, Counts


def grid(cells: list[list[int]], *, rows: bool, columns: bool) -> Counts:
    """A table of counts with a total per row and/or per column (and the grand total where both are)."""
    counts = Counts(publishable=True)
    for r, line in enumerate(cells):
        for c, value in enumerate(line):
            counts.count((r, c), value)
    if rows:
        for r, line in enumerate(cells):
            counts.total(("row", r), [(r, c) for c in range(len(line))])
    if columns:
        for c in range(len(cells[0])):
            counts.total(("column", c), [(r, c) for r in range(len(cells))])
    if rows and columns:
        counts.total("all", [("row", r) for r in range(len(cells))])
        counts.total("all", [("column", c) for c in range(len(cells[0]))])
    return counts


def fits_otherwise(counts: Counts, key) -> bool:
    """Whether a reader could fill in every hidden cell, this one with another value than its own, so that every sum
    shown holds: "< 5" cells hold 1-4, "x" cells 0 up to three above their own value (a reader who knows that much
    is stronger than a real one, so a cell open to it is open). A complete search: each sum narrows the range of its
    cells, then a cell still open is tried value by value."""
    def narrowed(ranges: dict) -> dict | None:
        ranges, changed = dict(ranges), True
        while changed:
            changed = False
            for total, parts in counts.sums:
                low, high = sum(ranges[p][0] for p in parts), sum(ranges[p][1] for p in parts)
                wanted = {total: (low, high)}
                for p in parts:
                    wanted[p] = (ranges[total][0] - (high - ranges[p][1]), ranges[total][1] - (low - ranges[p][0]))
                for k, (lo, hi) in wanted.items():
                    new = (max(ranges[k][0], lo), min(ranges[k][1], hi))
                    if new[0] > new[1]:
                        return None
                    if new != ranges[k]:
                        ranges[k], changed = new, True
        return ranges

    def search(ranges: dict) -> bool:
        ranges = narrowed(ranges)
        if ranges is None:
            return False
        open_ = [k for k, (lo, hi) in ranges.items() if lo < hi]
        if not open_:
            return True
        nearest = min(open_, key=lambda k: ranges[k][1] - ranges[k][0])
        return any(search({**ranges, nearest: (v, v)}) for v in range(ranges[nearest][0], ranges[nearest][1] + 1))

    texts, value = {k: counts.text(k) for k in counts.values}, counts.values[key]
    ranges = {k: (1, 4) if text == SMALL else (0, counts.values[k] + 3) if text == WITHHELD else (int(text),) * 2
              for k, text in texts.items()}
    return any(search({**ranges, key: other}) for other in ((1, value - 1), (value + 1, 4)) if other[0] <= other[1])


def assert_safe(counts: Counts) -> None:
    for key, value in counts.values.items():
        assert (counts.text(key) == SMALL) == (1 <= value <= 4)
    pinned = [key for key in counts.values if counts.text(key) == SMALL and not fits_otherwise(counts, key)]
    assert not pinned, pinned


@pytest.mark.parametrize("column, cells, total", [
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
    # 4 + 4 = 8 pins both and no other cell can go: the total goes
    ([4, 4, 0], [SMALL, SMALL, "0"], WITHHELD),
])
def test_columns_are_published_with_small_numbers_suppressed(column, cells, total):
    counts = grid([[v] for v in column], rows=False, columns=True)
    assert [counts.text((r, 0)) for r in range(len(column))] == cells and counts.text(("column", 0)) == total
    assert_safe(counts)


@pytest.mark.parametrize("cells", [
    [[12, 3, 7]], [[1, 1, 20, 9]], [[4, 0, 0, 6]], [[1, 4, 5, 5]], [[3, 30]], [[1, 2, 3, 4, 100]], [[4, 4, 4, 5]],
    [[1, 5]], [[2, 2, 2]], [[4, 4]],
])
def test_no_small_cell_of_a_row_can_be_worked_out_from_its_total(cells):
    assert_safe(grid(cells, rows=True, columns=False))


@pytest.mark.parametrize("cells", [
    # one small cell: its row and its column each lose another, and those in turn are covered
    [[1, 9, 8], [6, 7, 10], [9, 8, 12]],
    # a small cell whose row and column have only large others
    [[20, 30, 25], [15, 2, 40], [9, 11, 13]],
    # small cells in one row: the row's total alone would not give them away, the columns would
    [[3, 4, 10], [8, 9, 6], [7, 5, 12]],
    # a small row total and a small column total
    [[1, 0, 6], [0, 0, 9], [2, 0, 5]],
    # all small
    [[1, 2], [3, 4]],
    # zeros around the small cell: the large ones go first
    [[0, 3, 0], [0, 9, 0], [0, 7, 6]],
    # nothing of 5 or more left to withhold but the small cells' sums pin them: a zero goes
    [[1, 3], [0, 4]],
])
def test_no_small_cell_of_a_table_can_be_worked_out_from_its_row_and_column_totals(cells):
    assert_safe(grid(cells, rows=True, columns=True))


@pytest.mark.parametrize("seed", range(40))
def test_tables_of_small_and_large_counts_keep_every_small_cell_open(seed):
    """Tables of 2-3 rows and columns with counts of 0-14, one in three of them small (fixed seeds, not the day)."""
    draw = random.Random(seed)
    shape = (draw.choice([2, 3]), draw.choice([2, 3]))
    cells = [[draw.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 14, 1, 2, 3]) for _ in range(shape[1])]
             for _ in range(shape[0])]
    assert_safe(grid(cells, rows=True, columns=True))


def test_a_figure_two_tables_show_is_withheld_in_both_and_protects_across_them():
    """A total per municipality (table one) and per quarter (table two) of the same period: the period's figure is
    one cell; a small municipality forces a secondary suppression that the quarters must not undo."""
    counts = Counts(publishable=True)
    municipalities = [counts.count(("m", n), v) for n, v in enumerate([3, 14, 9])]
    quarters = [counts.count(("q", n), v) for n, v in enumerate([7, 11, 8])]
    counts.total("period", municipalities)
    counts.total("period", quarters)
    assert counts.text(("m", 0)) == SMALL and counts.text(("m", 2)) == WITHHELD
    assert_safe(counts)
    with pytest.raises(ValueError):
        counts.count(("m", 0), 4)  # one key is one figure


def test_the_staff_version_shows_every_count():
    counts = grid([[1, 9], [6, 2]], rows=True, columns=True)
    counts.publishable = False
    assert [counts.text((r, c)) for r in range(2) for c in range(2)] == ["1", "9", "6", "2"]
