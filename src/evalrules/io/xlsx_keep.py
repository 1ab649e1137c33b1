"""Results written into the workbook the records came from, everything else kept as it is.

The output is the input package with two parts rewritten: the data sheet's XML, where each
header row and each record's row gets the result cells appended (inline strings and numbers,
right of every cell that holds anything), and ``styles.xml``, where the formats those cells need
are appended (:mod:`io.xlsx_styles`). Every other part — other sheets, shared strings, the
theme, defined names, print settings — is copied byte for byte, and so are the data sheet's own
cells: a 96.67% cell stays that cell, percent format and all. The sheet is read as a stream of
``<row>`` elements split on their closing tags, so a 10^5-row sheet takes a second or two where
loading and saving it with openpyxl takes fifty.

Where the results go: the columns right of the last column holding a value in any row (or
covered by a merged range crossing a row written), the names on the first header row, merged
down through a header of several rows; each record's results on its row. An earlier run's
results (the sheet's last columns, exactly the result names: :func:`io.results.own_columns`)
are written over in place. No cell becomes a formula: text is an inline string.

Imports :mod:`io.results`, :mod:`io.sheet`, :mod:`io.xlsx_styles` and :mod:`columns`.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

from ..columns import column_letter, formula_like
from .results import EXCEL_DIGITS, MAX_TEXT, Column, OutputError, excel_cell, width
from .sheet import Sheet
from .xlsx_styles import MINIMAL, Styles, StylesError

#: Excel's last column (XFD).
MAX_COLUMNS = 16384

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#: Characters XML 1.0 cannot hold, written as Excel writes them (``_x0001_``).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
#: A cell's reference, its format, a row's number, a row's spans, in a start tag.
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})\d+["']""")
_STYLE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*["'](\d+):(\d+)["']""")
#: Deflate's level for the parts written: the fastest (a 10^5-row sheet: 1 s at level 1, 4 s
#: at level 6, for a file a third larger; Excel saving it again compresses it as it likes).
LEVEL = 1


def column_number(letters: bytes) -> int:
    """A column's number from its letters (``A`` → 1, ``AA`` → 27)."""
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def xml_text(text: str) -> str:
    """Text as an XML element's content, as Excel escapes it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def inline(text: str) -> str:
    """The body of an inline string cell after its attributes."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


# ---------------------------------------------------------------- the package


def _targets(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, the part it points to)."""
    import xml.etree.ElementTree as ET

    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    return {r.get("Id", ""): (r.get("Type", ""), posixpath.normpath(posixpath.join(
        "/" + folder, r.get("Target", ""))).lstrip("/")) for r in ET.fromstring(z.read(rels))}


def _parts(z: zipfile.ZipFile, name: str | None, source: str) -> tuple[str, str, str | None,
                                                                          str | None, str]:
    """(workbook part, data sheet part, styles part, shared strings part, sheet name)."""
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    book = next((t for kind, t in _targets(z, "").values()
                 if kind.endswith("/officeDocument")), None)
    if book is None:
        raise OutputError("write.not_a_workbook", path=source)
    rels = _targets(z, book)
    for s in ET.fromstring(_safe(z.read(book), source)).iter(f"{main}sheet"):
        kind, part = rels.get(s.get(_REL, ""), ("", ""))
        if kind.endswith("/worksheet") and (name is None or s.get("name") == name):
            styles = next((t for k, t in rels.values() if k == _TYPES + "styles"), None)
            strings = next((t for k, t in rels.values() if k == _TYPES + "sharedStrings"), None)
            return book, part, styles, strings, s.get("name", "")
    raise OutputError("write.no_sheet", path=source, sheet=name or "")


def _safe(xml: bytes, source: str) -> bytes:
    """A part as Excel writes it: no DTD (entities), no CDATA section, no comment in the data."""
    if b"<!DOCTYPE" in xml or b"<![CDATA[" in xml or b"<!--" in xml:
        raise OutputError("write.odd_workbook", path=source)
    return xml


def keep_workbook(source: Path, target: Path, sheet: Sheet, columns: Sequence[Column], *,
                  earlier: bool) -> None:
    """Write ``target``: the workbook ``source`` with the result ``columns`` added to the sheet
    the records of ``sheet`` were read from (see the module doc). ``earlier``: the sheet's last
    columns are an earlier run's results, to be written over."""
    name = source.name
    with zipfile.ZipFile(source) as z:
        book, part, styles_part, strings_part, sheet_name = _parts(z, sheet.sheet, name)
        data = _safe(z.read(part), name)
        try:
            styles = Styles(_safe(z.read(styles_part), name) if styles_part else MINIMAL)
        except StylesError:
            raise OutputError("write.odd_workbook", path=name) from None

        def strings(wanted: set[int]) -> dict[int, str]:
            return _shared_strings(z.read(strings_part), wanted) if strings_part else {}

        rewrite = _Rewrite(data, sheet, columns, styles, earlier=earlier, where=name,
                           sheet_name=sheet_name, strings=strings)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as out:
            for info in z.infolist():
                if info.filename == part:
                    with out.open(part, "w", force_zip64=True) as f:
                        for chunk in rewrite.chunks():
                            f.write(chunk)
                elif info.filename == styles_part:
                    out.writestr(info.filename, styles.xml())
                elif styles_part is None and info.filename == "[Content_Types].xml":
                    out.writestr(info.filename, _with_styles_type(z.read(info.filename)))
                elif styles_part is None and info.filename == _rels_of(book):
                    out.writestr(info.filename, _with_styles_rel(z.read(info.filename)))
                else:
                    out.writestr(info.filename, z.read(info.filename))
            if styles_part is None:
                out.writestr(posixpath.join(posixpath.dirname(book), "styles.xml"),
                             styles.xml())


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _with_styles_type(xml: bytes) -> bytes:
    override = (b'<Override PartName="/xl/styles.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
    return xml.replace(b"</Types>", override + b"</Types>")


def _with_styles_rel(xml: bytes) -> bytes:
    rel = (b'<Relationship Id="rIdEvalrulesStyles" Type="' + _TYPES.encode() + b'styles" '
           b'Target="styles.xml"/>')
    return xml.replace(b"</Relationships>", rel + b"</Relationships>")


def _shared_strings(xml: bytes, wanted: set[int]) -> dict[int, str]:
    """The texts of the shared strings numbered ``wanted`` (their runs joined, phonetic
    guides left out)."""
    import html

    out: dict[int, str] = {}
    last = max(wanted, default=-1)
    items = re.finditer(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", xml, re.S)
    for i, m in enumerate(items):
        if i > last:
            break
        if i in wanted:
            body = re.sub(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", b"", m.group(1) or b"",
                          flags=re.S)
            texts = re.findall(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", body, re.S)
            out[i] = html.unescape(b"".join(texts).decode("utf-8"))
    return out


# ---------------------------------------------------------------- the data sheet


class _Rewrite:
    """The data sheet's XML with the result cells, produced in chunks (:meth:`chunks`)."""

    def __init__(self, data: bytes, sheet: Sheet, columns: Sequence[Column], styles: Styles,
                 *, earlier: bool, where: str, sheet_name: str, strings) -> None:
        self.columns, self.styles, self.where = columns, styles, where
        self.sheet_name = sheet_name
        found = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", data)
        if found is None:
            raise OutputError("write.odd_workbook", path=where)
        p = found.group(1) or b""
        self.p = p
        self.cell_open = b"<" + p + b"c"
        self.cell_pattern = re.compile(re.escape(self.cell_open) + rb"(?=[\s/>])([^>]*?)(/?)>")
        self.row_open = b"<" + p + b"row"
        close = b"</" + p + b"sheetData>"
        body_end = found.end() if found.group(2) else data.index(close, found.end())
        self.head = data[:found.start()]
        self.tail = data[body_end + (0 if found.group(2) else len(close)):]
        self.open_tag = found.group(0).replace(b"/>", b">")
        self.pieces = data[found.end():body_end].split(b"</" + p + b"row>")
        self.headers = tuple(sheet.header_rows) or (1,)  # a reader that does not say: row 1
        self.records = {row: i for i, row in enumerate(sheet.rows)}
        self.written = sorted({*self.headers, *self.records})
        self.scan()
        self.place(earlier, strings)

    # -- reading

    def cells(self, piece: bytes, start: int) -> Iterator[tuple[int, int, int, int, bool]]:
        """(where it starts, where it ends, column, format, holds something) of each cell of a
        row, the row's start tag ending at ``start``."""
        column = 0
        pattern = self.cell_pattern
        end_tag = b"</" + self.p + b"c>"
        at = start
        while True:
            m = pattern.search(piece, at)
            if m is None:
                return
            ref = _CELL_REF.search(m.group(1))
            column = column_number(ref.group(1)) if ref else column + 1
            style = _STYLE.search(m.group(1))
            if m.group(2):
                end, full = m.end(), False
            else:
                close = piece.index(end_tag, m.end())
                end = close + len(end_tag)
                full = bool(piece[m.end():close].strip())
            yield m.start(), end, column, int(style.group(1)) if style else 0, full
            at = end

    def last_cells(self, piece: bytes, start: int) -> tuple[int, int, int]:
        """(the last column holding something, its cell's format, the last column with a cell
        at all) of a row: read from the end, where the cells with a reference say their
        column; a row whose cells do not is read from its start."""
        hi, last_any = len(piece), 0
        while True:
            at = piece.rfind(self.cell_open, start, hi)
            while at >= 0 and piece[at + len(self.cell_open):at + len(self.cell_open) + 1] \
                    not in (b" ", b"\t", b"\n", b"\r", b"/", b">"):
                at = piece.rfind(self.cell_open, start, at)
            if at < 0:
                return 0, 0, last_any
            tag_end = piece.index(b">", at)
            tag = piece[at:tag_end]
            ref = _CELL_REF.search(tag)
            if ref is None:
                found = [(c, s, full) for _, _, c, s, full in self.cells(piece, start)]
                full_cells = [(c, s) for c, s, full in found if full]
                column, style = full_cells[-1] if full_cells else (0, 0)
                return column, style, max((c for c, _, _ in found), default=0)
            column = column_number(ref.group(1))
            last_any = last_any or column
            if not tag.endswith(b"/"):
                close = piece.find(b"</" + self.p + b"c>", tag_end, hi)
                if close > tag_end + 1 and piece[tag_end + 1:close].strip():
                    styled = _STYLE.search(tag)
                    return column, int(styled.group(1)) if styled else 0, last_any
            hi = at

    def scan(self) -> None:
        """Each row's number, its start tag, and what its last cells are; the last column
        holding something in any row."""
        self.rows: list[tuple[int, int, int, int, int, int]] = []
        number, widest = 0, 0
        row_tag = _ROW_NUMBER
        for piece in self.pieces[:-1]:
            at = piece.rfind(self.row_open)
            if at < 0:
                raise OutputError("write.odd_workbook", path=self.where)
            end = piece.index(b">", at) + 1
            r = row_tag.search(piece, at, end)
            if r is not None:
                number = int(r.group(1))
            else:  # rows without a number follow the one before, empty ones included
                number += 1 + len(re.findall(re.escape(self.row_open) + rb"[\s/>]", piece[:at]))
            full, style, any_cell = self.last_cells(piece, end)
            widest = max(widest, full)
            self.rows.append((number, at, end, full, style, any_cell))
        self.widest = widest
        present = {row[0] for row in self.rows}
        missing = [r for r in self.written if r not in present]
        if missing:
            raise OutputError("write.no_row", path=self.where, sheet=self.sheet_name,
                              row=missing[0])

    def merges(self) -> list[tuple[int, int, int, int]]:
        """The merged ranges: (first row, last row, first column, last column)."""
        out = []
        for m in re.finditer(rb"""<(?:\w+:)?mergeCell\s+ref\s*=\s*["']([A-Z]+)(\d+)(?::([A-Z]+)"""
                             rb"""(\d+))?["']""", self.tail):
            c1, r1 = column_number(m.group(1)), int(m.group(2))
            c2, r2 = (column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
            out.append((r1, r2, c1, c2))
        return out

    def place(self, earlier: bool, strings) -> None:
        """Where the result columns start: over the earlier results, else right of every
        value and of every merged range crossing a row written."""
        k = len(self.columns)
        if earlier:
            self.start = self.earlier_block(strings)
            end = self.start + k - 1
            for number, _, _, full, _, _ in self.rows:
                if full > end and (number in self.records or number in self.headers):
                    raise OutputError("write.after_results", path=self.where,
                                      cell=f"{column_letter(full - 1)}{number}")
        else:
            beyond = self.widest
            for r1, r2, _, c2 in self.merges():
                i = bisect.bisect_left(self.written, r1)
                if i < len(self.written) and self.written[i] <= r2:
                    beyond = max(beyond, c2)
            self.start = beyond + 1
        if self.start + k - 1 > MAX_COLUMNS:
            raise OutputError("write.too_wide", path=self.where, sheet=self.sheet_name)

    def earlier_block(self, strings) -> int:
        """The first column of the earlier results, found by their names in the header."""
        texts: dict[int, list[str]] = {}
        shared: dict[tuple[int, int], int] = {}
        pieces = {row[0]: (i, row) for i, row in enumerate(self.rows)}
        for header in self.headers:
            i, (_, _, start, _, _, _) = pieces[header]
            piece = self.pieces[i]
            for at, end, column, _, full in self.cells(piece, start):
                if not full:
                    continue
                cell = piece[at:end]
                value = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", cell, re.S)
                if re.search(rb"""\st\s*=\s*["']s["']""", cell.split(b">", 1)[0]) and value:
                    shared[(header, column)] = int(value.group(1))
                    continue
                runs = re.findall(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", cell, re.S)
                raw = b"".join(runs) if runs else (value.group(1) if value else b"")
                texts.setdefault(column, []).append(_unescape(raw))
        known = strings(set(shared.values()))
        for (_, column), index in sorted(shared.items()):
            texts.setdefault(column, []).append(known.get(index, ""))
        named = sorted(c for c, t in texts.items() if any(x.strip() for x in t))
        block = named[-len(self.columns):]
        first = block[0] if block else 0
        if block != list(range(first, first + len(self.columns))) or any(
                [x for x in texts[c] if x.strip()] != [col.name]
                for c, col in zip(block, self.columns, strict=True)):
            raise OutputError("write.earlier_moved", path=self.where, sheet=self.sheet_name)
        return first

    # -- writing

    def chunks(self) -> Iterator[bytes]:
        """The sheet's XML, the result cells in it, a few thousand rows at a time."""
        yield self.new_head()
        yield self.open_tag
        letters = [column_letter(self.start - 1 + j) for j in range(len(self.columns))]
        end = self.start + len(self.columns) - 1
        cells = _Cells(self.columns, self.styles)
        top = min(self.headers)
        batch: list[bytes] = []
        close = b"</" + self.p + b"row>"
        for piece, (number, at, tag_end, _, style, any_cell) in zip(self.pieces, self.rows,
                                                                    strict=False):
            if number in self.records or number in self.headers:
                cut = len(piece)
                if any_cell >= self.start:  # empty formatted cells, or the earlier results
                    cut, style = self.cut(piece, tag_end)
                if number in self.records:
                    row = cells.record(self.records[number], str(number), letters, style)
                else:
                    row = cells.header(str(number), letters, style, names=number == top)
                batch += [piece[:at], _spans(piece[at:tag_end], end), piece[tag_end:cut],
                          row.encode(), close]
            else:
                batch += [piece, close]
            if len(batch) > 20000:
                yield b"".join(batch)
                batch = []
        batch.append(self.pieces[-1])
        yield b"".join(batch)
        yield b"</" + self.p + b"sheetData>"
        yield self.new_tail()

    def cut(self, piece: bytes, start: int) -> tuple[int, int]:
        """Where a row's cells from the first result column on begin, and the format of its
        last cell before them that holds something."""
        style = 0
        for at, _, column, s, full in self.cells(piece, start):
            if column >= self.start:
                return at, style
            if full:
                style = s
        return len(piece), style

    def new_head(self) -> bytes:
        """What comes before the rows: the dimension widened, the result columns' widths."""
        head = self.head
        last = column_letter(self.start + len(self.columns) - 2)

        def wider(m: re.Match) -> bytes:
            if column_number(m.group(3)) >= self.start + len(self.columns) - 1:
                return m.group(0)
            return m.group(1) + last.encode() + m.group(4)

        head = re.sub(rb"""(<(?:\w+:)?dimension\s+ref\s*=\s*["'][A-Z]+\d+(:))([A-Z]+)(\d+["'])""",
                      wider, head, count=1)
        cols = re.search(rb"<(?:\w+:)?cols\b[^>]*>(.*?)</(?:\w+:)?cols>", head, re.S)
        spans = re.findall(rb"""<(?:\w+:)?col\b[^>]*?\smin\s*=\s*["'](\d+)["'][^>]*?\smax\s*="""
                           rb"""\s*["'](\d+)["']""", cols.group(1) if cols else b"")
        spans += re.findall(rb"""<(?:\w+:)?col\b[^>]*?\smax\s*=\s*["'](\d+)["'][^>]*?\smin\s*="""
                            rb"""\s*["'](\d+)["']""", cols.group(1) if cols else b"")
        covered = [(min(int(a), int(b)), max(int(a), int(b))) for a, b in spans]
        added = b""
        for j, column in enumerate(self.columns):
            n = self.start + j
            if not any(lo <= n <= hi for lo, hi in covered):
                added += (b"<" + self.p + b'col min="%d" max="%d" width="%d" customWidth="1"/>'
                          % (n, n, width(column)))
        if not added:
            return head
        if cols is None:  # <cols> comes just before <sheetData>, where the head ends
            return head + b"<" + self.p + b"cols>" + added + b"</" + self.p + b"cols>"
        entries = re.findall(rb"<(?:\w+:)?col\b[^>]*?(?:/>|>.*?</(?:\w+:)?col>)", cols.group(1),
                             re.S) + re.findall(rb"<" + re.escape(self.p) + rb"col\b[^>]*/>",
                                                added)
        entries.sort(key=_first_column)
        return (head[:cols.start(1)] + b"".join(entries) + head[cols.end(1):])

    def new_tail(self) -> bytes:
        """What comes after the rows: the result headers merged down a header of several
        rows."""
        if len(self.headers) < 2:
            return self.tail
        first, last = min(self.headers), max(self.headers)
        present = {(r1, r2, c1, c2) for r1, r2, c1, c2 in self.merges()}
        refs = [f"{column_letter(self.start - 1 + j)}{first}:"
                f"{column_letter(self.start - 1 + j)}{last}"
                for j in range(len(self.columns))
                if (first, last, self.start + j, self.start + j) not in present]
        if not refs:
            return self.tail
        p = self.p
        added = b"".join(b"<" + p + b'mergeCell ref="' + r.encode() + b'"/>' for r in refs)
        tail = self.tail
        found = re.search(rb"<(?:\w+:)?mergeCells\b[^>]*?(/?)>", tail)
        if found is not None and not found.group(1):
            close = tail.index(b"</" + p + b"mergeCells>", found.end())
            body = tail[found.end():close] + added
            count = len(re.findall(rb"<(?:\w+:)?mergeCell\b", body))
            return (tail[:found.start()] + b"<" + p + b'mergeCells count="%d">' % count + body
                    + tail[close:])
        if found is not None:
            tail = tail[:found.start()] + tail[found.end():]
        after = re.search(rb"<(?:\w+:)?(?:phoneticPr|conditionalFormatting|dataValidations|"
                          rb"hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|"
                          rb"rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|"
                          rb"smartTags|drawing|legacyDrawing|legacyDrawingHF|picture|oleObjects|"
                          rb"controls|webPublishItems|tableParts|extLst|/(?:\w+:)?worksheet)\b",
                          tail)
        at = after.start() if after else len(tail)
        return (tail[:at] + b"<" + p + b'mergeCells count="%d">' % len(refs) + added + b"</"
                + p + b"mergeCells>" + tail[at:])


def _spans(tag: bytes, end: int) -> bytes:
    """A row's start tag with its ``spans`` (the columns it has cells in) reaching ``end``."""
    m = _SPANS.search(tag)
    if m is None or int(m.group(2)) >= end:
        return tag
    return tag[:m.start()] + b' spans="%s:%d"' % (m.group(1), end) + tag[m.end():]


def _unescape(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))


def _first_column(col: bytes) -> int:
    found = re.search(rb"""\smin\s*=\s*["'](\d+)""", col)
    return int(found.group(1)) if found else 0


class _Cells:
    """The XML of a row's result cells: each value's cell made once per column, its format
    chosen by the look of the row it goes on (:meth:`Styles.cell`)."""

    def __init__(self, columns: Sequence[Column], styles: Styles):
        self.columns, self.styles = columns, styles
        self.rows = list(zip(*(column_cells(c) for c in columns), strict=True))
        self.looks: dict[int, list[dict[tuple[str, bool], int]]] = {}

    def record(self, i: int, row: str, letters: list[str], base: int) -> str:
        if base not in self.looks:
            self.looks[base] = [{} for _ in self.columns]
        looks = self.looks[base]
        parts = []
        for letter, look, (code, quoted, body) in zip(letters, looks, self.rows[i],
                                                      strict=True):
            style = look.get((code, quoted))
            if style is None:
                style = look[code, quoted] = self.styles.cell(base, code, quoted=quoted)
            parts.append(f'<c r="{letter}{row}" s="{style}"{body}')
        return "".join(parts)

    def header(self, row: str, letters: list[str], base: int, *, names: bool) -> str:
        style = self.styles.header(base)
        if not names:
            return "".join(f'<c r="{letter}{row}" s="{style}"/>' for letter in letters)
        return "".join(f'<c r="{letter}{row}" s="{style}"{inline(c.name)}'
                       for letter, c in zip(letters, self.columns, strict=True))


def column_cells(column: Column) -> list[tuple[str, bool, str]]:
    """:func:`cell_body` of each value of a column; a number the quick way, a text once."""
    out: list[tuple[str, bool, str]] = []
    texts: dict[object, tuple[str, bool, str]] = {}
    code, _ = excel_cell(column, 0)
    limit = EXCEL_DIGITS
    plain = column.kind in ("share", "number")
    numbers: dict[tuple[int, int], tuple[str, bool, str]] = {}  # vote shares repeat
    for value in column.values:
        kind = type(value)
        if plain and (kind is int or kind is Fraction):
            key = value.numerator, value.denominator  # type: ignore[attr-defined]
            found = numbers.get(key)
            if found is None:
                n, d = key
                if not -limit * d < n < limit * d:
                    out.append(cell_body(column, value))
                    continue
                found = numbers[key] = (code, False, f"><v>{n if d == 1 else n / d!r}</v></c>")
            out.append(found)
            continue
        if kind is str or value is None:
            if value not in texts:
                texts[value] = cell_body(column, value)
            out.append(texts[value])
        else:
            out.append(cell_body(column, value))
    return out


def cell_body(column: Column, value: object) -> tuple[str, bool, str]:
    """(number format, quote prefix, the cell after its ``r`` and ``s``) of a result value."""
    code, held = excel_cell(column, value)
    if held is None:
        return code, False, "/>"
    if isinstance(held, bool):
        return code, False, f' t="b"><v>{int(held)}</v></c>'
    if isinstance(held, str):
        if len(held) > MAX_TEXT:
            raise OutputError("write.too_long", column=column.name, limit=MAX_TEXT)
        return code, formula_like(held), inline(held)
    return code, False, f"><v>{held!r}</v></c>"
