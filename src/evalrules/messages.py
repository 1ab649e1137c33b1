"""Every sentence the command line says to a person, in Chinese and in English, side by side.

A message is a key (``"run.summary"``) and a pair of templates (Chinese, English) with the same
``{placeholders}``; :func:`say` fills one in. Code that talks to a person names the key and hands
over the values, never the sentence, so that a run speaks one language from the first line to the
last and a translation can be read, and checked, in one place (tests/test_messages.py holds every
pair to the same placeholders).

A value may itself need saying in the sentence's language — a rule's name (``input 得分`` is
``输入项「得分」``), a list of labels (``好, 一般`` is ``好、一般``), an error inside another —
and is then a :class:`Said` (a :class:`Phrase`: a key and its values; :class:`Joined`: items and
the key of their separator), which :func:`say` says in the language of the sentence it fills.

The language is Chinese unless asked otherwise: ``--lang en``, or the ``EVALRULES_LANG``,
``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` environment variable (the first one set) starting with
``en`` (:func:`language`). The library's own exceptions (``InputError``, ``DataError``) keep their
English text for programs; the command line says them with :func:`say` from their data.

The ``--help`` texts are pairs of this catalogue too, kept in :mod:`helptext`. Imports only that.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping

from attrs import field, frozen

from .helptext import HELP

#: The languages a message is written in.
LANGUAGES = ("zh", "en")

#: key → (Chinese, English). Grouped by where they are said; keep each group's keys together.
MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ reading a data file
    "read.no_file": ("找不到数据文件：{path}", "no such data file: {path}"),
    # ------------------------------------------------------------ writing results
    # ------------------------------------------------------------ a run's summary
    # ------------------------------------------------------------ explanations
    # ------------------------------------------------------------ the report
    # ------------------------------------------------------------ diff
    "diff.input.only": ("{name}：只有 {this} 读它（{kind}）；不交给 {other}",
                        "{name}: only {this} reads it ({kind}); {other} is not given it"),
    "diff.input.only_required": (
        "{name}：只有 {this} 读它（{kind}）；不交给 {other}；缺少它的记录 {this} 一律无法评定",
        "{name}: only {this} reads it ({kind}); {other} is not given it; {this} refuses every "
        "record without it"),
    "diff.input.changed": ("{name}：{old} → {new}", "{name}: {old} → {new}"),
    "diff.input.unread": ("{names}：两个规则集都不读（不比较）",
                          "{names}: neither ruleset reads it (not compared)"),
    "diff.input.required": ("必填", "required"),
    "diff.input.default": ("默认 {value}", "default {value}"),
    "diff.input": ("  输入 {note}", "  input {note}"),
    "diff.on_data": ("{old} → {new}：共 {total} 条记录，{differ} 条不同",
                     "{old} → {new}: on {total} records: {differ} differ"),
    "diff.on_data_same": ("{old} → {new}：共 {total} 条记录，没有不同",
                          "{old} → {new}: no difference on {total} records"),
    "diff.searched": (
        "{old} → {new}：在生成的记录上（每种变化一个例子；是搜索，不是证明：见 docs/testing.md）",
        "{old} → {new}: on generated records (one example per kind of change; a search, not a "
        "proof: see docs/testing.md)"),
    "diff.searched_same": (
        "{old} → {new}：在生成的记录上没有找到不同（是搜索，不是证明：见 docs/testing.md）",
        "{old} → {new}: no difference on generated records (a search, not a proof: see "
        "docs/testing.md)"),
    "diff.transition": ("  {change}：{count}", "  {change}: {count}"),
    "diff.change": ("{name} {old} → {new}", "{name} {old} → {new}"),
    "diff.refused_by_new": ("{old} 评定、{new} 无法评定（{rule}）",
                            "accepted by {old}, refused by {new} ({rule})"),
    "diff.refused_by_old": ("{new} 评定、{old} 无法评定（{rule}）",
                            "accepted by {new}, refused by {old} ({rule})"),
    "diff.both_refuse": (
        "另有 {count} 条记录两个规则集都无法评定，未比较（`evalrules eval` 说明原因）",
        "{count} more records are refused by both rulesets and not compared (`evalrules eval` "
        "says why)"),
    "diff.excluded": ("{count} 条不同的记录符合 --where，未列出",
                      "{count} records that differ match --where and are not listed"),
    "diff.list_head": ("不同的记录（{id}，文件中的行号）：",
                       "records that differ ({id}, row in the file):"),
    "diff.list_head_rows": ("不同的记录（文件中的行号）：",
                            "records that differ (row in the file):"),
    "diff.id_from": ("编号取自“{column}”列", "id from column {column}"),
    "diff.row": ("第 {row} 行", "row {row}"),
    "diff.joiner": ("；", "; "),
    "diff.list": ("、", ", "),
    "diff.more": ("  …… 还有 {count} 条：用 -o changes.xlsx 写出全部",
                  "  … and {count} more: -o changes.xlsx writes them all"),
    "diff.more_written": ("  …… 还有 {count} 条，全部见 {path}",
                          "  … and {count} more, all of them in {path}"),
    "diff.written": ("已写出：{path}（{count} 条记录，{rows} 行）",
                     "written: {path} ({count} records, {rows} rows)"),
    "diff.yes": ("是", "true"),
    "diff.no": ("否", "false"),
    "diff.none": ("（无）", "(none)"),
    "diff.error": ("错误", "error"),
    "diff.column.row": ("行号", "row"),
    "diff.column.field": ("字段", "field"),
    "diff.column.old": ("旧值", "old"),
    "diff.column.new": ("新值", "new"),
    "diff.column_taken": (
        "{path} 有一列名为“{column}”，与变化表的列同名：把那一列改名后再写出",
        "{path} has a column named {column}, as a column of the changes written: rename it "
        "and write again"),
    "diff.no_id_column": ("{path} 没有“{column}”列（--id-column）；它的列：{columns}",
                          "{path} has no column {column} (--id-column); its columns: {columns}"),
    "diff.no_records": ("{path} 没有一条记录", "{path} holds no records"),
    "diff.none_compared": (
        "{path} 的 {total} 条记录两个规则集都无法评定，没有可比较的：{reason}",
        "{path}: both rulesets refuse all {total} records, so nothing can be compared: {reason}"),
    "diff.missing": ("{ruleset} 需要的列文件中没有：{columns}",
                     "{ruleset} needs columns the file lacks: {columns}"),
    "diff.first_error": ("例如第 {row} 行：{error}", "e.g. row {row}: {error}"),
    "diff.examples": ("例子：", "examples:"),
    "diff.example": ("  {change}：{record}", "  {change}: {record}"),
    "diff.refuses": ("    [{ruleset}] 无法评定：{error}", "    [{ruleset}] refuses it: {error}"),
    "diff.explained": ("    [{ruleset}]", "    [{ruleset}]"),
    "diff.bad_where": ("--where {where!r} 不是 {path} 的条件",
                       "--where {where!r} is not a condition of {path}"),
    "diff.needs_testing": (
        "不给 --data 时，evalrules diff 用 Hypothesis 搜索不同（{error}）：{command}；或者用 "
        "--data 在数据上比较",
        "without --data, evalrules diff searches with Hypothesis ({error}): {command}; or "
        "compare on data with --data"),
    # ------------------------------------------------------------ optional packages
    "needs.testing": ("evalrules test 需要 testing 扩展（{error}），安装：{command}",
                      "evalrules test needs the testing extra ({error}): {command}"),
    "needs.batch": ("Parquet 和流式处理需要 pyarrow（{error}），安装：{command}",
                    "Parquet and streaming need pyarrow ({error}): {command}"),
    # ------------------------------------------------------------ record errors (InputError)
    # Each is an InputError's text: the English is str(error), what programs and tests compare.
    # {rule} is a diagnostics.RuleName: ``input 得分`` / ``输入项「得分」``; before 「{name}」 only
    # what the name does not say (``输入项``, ``测评「测评」的``). {value}: the value as Python
    # shows it ('yes').
    "record.not_a_record": ("一条记录应为字段名到值的映射，实为 {type}",
                            "a record must be a mapping of field names to values, not {type}"),
    "record.field_name": ("字段名应为文字，实为 {value}",
                          "field names must be strings, not {value}"),
    "record.unknown_field": ("考核规则中没有字段 {field}{hint}", "unknown field {field}{hint}"),
    "record.missing": ("{rule}「{name}」未填写，此项必填",
                       "{rule}: missing required field '{name}'"),
    "record.ballot_twice": ("{rule}「{name}」既有「{name}」列又有「{name}.…」列，只能填其中一种",
                            "{rule}: given both as '{name}' and as '{name}.…' columns"),
    "record.ballot_type": ("{rule}「{name}」应为各档次的票数（每档一列，列名如"
                           "「{name}.档次」），实为 {type}",
                           "{rule}: '{name}' must map each category to a vote count, not {type}"),
    "record.unknown_category": ("{rule}「{name}」没有档次 {value}{hint}",
                                "{rule}: '{name}' has no category {value}{hint}"),
    "record.no_count": ("{rule}「{name}」缺少「{category}」的票数（无人投此票请填 0）",
                        "{rule}: '{name}' has no vote count for '{category}'"),
    "record.vote_count": ("{rule}「{ballot}」的票数应为不小于 0 的整数，「{column}」实为 {value}",
                          "{rule}: vote counts of '{ballot}' must be whole numbers >= 0, and "
                          "'{column}' is {value}"),
    "record.not_a_number": ("{rule}「{name}」应为数字，实为 {value}",
                            "{rule}: '{name}' must be a number, not {value}"),
    "record.number_type": ("{rule}「{name}」应为数字，实为 {type} 类型的值",
                           "{rule}: '{name}' must be a number, not {type}"),
    "record.not_finite": ("{rule}「{name}」应为有限的数，实为 {value}",
                          "{rule}: '{name}' must be a finite number, not {value}"),
    "record.divides_by_zero": ("{rule}「{name}」的分母为零：{value}",
                               "{rule}: '{name}' divides by zero: {value}"),
    "record.too_big": ("{rule}「{name}」位数过多，不可能是实际的数值",
                       "{rule}: '{name}' has too many digits to be a real value"),
    "record.too_big_shown": ("{rule}「{name}」位数过多，不可能是实际的数值（{value}）",
                             "{rule}: '{name}' has too many digits to be a real value ({value})"),
    "record.not_yes_no": ("{rule}「{name}」应为 是/否，实为 {value}；可填 {accepted}",
                          "{rule}: '{name}' must be true or false, not {value} "
                          "(accepted: {accepted})"),
    "record.not_a_label": ("{rule}「{name}」应为 {labels} 之一，实为 {value}{hint}",
                           "{rule}: '{name}' must be one of {labels}, not {value}{hint}"),
    "record.not_a_history": ("{rule}「{name}」应为历年等次的列表（从早到晚），实为 {type}",
                             "{rule}: '{name}' must be a list of grades, oldest first, not {type}"),
    "record.not_text": ("{rule}「{name}」应为文字，实为 {type}",
                        "{rule}: '{name}' must be text, not {type}"),
    "record.not_whole": ("{rule}「{name}」应为整数，实为 {value}",
                         "{rule}: '{name}' must be a whole number, not {value}"),
    "record.out_of_range": ("{rule}「{name}」为 {number}，超出了范围 {bounds}",
                            "{rule}: '{name}' = {number} is outside {bounds}"),
    "record.constant_too_big": ("{rule}：数值的位数过多（超过 {bits} 个二进制位），"
                                "不可能是实际的数值",
                                "{rule}: the value has too many digits to be a real value (more "
                                "than {bits} bits)"),
    "record.division": ("{rule}：`{expression}` 的除数为零",
                        "{rule}: division by zero in `{expression}`"),
    "record.no_votes": ("{rule}：测评「{ballot}」没有任何票，`{expression}` 无法计算",
                        "{rule}: ballot '{ballot}' has no votes, so `{expression}` is undefined"),
    "record.empty_history": ("{rule}：「{name}」为空，`{expression}` 无法计算",
                             "{rule}: '{name}' is empty, so `{expression}` is undefined"),
    "record.require": ("{rule}未满足：{message}", "{rule}: failed: {message}"),
    "record.condition_fails": ("条件不成立", "the condition does not hold"),
    "record.unique": ("{rule}：{listed} 的规则同时成立，而该表为 (unique)，只能有一条成立",
                      "{rule}: the rules for {listed} both match, and the table is (unique)"),
    "record.limit": ("{rule}：本记录所在的组未满足：{message}",
                     "{rule}: failed for this record's group: {message}"),
    "record.in_group": ("{error}（本记录所在的组）", "{error} (in this record's group)"),
    "record.did_you_mean": ("；是否应为「{name}」？", "; did you mean '{name}'?"),
    "record.integer_digits": ("{digits} 位的整数", "an integer of {digits} digits"),
    "record.list.comma": ("、", ", "),
    "record.list.and": ("、", " and "),
    # A rule's name: its kind as the language says it, then what it names (a name, a condition).
    "record.rule.named": ("{kind}「{name}」", "{kind} {name}"),
    "record.rule.of": ("{kind}「{name}」的", "{kind} {name}"),
    "record.kind.input": ("输入项", "input"),
    "record.kind.ballot": ("测评", "ballot"),
    "record.kind.param": ("参数", "param"),
    "record.kind.let": ("计算项", "let"),
    "record.kind.score": ("得分项", "score"),
    "record.kind.sheet": ("评分表", "sheet"),
    "record.kind.grade": ("等次表", "grade"),
    "record.kind.veto": ("否决项", "veto"),
    "record.kind.outcome": ("结果项", "outcome"),
    "record.kind.rank": ("排名", "rank"),
    "record.kind.require": ("前提条件", "require"),
    "record.kind.limit": ("限制条件", "limit"),
    "record.kind.check": ("检查", "check"),
}
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
        if isinstance(value, Said):
            values[name] = value.text(lang)
    return (zh if lang == "zh" else en).format(**values)


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
