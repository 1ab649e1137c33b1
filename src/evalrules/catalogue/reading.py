"""What the readers of data files say: where they looked, what they did (notes), why a file
cannot be read.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

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
}
