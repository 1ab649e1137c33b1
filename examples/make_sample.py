"""Regenerate the made-up sample data in this folder (deterministic: a fixed seed).

    python examples/make_sample.py

Writes team-city.csv and team-city.xlsx (the same 300 made-up leadership teams, for
rulesets/fanwen9/team-city.rules), with vote counts spread so that every grade and the
90%/60%/30% boundaries occur. The workbook, as a user's would: yes/no cells as 是/否 text, vote
counts as numbers, the header bold and frozen. Needs openpyxl for the .xlsx (the cli extra).
"""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEAM_BALLOT = ("优秀", "较好", "一般", "较差")
CHIEF_BALLOT = ("优秀", "称职", "基本称职", "不称职")
UNITS = ("发改委", "教育局", "财政局", "住建局", "交通局", "水利局", "农业局", "商务局", "文旅局",
         "卫健委", "应急局", "审计局", "统计局", "医保局", "林业局", "市场监管局")


def _votes(rng: random.Random, categories: tuple[str, ...]) -> dict[str, int]:
    total = rng.choice((10, 20, 25, 30, 40, 50))
    shape = rng.choice(("strong", "strong", "middle", "weak"))
    weights = {"strong": (65, 27, 6, 2), "middle": (45, 30, 18, 7), "weak": (20, 30, 25, 25)}[shape]
    counts = dict.fromkeys(categories, 0)
    for _ in range(total):
        counts[rng.choices(categories, weights)[0]] += 1
    return counts


def make_rows(count: int, seed: int = 20261124) -> list[dict]:
    """``count`` made-up teams, the same ones for the same seed (the first 300 of the default seed
    are the sample's; benchmarks/cli.py takes more)."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        row = {"编号": f"T{i + 1:04d}", "单位": f"{rng.choice(UNITS)}{i // 16 + 1}号"}
        row["考核目标完成"] = rng.choices(("好", "一般", "差距较大"), (6, 3, 1))[0]
        row["班子状况"] = rng.choices(("团结协调", "存在问题", "不团结"), (7, 2, 1))[0]
        row["干部精神状态好"] = rng.choices(("是", "否"), (8, 2))[0]
        row["存在突出问题"] = rng.choices(("是", "否"), (1, 9))[0]
        row["较大失误造成严重后果"] = rng.choices(("是", "否"), (1, 30))[0]
        row["计生综治目标完成差"] = rng.choices(("是", "否"), (1, 12))[0]
        row.update({f"班子测评.{c}": n for c, n in _votes(rng, TEAM_BALLOT).items()})
        row.update({f"正职测评.{c}": n for c, n in _votes(rng, CHIEF_BALLOT).items()})
        rows.append(row)
    return rows


def main() -> None:
    rows = make_rows(300)
    with (HERE / "team-city.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    write_xlsx(HERE / "team-city.xlsx", rows)


def write_xlsx(path: Path, rows: list[dict]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "班子考核"
    sheet.append(list(rows[0]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row.values()))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 14
    fixed = datetime.datetime(2026, 11, 24)  # the same cells every run (openpyxl stamps the save)
    book.properties.created = book.properties.modified = fixed
    book.save(path)


if __name__ == "__main__":
    main()
