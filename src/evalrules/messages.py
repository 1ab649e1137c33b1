"""Every sentence the command line says to a person, in Chinese and in English, side by side.

A message is a key (``"run.summary"``) and a pair of templates (Chinese, English) with the same
``{placeholders}``; :func:`say` fills one in. Code that talks to a person names the key and hands
over the values, never the sentence, so that a run speaks one language from the first line to the
last and a translation can be read, and checked, in one place (tests/test_messages.py holds every
pair to the same placeholders).

A value may itself need saying in the sentence's language — a rule's name (``input 得分`` is
``输入项「得分」``), a list of labels (``好, 一般`` is ``好、一般``), an error inside another —
and is then a :class:`Said` (a :class:`Phrase`: a key and its values; :class:`Joined`: items and
the key of their separator) or a tuple (a list, its items said and joined in the language's way),
which :func:`say` says in the language of the sentence it fills.

The language is Chinese unless asked otherwise: ``--lang en``, or the ``EVALRULES_LANG``,
``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` environment variable (the first one set) starting with
``en`` (:func:`language`). The library's own exceptions (``InputError``, ``DataError``) keep their
English text for programs; the command line says them with :func:`say` from their data.

The pairs are kept by section in :mod:`catalogue` (reading, writing, explaining, reporting,
comparing, records, proving, verifying, serving, editing) and :mod:`helptext` (``--help``); this
module joins them. Imports only those.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping

from attrs import field, frozen

from .catalogue import (
    comparing,
    editing,
    explaining,
    proving,
    reading,
    records,
    reporting,
    serving,
    studio,
    verifying,
    writing,
)
from .helptext import HELP

#: The languages a message is written in.
LANGUAGES = ("zh", "en")

#: key → (Chinese, English). Grouped by where they are said; keep each group's keys together.
MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ any command
    "list.items": ("、", ", "),
    "list.phrases": ("；", "; "),
    "run.ruleset_errors": ("{path}：规则集有错误；evalrules check {path} 会列出它们",
                           "{path}: the ruleset has errors; `evalrules check {path}` lists them"),
    # ------------------------------------------------------------ a run's summary (eval)
    "summary.head": ("{title}：共 {total} 条记录，{graded} 条已评定，{failed} 条无法评定",
                     "{title}: {total} records, {graded} graded, {failed} with errors"),
    "summary.grade": ("等次", "grade"),
    "summary.count": ("人数", "count"),
    "summary.share": ("占已评定的比例", "share of graded"),
    "summary.vetoes": ("一票否决", "vetoes"),
    "summary.outcomes": ("结果运用", "outcomes"),
    "summary.unused": ("规则集不用的列（原样保留）：{columns}",
                       "columns the ruleset does not use (kept as they are): {columns}"),
    "summary.missing": ("数据文件没有这些列：{columns}",
                        "the data file has no column for: {columns}"),
    "summary.did_you_mean": ("  {name}：是不是“{column}”？", "  {name}: did you mean '{column}'?"),
    "summary.errors": ("无法评定的行（{count} 条；行号是文件中的行号，与 Excel 相同）：",
                       "rows with errors ({count}; row numbers as in the file, as Excel shows "
                       "them):"),
    "summary.error_row": ("  第 {row} 行：{error}", "  row {row}: {error}"),
    "summary.more": ("  ……还有 {count} 条（用 -o 写出后见 error 列）",
                     "  … and {count} more (see the error column with -o)"),
    "summary.list": ("、", ", "),
    "summary.speed": ("（{seconds} 秒，每秒 {rate} 条）", "({seconds} s, {rate} records/s)"),
    "summary.stream_errors": ("无法评定的行（{count} 条；按数据行从 1 数起，不含表头）：",
                              "rows with errors ({count}; data rows counted from 1):"),
    "summary.group_warnings": ("有记录出错的组（{count} 个；出错的记录仍计入组的人数）：",
                               "groups with records in error ({count}; those records still "
                               "count in their group's size):"),
    "summary.group_warning": ("  {warning}", "  {warning}"),
    # ------------------------------------------------------------ optional packages
    "needs.testing": ("evalrules test 需要 testing 扩展（{error}），安装：{command}",
                      "evalrules test needs the testing extra ({error}): {command}"),
    "needs.batch": ("Parquet 和流式处理需要 pyarrow（{error}），安装：{command}",
                    "Parquet and streaming need pyarrow ({error}): {command}"),
}
for _part in (reading, writing, explaining, reporting, comparing, records, proving, verifying,
              serving, editing, studio):
    MESSAGES.update(_part.MESSAGES)
MESSAGES.update(HELP)


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``explicit`` (``--lang``) when given, English when the first set
    of ``EVALRULES_LANG``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starts with ``en``, else
    Chinese."""
    if explicit is not None:
        if explicit not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {explicit!r}")
        return explicit
    environ = os.environ if environ is None else environ
    for name in ("EVALRULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def say(key: str, lang: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled in; a :class:`Said` value is
    said in ``lang`` too."""
    zh, en = MESSAGES[key]
    for name, value in values.items():
        if isinstance(value, (Said, tuple)):
            values[name] = _said(value, lang)
    return (zh if lang == "zh" else en).format(**values)


def _said(value: object, lang: str) -> object:
    """A value as said in ``lang``: a :class:`Said` in words; a tuple as a list, its items joined
    by 、 (English: a comma), or by ； (a semicolon) when they are phrases themselves."""
    if isinstance(value, Said):
        return value.text(lang)
    if isinstance(value, tuple):
        phrases = any(isinstance(v, Said) for v in value)
        separator = say("list.phrases" if phrases else "list.items", lang)
        return separator.join(str(_said(v, lang)) for v in value)
    return value


class Said:
    """A value said in the language of the sentence it fills (see the module doc); ``str()``
    is its English."""

    __slots__ = ()

    def text(self, lang: str) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text("en")


@frozen
class Phrase(Said):
    """A message as a value: its key and the values it names."""

    key: str
    values: Mapping[str, object] = field(factory=dict)

    def text(self, lang: str) -> str:
        return say(self.key, lang, **self.values)


@frozen
class Joined(Said):
    """Items joined by the separator message ``separator`` (``record.list.comma``: ``好, 一般`` /
    ``好、一般``)."""

    items: tuple[str, ...]
    separator: str = "record.list.comma"

    def text(self, lang: str) -> str:
        return say(self.separator, lang).join(self.items)


def placeholders(template: str) -> set[str]:
    """The names a template fills in (``{total}`` → ``total``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name}
