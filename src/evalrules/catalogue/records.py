"""A record that cannot be graded (:class:`evalrules.diagnostics.InputError`), said from its
message key and values.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
    "record.not_a_date": ("{rule}「{name}」应为日期，实为 {value}；日期年份在前，可写作 "
                          "2025-06-30、2025/6/30、2025.6.30 或 2025年6月30日",
                          "{rule}: '{name}' must be a date, not {value}; write it year first: "
                          "2025-06-30, 2025/6/30, 2025.6.30 or 2025年6月30日"),
    "record.no_such_day": ("{rule}「{name}」为 {value}，日历上没有这一天",
                           "{rule}: '{name}' is {value}, a day the calendar does not have"),
    "record.date_time": ("{rule}「{name}」应为日期，{value} 带有时刻；请只填日期",
                         "{rule}: '{name}' must be a date, and {value} has a time of day; "
                         "give the date only"),
    "record.date_number": ("{rule}「{name}」应为日期，实为数字 {value}（Excel 中请把该列设为"
                           "日期格式，或写作 2025-06-30）",
                           "{rule}: '{name}' must be a date, not the number {value} (format "
                           "the Excel column as dates, or write 2025-06-30)"),
    "record.date_type": ("{rule}「{name}」应为日期，实为 {type} 类型的值",
                         "{rule}: '{name}' must be a date, not {type}"),
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
    "record.not_a_list": ("{rule}「{name}」应为一组数（如“90, 85, 88”），实为 {type}",
                          "{rule}: '{name}' must be numbers (such as \"90, 85, 88\"), not {type}"),
    "record.empty_list": ("{rule}：「{name}」一个数也没有，`{expression}` 无法计算",
                          "{rule}: '{name}' has no numbers, so `{expression}` is undefined"),
    "record.too_few_to_trim": (
        "{rule}：`{expression}` 要去掉「{name}」最高、最低各 {trim} 个数，至少要有 {least} 个数",
        "{rule}: `{expression}` drops the {trim} highest and the {trim} lowest of '{name}', "
        "which needs at least {least} numbers"),
    "record.empty_history": ("{rule}：「{name}」为空，`{expression}` 无法计算",
                             "{rule}: '{name}' is empty, so `{expression}` is undefined"),
    "record.require": ("{rule}未满足：{message}", "{rule}: failed: {message}"),
    "record.condition_fails": ("条件不成立", "the condition does not hold"),
    "record.cited": ("{message}〔依据：{cite}〕", "{message} (per {cite})"),
    "record.unique": ("{rule}：{listed} 的规则同时成立，而该表为 (unique)，只能有一条成立",
                      "{rule}: the rules for {listed} both match, and the table is (unique)"),
    "record.limit": ("{rule}：本记录所在的组未满足：{message}",
                     "{rule}: failed for this record's group: {message}"),
    "record.quota_unequal": ("{rule}：同一{group}（{key}）中「{field}」的值不一致（{values}），"
                             "该项应全组相同",
                             "{rule}: '{field}' differs within {group} {key} ({values}); it "
                             "must be the same for the whole group"),
    "record.quota_places": ("{rule}：{group}（{key}）的名额 `{expression}` 为 {value}，"
                            "应为不小于 0 的整数",
                            "{rule}: the places `{expression}` of {group} {key} are {value}, not "
                            "a whole number of 0 or more"),
    "record.in_group": ("{error}（本记录所在的组）", "{error} (in this record's group)"),
    "record.unranked": ("{rule}：「{rank}」只为 `{among}` 成立的记录排名，本记录没有名次",
                        "{rule}: '{rank}' ranks only the records where `{among}` holds, and "
                        "this record has no rank"),
    "record.group_missing": (
        "组「{group}」的 {size} 条记录中有 {missing} 条出错：名额（未用 among 限定的）仍按 {size} "
        "人计算，名次和组内数值在没有出错记录的情况下确定",
        "group {group}: {missing} of its {size} records have errors; its quotas (those without "
        "among) still count all {size}, and its ranks and group values were decided without "
        "those records"),
    "record.group_missing_decided": (
        "组「{group}」的 {size} 条记录中有 {missing} 条出错：名次和组内数值在没有出错记录的"
        "情况下确定",
        "group {group}: {missing} of its {size} records have errors; its ranks and group values "
        "were decided without those records"),
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
    "record.kind.quota": ("名额", "quota"),
    "record.kind.check": ("检查", "check"),
    "record.kind.weights": ("权重表", "weights"),
    "record.weights_sum": ("{rule}：各项权重之和为 {total}，应为 100%",
                           "{rule}: the weights add up to {total}, not 100%"),
}
