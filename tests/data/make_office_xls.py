"""Write tests/data/office.xls: test_layouts.py's made-up rows as an office keeps them in a legacy
workbook (a 填表说明 sheet first, a title merged across, a two-row header with 班子测评 and 正职测评
merged over their categories, 是 merged down over three teams, vote counts partly as text, a 合计
row). tests/test_layouts.py grades it against the same rows laid out cleanly.

    pip download xlwt -d /tmp/x && python -m zipfile -e /tmp/x/xlwt-*.whl /tmp/xlwt
    PYTHONPATH=/tmp/xlwt:src python tests/data/make_office_xls.py

xlwt writes .xls (BIFF8) and is needed only here, not by the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from test_layouts import CHIEF, MERGED, TEAM, TITLE, team_rows  # noqa: E402


def main() -> None:
    rows = team_rows()
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("填表说明").write(0, 0, "每个班子一行；得票数填整数。")
    sheet = book.add_sheet("汇总")
    singles = [c for c in rows[0] if "." not in c]
    width = len(singles) + len(TEAM) + len(CHIEF)
    sheet.write_merge(0, 0, 0, width - 1, TITLE)
    for c, name in enumerate(singles):
        sheet.write_merge(1, 2, c, c, name)
    first = len(singles)
    sheet.write_merge(1, 1, first, first + 3, "班子测评")
    sheet.write_merge(1, 1, first + 4, first + 7, "正职测评")
    for c, name in enumerate((*TEAM, *CHIEF), first):
        sheet.write(2, c, name)
    column = singles.index("计生综治目标完成差")
    for i, row in enumerate(rows):
        r = 3 + i
        votes = [row[f"班子测评.{c}"] for c in TEAM] + [row[f"正职测评.{c}"] for c in CHIEF]
        if i % 3 == 1:
            votes = [str(v) for v in votes]
        for c, value in enumerate([*(row[s] for s in singles), *votes]):
            if c != column or i not in MERGED:
                sheet.write(r, c, value)
    sheet.write_merge(3 + MERGED[0], 3 + MERGED[-1], column, column, "是")
    total = 3 + len(rows)
    sheet.write(total, 0, "合计")
    for c, name in enumerate((*(f"班子测评.{c}" for c in TEAM), *(f"正职测评.{c}" for c in CHIEF)),
                             first):
        sheet.write(total, c, sum(row[name] for row in rows))
    book.save(str(HERE / "office.xls"))


if __name__ == "__main__":
    main()
