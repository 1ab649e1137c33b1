"""What ``evalrules diff`` says: transitions, changed records, inputs that differ.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
    # ------------------------------------------------------------ diff --prove
    "diff.prove.same": (
        "{old} → {new}：已证明没有不同：两个规则集都接受的每一条记录，{outputs} 都相同，"
        "无法评定的记录错误也相同（求解器对所有记录作答，不是抽样）",
        "{old} → {new}: proved equivalent: every record both rulesets accept gets the same "
        "{outputs}, and the same error where it cannot be graded (solved for every record, not "
        "sampled)"),
    "diff.prove.differ": (
        "{old} → {new}：已证明不同：{count} 种变化（求解器对所有记录作答，不是抽样）",
        "{old} → {new}: proved different, kinds of change: {count} (solved for every record, "
        "not sampled)"),
    "diff.prove.open": (
        "{old} → {new}：没有找到不同，但也没能证明相同：下面的问题求解器没有答案"
        "（未知不等于已证明）",
        "{old} → {new}: no difference found, but none proved absent either: the solver could "
        "not answer the questions below (unknown is not proved)"),
    "diff.prove.left_out": ("  不计 --where 成立的记录（原规则集能评定、且 {where} 成立的）",
                            "  records where --where holds are left out (those the old ruleset "
                            "grades with {where})"),
    "diff.prove.bugs": (
        "  ！{count} 个反例在参考求值器中没有复现：这是 evalrules 的缺陷（请报告），下面标出",
        "  ! {count} records found do not replay through the reference evaluators: bugs of "
        "evalrules (please report them), marked below"),
    "diff.prove.unknown": ("  {name}：未知（{reason}），没有证明", "  {name}: unknown ({reason}), "
                           "not proved"),
    "diff.prove.grouped": (
        "  有组规则：只证明每条记录自己的部分；组规则的决定（名次、组内数值、名额调整）取任意值，"
        "两个规则集同名的决定取同一个值（组规则本身的改动不在证明之内）",
        "  group rules: only each record's own part is proved; what the group rules decide "
        "(ranks, group values, quota moves) is taken as any value, one value where both "
        "rulesets name the same decision (a change to a group rule itself is not proved)"),
    "diff.prove.reason.timeout": ("求解超时", "the solver ran out of time"),
    "diff.prove.reason.approximate": (
        "数值列表只能近似描述，求解器找到的记录在参考求值器中没有复现",
        "a list of numbers is described only approximately, and the record the solver found "
        "does not replay"),
    "diff.prove.reason.nonlinear": (
        "含两个未知数的乘积（如得分乘以得票率），超出求解器能判定的范围",
        "a product of two unknowns (a score times a share, say) is beyond what the solver can "
        "decide"),
    "diff.prove.reason.kind": ("这种值不比较", "values of this kind are not compared"),
    "diff.prove.refusals": ("无法评定的记录", "records refused"),
    "diff.prove.refused_apart": ("{old} 与 {new} 在不同的规则上无法评定（{a} / {b}）",
                                 "{old} and {new} refuse at different rules ({a} / {b})"),
    "diff.prove.changes": ("{name} 的值变化", "{name} changes"),
    "diff.prove.transition": ("  {change}", "  {change}"),
    "diff.prove.where": ("    发生在这些情形下（除标明“部分”的以外，两个规则集都能评定的记录中，"
                         "符合的每一条都如此）：",
                         "    where it happens (for every record both rulesets grade in a "
                         "region, unless it says some):"),
    "diff.prove.where_refused": (
        "    发生在这些情形下（除标明“部分”的以外，符合的每一条有效记录都如此）：",
        "    where it happens (for every valid record in a region, unless it says some):"),
    "diff.prove.region": ("      · {conditions}", "      · {conditions}"),
    "diff.prove.region_any": ("      · 任何有效记录", "      · any valid record"),
    "diff.prove.region_some": (
        "      · 部分记录：{conditions}（是否变化还取决于这些条件以外的数值）",
        "      · some records with {conditions} (whether they change depends on more than these "
        "conditions)"),
    "diff.prove.region_beyond": (
        "      · 部分记录（变化取决于规则条件以外的数值：得分、乘积、票数……）",
        "      · some records (the change depends on more than the rules' conditions: scores, "
        "products, vote counts…)"),
    "diff.prove.more": ("      …… 可能还有更多情形（只列出前 {count} 个）",
                        "      … and possibly more (the first {count} listed)"),
    "diff.prove.no_region": ("      · 求解器没能在时限内描述这些情形（--timeout 可放宽）",
                             "      · the solver could not describe them in time (--timeout "
                             "allows more)"),
    "diff.prove.example": (
        "    最小反例（票数最少；已用两个规则集的参考求值器复现）：",
        "    smallest record (fewest votes; replayed through both rulesets' reference "
        "evaluators):"),
    "diff.prove.example_any": (
        "    反例（求解器在时限内没能找出票数最少的，这是它先找到的一条；已用两个规则集的参考求值器"
        "复现）：",
        "    a record (not necessarily the fewest votes: the optimiser ran out of time; replayed "
        "through both rulesets' reference evaluators):"),
    "diff.prove.not_replayed": (
        "    ！这个反例在参考求值器中没有复现：这是 evalrules 的缺陷（请报告），不是规则的变化：",
        "    ! this record does not replay through the reference evaluators: a bug of "
        "evalrules (please report it), not a change of the rules:"),
    "diff.prove.gives": ("{name} = {value}", "{name} = {value}"),
    "diff.prove.graded": ("能评定", "grades it"),
    "diff.prove.refuses": ("无法评定：{error}", "refuses it: {error}"),
    "diff.prove.case": ("    作为 {path} 的用例（预期值是新规则集现在给出的：按条文改正）：",
                        "    as a case for {path} (the expected value is what the new ruleset "
                        "gives now: correct it to what the regulation says):"),
    "diff.prove.cases_file": ("用例文件", "the cases file"),
    "diff.prove.incomparable": (
        "{name} 在 {old} 和 {new} 中的声明不同（类型、标签或票种不同）："
        "同一条记录对两者的含义不同，无法证明",
        "{name} is declared differently in {old} and {new} (another kind, labels or "
        "categories): one record cannot mean the same to both, so nothing can be proved"),
    "diff.prove.incomparable_any": ("两个规则集对同一条记录的读法不同，无法证明：{detail}",
                                    "the two rulesets read a record differently, so nothing "
                                    "can be proved: {detail}"),
    "diff.prove.not_with": ("--prove 不能与 {option} 一起用：证明针对所有记录，不针对数据或抽样",
                            "--prove does not go with {option}: a proof is about every record, "
                            "not data or samples"),
    "diff.prove.needs_verify": (
        "diff --prove 需要 z3-solver（{error}）：{command}",
        "diff --prove needs z3-solver ({error}): {command}"),
}
