"""The cell formats results need, added to a workbook's ``styles.xml`` without touching the rest.

A result cell takes the look of the row it is written on — the font, borders and alignment of the
row's last cell of the user's — with the number format its column needs: ``0.00%`` for a share,
``0``, ``0.0`` … ``0.0000`` for a number, General for text and yes/no, and the quote prefix for a
text a spreadsheet would take for a formula. A header cell of the results takes the whole format
of the header's last cell. :class:`Styles` reads the part's ``cellXfs`` and ``numFmts`` as text
and appends what it needs, so every existing format keeps its index and its bytes.

Imports nothing of evalrules.
"""

from __future__ import annotations

import re

#: Excel's built-in number formats that results use, by code (ECMA-376 §18.8.30).
BUILT_IN = {"General": 0, "0": 1, "0.00": 2, "0.00%": 10}
#: The first id of a number format a workbook defines itself.
FIRST_CUSTOM = 164

#: styles.xml for a workbook that has none: the one format every cell without a style has.
MINIMAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
           b'<fill><patternFill patternType="gray125"/></fill></fills>'
           b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
           b'</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           b'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
           b'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
           b'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


class StylesError(ValueError):
    """The styles part is not laid out as a spreadsheet program writes it."""


def _attribute(tag: bytes, name: bytes, value: bytes | None) -> bytes:
    """An element's start tag with attribute ``name`` set to ``value`` (removed when None)."""
    tag = re.sub(rb"\s" + name + rb"""\s*=\s*(?:"[^"]*"|'[^']*')""", b"", tag)
    if value is None:
        return tag
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end] + b" " + name + b'="' + value + b'"' + tag[end:]


class Styles:
    """A workbook's ``styles.xml`` with the formats results need appended (:meth:`cell`,
    :meth:`header`); :meth:`xml` is the part to write back."""

    def __init__(self, xml: bytes):
        root = re.search(rb"<(\w+:)?styleSheet[\s>]", xml)
        if root is None:
            raise StylesError("no styleSheet")
        self.prefix = root.group(1) or b""
        p = re.escape(self.prefix)
        xfs = re.search(rb"<" + p + rb"cellXfs\b[^>]*?(?:/>|>(.*?)</" + p + rb"cellXfs>)", xml,
                        re.S)
        if xfs is None:
            raise StylesError("no cellXfs")
        self.source = xml
        self.span = xfs.span()
        self.xfs: list[bytes] = re.findall(
            rb"<" + p + rb"xf\b[^>]*?(?:/>|>.*?</" + p + rb"xf>)", xfs.group(1) or b"", re.S)
        if not self.xfs:
            raise StylesError("no cell format")
        self.added: list[bytes] = []
        self.index: dict[bytes, int] = {}
        for i, xf in enumerate(self.xfs):
            self.index.setdefault(xf, i)
        self.formats: dict[str, int] = {}
        self.new_formats: list[tuple[int, str]] = []
        found = re.search(rb"<" + p + rb"numFmts\b[^>]*?(?:/>|>(.*?)</" + p + rb"numFmts>)", xml,
                          re.S)
        self.num_fmts = found
        self.ids = [FIRST_CUSTOM - 1]
        for m in re.finditer(rb"<" + p + rb"numFmt\b([^>]*)>", found.group(1) or b""
                             if found else b""):
            ident = re.search(rb"""numFmtId\s*=\s*["'](\d+)["']""", m.group(1))
            code = re.search(rb'formatCode\s*=\s*"([^"]*)"', m.group(1))
            if ident is not None:
                self.ids.append(int(ident.group(1)))
                if code is not None:
                    self.formats.setdefault(_unescape(code.group(1)), int(ident.group(1)))
        self.cache: dict[tuple[int, str], int] = {}

    def number_format(self, code: str) -> int:
        """The id of a number format, a built-in one or one this workbook defines (added when
        it has none)."""
        if code in BUILT_IN:
            return BUILT_IN[code]
        if code not in self.formats:
            ident = max(self.ids) + 1
            self.ids.append(ident)
            self.formats[code] = ident
            self.new_formats.append((ident, code))
        return self.formats[code]

    def cell(self, base: int, code: str, *, quoted: bool = False) -> int:
        """A format like ``base``'s (the row's last cell) without its fill, with the number
        format ``code`` and, when ``quoted``, the quote prefix that keeps a text a text."""
        key = (base, code + ("'" if quoted else ""))
        if key not in self.cache:
            xf = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
            start = re.match(rb"<[^>]*>", xf)
            assert start is not None  # a findall match starts with its start tag
            tag = start.group(0)
            tag = _attribute(tag, b"numFmtId", str(self.number_format(code)).encode())
            tag = _attribute(tag, b"applyNumberFormat", b"1")
            tag = _attribute(tag, b"fillId", b"0")
            tag = _attribute(tag, b"applyFill", None)
            tag = _attribute(tag, b"quotePrefix", b"1" if quoted else None)
            self.cache[key] = self._add(tag + xf[start.end():])
        return self.cache[key]

    def header(self, base: int) -> int:
        """The format of a result's header cell: the header's last cell's, as it is."""
        return base if 0 <= base < len(self.xfs) else 0

    def _add(self, xf: bytes) -> int:
        """The index of a format, appended unless the workbook has it (an earlier run's)."""
        if xf in self.index:
            return self.index[xf]
        self.added.append(xf)
        self.index[xf] = len(self.xfs) + len(self.added) - 1
        return self.index[xf]

    def xml(self) -> bytes:
        """The part with the formats added (the same bytes when none were)."""
        if not self.added and not self.new_formats:
            return self.source
        p = self.prefix
        count = str(len(self.xfs) + len(self.added)).encode()
        edits = [(self.span, b"<" + p + b'cellXfs count="' + count + b'">'
                  + b"".join(self.xfs + self.added) + b"</" + p + b"cellXfs>")]
        if self.new_formats:
            added = [b"<" + p + b'numFmt numFmtId="' + str(i).encode() + b'" formatCode="'
                     + _escape(code) + b'"/>' for i, code in self.new_formats]
            if self.num_fmts is not None:
                added = re.findall(rb"<" + re.escape(p) + rb"numFmt\b[^>]*>",
                                   self.num_fmts.group(1) or b"") + added
                where = self.num_fmts.span()
            else:  # the first element of a styleSheet
                root = re.search(rb"<" + re.escape(p) + rb"styleSheet\b[^>]*>", self.source)
                assert root is not None  # found in __init__
                where = (root.end(), root.end())
            edits.append((where, b"<" + p + b'numFmts count="' + str(len(added)).encode()
                          + b'">' + b"".join(added) + b"</" + p + b"numFmts>"))
        out = self.source
        for (start, end), text in sorted(edits, reverse=True):
            out = out[:start] + text + out[end:]
        return out


def _escape(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .encode("utf-8"))


def _unescape(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))
