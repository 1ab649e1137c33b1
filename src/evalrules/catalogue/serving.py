"""What ``evalrules serve`` says: the decision service's refusals (an unknown ruleset, a body or
a batch too large, a body that is not JSON records, a form without one spreadsheet); its
``--help`` is in :mod:`evalrules.helptext`.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ the service's refusals
    "serve.unknown_ruleset": ("没有名为 {name} 的规则集{hint}", "no ruleset named {name}{hint}"),
    "serve.hint": ("；是不是 {name}？", "; did you mean {name}?"),
    "serve.not_compiled": ("规则集 {name} 有错误，不能评定（diagnostics 列出它们）",
                           "ruleset {name} has errors and cannot grade (see diagnostics)"),
    "serve.body_too_large": ("请求体超过 {limit} 字节", "the request body is over {limit} bytes"),
    "serve.too_many": ("一次最多评定 {limit} 条记录，收到 {count} 条",
                       "at most {limit} records per request, not {count}"),
    "serve.bad_json": ("请求体不是有效的 JSON：{reason}", "the body is not valid JSON: {reason}"),
    "serve.not_records": ("请求体应为一条记录（对象）或记录的列表",
                          "the body must be one record (an object) or a list of records"),
    "serve.not_source": ("请求体应为规则集的文本（UTF-8）",
                         "the body must be a ruleset's text (UTF-8)"),
    "serve.no_file": ("表单里没有文件：请上传一个 .csv 或 .xlsx 文件（如 curl -F file=@名单.csv）",
                      "the form holds no file: upload one .csv or .xlsx file "
                      "(curl -F file=@list.csv)"),
    "serve.many_files": ("一次只能上传一个文件，收到 {count} 个",
                         "upload one file per request, not {count}"),
    "serve.bad_form": ("表单（multipart/form-data）无法读取：{reason}",
                       "the form (multipart/form-data) cannot be read: {reason}"),
    "serve.not_spreadsheet": ("不能评定文件 {name}（类型 {type}）：文件名应以 .csv 或 .xlsx 结尾",
                              "cannot grade the file {name} (type {type}): its name must end "
                              "in .csv or .xlsx"),
    "serve.media_type": ("不能评定 {type} 类型的请求体：请发送 JSON、CSV 或 .xlsx",
                         "cannot grade a body of type {type}: send JSON, CSV or .xlsx"),
    "serve.diff_body": ("请求体应为 {{\"old\": 名称, \"new\": 名称 或 \"source\": 文本, "
                        "\"records\": [记录…]}}",
                        "the body must be {{\"old\": NAME, \"new\": NAME or \"source\": TEXT, "
                        "\"records\": [RECORD…]}}"),
    "serve.source_errors": ("新的规则集文本有错误（diagnostics 列出它们）",
                            "the new ruleset text has errors (see diagnostics)"),
    "serve.bad_query": ("参数 {name} 只能是 {allowed}", "{name} must be one of {allowed}"),
    # ------------------------------------------------------------ the command
    "serve.listening": ("在 http://{host}:{port}/ 提供 {count} 个规则集（{directory}）",
                        "serving {count} rulesets of {directory} at http://{host}:{port}/"),
    "serve.needs": ("evalrules serve 需要 serve 扩展（{error}），安装：{command}",
                    "evalrules serve needs the serve extra ({error}): {command}"),
    "serve.no_directory": ("{directory} 不是目录", "{directory} is not a directory"),
}
