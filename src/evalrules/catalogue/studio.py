"""What ``evalrules studio`` says: the page's words (``studio.ui.*``, sent to the page as they
are) and its answers and refusals; its ``--help`` is in :mod:`evalrules.helptext`.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ the command
    "studio.opening": ("评定工作台：{url}\n（只在本机；按 Ctrl+C 退出）",
                       "evalrules studio: {url}\n(on this machine only; Ctrl+C to stop)"),
    "studio.no_ruleset": ("没有规则集文件 {path}", "no ruleset file {path}"),
    "studio.not_rules": ("{path} 不是 .rules 文件", "{path} is not a .rules file"),
    "studio.no_browser": ("无法打开浏览器，请自己打开上面的地址",
                          "could not open a browser; open the address above yourself"),
    # ------------------------------------------------------------ answers and refusals
    "studio.no_saved": ("文件尚未保存", "the file has not been saved yet"),
    "studio.base_errors": ("无法比较：{error}", "cannot compare: {error}"),
    "studio.not_compiled": ("规则集有错误，改正后才能评定",
                            "the ruleset has errors; fix them to grade"),
    "studio.no_record": ("没有第 {index} 条记录", "there is no record {index}"),
    "studio.csv_cases": ("用例文件 {file} 是 CSV：请在表格里添加用例",
                         "the cases file {file} is CSV: add the case in the spreadsheet"),
    "studio.case_exists": ("已有名为“{name}”的用例", "there is already a case named '{name}'"),
    "studio.not_formatted": ("文本有语法错误，未排版，按原样保存",
                             "the text does not parse: saved as it is, not formatted"),
    "studio.forbidden": ("此地址只接受本工作台页面的请求",
                         "this address answers the studio's own page only"),
    "studio.bad_request": ("请求不对：{reason}", "bad request: {reason}"),
    # ------------------------------------------------------------ the page's words
    "studio.ui.title": ("评定工作台", "evalrules studio"),
    "studio.ui.save": ("保存", "Save"),
    "studio.ui.fmt": ("保存时排版", "format on save"),
    "studio.ui.saved": ("已保存", "saved"),
    "studio.ui.unsaved": ("未保存", "unsaved"),
    "studio.ui.problems": ("问题", "Problems"),
    "studio.ui.no_problems": ("没有问题", "no problems"),
    "studio.ui.distribution": ("等次分布", "Grade distribution"),
    "studio.ui.errors": ("无法评定", "cannot be graded"),
    "studio.ui.records": ("样本记录", "Sample records"),
    "studio.ui.of_records": ("共 {count} 条，来自 {source}", "{count} records from {source}"),
    "studio.ui.no_data": ("没有样本数据：用 --data 文件 打开",
                          "no sample data: open with --data FILE"),
    "studio.ui.params": ("参数（假设分析）", "Params (what-if)"),
    "studio.ui.reset": ("恢复", "reset"),
    "studio.ui.write_param": ("写入规则", "write into the ruleset"),
    "studio.ui.diff": ("变化", "Changes"),
    "studio.ui.against_base": ("与基础规则集比", "against the base ruleset"),
    "studio.ui.against_saved": ("与已保存的比", "against the saved file"),
    "studio.ui.no_changes": ("没有记录的结果改变", "no record's result changes"),
    "studio.ui.changed": ("{count} 条记录的结果改变", "{count} records change"),
    "studio.ui.explanation": ("评定说明", "Explanation"),
    "studio.ui.click_record": ("点击一条记录查看评定说明", "click a record to see why"),
    "studio.ui.cases": ("用例", "Cases"),
    "studio.ui.no_cases": ("还没有用例", "no cases yet"),
    "studio.ui.passed": ("通过", "passes"),
    "studio.ui.failed": ("不通过", "fails"),
    "studio.ui.add_case": ("加为用例", "add as a case"),
    "studio.ui.case_name": ("用例名称", "case name"),
    "studio.ui.case_added": ("已加入用例文件 {file}", "added to {file}"),
    "studio.ui.record": ("记录", "record"),
    "studio.ui.vetoes": ("一票否决", "vetoes"),
    "studio.ui.outcomes": ("结果运用", "outcomes"),
    "studio.ui.error": ("错误", "error"),
    "studio.ui.working": ("计算中…", "working…"),
    "studio.ui.yes": ("是", "yes"),
    "studio.ui.no": ("否", "no"),
}
