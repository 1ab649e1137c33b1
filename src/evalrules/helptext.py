"""What ``evalrules --help`` and each command's ``--help`` say, in Chinese and in English: part
of the message catalogue (:mod:`messages` holds these pairs with the rest), kept in its own file
because it is long and read as a whole.

Keys: ``help.COMMAND`` is a command's description (its first line is its summary in
``evalrules --help``), ``help.COMMAND.DEST`` the help of one of its arguments (DEST as argparse
names it), ``help.DEST`` that of an option several commands share (``--sheet``), ``help.*``
otherwise what every command shares. The command line
(:mod:`cli`) puts them on the parsers; tests/test_cli_help.py checks that every argument of
every command has its pair.

Imports nothing.
"""

from __future__ import annotations

HELP: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ shared by every command
    "help.usage": ("用法：", "usage: "),
    "help.positional": ("参数", "positional arguments"),
    "help.options": ("选项", "options"),
    "help.commands": ("命令", "commands"),
    "help.help": ("显示本帮助并退出", "show this help message and exit"),
    "help.lang": ("输出的语言：zh 中文（默认）或 en 英文；不给时，环境变量 EVALRULES_LANG 或 LANG "
                  "以 en 开头就用英文",
                  "the language to speak: zh (Chinese, the default) or en (English); when not "
                  "given, English if EVALRULES_LANG, LC_ALL, LC_MESSAGES or LANG starts with en"),
    "help.sheet": ("读取工作簿的哪个工作表：名字，或从 1 起的序号（默认：有规则集各列的那个）",
                   "the worksheet to read: its name, or its number from 1 (default: the one "
                   "holding the ruleset's columns)"),
    "help.encoding": ("CSV 文件的编码，如 gbk（默认：UTF-8，否则 GBK/GB18030）",
                      "the CSV file's encoding, e.g. gbk (default: UTF-8, else GBK/GB18030)"),
    "help.evalrules": (
        "编译考核规则集，用它评定记录，并解释评定结果。",
        "Compile assessment rulesets, grade records with them, explain the grades."),
    "help.exit": (
        "退出状态（每个命令都一样）：\n"
        "  0  成功：没有发现问题\n"
        "  1  检查的东西有问题：规则集编译不过或读不了（错误 E501；凡是加载规则集的命令，包括\n"
        "     diff；fmt：无法解析）；有记录无法评定（eval、report；explain：所选的那一行）；\n"
        "     文件不是规范格式（fmt --check）；用例或检查不通过（test）；两个规则集有不同\n"
        "     （diff，和 diff(1) 一样）；有错误类的性质被推翻或未知（verify）\n"
        "  2  命令没能完成：用法不对（未知选项、--row 不是记录所在的行、--where 编译不过），\n"
        "     数据、用例或输出文件不存在、读不了或写不了，缺少可选的软件包（openpyxl、\n"
        "     hypothesis、pyarrow、z3-solver），init 要覆盖已有的文件，格式化程序的缺陷，\n"
        "     verify 的反例在参考求值器上不成立（evalrules 的缺陷）\n"
        "  给了几个文件时，取其中最高的状态。",
        "exit status, the same for every command:\n"
        "  0  success: nothing wrong was found\n"
        "  1  something is wrong in what was checked: a ruleset does not compile or cannot be\n"
        "     read (error E501; every command that loads one, diff included; fmt: does not\n"
        "     parse); rows that cannot be graded (eval, report; explain: the chosen row); a file\n"
        "     not in the canonical layout (fmt --check); a case or check that fails (test); a\n"
        "     difference between the two rulesets (diff, as diff(1) does); an error-class\n"
        "     property refuted or unknown (verify)\n"
        "  2  the command could not do its job: bad usage (an unknown option, a --row that holds\n"
        "     no record, a --where that does not compile), a data, cases or output file that is\n"
        "     missing, cannot be read or cannot be written, a missing optional package\n"
        "     (openpyxl, hypothesis, pyarrow, z3-solver), a file init would overwrite, a\n"
        "     formatter bug, a verify counterexample the reference does not reproduce (a bug)\n"
        "  With several files, the highest status applies."),
    # ------------------------------------------------------------ check
    "help.check": (
        "编译规则集，像编译器一样报告每一个问题。\n\n"
        "每个问题显示为 路径:行:列、错误代码（E201…）、那一行和指向出错位置的 ^，以及提示，\n"
        "例如“是不是想写 '班子优秀率'？”。一个文件的所有问题都会报告，不只是第一个。\n"
        "有规则集出错或读不了（E501）时退出状态为 1；只有警告时通过。--format json 把诊断\n"
        "输出为一个 JSON 列表（severity、code、message、path、line、column、end_line、\n"
        "end_column、hint），供编辑器和 CI 使用。\n\n"
        "例子：\n"
        "  evalrules check rulesets/fanwen9/team-county.rules\n"
        "  evalrules check --format json rulesets/*/*.rules",
        "Compile rulesets and report every problem, as a compiler does.\n\n"
        "Each problem is shown as path:line:column, its code (E201…), the line with a caret\n"
        "under the place, and a hint such as \"did you mean '班子优秀率'?\". Every problem of a\n"
        "file is reported, not only the first. Exit status 1 when any ruleset has errors or\n"
        "cannot be read (E501); warnings alone pass. --format json prints the diagnostics as\n"
        "one JSON list (severity, code, message, path, line, column, end_line, end_column,\n"
        "hint) for editors and CI.\n\n"
        "examples:\n"
        "  evalrules check rulesets/fanwen9/team-county.rules\n"
        "  evalrules check --format json rulesets/*/*.rules"),
    "help.check.rulesets": ("要检查的 .rules 文件（可以给多个）",
                            "the .rules files to check (one or more)"),
    "help.check.format": ("诊断的格式：text（给人读，默认）或 json（给程序读）",
                          "how to print the diagnostics: text (for people, the default) or "
                          "json (for programs)"),
    # ------------------------------------------------------------ eval
    "help.eval": (
        "评定一个数据文件的每条记录，并打印各等次的汇总。\n\n"
        "DATA 是表格或记录列表：.xlsx、.xls、.csv（UTF-8，或 Excel 在中文 Windows 上存的\n"
        "GBK/GB18030）、.json 或 .jsonl。规则集的每个输入是以它的名字命名的一列；一张选票是\n"
        "每个类别一列，列名为 选票.类别（班子测评.优秀），或者两行表头：合并的“班子测评”下面\n"
        "是 优秀、较好……。表头上方的标题行会跳过；数据不在第一个工作表时，读有规则集各列的\n"
        "那个（或用 --sheet 指定）；合并的数据格对它跨的每一行都适用；合计、小计、总计、平均\n"
        "行不评定。读表时做了什么都会说明。是/否的格子可以写 是/否、√/×、对/错、TRUE/FALSE\n"
        "或 1/0；比率可以写成 80%。\n\n"
        "加 -o OUT（.xlsx、.csv、.json 或 .jsonl）时写出每一行和它的结果：规则集的每个有名字的\n"
        "值，然后是否决、结果运用和 error（无法评定的行在这里写明原因；其余每一行照常评定）。\n"
        ".xlsx 写成 .xlsx 时保留原工作簿（其他工作表、格式、列宽、您的每个格子），结果列加在\n"
        "记录的右边；得票率是百分数（63.33%），其他数字按需要的小数位显示；--exact 改为写精确\n"
        "值（19/30）。OUT 不能就是 DATA，除非加 --in-place（只加 --in-place 就是写回 DATA）。\n\n"
        "DATA 也可以是 .parquet 文件（或装着它们的文件夹），按批流式处理：一批读入、评定、写出\n"
        "（-o .parquet 或 .csv）再下一批，所以不论多大，内存都有上限；--stream 对 CSV 也这样做\n"
        "（超过 256 MiB 时自动）。见 docs/cluster.md。\n\n"
        "退出状态：0 所有行都已评定，1 有行出错（或规则集有错误），2 文件读不了或写不了、一条\n"
        "记录也评定不了（或需要的软件包没有安装）。\n\n"
        "例子：\n"
        "  evalrules eval rulesets/fanwen9/team-city.rules examples/team-city.xlsx -o 结果.xlsx",
        "Grade every record of a data file and print a summary of the grades.\n\n"
        "DATA is a spreadsheet or a list of records: .xlsx, .xls, .csv (UTF-8, or the GBK/GB18030\n"
        "Excel saves on Chinese Windows), .json or .jsonl. Each input of the ruleset is a column\n"
        "under its own name; a ballot is one column per category, named BALLOT.CATEGORY\n"
        "(班子测评.优秀), or a two-row header: a merged 班子测评 over 优秀, 较好, …. Title rows\n"
        "above the header are skipped; when the data is not on the first sheet, the sheet that\n"
        "holds the ruleset's columns is read (or the one --sheet names); a merged data cell\n"
        "counts for every row it spans; 合计, 小计, 总计 and 平均 rows are not graded. The run\n"
        "says what the reader did. Yes/no cells may say 是/否, √/×, 对/错, TRUE/FALSE or 1/0;\n"
        "rates may be written 80%.\n\n"
        "With -o OUT (.xlsx, .csv, .json or .jsonl) every row is written with its results: each\n"
        "named value of the ruleset, then vetoes, outcomes and error (a row that cannot be graded\n"
        "keeps its message there; every other row is graded). An .xlsx written from an .xlsx\n"
        "keeps the workbook (other sheets, formats, widths, your cells) and adds the result\n"
        "columns beside the records; shares are percentages (63.33%), other numbers shown with\n"
        "the decimals they need; --exact writes exact values (19/30) instead. OUT is never DATA\n"
        "itself unless you add --in-place (which alone writes into DATA).\n\n"
        "DATA may also be a .parquet file (or a directory of them), which streams: batches are\n"
        "read, graded and written (-o .parquet or .csv) one after another, so memory stays\n"
        "bounded whatever the size; --stream does the same for a CSV (automatic over 256 MiB).\n"
        "See docs/cluster.md.\n\n"
        "Exit status: 0 all rows graded, 1 some rows have errors (or the ruleset does), 2 a file\n"
        "cannot be read or written or holds no record that can be graded (or needs a package\n"
        "that is not installed).\n\n"
        "example:\n"
        "  evalrules eval rulesets/fanwen9/team-city.rules examples/team-city.xlsx -o 结果.xlsx"),
    "help.eval.ruleset": ("规则集文件（.rules）", "the .rules file"),
    "help.eval.data": ("记录：.xlsx、.xls、.csv、.json 或 .jsonl",
                       "the records: .xlsx, .xls, .csv, .json or .jsonl"),
    "help.eval.output": ("把每一行连同结果写到这里（.csv、.xlsx、.json、.jsonl）",
                         "write every row with its results here (.csv, .xlsx, .json, .jsonl)"),
    "help.eval.in_place": ("把结果写回 DATA 本身（-o DATA，或不给 -o）；不加它时 -o 指向 DATA "
                           "会被拒绝",
                           "write the results into DATA itself (-o DATA, or no -o); without it, "
                           "-o naming DATA is refused"),
    "help.eval.exact": ("结果数字写精确值（19/30，表格装不下时写成文字），而不是表格的显示方式"
                        "（63.33%）",
                        "write result numbers exactly (19/30, as text where a spreadsheet cannot "
                        "hold them) instead of as a spreadsheet shows them (63.33%)"),
    "help.eval.no_progress": ("不显示进度条，即使在终端上运行很久",
                              "no progress bar, even on a long run at a terminal"),
    "help.eval.stream": (
        "按批流式处理 CSV（.parquet 总是这样，CSV 超过 256 MiB 时也是）：内存有上限；输出\n"
        ".parquet 或 .csv",
        "stream a CSV batch by batch (always for .parquet, and for a CSV over 256 MiB): memory\n"
        "stays bounded; output .parquet or .csv"),
    # ------------------------------------------------------------ explain
    "help.explain": (
        "逐条规则解释一条记录的等次，可以在反馈会上照着念。\n\n"
        "按行选记录（--row 4 是文件的第 4 行，行号与 Excel、eval、report、diff 显示的相同），\n"
        "或者按某一列的值选（--id T0003，在 --id-column 指定的列里找，默认是文件的第一列）。\n"
        "--lang en 用英文解释。\n\n"
        "等次表的每条规则显示为满足（✓）、不满足（✗）或不需要（·），并列出它比较的值；然后是\n"
        "适用的否决和随之而来的结果运用。\n\n"
        "例子：\n"
        "  evalrules explain rulesets/fanwen9/team-city.rules examples/team-city.xlsx --row 4\n"
        "  evalrules explain rulesets/fanwen9/team-city.rules examples/team-city.xlsx --id T0003",
        "Explain the grade of one record, rule by rule, in words to read out in a 反馈 meeting.\n\n"
        "Pick the record by its row in the file (--row 4: row 4 as Excel numbers it, and as\n"
        "eval, report and diff name it) or by a value in one of its columns (--id T0003, looked\n"
        "up in --id-column, which defaults to the first column of the file). --lang en explains\n"
        "in English.\n\n"
        "Each rule of a grade table is shown as met (✓), not met (✗) or not needed (·), with the\n"
        "values it compared; then the vetoes applied and the outcomes that follow.\n\n"
        "examples:\n"
        "  evalrules explain rulesets/fanwen9/team-city.rules examples/team-city.xlsx --row 4\n"
        "  evalrules explain rulesets/fanwen9/team-city.rules examples/team-city.xlsx --id T0003"),
    "help.explain.ruleset": ("规则集文件（.rules）", "the .rules file"),
    "help.explain.data": ("记录：.xlsx、.xls、.csv、.json 或 .jsonl",
                          "the records: .xlsx, .xls, .csv, .json or .jsonl"),
    "help.explain.row": ("文件的第 N 行（行号与 Excel 相同）",
                         "row N of the file (as Excel numbers it)"),
    "help.explain.id": ("--id-column 那一列的值为 VALUE 的行",
                        "the row whose --id-column holds VALUE"),
    "help.explain.id_column": ("--id 查找的列（默认：第一列）",
                               "the column --id looks in (default: the first column)"),
    # ------------------------------------------------------------ report
    "help.report": (
        "评定一个数据文件，写出一个 HTML 页面，可以用任何浏览器打开、发送或打印。\n\n"
        "页面是一个不需要联网的单独文件：规则集和数据文件、生成时间；评定了多少条、多少条无法\n"
        "评定（每个百分比都写明是占什么的比例）；每个等次表的条形图；否决和结果运用；加\n"
        "--by 列名 时，该列每个值各自的等次（例如 --by 单位类别）；一票之差的记录（某张选票\n"
        "只要有一票改投别的类别，等次、否决或结果运用就会改变：最该先复核的记录）以及那一票会\n"
        "改变什么；无法评定的记录及原因；以及每条记录及其票数和得票率，分页显示。搜索框筛选\n"
        "记录；report.html#q=较差 打开时即已筛选。打印时为 A4，页边有生成时间和页码，不印\n"
        "搜索框。\n\n"
        "退出状态：0 已写出且每行都已评定，1 已写出但有行出错（或规则集有错误：什么也不写），\n"
        "2 文件读不了或写不了，或 --by 给的列不存在。\n\n"
        "例子：\n"
        "  evalrules report rulesets/fanwen9/team-city.rules examples/team-city.xlsx \\\n"
        "      -o 考核结果.html",
        "Grade a data file and write one HTML page to open in any browser, send or print.\n\n"
        "The page is a single file that needs no network: the ruleset and the data, when the\n"
        "page was made; how many records were graded and how many cannot be (every percentage\n"
        "says what it is a share of); a bar chart of each grade table; the vetoes and outcomes;\n"
        "with --by COLUMN the grades of each value of that column (e.g. --by 单位类别); the\n"
        "records one vote from another result (whose grade, veto or outcome would change if one\n"
        "vote of a ballot were counted in another category: the records to double-check first)\n"
        "with what that vote would change; the records that cannot be graded and why; and every\n"
        "record with its vote counts and shares, a page at a time. The search box filters the\n"
        "records; report.html#q=较差 opens it filtered. Printed, the page is A4, with the time\n"
        "and page numbers in the margins and without the search box.\n\n"
        "Exit status: 0 written and every row graded, 1 written but some rows have errors (or\n"
        "the ruleset has errors: nothing written), 2 a file cannot be read or written, or --by\n"
        "names no column.\n\n"
        "example:\n"
        "  evalrules report rulesets/fanwen9/team-city.rules examples/team-city.xlsx \\\n"
        "      -o 考核结果.html"),
    "help.report.ruleset": ("规则集文件（.rules）", "the .rules file"),
    "help.report.data": ("记录：.xlsx、.xls、.csv、.json 或 .jsonl",
                         "the records: .xlsx, .xls, .csv, .json or .jsonl"),
    "help.report.output": ("要写的页面，例如 report.html", "the page to write, e.g. report.html"),
    "help.report.by": ("再按这一列的每个值分别列出各等次，例如 单位类别",
                       "also show the grades of each value of this column, e.g. 单位类别"),
    # ------------------------------------------------------------ diff
    "help.diff": (
        "比较两个规则集：改一条规则，哪些记录的评定会不同。\n\n"
        "加 --data FILE（.csv、.xlsx、.json、.jsonl）时：每条记录用两个规则集各评定一次，变化按\n"
        "转变计数（班子等次 较好 → 一般：37），每条有变化的记录按它的编号和在文件中的行号列出，\n"
        "并给出每个变化了的值的旧值和新值（等次、否决、结果运用、得分；一个规则集能评定、另一个\n"
        "拒绝的记录也算变化）。编号取自 --id-column，否则取名为 编号、序号 或 ID 的列，否则取两个\n"
        "规则集都不读的第一列。终端上显示前 --limit 条（默认 50）；-o FILE（.csv、.xlsx、.json、\n"
        ".jsonl）全部写出，每个变化的值一行：编号、行、字段、旧值、新值，然后是记录的各列。\n"
        "--data 不需要 Hypothesis。\n\n"
        "不加 --data 时：先用两个规则集的边界记录，再用 Hypothesis 搜索，每种变化给一个例子——\n"
        "这是搜索，不是证明（docs/testing.md 说明它可能漏掉什么）；需要 testing 扩展。\n\n"
        "加 --prove 时：z3 求解器对两个规则集都接受的每一条记录作答——证明没有不同，或者列出\n"
        "每种变化、它发生的情形（用规则自己的条件写：20% ≤ 班子差评率 < 30% and 班子状况 is\n"
        "存在问题）和票数最少的反例（已用参考求值器复现，可直接粘贴为用例）；求解器答不出时\n"
        "退出状态也是 1（未知不算通过）；需要 verify 扩展。\n\n"
        "一个规则集能评定、另一个拒绝的记录也是不同，只有一个规则集读的字段会列出来。两者一致\n"
        "时退出状态为 0，有不同（这样 CI 可以要求“没有变化”）或规则集有错误（与 evalrules check\n"
        "相同）时为 1，数据文件读不了或没有两个都能评定的记录、-o 写不了、--where 编译不过时\n"
        "为 2。\n\n"
        "例子：\n"
        "  evalrules diff rulesets/fanwen9/team-city.rules new.rules --data 2024.xlsx \\\n"
        "      -o changes.xlsx",
        "Compare two rulesets: which records a rule change grades differently.\n\n"
        "With --data FILE (.csv, .xlsx, .json, .jsonl): every record is graded by both rulesets,\n"
        "the changes are counted as transitions (班子等次 较好 → 一般: 37), and every record that\n"
        "changed is listed by its id and its row in the file, with the old and new value of each\n"
        "value that changed (grades, vetoes, outcomes, scores; a record one ruleset grades and\n"
        "the other refuses is a change too). The id is the --id-column, else a column named\n"
        "编号, 序号 or ID, else the first column neither ruleset reads. The terminal shows the\n"
        "first --limit records (default 50); -o FILE (.csv, .xlsx, .json, .jsonl) writes them\n"
        "all, one row per changed value: id, row, field, old, new, then the record's columns.\n"
        "--data needs no Hypothesis.\n\n"
        "Without --data: both rulesets' boundary records, then a Hypothesis search, give one\n"
        "example per kind of change — a search, not a proof (docs/testing.md says what it can\n"
        "miss); needs the testing extra.\n\n"
        "With --prove: the z3 solver answers for every record both rulesets accept: a proof\n"
        "that none differs, or each kind of change with where it happens, in the rules' own\n"
        "conditions (20% ≤ 班子差评率 < 30% and 班子状况 is 存在问题), and its smallest record\n"
        "(replayed through the reference evaluators, ready to paste as a case); exit status 1\n"
        "also when the solver cannot answer (unknown is no pass); needs the verify extra.\n\n"
        "Records one ruleset grades and the other refuses are differences too, and fields only\n"
        "one ruleset reads are listed. Exit status 0 when they agree, 1 when they differ (so a\n"
        "CI job can require \"no change\") and when a ruleset has errors (as for `evalrules\n"
        "check`), 2 when the data file cannot be read or holds no record both can grade, -o\n"
        "cannot be written, or --where does not compile.\n\n"
        "example:\n"
        "  evalrules diff rulesets/fanwen9/team-city.rules new.rules --data 2024.xlsx \\\n"
        "      -o changes.xlsx"),
    "help.diff.old": ("原来的规则集", "the ruleset as it was"),
    "help.diff.new": ("修改后的规则集", "the ruleset as changed"),
    "help.diff.data": ("用来比较的记录（.xlsx、.xls、.csv、.json、.jsonl）",
                       "records to compare on (.xlsx, .xls, .csv, .json, .jsonl)"),
    "help.diff.id_column": ("标识一条记录的列（默认：编号、序号 或 ID，否则两个规则集都不读的"
                            "第一列）",
                            "the column that names a record (default: 编号, 序号 or ID, else the "
                            "first column neither ruleset reads)"),
    "help.diff.output": ("与 --data 一起：把每个变化的值写到这里（.csv、.xlsx、.json、.jsonl）",
                         "with --data: write every changed value here (.csv, .xlsx, .json, "
                         ".jsonl)"),
    "help.diff.limit": ("与 --data 一起：最多列出 N 条变化的记录（默认 50）",
                        "with --data: list at most N changed records (default 50)"),
    "help.diff.examples": ("每轮搜索的 Hypothesis 例子数（默认 500）",
                           "Hypothesis examples per search round (default 500)"),
    "help.diff.seed": ("Hypothesis 的随机种子", "Hypothesis seed"),
    "help.diff.explain": ("用两个规则集分别解释每个例子（每条列出的记录）",
                          "explain each example (each listed record) under both rulesets"),
    "help.diff.where": ("忽略这个条件（用原规则集的名字）成立的记录",
                        "ignore records where this condition (old ruleset's names) holds"),
    "help.diff.prove": ("用 z3 求解器对所有记录作答：证明没有不同，或者给出每种变化发生的情形"
                        "和最小反例（需要 verify 扩展）",
                        "answer for every record with the z3 solver: a proof of no difference, "
                        "or each kind of change with where it happens and its smallest record "
                        "(needs the verify extra)"),
    "help.diff.timeout": ("与 --prove 一起：一个问题最多求解多少秒，超过就答“未知”（默认 10）",
                          "with --prove: how long one question may take before its answer is "
                          "unknown (default 10)"),
    "help.diff.max_regions": ("与 --prove 一起：每种变化最多列出 N 种情形（默认 8）",
                              "with --prove: list at most N regions per kind of change "
                              "(default 8)"),
    # ------------------------------------------------------------ fmt
    "help.fmt": (
        "把规则集改写为规范格式，保留每一条注释。\n\n"
        "每层缩进两个空格，运算符两边各一个空格，括号内侧不加空格；注释留在原来的行上（行尾\n"
        "注释保持原来的列，除非代码已经写到那里）。只改变空白：规则集的意思完全不变，再格式化\n"
        "一次也不会再变。无法解析的规则集原样不动；fmt 不查名字（那是 evalrules check 的事）。\n\n"
        "加 --check 时什么也不写：列出不是规范格式的文件，退出状态为 1（供 CI 使用）。规则集\n"
        "无法解析或读不了时退出状态也是 1（与 evalrules check 相同），文件写不了时为 2。\n\n"
        "例子：\n"
        "  evalrules fmt 某县领导班子年度考核.rules\n"
        "  evalrules fmt --check rulesets/*/*.rules",
        "Rewrite rulesets in the canonical layout, keeping every comment.\n\n"
        "Two spaces per block level, one space around operators, none inside parentheses;\n"
        "comments stay on their lines (a trailing comment keeps its column unless the code now\n"
        "reaches it). Only white space changes: the ruleset means exactly what it meant, and\n"
        "formatting twice changes nothing more. A ruleset that does not parse is left alone;\n"
        "fmt does not look up names (`evalrules check` does).\n\n"
        "With --check nothing is written: the files that are not in the canonical layout are\n"
        "listed and the exit status is 1 (for CI). Exit status 1 also when a ruleset does not\n"
        "parse or cannot be read (as for `evalrules check`), 2 when a file cannot be written.\n\n"
        "examples:\n"
        "  evalrules fmt 某县领导班子年度考核.rules\n"
        "  evalrules fmt --check rulesets/*/*.rules"),
    "help.fmt.rulesets": ("要格式化的 .rules 文件（可以给多个）",
                          "the .rules files to format (one or more)"),
    "help.fmt.check": ("什么也不写；列出 fmt 会改动的文件，退出状态为 1",
                       "write nothing; list the files fmt would change, exit status 1"),
    # ------------------------------------------------------------ init
    "help.init": (
        "从自带的规则集开始，建立一个县区或部门自己的规则集。\n\n"
        "写出 NAME.rules（它 extends RULESET，暂时什么也不改）和一个空的 NAME.cases.json，\n"
        "用来放手算的用例。新文件列出基础规则集的每个参数及其取值，都已注释掉：要为本县改\n"
        "一个标准，删去那一行前面的 #，写上新的值。每次修改后运行 evalrules check NAME.rules。\n\n"
        "NAME 是规则集的名字（县区、部门的名字，如 某县领导班子年度考核），前面可以带文件夹\n"
        "（mine/某县领导班子年度考核）。已有的文件绝不覆盖。\n\n"
        "退出状态：0 已建立，1 基础规则集有错误（什么也没写），2 文件已存在或写不了。\n\n"
        "例子：\n"
        "  evalrules init 某县领导班子年度考核 --extends rulesets/fanwen9/team-county.rules",
        "Start a county's or a department's own ruleset from a bundled one.\n\n"
        "Writes NAME.rules, which extends RULESET and changes nothing yet, and an empty\n"
        "NAME.cases.json for the hand-computed cases that will test it. The new file lists every\n"
        "param of the base with its value, commented out: to change a threshold for your county,\n"
        "remove the # in front of its line and write the new value. Run\n"
        "`evalrules check NAME.rules` after each edit.\n\n"
        "NAME is the ruleset's name (县区、部门的名字，如 某县领导班子年度考核); it may have a\n"
        "folder in front (mine/某县领导班子年度考核). Existing files are never overwritten.\n\n"
        "Exit status: 0 created, 1 the base ruleset has errors (nothing written), 2 a file\n"
        "exists already or cannot be written.\n\n"
        "example:\n"
        "  evalrules init 某县领导班子年度考核 --extends rulesets/fanwen9/team-county.rules"),
    "help.init.name": ("新规则集的名字（也是文件名）", "the new ruleset's name (and file name)"),
    "help.init.extends": ("它所基于的规则集，例如 rulesets/fanwen9/team-county.rules",
                          "the ruleset it builds on, e.g. rulesets/fanwen9/team-county.rules"),
    "help.init.title": ("报告上显示的标题（默认：NAME）", "the title reports show (default: NAME)"),
    # ------------------------------------------------------------ test
    "help.test": (
        "测试规则集：它的用例文件、写明的检查和内置的性质。\n\n"
        "对每个 RULESET（NAME.rules）：先跑旁边 NAME.cases.json / NAME.cases.csv 里的每个用例，\n"
        "再把每一行 check 和内置性质（全定义、确定性、拒绝错误输入）作为 Hypothesis 测试运行。\n"
        "失败时打印最小的记录、解释和一个可以直接粘贴的用例。有任何失败（包括规则集有错误）\n"
        "时退出状态为 1，用例文件读不了时为 2。需要 testing 扩展（hypothesis）。",
        "Test rulesets: their cases files, stated checks and built-in properties.\n\n"
        "For each RULESET (NAME.rules): every case of NAME.cases.json / NAME.cases.csv beside\n"
        "it, then each `check` line and the built-in properties (totality, determinism,\n"
        "rejection of bad input) as Hypothesis tests. A failure prints the minimal record, the\n"
        "explanation and a ready-to-paste case. Exit status 1 when anything fails (a ruleset\n"
        "with errors too), 2 when a cases file cannot be read. Needs the testing extra\n"
        "(hypothesis)."),
    "help.test.rulesets": ("要测试的 .rules 文件（可以给多个）",
                           "the .rules files to test (one or more)"),
    "help.test.examples": ("每个性质的 Hypothesis 例子数（默认 100）",
                           "Hypothesis examples per property (default 100)"),
    "help.test.seed": ("Hypothesis 的随机种子（给了就可重现）",
                       "Hypothesis seed (the same seed, the same run)"),
    "help.test.coverage": ("列出用例用到了哪些规则、条件和否决",
                           "print which rules, conditions and vetoes the cases exercised"),
    "help.test.no_checks": ("只跑用例", "run the cases only"),
    # ------------------------------------------------------------ serve
    "help.serve": (
        "以 HTTP 提供 DIR 下的每个规则集（决策服务，docs/serve.md）：\n"
        "GET /rulesets、GET /rulesets/NAME、GET /rulesets/NAME/schema、\n"
        "POST /rulesets/NAME/evaluate（一条记录或记录列表，JSON）、POST /check、\n"
        "GET /openapi.json。每个回应都写明所用规则集的版本（规则集及其 extends 的文件的\n"
        "sha256）；文件改动后规则集重新编译。需要 serve 扩展。\n\n"
        "例子：\n"
        "  evalrules serve rulesets/ --port 8000",
        "Serve every ruleset under DIR over HTTP (a decision service, docs/serve.md):\n"
        "GET /rulesets, GET /rulesets/NAME, GET /rulesets/NAME/schema,\n"
        "POST /rulesets/NAME/evaluate (one record or a list, JSON), POST /check,\n"
        "GET /openapi.json. Every response names the version of the ruleset it used (a sha256\n"
        "of it and the files it extends); rulesets are compiled again when their files change.\n"
        "Needs the serve extra.\n\n"
        "example:\n"
        "  evalrules serve rulesets/ --port 8000"),
    "help.serve.directory": ("规则集所在的目录（含子目录）",
                             "the directory of the rulesets (subdirectories included)"),
    "help.serve.host": ("监听的地址（默认 127.0.0.1，只接受本机）",
                        "the address to listen on (default 127.0.0.1: this machine only)"),
    "help.serve.port": ("监听的端口（默认 8000）", "the port to listen on (default 8000)"),
    "help.serve.workers": ("工作进程数（默认 1）", "worker processes (default 1)"),
    # ------------------------------------------------------------ studio
    "help.studio": (
        "在浏览器里打开一个规则集的评定工作台（docs/studio.md）：边写边看编译器的诊断、\n"
        "样本数据的等次分布、与基础规则集（extends）或已保存文件相比哪些记录的结果改变、\n"
        "任一记录的评定说明、参数的假设分析，以及用例表（不通过的标红，可把记录加为用例）。\n"
        "只在本机（127.0.0.1），不连接别处。需要 serve 扩展。\n\n"
        "例子：\n"
        "  evalrules studio rulesets/fanwen9/team-county.rules --data examples/team-city.csv",
        "Open the studio for one ruleset in the browser (docs/studio.md): the compiler's\n"
        "diagnostics as you type, the grade distribution on sample data, which records change\n"
        "against the base ruleset (extends) or the saved file, any record's explanation,\n"
        "what-if params, and the cases as a table (failing rows red; add a record as a case).\n"
        "On this machine only (127.0.0.1); nothing goes elsewhere. Needs the serve extra.\n\n"
        "example:\n"
        "  evalrules studio rulesets/fanwen9/team-county.rules --data examples/team-city.csv"),
    "help.studio.ruleset": ("要编辑的规则集文件（.rules；还不存在的文件从空白开始）",
                            "the ruleset file to edit (.rules; a file not there yet starts "
                            "empty)"),
    "help.studio.data": ("样本数据（.xlsx、.csv、.json、.jsonl），按 eval 的方式读取",
                         "sample records (.xlsx, .csv, .json, .jsonl), read as eval reads them"),
    "help.studio.port": ("本机端口（默认 0：任选一个空闲端口）",
                         "the port on this machine (default 0: any free port)"),
    "help.studio.no_browser": ("不打开浏览器，只打印地址", "print the address, open no browser"),
    # ------------------------------------------------------------ lsp
    "help.lsp": (
        "语言服务器：让编辑器（VS Code、Vim、Emacs……）在编写规则集时给出帮助。\n\n"
        "由编辑器启动，经标准输入输出讲 Language Server Protocol：边写边列出编译器的诊断，\n"
        "悬停在名字上显示它的定义、取值和所引条文，跳转到定义（包括 extends 的文件），补全\n"
        "名字、等次和关键字，按 evalrules fmt 格式化。需要 lsp 扩展（pygls）。\n\n"
        "例子（编辑器的设置里）：\n"
        "  evalrules lsp --lang zh",
        "A language server: help for editors (VS Code, Vim, Emacs…) while a ruleset is written.\n\n"
        "Started by the editor, it speaks the Language Server Protocol on standard input and\n"
        "output: the compiler's diagnostics as you type, a name's definition, value and cited\n"
        "article on hover, go to definition (into extended files too), completion of names,\n"
        "labels and keywords, formatting as evalrules fmt does. Needs the lsp extra (pygls).\n\n"
        "Example (in the editor's settings):\n"
        "  evalrules lsp --lang en"),
    "help.lsp.stdio": ("经标准输入输出通信（默认，也是唯一的方式；VS Code 的客户端会加上它）",
                       "talk over standard input and output (the default and only way; VS "
                       "Code's client adds it)"),
}
