"""What an editor is told about a ruleset's text (:mod:`evalrules.analysis`, ``evalrules lsp``):
the words of a hover, the details of a completion, a problem found in an extended file.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "edit.kind.scale": ("等次序列", "scale"),
    "edit.kind.label": ("等次或类别", "label"),
    "edit.kind.keyword": ("关键字", "keyword"),
    "edit.hover.per": ("依据：{cite}", "Per: {cite}"),
    "edit.hover.chosen": ("取值理由：{chosen}", "Chosen because: {chosen}"),
    "edit.hover.comment": ("注释：{comment}", "Comment: {comment}"),
    "edit.hover.defined_in": ("定义于 {path} 第 {line} 行", "Defined in {path}, line {line}"),
    "edit.hover.overrides": ("覆盖 {path} 第 {line} 行的 `{was}`",
                             "Overrides `{was}` of {path}, line {line}"),
    "edit.hover.value": ("所选记录上的值：{value}", "On the selected record: {value}"),
    "edit.hover.holds": ("成立", "holds"),
    "edit.hover.fails": ("不成立", "does not hold"),
    "edit.hover.value_error": ("所选记录无法评定：{error}",
                               "The selected record cannot be graded: {error}"),
    "edit.hover.value_grouped": ("这个规则集有组内规则（group by），值要在整批记录上评定",
                                 "This ruleset has group rules (group by): its values are "
                                 "graded over the whole batch"),
    "edit.hover.scale_of": ("等次序列 {scale}：{labels}", "Scale {scale}: {labels}"),
    "edit.hover.label_of": ("{owner} 的{kind}", "a {kind} of {owner}"),
    "edit.needs_pygls": ("evalrules lsp 需要 lsp 扩展（{error}），安装：{command}",
                         "evalrules lsp needs the lsp extra ({error}): {command}"),
    "edit.problem.elsewhere": ("{path} 第 {line} 行：{message}", "{path}, line {line}: {message}"),
}
