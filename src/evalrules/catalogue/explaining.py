"""The words of an explanation (:mod:`evalrules.explain`) and of ``evalrules explain``.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ explanations
    # A grade, its rules and what follows (explain.py puts the lines together).
    "explain.title": ("{name}：{title}", "{name}: {title}"),
    "explain.warning": ("注意：{warning}", "note: {warning}"),
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
    # A rule's `per "…"` (it wins over the comment), and a value from a `chosen "…"` param.
    "explain.per": ("{line}〔依据：{cite}〕", "{line} — per {cite}"),
    "explain.chosen": ("{value}（本地设定：{why}）", "{value} (a local choice: {why})"),
    "explain.decided": ("由“{label}”规则评定为{value}。",
                        "decided by the rule for {label}: {value}."),
    "explain.otherwise": ("以上规则均不成立，按其余情况评为{value}。",
                          "no rule matches, so otherwise: {value}."),
    "explain.veto": ("一票否决“{veto}”：因{because}，{grade}{action}（{before} → {after}）。",
                     "veto {veto}: because {because}, {grade} is {action} ({before} → {after})."),
    "explain.veto_unrated": ("一票否决“{veto}”：因{because}，{grade}本应{action}，但{before}不评定"
                             "等次，否决不改变它。",
                             "veto {veto}: because {because}, {grade} would be {action}, but "
                             "{before} is not a grade, and a veto does not change it."),
    "explain.unrated": ("{value}不是档次：本记录不评定{grade}，一票否决和名额都不改变它。",
                        "{value} is not a grade: the record gets no {grade}, and no veto or "
                        "quota changes that."),
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
    "explain.quota_lowest": ("末位限制：同一{group}中按{keys}排在末位的 {share} 的{grade}至多"
                             "为{keep}；本记录在其中（{before} → {after}）。",
                             "lowest: the lowest {share} of each {group} by {keys} get at most "
                             "{keep} for {grade}; this record is among them ({before} → "
                             "{after})."),
    "explain.quota_rate": ("名额：{rate} × {base} 人 = {exact}，{rounding}取 {places} 名{higher}。",
                           " Places: {rate} × {base} = {exact}, {rounding}: {places}{higher}."),
    "explain.quota_count": ("名额：{places} 名{higher}。", " Places: {places}{higher}."),
    "explain.quota_head": ("{count} 名", "{count} places"),
    "explain.quota_higher": ("（本组适用较高的限额）", " (this group's higher size)"),
    "explain.rounding.down": ("去尾法", "rounded down"),
    "explain.rounding.nearest": ("四舍五入", "rounded half up"),
    "explain.rounding.up": ("进一法", "rounded up"),
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
    "explain.empty": ("（空）", "(empty)"),  # a history or a list with nothing in it
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
    "explain.call.days": ("{a}至{b}的天数", "the days from {a} to {b}"),
    "explain.call.ceil": ("{x}向上取整", "{x} rounded up"),
    "explain.call.abs": ("{x}的绝对值", "the absolute value of {x}"),
    "explain.call.count": ("{x}的个数", "the count of {x}"),
    "explain.call.sum": ("{x}之和", "the sum of {x}"),
    "explain.call.mean": ("{x}的平均值", "the mean of {x}"),
    "explain.call.trimmed": ("{x}去掉最高、最低各 {k} 个后",
                             "{x} without its {k} highest and {k} lowest"),
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
    "explain.cmd.no_record": ("evalrules：--row {row}：{data} 的这一行不是记录（记录在第 {first} "
                              "至 {last} 行，行号与 Excel 相同）",
                              "evalrules: --row {row}: that row of {data} holds no record (the "
                              "records are on rows {first} to {last}, as Excel numbers them)"),
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
}
