"""``evalrules report``: the page's content, that it needs no network, and in headless Chromium
that the chart is drawn and the search filters the records.

The browser test needs Debian's ``chromium`` (``.ci/run`` installs it when it can); where it is not
installed the test is skipped and says why.
"""

from __future__ import annotations

import csv
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

import evalrules
from evalrules.cli import main
from evalrules.columns import input_columns
from evalrules.io import read_rows, record_of

from conftest import ROOT

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The sample's report, with two rows that cannot be graded added at the end."""
    folder = tmp_path_factory.mktemp("report")
    rows = list(read_rows(SAMPLE))
    rows.append({**rows[0], "编号": "BAD1", "班子状况": "团结协做"})
    rows.append({**rows[1], "编号": "BAD2", "班子测评.优秀": "-3"})
    data = folder / "数据.csv"
    with data.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "report.html"
    assert main(["report", str(CITY), str(data), "-o", str(out)]) == 1  # two bad rows
    return out


def expected() -> tuple[Counter, list[dict]]:
    rules = evalrules.load(CITY)
    columns = input_columns(rules.checked)
    rows = list(read_rows(SAMPLE))
    grades = Counter(rules.evaluate(record_of(r, columns))["班子等次"] for r in rows)
    return grades, rows


def test_the_page_has_title_source_charts_counts_and_every_record(report):
    page = report.read_text(encoding="utf-8")
    rules = evalrules.load(CITY)
    grades, _ = expected()
    assert f"<title>{rules.title}</title>" in page and f"<h1>{rules.title}</h1>" in page
    assert "共 302 条记录，已评定 300 条，有错误 2 条" in page
    assert "# 法律用语：“以上”含本数 (&gt;=)" in page  # the source, escaped
    bars = dict(re.findall(r'<rect class="bar" data-label="(\w+)" data-count="(\d+)"', page))
    assert bars == {label: str(grades[label]) for label in rules.grades["班子等次"]}
    assert page.count('<tr data-row="') == 302
    assert '<tr data-row="301"' in page and "团结协做" in page and 'class="bad"' in page
    assert "<td>人口计生综治</td>" in page and "<pre>市直领导班子年度考核：" in page


def test_the_page_needs_no_network(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src|<link|@import|url\(|<img|<iframe", page)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_english_page(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(CITY), str(SAMPLE), "-o", str(out), "--lang", "en"]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "300 records, 300 graded, 0 with errors" in page
    assert "no rule matches, so otherwise" in page


def test_report_with_a_broken_ruleset_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset x\nlet a = \n", encoding="utf-8")
    assert main(["report", str(bad), str(SAMPLE), "-o", str(tmp_path / "r.html")]) == 1
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------- in Chromium

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium here: .ci/run installs Debian's chromium package "
                "(apt-get install chromium), which this machine could not do")


def browse(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit non-interlaced PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows = zlib.decompress(idat), width * channels, []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if channels == 3 else bytes(
            v for i, v in enumerate(line) if i % 4 != 3))
        previous = bytes(line)
    return width, height, rows


def test_in_chromium_the_chart_is_drawn_and_the_search_filters(report, tmp_path):
    grades, _ = expected()
    query = "较差 人口计生综治"
    url = f"{report.as_uri()}#q={quote(query)}"
    dom = browse(tmp_path / "profile1", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # the search box holds the query from the address, and only the matching rows are shown
    shown = re.findall(r'<tr data-row="(\d+)" data-q="([^"]*)"(?: class="bad")?>', html)
    hidden = re.findall(r'<tr data-row="(\d+)"[^>]* hidden="">', html)
    matching = [n for n, q in shown if all(w in q for w in query.split())]
    assert matching and set(n for n, _ in shown) == set(matching)
    assert hidden and len(matching) + len(hidden) == 302
    assert f'data-matches="{len(matching)}"' in html
    assert f"显示 {len(matching)} / 302" in html
    # the chart: one bar per grade, in the DOM the browser built
    assert html.count('<rect class="bar"') == 4 and "<svg" in html

    shot = tmp_path / "report.png"
    result = browse(tmp_path / "profile2", "--window-size=1100,1000", f"--screenshot={shot}", url)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1100, 1000)
    colours = Counter(row[i:i + 3] for row in pixels for i in range(0, len(row), 3))
    bar = {label: colours[bytes.fromhex(hex_)] for label, hex_ in
           (("优秀", "2e7d32"), ("较好", "689f38"), ("一般", "f9a825"), ("较差", "c62828"))}
    # every bar is painted, and the longest bar (较好) has the most pixels of its colour
    assert all(n > 100 for n in bar.values()), bar
    assert max(bar, key=bar.get) == max(grades, key=grades.get)
