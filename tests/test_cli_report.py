"""``evalrules report``: the page's content (counts with their bases, vote shares, the records
near a line, the records with errors, ``--by``), that it needs no network and stays compact, and in
headless Chromium that the chart is drawn, the search filters the records, the script shows the
same vote shares as the page's own rows, and the printed PDF is A4 without the search box.

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it when it can); where it is not
installed they are skipped and say why.
"""

from __future__ import annotations

import csv
import json
import re
import struct
import subprocess
import zlib
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules.cli import main
from evalrules.columns import input_columns
from evalrules.grading import grade
from evalrules.io import read_rows, read_sheet, record_of
from evalrules.report import near_the_line
from evalrules.report.page import STATIC_ROWS, percent

from conftest import CHROMIUM_ARGS, ROOT, chromium

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"
BALLOTS = {"班子测评": ("优秀", "较好", "一般", "较差"),
           "正职测评": ("优秀", "称职", "基本称职", "不称职")}


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


def pct(n: int, total: int) -> str:
    """A percentage with two decimals, rounded half up (away from zero) by :mod:`decimal`."""
    value = (Decimal(n) * 100 / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}%"


def expected_results() -> tuple[Counter, list[dict], list]:
    rules = evalrules.load(CITY)
    columns = input_columns(rules.checked)
    rows = list(read_rows(SAMPLE))
    results = [rules.evaluate(record_of(r, columns)) for r in rows]
    return Counter(r["班子等次"] for r in results), rows, results


def page_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page,
                      re.S)
    assert found
    return json.loads(found.group(1))


def section(page: str, table: str) -> str:
    found = re.search(f'<table (?:id|class)="{table}">(.*?)</table>', page, re.S)
    assert found
    return found.group(1)


def votes_text(row: dict) -> list[str]:
    """A record's vote cells as the page should show them, worked out here."""
    out = []
    for ballot, categories in BALLOTS.items():
        counts = [int(row[f"{ballot}.{c}"]) for c in categories]
        total = sum(counts)
        out.append("\n".join(f"{c} {n}/{total} 票 {pct(n, total)}"
                              for c, n in zip(categories, counts, strict=True)))
    return out


def test_the_page_has_title_source_charts_and_counts_with_their_bases(report):
    page = report.read_text(encoding="utf-8")
    rules = evalrules.load(CITY)
    grades, _, results = expected_results()
    assert f"<title>{rules.title}</title>" in page and f"<h1>{rules.title}</h1>" in page
    # 300/302 = 99.337…%, 2/302 = 0.662…%
    assert ("共 302 条记录：已评定 300 条（占全部 302 条的 99.34%），"
            "无法评定 2 条（占全部 302 条的 0.66%）。") in page
    assert "（条数及占已评定 300 条的百分比）" in page
    assert "# 法律用语：“以上”含本数 (&gt;=)" in page  # the source, escaped
    bars = dict(re.findall(r'<rect class="bar" data-label="(\w+)" data-count="(\d+)"', page))
    assert bars == {label: str(grades[label]) for label in rules.grades["班子等次"]}
    vetoed = sum("人口计生综治" in r.vetoes for r in results)
    assert (f'<tr><td>人口计生综治</td><td class="n">{vetoed}</td>'
            f'<td class="n">{pct(vetoed, 300)}</td></tr>') in page
    assert "<th>占已评定 300 条</th>" in page
    assert re.search(r"生成时间：\d{4}-\d\d-\d\d \d\d:\d\d", page)


def test_every_record_is_in_the_data_and_the_first_are_rows_of_the_table(report):
    page = report.read_text(encoding="utf-8")
    rules = evalrules.load(CITY)
    _, rows, results = expected_results()
    data = page_data(page)["rows"]
    assert [r[0] for r in data] == list(range(2, 304))  # the CSV's lines, the header is line 1
    assert [r[1][0] for r in data] == [r["编号"] for r in rows] + ["BAD1", "BAD2"]
    labels = rules.grades["班子等次"]
    assert [r[2] for r in data[:300]] == [[labels.index(r["班子等次"])] for r in results]
    assert [r[2] for r in data[300:]] == [[-1], [-1]] and [r[6] for r in data[300:]] == [2, 2]
    assert [r[3] for r in data[:300]] == [
        [[int(row[f"{b}.{c}"]) for c in cats] for b, cats in BALLOTS.items()] for row in rows]
    assert section(page, "records").count('<tr data-row="') == STATIC_ROWS


def test_vote_counts_and_shares_stand_beside_each_record(report):
    page = report.read_text(encoding="utf-8")
    first = re.search(r'<tr data-row="2"[^>]*>(.*?)</tr>', section(page, "records"), re.S)
    assert first
    # T0001: 班子测评 19, 10, 0, 1 of 30 (19/30 = 63.333…%)
    assert ("<td>T0001</td><td>水利局1号</td><td>较好</td><td class=\"v\">优秀 19/30 票 63.33%\n"
            "较好 10/30 票 33.33%\n一般 0/30 票 0.00%\n较差 1/30 票 3.33%</td>") in first.group(1)
    _, rows, _ = expected_results()
    for row in rows[:STATIC_ROWS]:
        assert all(f'<td class="v">{text}</td>' in page for text in votes_text(row))


def test_the_records_that_cannot_be_graded_are_listed_with_their_error(report):
    page = report.read_text(encoding="utf-8")
    rules = evalrules.load(CITY)
    columns = input_columns(rules.checked)
    rows = list(read_rows(report.parent / "数据.csv"))
    table = section(page, "errors")
    assert "无法评定的记录（2 条）" in page
    for number, row in ((302, rows[-2]), (303, rows[-1])):
        with pytest.raises(evalrules.InputError) as error:
            rules.evaluate(record_of(row, columns))
        assert re.search(f'<tr data-row="{number}" class="bad">.*?<td>'
                         f"{re.escape(escape_html(error.value.text('zh')))}</td></tr>", table, re.S)


def escape_html(text: str) -> str:
    from html import escape

    return escape(text)


def test_the_records_near_a_line_are_listed_with_what_one_vote_would_change(report):
    page = report.read_text(encoding="utf-8")
    rules = evalrules.load(CITY)
    columns = input_columns(rules.checked)
    sheet = read_sheet(report.parent / "数据.csv")
    near = near_the_line(grade(rules, sheet))
    assert near and f"一票之差（{len(near)} 条）" in page
    share = pct(len(near), 300)
    assert f"一票之差即可改变结果的 {len(near)} 条（占已评定 300 条的 {share}）" in page
    table = section(page, "near")
    assert re.findall(r'<tr data-row="(\d+)"', table) == [str(sheet.rows[n.index]) for n in near]
    # the first one's moves, by brute force: every vote moved, graded again
    record = {k: int(v) if "测评." in k else v
              for k, v in record_of(sheet.record(near[0].index), columns).items()}
    before = rules.evaluate(record)
    changing, still = [], []
    for ballot, categories in BALLOTS.items():
        for source in categories:
            for target in categories:
                key = f"{ballot}.{source}"
                if target == source or record[key] == 0:
                    continue
                moved = {**record, key: record[key] - 1,
                         f"{ballot}.{target}": record[f"{ballot}.{target}"] + 1}
                after = rules.evaluate(moved)
                same = (after["班子等次"], after.vetoes, after.outcomes) == (
                    before["班子等次"], before.vetoes, before.outcomes)
                (still if same else changing).append(f"{ballot} {source}→{target}")
    row = re.search(f'<tr data-row="{sheet.rows[near[0].index]}".*?</tr>', table, re.S)
    assert row and changing
    assert all(m in row.group(0) for m in changing)
    assert not any(m in row.group(0) for m in still)
    assert "<details><summary>说明</summary><pre>市直领导班子年度考核" in row.group(0)


def test_by_a_column_shows_the_grades_of_each_value(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(CITY), str(SAMPLE), "-o", str(out), "--by", "单位"]) == 0
    page = out.read_text(encoding="utf-8")
    _, rows, results = expected_results()
    labels = evalrules.load(CITY).grades["班子等次"]
    groups: defaultdict[str, Counter] = defaultdict(Counter)
    for row, result in zip(rows, results, strict=True):
        groups[row["单位"]][result["班子等次"]] += 1
    groups["合计"] = Counter(r["班子等次"] for r in results)
    table = section(page, "by")
    assert "按“单位”分布" in page
    for unit, counts in groups.items():
        n = sum(counts.values())
        cells = [unit, str(n), *(f"{counts[g]} ({pct(counts[g], n)})" for g in labels),
                 "0 (0.00%)"]
        assert (f"<tr><td>{cells[0]}</td>"
                + "".join(f'<td class="n">{c}</td>' for c in cells[1:]) + "</tr>") in table
    assert table.count("<tr>") == len(groups) + 1  # and the header


def test_by_a_column_the_data_lacks_names_it_and_the_columns(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(CITY), str(SAMPLE), "-o", str(out), "--by", "单位类"]) == 2
    err = capsys.readouterr().err
    assert "--by：数据中没有“单位类”列，是否是“单位”？" in err and "编号、单位、" in err
    assert not out.exists()


@settings(max_examples=200, derandomize=True)
@given(st.integers(0, 10**6), st.integers(1, 10**6))
@example(1, 800)  # 0.125%: a half hundredth, away from zero → 0.13%
@example(7, 8000)  # 0.0875% → 0.09%
@example(2, 3)
def test_percentages_are_exact_and_round_half_away_from_zero(n, total):
    assert percent(n, total) == pct(n, total)


def test_a_cell_cannot_close_the_script_or_become_markup(tmp_path, capsys):
    rows = list(read_rows(SAMPLE))[:3]
    rows[0]["编号"] = "</script><script>alert(1)</script><!--"
    data = tmp_path / "d.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "r.html"
    assert main(["report", str(CITY), str(data), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<!--" not in page
    assert page_data(page)["rows"][0][1][0] == rows[0]["编号"]


def test_with_group_rules_the_page_says_why_no_record_is_listed_near_a_line(tmp_path, capsys):
    rank = ROOT / "rulesets" / "fanwen2" / "team-dept-rank.rules"
    case = json.loads(rank.with_suffix(".cases.json").read_text(encoding="utf-8"))["cases"][0]
    data = tmp_path / "d.json"
    data.write_text(json.dumps([case["input"], *case["group"]], ensure_ascii=False),
                    encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(rank), str(data), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "本规则集有组内规则（group by：排名、限额），一票可能改变同组其他记录的结果" in page
    assert "一票之差 –" in capsys.readouterr().out
    assert len(page_data(page)["rows"]) == 1 + len(case["group"])


def test_the_page_needs_no_network(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src|<link|@import|url\(|<img|<iframe", page)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_english_page(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(CITY), str(SAMPLE), "-o", str(out), "--lang", "en"]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "300 records: 300 graded (100.00% of all 300), 0 cannot be graded" in page
    assert "One vote from another result" in page and "一票之差" not in page
    assert "300 records, 300 graded, 0 cannot be graded" in capsys.readouterr().out


def test_report_with_a_broken_ruleset_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset x\nlet a = \n", encoding="utf-8")
    assert main(["report", str(bad), str(SAMPLE), "-o", str(tmp_path / "r.html")]) == 1
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------- in Chromium

def browse(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", *CHROMIUM_ARGS, "--hide-scrollbars",
         f"--user-data-dir={profile}", *args],
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


def shown_rows(html: str) -> dict[str, str]:
    """The records table's rows as the browser has them: file row → the row's text."""
    return {number: re.sub(r"<[^>]+>", " ", body) for number, body in
            re.findall(r'<tr data-row="(\d+)"[^>]*>(.*?)</tr>', section(html, "records"), re.S)}


def test_in_chromium_the_chart_is_drawn_and_the_search_filters(report, tmp_path):
    grades, _, results = expected_results()
    query = "较差 人口计生综治"
    url = f"{report.as_uri()}#q={quote(query)}"
    dom = browse(tmp_path / "profile1", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # the table holds the matching records only: every 较差 record with the veto, and each
    # row shown has both words
    shown = shown_rows(html)
    wanted = {str(i + 2) for i, r in enumerate(results)
              if r["班子等次"] == "较差" and "人口计生综治" in r.vetoes}
    assert wanted and wanted <= set(shown) and len(shown) < 302
    assert all(all(w in text for w in query.split()) for text in shown.values())
    assert f'data-matches="{len(shown)}"' in html
    assert f"第 1–{len(shown)} 条，共 {len(shown)} 条匹配（全部 302 条）" in html
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


def test_in_chromium_the_script_shows_records_beyond_the_first_as_the_page_does(report,
                                                                                tmp_path):
    """T0250 is not among the rows written as HTML: the script draws it from the data, with
    the same vote shares (its integer rounding against :mod:`decimal`'s)."""
    _, rows, results = expected_results()
    dom = browse(tmp_path / "profile", "--dump-dom", f"{report.as_uri()}#q=T0250")
    assert dom.returncode == 0, dom.stderr[-2000:]
    row = re.search(r'<tr data-row="251"[^>]*>(.*?)</tr>', section(dom.stdout, "records"), re.S)
    assert row and len(shown_rows(dom.stdout)) == 1
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[:4] == ["251", "T0250", rows[249]["单位"], results[249]["班子等次"]]
    assert cells[4:6] == votes_text(rows[249])
    dom = browse(tmp_path / "profile", "--dump-dom", f"{report.as_uri()}#q=BAD2")
    assert re.search(r'<tr data-row="303" class="bad">.*<td>错误：[^<]+</td></tr>', dom.stdout)


def pdf_pages(path: Path) -> list[tuple[list[float], str]]:
    """Each page of a PDF printed by Chromium: its MediaBox and its text (glyphs mapped back to
    characters through each font's ToUnicode map; stdlib only)."""
    data = path.read_bytes()
    objects = {int(m.group(1)): m.group(2)
               for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(number: int) -> bytes:
        # The stream's bytes are /Length bytes after "stream" and its end of line: compressed
        # data may itself end in \r, which a search for "\r\nendstream" would cut off.
        obj = objects[number]
        start = re.search(rb"stream\r?\n", obj)
        length = re.search(rb"/Length (\d+)( 0 R)?", obj)
        assert start and length
        size = int(objects[int(length.group(1))].strip() if length.group(2) else length.group(1))
        raw = obj[start.end():start.end() + size]
        return zlib.decompress(raw) if b"/FlateDecode" in obj else raw

    def unicode_map(font: int) -> dict[int, str]:
        ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[font])
        out: dict[int, str] = {}
        if not ref:
            return out
        cmap = stream(int(ref.group(1))).decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int.from_bytes(bytes.fromhex(dst), "big")
                for k in range(int(lo, 16), int(hi, 16) + 1):
                    out[k] = chr(first + k - int(lo, 16))
        return out

    pages = []
    for body in objects.values():
        if not re.match(rb"<</Type /Page\b", body):
            continue
        box = re.search(rb"/MediaBox \[([^\]]+)\]", body)
        fonts_dict = re.search(rb"/Font <<(.*?)>>", body, re.S)
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        assert box and contents
        fonts = {name.decode(): unicode_map(int(ref)) for name, ref in
                 re.findall(rb"/(\w+) (\d+) 0 R", fonts_dict.group(1) if fonts_dict else b"")}
        text, font = [], {}
        for name, glyphs in re.findall(rb"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>",
                                        stream(int(contents.group(1)))):
            if name:
                font = fonts.get(name.decode(), {})
            else:
                text += [font.get(int(glyphs[k:k + 4], 16), "") for k in range(0, len(glyphs), 4)]
        pages.append(([float(v) for v in box.group(1).split()], "".join(text)))
    return pages


def test_in_chromium_the_printed_page_is_a4_without_the_search_box(report, tmp_path):
    pdf = tmp_path / "report.pdf"
    result = browse(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    report.as_uri())
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    # A4 is 210 × 297 mm = 595.28 × 841.89 pt; Chromium rounds to whole CSS pixels
    assert all(abs(box[2] - 595.28) < 1 and abs(box[3] - 841.89) < 1 and box[:2] == [0, 0]
               for box, _ in pages)
    text = "".join(t for _, t in pages)
    # the reading works (the page's own words are found), and the controls are not printed
    assert "逐条结果" in text and "无法评定的记录" in text and "生成时间" in text
    assert f"第1页，共{len(pages)}页" in text.replace(" ", "")
    assert "搜索" not in text and "上一页" not in text and "下一页" not in text
    assert "目录" not in text
    # printing shows every matching record, not only the first screen of them
    assert all(f"T{k:04d}" in text for k in range(1, 301))
    # each page with records repeats the table's header row
    with_records = [t.replace(" ", "") for _, t in pages if re.search(r"T\d{4}", t)]
    assert len(with_records) > 2 and all("行编号单位班子等次" in t for t in with_records)
