"""What writing results says: refusals before anything is written, what was written.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ writing results
    "write.format": ("无法写出 {name}：结果文件须为 .csv、.xlsx、.json 或 .jsonl",
                     "cannot write {name}: use .csv, .xlsx, .json or .jsonl"),
    "write.same_file": (
        "{path} 就是数据文件，写出结果会覆盖它：请用 -o 另指一个文件；确要把结果写进数据文件，"
        "请加 --in-place",
        "{path} is the data file, and writing the results there would overwrite it: name "
        "another file with -o, or add --in-place to write the results into the data file"),
    "write.in_place_stream": (
        "流式评定不能写回正在读取的文件 {path}：请用 -o 另指一个文件",
        "a streamed run cannot write into {path}, the file it reads: name another file with -o"),
    "write.name_taken": (
        "数据中的“{column}”列与一个结果列同名，结果不会覆盖您的列：请把这一列改名或删除。"
        "（重新评定 evalrules 写出的文件时，上次的结果列“{first}”至“{last}”须原样留在最右侧，"
        "才会被新结果替换）",
        "the column '{column}' of the data has the name of a result, and a result never "
        "replaces a column of yours: rename or delete it. (Grading a file evalrules wrote "
        "replaces its results only while its result columns, '{first}' to '{last}', are still "
        "its last columns, as written)"),
    "write.not_a_workbook": ("{path} 不是 Excel 工作簿，无法把结果写回：请写出 .csv",
                             "{path} is not an Excel workbook the results can be added to: "
                             "write .csv"),
    "write.no_sheet": ("在 {path} 中找不到工作表“{sheet}”，无法把结果写回原工作簿",
                       "{path} has no worksheet '{sheet}' to write the results into"),
    "write.no_row": (
        "在 {path} 的工作表“{sheet}”中找不到第 {row} 行，无法把结果写在原行上：请用 Excel 或 "
        "WPS 打开并保存后再试，或写出 .csv",
        "{path}: row {row} of sheet '{sheet}' is not where the results go: open the workbook "
        "in Excel or WPS, save it and try again, or write .csv"),
    "write.odd_workbook": (
        "{path} 的内部格式与 Excel 保存的不同，无法保留原工作簿写入结果：请用 Excel 或 WPS 打开"
        "并保存后再试，或写出 .csv",
        "{path} is not laid out as Excel saves a workbook, so the results cannot be added to "
        "it: open it in Excel or WPS, save it and try again, or write .csv"),
    "write.earlier_moved": (
        "{path} 的工作表“{sheet}”中，上次的结果列不在最右侧或已被改动：请删除这些结果列后再评定",
        "{path}: the earlier results on sheet '{sheet}' are no longer its last columns as "
        "written: delete those columns and grade again"),
    "write.after_results": (
        "{path} 中上次结果列的右侧（单元格 {cell}）有内容，新结果写在原结果列上时不能保留它："
        "请把它移到别处或删除",
        "{path}: cell {cell}, right of the earlier results, holds a value the new results "
        "cannot keep beside them: move it or delete it"),
    "write.too_wide": ("{path} 的工作表“{sheet}”右侧已没有足够的列放结果（Excel 最多 16384 列）",
                       "{path}: sheet '{sheet}' has no room right of its columns for the "
                       "results (Excel has 16,384 columns)"),
    "write.too_long": (
        "“{column}”列有一个单元格超过 Excel 的上限 {limit} 个字符：请写出 .csv 或 .json",
        "a cell of '{column}' is longer than the {limit} characters an Excel cell holds: "
        "write .csv or .json"),
    "write.failed": ("无法写出 {path}：{reason}", "cannot write {path}: {reason}"),
    "write.written": ("已写出：{path}（{rows} 行）", "written: {path} ({rows} rows)"),
    "write.exact_csv": (
        "注意：{path} 中的数为精确文本（如 19/30），用 Excel 直接打开时，像 1/30 这样的分数会"
        "被当成日期：请在 Excel 中用“数据 → 从文本/CSV”导入并把这些列设为“文本”，或写出 .xlsx",
        "note: the numbers in {path} are exact text (such as 19/30), and Excel opening it "
        "directly takes a fraction such as 1/30 for a date: import it with Data → From "
        "Text/CSV, those columns as Text, or write .xlsx"),
}
