"""The words of the HTML report (:mod:`evalrules.report`) and of ``evalrules report``.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
    "report.chosen": ("本地设定（条文未规定、由本规则选定的数值）：",
                      "Local choices (numbers the regulation does not give, chosen by this "
                      "ruleset):"),
    "report.chosen_item": ("{name} = {value}：{why}", "{name} = {value}: {why}"),
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
}
