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
    "read.cannot_open": ("无法打开数据文件 {path}：{reason}", "cannot read {path}: {reason}"),
    "read.note": ("提示：{text}", "note: {text}"),
    # what a reader did to find the records (Sheet.notes)
    "read.sheet_chosen": ("读取的是工作表「{sheet}」：它有规则集的列，第一个工作表「{first}」没有",
                          "read the sheet {sheet}: it holds the ruleset's columns and the first "
                          "sheet, {first}, does not"),
    "read.sheet_table": ("读取的是工作表「{sheet}」：第一个工作表「{first}」不是表格",
                         "read the sheet {sheet}: the first sheet, {first}, holds no table"),
    "read.titles_skipped": ("表头上方的第 {rows} 行不是记录，已跳过：{texts}",
                            "row {rows} above the header, not records, skipped: {texts}"),
    "read.two_row_header": ("第 {rows} 行是两行表头：合并的上层单元格与下面的列名连成列名，如 "
                            "{example}",
                            "rows {rows} are a two-row header: a merged upper cell joins the "
                            "names below it, as in {example}"),
    "read.merged_filled": ("合并单元格 {ranges} 的值填入了它覆盖的每一格（共 {count} 处）",
                           "merged cells {ranges}: the value fills every cell they cover "
                           "({count} in all)"),
    "read.totals_skipped": ("第 {rows} 行是{words}行，不是记录，已跳过",
                            "row {rows}, a {words} row, is not a record: skipped"),
    "read.encoding_used": ("{name} 不是 UTF-8 编码，按 {encoding} 读取",
                           "{name} is not UTF-8: read as {encoding}"),
    "read.default_column": ("没有“{column}”列：每条记录都按它的默认值 {default} 评定",
                            "no column {column}: every record takes its default, {default}"),
    # where the records were looked for (in the messages below)
    "read.candidate": ("工作表「{sheet}」第 {rows} 行：{columns}（其下 {below} 行）",
                       "sheet {sheet}, row {rows}: {columns} ({below} rows below)"),
    "read.candidate_csv": ("第 {rows} 行：{columns}（其下 {below} 行）",
                           "row {rows}: {columns} ({below} rows below)"),
    "read.blank_sheet": ("工作表「{sheet}」是空的", "sheet {sheet} is blank"),
    "read.at_line": ("{name} 第 {line} 行", "{name}, line {line}"),
    # a run that would grade no record
    "read.no_records": ("{name} 里没有可评定的记录：读到的表头是{looked}。请确认表头写着规则集的"
                        "列名（如 {expected}），数据在表头下面；工作簿可用 --sheet 指定工作表",
                        "{name} holds no record to grade: the header read was {looked}. Check "
                        "that the header names the ruleset's columns (such as {expected}) with "
                        "the data below it; in a workbook, pick the sheet with --sheet"),
    "read.missing_columns": ("{name} 缺少规则集需要的列 {missing}，所以没有一条记录能评定"
                             "{hints}。读到的表头是{looked}。请把列名改成规则集里的名字，或用 "
                             "--sheet 指定工作表",
                             "{name} lacks the columns {missing} the ruleset needs, so no record "
                             "can be graded{hints}. The header read was {looked}. Name the "
                             "columns as the ruleset does, or pick the sheet with --sheet"),
    "read.stream_no_records": ("{name} 里没有可评定的记录（表头下面没有数据行），"
                               "没有写出结果文件：请确认第一行是表头、下面每行一条记录",
                               "{name} holds no record to grade (no data row under its header), so "
                               "no results were written: check that the first line is the header "
                               "and each line below it a record"),
    "read.stream_options": ("流式读取（--stream、Parquet 或超过 256 MiB 的 CSV）只读 UTF-8 的 "
                            "CSV 和 Parquet，不接受 {option}：请先把文件另存为 CSV UTF-8",
                            "a streamed run (--stream, Parquet, or a CSV over 256 MiB) reads UTF-8 "
                            "CSV and Parquet only, without {option}: save the file as CSV UTF-8 "
                            "first"),
    "read.did_you_mean": ("（{name}：是不是“{column}”？）", " ({name}: did you mean {column}?)"),
    # a file that cannot be read (ReadError)
    "read.unknown_suffix": ("无法读取 {name}：数据文件须是 .csv、.xlsx、.xls、.json 或 .jsonl",
                            "cannot read {name}: use .csv, .xlsx, .xls, .json or .jsonl"),
    "read.empty": ("{name} 是空的：第一行（表头）写列名，下面每行一条记录",
                   "{name} is empty: its first row names the columns, each row below is a record"),
    "read.not_text": ("{name} 既不是 UTF-8 也不是 GBK/GB18030 编码的文本（第 {line} 行有两者都读"
                      "不了的字节）：在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或用 "
                      "--encoding 指明编码",
                      "{name} is neither UTF-8 nor GBK/GB18030 text (line {line} has bytes "
                      "neither reads): save it as “CSV UTF-8” (Excel: Save As → CSV UTF-8), or "
                      "name its encoding with --encoding"),
    "read.bad_encoding": ("{name} 不是 {encoding} 编码的文本（第 {line} 行）：去掉 --encoding 让 "
                          "evalrules 自己判断，或换一个编码",
                          "{name} is not {encoding} text (line {line}): leave out --encoding to "
                          "let evalrules tell, or name another encoding"),
    "read.unknown_encoding": ("不认识的编码 {encoding}：可用 utf-8、gbk、gb18030 等",
                              "unknown encoding {encoding}: use utf-8, gbk, gb18030, …"),
    "read.nul": ("{name} 含有空字符（NUL），不是 CSV 文本（也许是 UTF-16 的“Unicode 文本”）：在 "
                 "Excel 中另存为“CSV UTF-8”",
                 "{name} holds NUL characters, so it is not CSV text (perhaps “Unicode text”, "
                 "UTF-16): save it as “CSV UTF-8”"),
    "read.utf16": ("{name} 是 UTF-16 编码的“Unicode 文本”，不是 CSV：在 Excel 中另存为“CSV UTF-8"
                   "（逗号分隔）”，或用 --encoding utf-16 读取",
                   "{name} is UTF-16 “Unicode text”, not CSV: save it as “CSV UTF-8” (Excel: Save "
                   "As → CSV UTF-8), or read it with --encoding utf-16"),
    "read.encoding_csv_only": ("--encoding 只用于 CSV 文件，{name} 不是",
                               "--encoding applies to CSV files, and {name} is not one"),
    "read.sheet_workbook_only": ("--sheet 只用于 Excel 工作簿（.xlsx、.xls），{name} 不是",
                                 "--sheet applies to Excel workbooks (.xlsx, .xls), and {name} "
                                 "is not one"),
    "read.no_such_sheet": ("{name} 没有工作表 {sheet}：它的工作表是 {sheets}（--sheet 写名字，或"
                           "从 1 起的序号）",
                           "{name} has no sheet {sheet}: its sheets are {sheets} (--sheet takes "
                           "a name, or a number from 1)"),
    "read.csv_malformed": ("无法按 CSV 读取 {name} 第 {line} 行：{reason}",
                           "cannot read {name} as CSV, line {line}: {reason}"),
    "read.csv_cell_too_long": ("无法按 CSV 读取 {name} 第 {line} 行：有一格超过 {limit} 个字符",
                               "cannot read {name} as CSV, line {line}: a cell is longer than "
                               "{limit} characters"),
    "read.beyond_header": ("{where}：{column} 列有值 {value}，但表头没有给这一列起名：在表头写上"
                           "列名，或删掉这个值",
                           "{where}: column {column} holds {value} but has no name in the "
                           "header: name the column, or delete the value"),
    "read.twice": ("{name}：表头里两列都叫“{column}”（第 {first} 列和第 {second} 列，即 "
                   "{first_letter} 列和 {second_letter} 列）：每条记录每列一个值，请改名或删掉其"
                   "中一列",
                   "{name}: the column '{column}' is in the header twice, columns {first} and "
                   "{second} ({first_letter} and {second_letter}): a record has one value per "
                   "column, so rename one of them (or delete it)"),
    "read.not_utf8": ("{name} 不是 UTF-8 编码的文本（{reason}）：JSON 文件须用 UTF-8 保存",
                      "{name} is not UTF-8 text ({reason}): save it as UTF-8"),
    "read.json_empty": ("{name} 是空的：JSON 数据文件是记录的列表",
                        "{name} is empty: a JSON data file is a list of records"),
    "read.jsonl_empty": ("{name} 是空的：JSON Lines 文件每行一条记录",
                         "{name} is empty: a JSON Lines file holds one record per line"),
    "read.json_invalid": ("{where}：不是合法的 JSON：{reason}",
                          "{where}: not valid JSON: {reason}"),
    "read.json_too_deep": ("{where}：嵌套太深：数组和对象相互嵌套超过 {limit} 层（一条记录只需 3 "
                           "层）",
                           "{where}: nested too deep: arrays and objects more than {limit} "
                           "levels inside each other (a record needs 3)"),
    "read.json_twice": ("{where}：一个对象两次给出“{key}”：每条记录每个字段一个值，请删掉或改名其"
                        "中一个",
                        "{where}: an object gives '{key}' twice: a record has one value per "
                        "field, so delete or rename one"),
    "read.json_not_list": ("{name}：JSON 数据文件应是记录的列表",
                           "{name}: a JSON data file is a list of records"),
    "read.json_cases": ("{name}：用例文件的每个用例都要有 \"input\"",
                        "{name}: each case of a cases file has an \"input\""),
    "read.json_record": ("{name}：第 {number} 条记录不是“字段 → 值”的对象",
                         "{name}: record {number} is not an object of field → value"),
    "read.workbook": ("无法把 {name} 当作 Excel 工作簿读取：{reason}。在 Excel 或 WPS 中打开，另"
                      "存为 .xlsx 或 CSV UTF-8",
                      "cannot read {name} as an Excel workbook: {reason}. Open it in Excel or "
                      "WPS and save it as .xlsx or CSV UTF-8"),
    "read.not_workbook": ("{name} 不是 Excel 工作簿（.xlsx 是 zip 压缩包，这个文件不是）：在 "
                          "Excel 或 WPS 中打开，另存为 .xlsx 或 CSV UTF-8",
                          "cannot read {name} as an Excel workbook: it is not one inside (an "
                          ".xlsx is a zip archive). Open it in Excel or WPS and save it as .xlsx "
                          "or CSV UTF-8"),
    "read.formula": ("{name} 的单元格 {cell} 是公式，却没有算好的值（由程序生成的文件；Excel 和 "
                     "WPS 保存时会存下每个公式的值）：在 Excel 或 WPS 中打开并保存",
                     "{name}, cell {cell}: a formula whose value was never computed (a program "
                     "wrote the file; Excel and WPS save each formula's value): open it in Excel "
                     "or WPS and save it"),
    "read.zip_bomb": ("无法读取 {name}：其中的 {part} 解压后膨胀 {ratio} 倍，达 {mib} MiB（Excel "
                      "保存的工作簿只膨胀 5 到 20 倍）：在 Excel 中打开并重新保存",
                      "cannot read {name}: its part {part} expands {ratio} times, to {mib} MiB "
                      "(a workbook saved by Excel expands 5 to 20 times): open it in Excel and "
                      "save it again"),
    # ------------------------------------------------------------ writing results
    # ------------------------------------------------------------ a run's summary
    # ------------------------------------------------------------ explanations
    # A grade, its rules and what follows (explain.py puts the lines together).
    "explain.title": ("{name}：{title}", "{name}: {title}"),
    "explain.grade": ("{grade}：{value}", "{grade}: {value}"),
    "explain.policy.first": ("按顺序取第一条成立的规则：",
                             "the first rule that matches, in written order:"),
    "explain.policy.worst": ("取成立规则中最低的档次：",
                             "the lowest grade of the rules that match:"),
    "explain.policy.best": ("取成立规则中最高的档次：",
                            "the highest grade of the rules that match:"),
    "explain.policy.unique": ("至多一条规则成立：", "at most one rule may match:"),
    "explain.rule": ("{mark} {label}：{what}", "{mark} {label}: {what}"),
    "explain.cited": ("{line}〔{note}〕", "{line} — {note}"),
    "explain.decided": ("由“{label}”规则评定为{value}。",
                        "decided by the rule for {label}: {value}."),
    "explain.otherwise": ("以上规则均不成立，按其余情况评为{value}。",
                          "no rule matches, so otherwise: {value}."),
    "explain.veto": ("一票否决“{veto}”：因{because}，{grade}{action}（{before} → {after}）。",
                     "veto {veto}: because {because}, {grade} is {action} ({before} → {after})."),
    "explain.action.lower_one": ("降低一个档次", "lowered one grade"),
    "explain.action.lower": ("降低 {n} 个档次", "lowered {n} grades"),
    "explain.action.raise_one": ("提高一个档次", "raised one grade"),
    "explain.action.raise": ("提高 {n} 个档次", "raised {n} grades"),
    "explain.action.at_most": ("至多为{label}", "capped at {label}"),
    "explain.action.at_least": ("至少为{label}", "raised to at least {label}"),
    "explain.action.set": ("定为{label}", "set to {label}"),
    "explain.quota": ("名额限制：同一{group}中{grade}为{keep}的至多 {share}，超出的按{keys}由低到高"
                      "降档；本记录在其中，{grade}降低一个档次（{before} → {after}）。",
                      "quota: at most {share} of each {group} keep {keep} for {grade}, the lowest "
                      "by {keys} moving down; this record is among them, so {grade} is lowered "
                      "one grade ({before} → {after})."),
    "explain.outcomes": ("适用结果：{names}", "outcomes: {names}"),
    "explain.no_outcomes": ("适用结果：无", "outcomes: none"),
    # A condition: how many hold, whether it holds, the values it read.
    "explain.quantifier.all": ("全部满足", "all of"),
    "explain.quantifier.any": ("任一满足", "any of"),
    "explain.quantifier.most": ("多数满足", "most of"),
    "explain.quantifier.at least": ("至少满足 {n} 项", "at least {n} of"),
    "explain.counted": ("（{total} 项中 {hits} 项成立）", " ({hits} of {total} hold)"),
    "explain.counted_unknown": ("（{total} 项中 {hits} 项成立，{unknown} 项未判定）",
                                " ({hits} of {total} hold, {unknown} not evaluated)"),
    "explain.holds": ("成立", "holds"),
    "explain.fails": ("不成立", "does not hold"),
    "explain.unknown": ("未判定", "not evaluated"),
    "explain.condition": ("{condition} → {status}", "{condition} → {status}"),
    "explain.condition_values": ("{condition}【{values}】→ {status}",
                                 "{condition} [{values}] → {status}"),
    "explain.value": ("{name} = {value}", "{name} = {value}"),
    "explain.rounded": ("{shown}（{exact}）", "{shown} ({exact})"),
    "explain.yes": ("是", "yes"),
    "explain.no": ("否", "no"),
    "explain.sep": ("，", ", "),
    "explain.list": ("、", ", "),
    "explain.ballot_sep": ("、", " / "),  # a ballot's counts among the values: 好 7、中 2
    # A condition in words (the ruleset's `is`, `and`, `share(…)`… as a reader says them).
    "explain.is": ("{x}为{label}", "{x} is {label}"),
    "explain.is_not": ("{x}不为{label}", "{x} is not {label}"),
    "explain.in": ("{x}为{labels}之一", "{x} is one of {labels}"),
    "explain.not_in": ("{x}不为{labels}中任一项", "{x} is none of {labels}"),
    "explain.and": ("{a}，且{b}", "{a} and {b}"),
    "explain.or": ("{a}，或{b}", "{a} or {b}"),
    "explain.not": ("并非{x}", "not {x}"),
    "explain.grade.>=": ("{a}不低于{b}", "{a} is at least {b}"),
    "explain.grade.<=": ("{a}不高于{b}", "{a} is at most {b}"),
    "explain.grade.>": ("{a}高于{b}", "{a} is better than {b}"),
    "explain.grade.<": ("{a}低于{b}", "{a} is worse than {b}"),
    "explain.grade.==": ("{a}为{b}", "{a} is {b}"),
    "explain.grade.!=": ("{a}不为{b}", "{a} is not {b}"),
    "explain.share": ("{ballot}中{categories}的得票率", "the share of {categories} in {ballot}"),
    "explain.votes": ("{ballot}中{categories}的票数", "the votes for {categories} in {ballot}"),
    "explain.total": ("{ballot}的总票数", "all votes in {ballot}"),
    "explain.points": ("{ballot}的平均计分（{points}）",
                       "the average points of {ballot} ({points})"),
    "explain.history.last": ("{history}的最近一次", "the last of {history}"),
    "explain.history.count": ("{history}中{label}的次数", "the number of {label} in {history}"),
    "explain.history.streak": ("{history}末尾连续为{label}的次数",
                               "the run of {label} at the end of {history}"),
    "explain.call.min": ("{args}中的最小值", "the least of {args}"),
    "explain.call.max": ("{args}中的最大值", "the greatest of {args}"),
    "explain.call.clamp": ("{x}（限定在 {low} 至 {high} 之间）", "{x} kept within {low} to {high}"),
    "explain.call.round": ("{x}四舍五入保留 {digits} 位小数",
                           "{x} rounded to {digits} decimal places"),
    "explain.call.round_whole": ("{x}四舍五入取整", "{x} rounded to a whole number"),
    "explain.call.floor": ("{x}向下取整", "{x} rounded down"),
    "explain.call.ceil": ("{x}向上取整", "{x} rounded up"),
    "explain.call.abs": ("{x}的绝对值", "the absolute value of {x}"),
    "explain.if": ("若{c}则{a}，否则{b}", "if {c} then {a} else {b}"),
    "explain.block": ("{quantifier}：{conditions}", "{quantifier}: {conditions}"),
    "explain.block_sep": ("；", "; "),
    "explain.weighted": ("加权：{items}", "weighted: {items}"),
    "explain.case": ("{condition}时为{value}", "{value} when {condition}"),
    "explain.case_otherwise": ("其余情况为{value}", "otherwise {value}"),
    "explain.open": ("（", "("),
    "explain.close": ("）", ")"),
    # `evalrules explain`: which record, and why it cannot be explained.
    "explain.cmd.row": ("第 {number} 行", "Row {number}"),
    "explain.cmd.row_of": ("第 {number} 行（{who}）", "Row {number} ({who})"),
    "explain.cmd.empty": ("（空）", "(empty)"),
    "explain.cmd.field": ("  {name}：{value}", "  {name}: {value}"),
    "explain.cmd.cannot": ("无法评定：{error}", "cannot be graded: {error}"),
    "explain.cmd.no_rows": ("evalrules：{data} 没有数据行", "evalrules: {data} has no data rows"),
    "explain.cmd.past_end": ("evalrules：--row {row}：{data} 的数据行为第 1 至 {last} 行"
                             "（表头不计）",
                             "evalrules: --row {row}: {data} has data rows 1 to {last} (the "
                             "header is not counted)"),
    "explain.cmd.no_column": ("evalrules：--id-column“{column}”不是 {data} 的列；"
                              "它的列有：{columns}",
                              "evalrules: --id-column '{column}' is not a column of {data}; its "
                              "columns are {columns}"),
    "explain.cmd.no_match": ("evalrules：{data} 中没有 {column} 为 {id} 的行",
                             "evalrules: no row of {data} has {column} = {id}"),
    "explain.cmd.several": ("evalrules：有 {count} 行的 {column} 为 {id}（第 {rows} 行），"
                            "请用 --row 选定一行",
                            "evalrules: {count} rows have {column} = {id} (rows {rows}); pick "
                            "one with --row"),
    # ------------------------------------------------------------ the report
    # the page's head, and the printed page's margins
    "report.ruleset": ("{name} · 规则文件：{path}", "{name} · ruleset file: {path}"),
    "report.data": ("数据：{data}", "data: {data}"),
    "report.data_sheet": ("数据：{data}（工作表“{sheet}”）", "data: {data} (sheet “{sheet}”)"),
    "report.generated": ("生成时间：{time}", "generated {time}"),
    "report.page": ("第 {page} 页，共 {pages} 页", "page {page} of {pages}"),
    "report.contents": ("目录：", "Contents: "),
    # the summary: every percentage says what it is a share of
    "report.summary": ("概况", "Summary"),
    "report.counts": (
        "共 {total} 条记录：已评定 {graded} 条（占全部 {total} 条的 {graded_share}），"
        "无法评定 {failed} 条（占全部 {total} 条的 {failed_share}）。",
        "{total} records: {graded} graded ({graded_share} of all {total}), {failed} cannot be "
        "graded ({failed_share} of all {total})."),
    "report.counts_near": (
        "一票之差即可改变结果的 {near} 条（占已评定 {graded} 条的 {share}）。",
        "{near} are one vote from another result ({share} of the {graded} graded)."),
    "report.notes": ("读取数据时：", "While reading the data:"),
    "report.distribution": ("分布", "Distribution"),
    "report.of_graded": ("（条数及占已评定 {graded} 条的百分比）",
                         "(records, and their share of the {graded} graded)"),
    "report.vetoes": ("一票否决", "Vetoes"),
    "report.outcomes": ("结果运用", "Outcomes"),
    "report.name": ("名称", "name"),
    "report.records": ("条数", "records"),
    "report.share_of_graded": ("占已评定 {graded} 条", "of the {graded} graded"),
    "report.votes": ("{votes}/{total} 票 {percent}", "{votes}/{total} votes {percent}"),
    "report.no_votes": ("无票", "no votes"),
    # --by COLUMN
    "report.by": ("按“{column}”分布", "By {column}"),
    "report.by_note": (
        "各档次为条数及占该组已评定条数的百分比；“无法评定”为条数及占该组全部条数的百分比。",
        "Each grade: records, and their share of the group's graded records; “cannot be "
        "graded”: records, and their share of all the group's records."),
    "report.group_all": ("记录", "records"),
    "report.group_failed": ("无法评定", "cannot be graded"),
    "report.group_total": ("合计", "total"),
    "report.blank": ("（空）", "(blank)"),
    "report.no_column": ("--by：数据中没有“{column}”列{hint}。可用的列：{columns}",
                         "--by: the data has no column {column}{hint}. Its columns: {columns}"),
    "report.did_you_mean": ("，是否是“{name}”？", "; did you mean {name}?"),
    # records near a line
    "report.near": ("一票之差（{count} 条）", "One vote from another result ({count})"),
    "report.near_intro": (
        "下列记录中，只要某张测评表有一票计入了另一档次（任意两档之间，不限相邻），等次、一票否决或"
        "结果运用就会改变：请先复核这些记录的计票。每条列出会改变什么，以及哪一票（测评表 原档次→"
        "新档次）会引起这一改变。",
        "For these records, one vote of a ballot counted in another category (any two "
        "categories, not only neighbours) changes a grade, a veto or an outcome: check their "
        "counts first. Each shows what would change and which vote (ballot source→target) "
        "would change it."),
    "report.near_none": ("没有记录会因一票之差而改变结果。",
                         "No record is one vote from another result."),
    "report.near_group": (
        "本规则集有组内规则（group by：排名、限额），一票可能改变同组其他记录的结果，因此不列出"
        "一票之差。",
        "This ruleset has group rules (group by: ranks, quotas): one vote can change other "
        "records of the group, so records one vote from another result are not listed."),
    "report.near_more": (
        "这里列出前 {shown} 条，另有 {more} 条：在“逐条结果”中搜索“一票之差”可看到全部。",
        "The first {shown} are listed here, {more} more: search “one vote” in the records to "
        "see them all."),
    "report.change": ("一票之差会改变", "what one vote changes"),
    "report.move": ("{ballot} {source}→{target}", "{ballot} {source}→{target}"),
    "report.effect_line": ("{effect}：{moves}", "{effect}: {moves}"),
    "report.effect_grade": ("{grade} {before}→{after}", "{grade} {before}→{after}"),
    "report.effect_veto_on": ("一票否决“{veto}”适用", "veto {veto} applies"),
    "report.effect_veto_off": ("一票否决“{veto}”不再适用", "veto {veto} no longer applies"),
    "report.effect_outcome_on": ("“{outcome}”适用", "{outcome} applies"),
    "report.effect_outcome_off": ("“{outcome}”不再适用", "{outcome} no longer applies"),
    "report.effect_error": ("无法评定（{error}）", "cannot be graded ({error})"),
    "report.separator": ("、", ", "),
    "report.near_tag": ("一票之差", "one vote"),
    "report.near_status": ("一票之差：{effects}", "one vote: {effects}"),
    # records that cannot be graded
    "report.errors": ("无法评定的记录（{count} 条）", "Records that cannot be graded ({count})"),
    "report.errors_more": (
        "这里列出前 {shown} 条，另有 {more} 条：在“逐条结果”中搜索“错误”可看到全部。",
        "The first {shown} are listed here, {more} more: search “error” in the records to see "
        "them all."),
    "report.error_tag": ("错误", "error"),
    "report.error_status": ("错误：{error}", "error: {error}"),
    # the records
    "report.table": ("逐条结果", "Records"),
    "report.row": ("行", "row"),
    "report.remarks": ("备注", "remarks"),
    "report.search": ("搜索（多个词用空格分开，每个词都须出现）", "Search (all words must match)"),
    "report.shown": ("第 {first}–{last} 条，共 {matches} 条匹配（全部 {total} 条）",
                     "{first}–{last} of {matches} matching ({total} in all)"),
    "report.none_shown": ("没有匹配的记录（全部 {total} 条）",
                          "No record matches ({total} in all)"),
    "report.previous": ("上一页", "previous"),
    "report.next": ("下一页", "next"),
    "report.noscript": (
        "未启用脚本：这里只列出前 {shown} 条记录（共 {total} 条）。启用脚本即可搜索、翻页查看"
        "全部记录；也可以用 evalrules eval 导出全部结果。",
        "Script is off: only the first {shown} of {total} records are listed. With script on "
        "you can search and page through all of them; evalrules eval writes them all."),
    "report.printed": (
        "打印的是前 {printed} 条匹配记录（共 {matches} 条）：先搜索缩小范围，再打印其余记录。",
        "Printed: the first {printed} of {matches} matching records; search to narrow them "
        "down, then print the rest."),
    "report.explanation": ("说明", "explanation"),
    "report.explain_how": ("任一记录的完整说明：{command}",
                           "Any record's full explanation: {command}"),
    "report.explained": (
        "前 {shown} 条一票之差记录附有说明（点“说明”展开）。",
        "The first {shown} records one vote from another result come with their explanation "
        "(click “explanation”)."),
    "report.source": ("规则集原文", "Ruleset source"),
    # the command
    "report.written": (
        "{path}：共 {total} 条记录，已评定 {graded} 条，无法评定 {failed} 条，一票之差 {near} 条",
        "{path}: {total} records, {graded} graded, {failed} cannot be graded, {near} one vote "
        "from another result"),
    "report.cannot_write": ("无法写入 {path}：{error}", "cannot write {path}: {error}"),
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
