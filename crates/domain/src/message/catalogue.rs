//! The message catalogue (提示信息目录): every code with its English and
//! Chinese template, grouped by the layer that gives the message.

use super::OTHER;

/// Every code: (code, English template, Chinese template).
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    (OTHER, "{reason}", "{reason}"),
    // Cells (exchange::cell) and the domain's value types.
    (
        "cell.nul",
        "contains a NUL character (U+0000)",
        "含有 NUL 字符（U+0000）",
    ),
    (
        "cell.not_nonneg_int",
        "not a non-negative integer[: {value}]",
        "不是非负整数[：{value}]",
    ),
    (
        "cell.not_decimal",
        "not a decimal number[: {value}]",
        "不是小数[：{value}]",
    ),
    (
        "cell.too_precise",
        "more than 2 fractional digits",
        "小数超过 2 位",
    ),
    (
        "cell.not_yuan",
        "not an amount in yuan[: {value}]",
        "不是以元为单位的金额[：{value}]",
    ),
    ("cell.amount_too_large", "amount too large", "金额过大"),
    ("cell.not_bool", "not a boolean", "不是“是/否”值"),
    (
        "cell.unknown_value",
        "unknown value[ {value}] (expected {expected})",
        "未知的取值[ {value}]（应为 {expected_zh}）",
    ),
    (
        "cell.unknown_indicator",
        "unknown indicator[ {value}]",
        "未知的指标[ {value}]",
    ),
    (
        "cell.required_empty",
        "required cell is empty",
        "必填单元格为空",
    ),
    (
        "date.shape",
        "date not in YYYY-MM-DD form",
        "日期不是“年-月-日”（YYYY-MM-DD）格式",
    ),
    ("date.invalid", "invalid date {value}", "无效日期 {value}"),
    (
        "date.no_such_day",
        "invalid date (no such day in YYYY-MM-DD)",
        "无效日期（没有这一天）",
    ),
    (
        "id.length",
        "id must have 1 to 64 characters",
        "编号须为 1 到 64 个字符",
    ),
    (
        "id.characters",
        "id may contain only A-Z a-z 0-9 _ . : -",
        "编号只能由字母、数字及 _ . : - 组成",
    ),
    (
        "region_code.malformed",
        "malformed region code (12 digits, or 6 for county level and above)[: {value}]",
        "区划代码格式错误（12 位数字，县级及以上可为 6 位）[：{value}]",
    ),
    (
        "party.malformed",
        "party must be a region code or org:<org_id>",
        "一方须为区划代码或“org:机构编号”",
    ),
    (
        "id_number.length",
        "identity number must have 18 characters",
        "身份证号须为 18 位",
    ),
    (
        "id_number.characters",
        "identity number must be 17 digits and a digit or X",
        "身份证号须为 17 位数字加一位数字或 X",
    ),
    (
        "id_number.check_digit",
        "bad GB 11643 check digit",
        "身份证号校验位错误（GB 11643）",
    ),
    (
        "id_number.birth_date",
        "identity number holds no valid birth date",
        "身份证号中的出生日期无效",
    ),
    (
        "money.not_decimal",
        "not a decimal amount",
        "不是十进制金额",
    ),
    // Decoding canonical cells into records (exchange::record).
    ("decode.missing_cell", "missing cell", "缺少单元格"),
    ("decode.expected_text", "expected text", "应为文本"),
    ("decode.expected_integer", "expected an integer", "应为整数"),
    ("decode.expected_number", "expected a number", "应为数字"),
    ("decode.year_range", "year out of range", "年份超出范围"),
    ("decode.bad_region_code", "bad region code", "区划代码错误"),
    (
        "decode.unknown_value",
        "unknown value {value}",
        "未知的取值 {value}",
    ),
    (
        "decode.elsewhere",
        "{kind} is decoded elsewhere",
        "{kind} 由别处解析",
    ),
    ("required", "required", "必填"),
    // Files, headers and rows (exchange::reader, exchange::xlsx).
    ("header.duplicate_column", "duplicate column", "列重复"),
    ("header.unknown_column", "unknown column", "未知的列"),
    ("header.missing_column", "missing column", "缺少必填列"),
    (
        "row.field_count",
        "expected {expected} fields, found {found}",
        "应有 {expected} 个字段，实有 {found} 个",
    ),
    (
        "file.cannot_open",
        "cannot open: {detail}",
        "无法打开文件：{detail}",
    ),
    (
        "limit.rows",
        "more than {limit} rows (the limit of rows in one file; raise it with xiezuo import --max-rows)",
        "超过 {limit} 行（单个文件的行数上限；可用 xiezuo import --max-rows 提高）",
    ),
    (
        "limit.cell",
        "cell longer than {limit} characters (the limit of one cell; raise it with xiezuo import --max-cell-chars)",
        "单元格超过 {limit} 个字符（单元格长度上限；可用 xiezuo import --max-cell-chars 提高）",
    ),
    (
        "limit.file",
        "file larger than {limit} (the limit of one file; raise it with xiezuo import --max-file-bytes)",
        "文件超过 {limit}（单个文件大小上限；可用 xiezuo import --max-file-bytes 提高）",
    ),
    (
        "limit.record",
        "record longer than {limit} (the limit of one record; raise it with xiezuo import --max-record-bytes)",
        "记录超过 {limit}（单条记录长度上限；可用 xiezuo import --max-record-bytes 提高）",
    ),
    (
        "file.empty",
        "empty file: a header row is required",
        "空文件：需要表头行",
    ),
    (
        "sheet.empty",
        "empty sheet: a header row is required",
        "空工作表：需要表头行",
    ),
    (
        "sheet.unreadable",
        "{detail}",
        "无法读取 XLSX 文件：{detail}",
    ),
    (
        "sheet.hidden_row",
        "{n} hidden row of the sheet is read like the others (lines {lines}): unhide them to check them, or delete the rows that are not meant to be imported",
        "工作表中有 {n} 个隐藏行也会照常导入（第 {lines} 行）：请取消隐藏以便检查，或删除不应导入的行",
    ),
    (
        "sheet.hidden_rows",
        "{n} hidden rows of the sheet are read like the others (lines {lines}): unhide them to check them, or delete the rows that are not meant to be imported",
        "工作表中有 {n} 个隐藏行也会照常导入（第 {lines} 行）：请取消隐藏以便检查，或删除不应导入的行",
    ),
    (
        "sheet.hidden_unknown",
        "cannot tell which rows of the sheet are hidden: {detail}",
        "无法判断工作表中哪些行被隐藏：{detail}",
    ),
    (
        "sheet.id_number_as_number",
        "Excel turned this identity number into a number, which keeps only 15 digits: format the column as Text before typing, or start the value with an apostrophe (')",
        "Excel 把这个身份证号变成了数字，只保留 15 位有效数字：请先把该列设为“文本”格式再输入，或在值前加英文单引号（'）",
    ),
    (
        "sheet.id_as_number",
        "Excel turned this identifier into a number that is not exactly what was typed: format the column as Text before typing, or start the value with an apostrophe (')",
        "Excel 把这个编号变成了数字，与输入的不完全相同：请先把该列设为“文本”格式再输入，或在值前加英文单引号（'）",
    ),
    ("csv.not_utf8", "not valid UTF-8", "不是有效的 UTF-8 文本"),
    (
        "csv.read_error",
        "read error: {detail}",
        "读取错误：{detail}",
    ),
    (
        "csv.malformed",
        "malformed CSV: {detail}",
        "CSV 格式错误：{detail}",
    ),
    (
        "files.unknown_kind",
        "unknown file kind {stem}; expected one of: {kinds}",
        "未知的文件类型 {stem}；应为以下之一：{kinds}",
    ),
    (
        "files.given_twice",
        "{kind} is given twice (also as {prev})",
        "{kind_zh}（{kind}）重复提供（另见 {prev}）",
    ),
    // Row rules (domain::rules).
    (
        "period.end_before_start",
        "end_date before start_date",
        "结束日期早于开始日期",
    ),
    (
        "region.level_mismatch",
        "code {code} is of level {actual}, not {level}",
        "代码 {code} 属于{actual_zh}，不是{level_zh}",
    ),
    ("region.side_required", "required on provinces", "省级必填"),
    (
        "region.province_no_parent",
        "a province has no parent",
        "省级没有上级",
    ),
    (
        "region.side_only_provinces",
        "side only on provinces",
        "只有省级填写协作方向",
    ),
    (
        "region.parent_required",
        "required below province level",
        "省级以下必填",
    ),
    (
        "region.poor_county_only",
        "poor_county only on counties",
        "只有县级可标记贫困县",
    ),
    (
        "region.poor_village_only",
        "poor_village only on villages",
        "只有村级可标记贫困村",
    ),
    (
        "region.deep_poverty_only",
        "deep_poverty only on counties and villages",
        "只有县级和村级可标记深度贫困",
    ),
    (
        "region.not_village_code",
        "{code} is not a village code",
        "{code} 不是村级代码",
    ),
    (
        "region.not_county_code",
        "{code} is not a county code",
        "{code} 不是县级代码",
    ),
    (
        "region.village_outside_county",
        "village {village} is not within county {county}",
        "村 {village} 不在县 {county} 内",
    ),
    (
        "pairing.region_is_government",
        "helper is a region, so helper_kind must be government, not {helper_kind}",
        "帮扶方是地区，帮扶主体类型须为政府，而不是{helper_kind_zh}",
    ),
    (
        "pairing.org_not_government",
        "helper is an organisation, so helper_kind cannot be government",
        "帮扶方是机构，帮扶主体类型不能是政府",
    ),
    (
        "pairing.org_kind",
        "helper is an organisation of kind {org_kind}, not {helper_kind}",
        "帮扶方是{org_kind_zh}类机构，不是{helper_kind_zh}",
    ),
    (
        "pairing.helped_level",
        "the helped party is at level {actual}, not {level}",
        "受援方是{actual_zh}，不是{level_zh}",
    ),
    (
        "household.exit_before_identified",
        "exit_year before identified_year",
        "脱贫年度早于识别年度",
    ),
    (
        "person.birth_date",
        "birth date differs from the one in id_number",
        "出生日期与身份证号中的不一致",
    ),
    (
        "person.sex",
        "sex differs from the sex digit of id_number",
        "性别与身份证号的性别位不一致",
    ),
    (
        "funds.negative_without_reverses",
        "negative amount without reverses",
        "负数金额但未填写冲销的交易",
    ),
    (
        "receipt.amount_not_positive",
        "the amount must be positive",
        "金额须为正数",
    ),
    (
        "receipt.expended_negative",
        "the amount expended must not be negative",
        "已支出金额不能为负数",
    ),
    (
        "funds.reversal_not_negative",
        "a reversal must have a negative amount",
        "冲销交易的金额须为负数",
    ),
    (
        "funds.reverses_itself",
        "a transaction cannot reverse itself",
        "交易不能冲销自身",
    ),
    (
        "posting.age_order",
        "age_max below age_min",
        "最大年龄小于最小年龄",
    ),
    (
        "posting.no_positions",
        "a posting needs at least one position",
        "岗位至少需要一个名额",
    ),
    (
        "posting.labor_required",
        "a job needs labour capacity: full or weak",
        "岗位需要劳动能力：完全或弱",
    ),
    (
        "secondment.field_required",
        "required for technicians",
        "专业技术人员必填",
    ),
    // Rules across rows (engine::import).
    (
        "region.wrong_level",
        "{code} is a {actual}, not a {level}",
        "{code} 是{actual_zh}，不是{level_zh}",
    ),
    (
        "funds.reverses_reversal",
        "{id} is itself a reversal",
        "{id} 本身是冲销交易",
    ),
    (
        "funds.reversal_mismatch",
        "{id} has another pairing, source, kind or project",
        "{id} 的结对、来源、类型或项目与此不同",
    ),
    (
        "funds.reversal_before",
        "a reversal is dated before {id} ({date})",
        "冲销交易的日期早于 {id}（{date}）",
    ),
    (
        "funds.reversal_exceeds",
        "reversals of {id} would exceed its amount {amount}",
        "对 {id} 的冲销将超过其金额 {amount}",
    ),
    (
        "ref.depends_on_rejected",
        "depends on rejected row {at} ({what} {id})",
        "依赖已被拒绝的行 {at}（{what_zh} {id}）",
    ),
    ("ref.unknown", "unknown {what} {id}", "未知的{what_zh} {id}"),
    (
        "duplicate.id",
        "duplicate id {key}[ (same as line {line})]",
        "编号重复 {key}[（与第 {line} 行相同）]",
    ),
    (
        "duplicate.key",
        "duplicate key {key}[ (same as line {line})]",
        "主键重复 {key}[（与第 {line} 行相同）]",
    ),
    (
        "duplicate.value_in_file",
        "duplicate {column} (same as line {line}[, person {person}])",
        "{column_zh}重复（与第 {line} 行相同[，人员 {person}]）",
    ),
    (
        "duplicate.value_stored",
        "duplicate {column} (already registered[, person {person}])",
        "{column_zh}重复（已登记[，人员 {person}]）",
    ),
    (
        "region.parent_not_nearest",
        "parent must be the nearest existing ancestor {nearest}, not {parent}",
        "上级须为最近的已有上级区划 {nearest}，而不是 {parent}",
    ),
    (
        "region.unknown_parent",
        "unknown region code {code}",
        "未知的区划代码 {code}",
    ),
    (
        "duplicate.id_number_in_file",
        "duplicate id_number (same as line {line}, person {person})",
        "身份证号重复（与第 {line} 行相同，人员 {person}）",
    ),
    (
        "duplicate.id_number_stored_person",
        "duplicate id_number (already registered to person {person})",
        "身份证号重复（已登记为人员 {person}）",
    ),
    (
        "duplicate.id_number_stored",
        "duplicate id_number (already registered)",
        "身份证号重复（已登记）",
    ),
    (
        "store.login_taken",
        "an account named {login} exists",
        "账号 {login} 已存在",
    ),
    (
        "store.file_exists",
        "{path} exists already",
        "{path} 已存在",
    ),
    (
        "store.copy_mismatch",
        "the copy does not hold what was read:\nread\n{read}stored\n{stored}",
        "副本与读取的内容不一致：\n读取\n{read}写入\n{stored}",
    ),
    (
        "store.not_empty",
        "the target store is not empty; a copy goes into a new, empty store. It holds:\n{totals}",
        "目标存储不为空；副本只能写入新的空存储。其中已有：\n{totals}",
    ),
    (
        "funds.ledger_changed",
        "{key} is already in the ledger with other content; corrections are new rows with reverses",
        "{key} 已在资金台账中且内容不同；更正请新增冲销行",
    ),
    (
        "round.frozen",
        "the {year} assessment round is frozen (since {at}: {reason}): this row changes a record its assessment reads, so it is refused; the frozen result stands until a correction is approved",
        "{year} 年度考核已冻结（自 {at}：{reason}）：此行会改变该年考核读取的记录，因此被拒绝；更正获批之前，冻结结果保持不变",
    ),
    (
        "scope.outside",
        "this {kind} row is outside your scope ({whose})",
        "这行{kind_zh}数据超出您的写入范围（{whose_zh}）",
    ),
    // Details of the records behind an indicator (engine::assess traces).
    ("trace.meeting", "{date} {kind}", "{date} {kind_zh}"),
    (
        "trace.fund_source",
        "{date} {source} {amount}",
        "{date} {source_zh} {amount}",
    ),
    (
        "trace.secondment",
        "{role} {start}–{end}",
        "{role_zh} {start}–{end_zh}",
    ),
    (
        "trace.training",
        "{kind} {attendees} attendees",
        "{kind_zh} {attendees} 人参加",
    ),
    (
        "trace.person_days",
        "person {person} {days} days in {year}",
        "人员 {person} {year}年在岗 {days} 天",
    ),
    (
        "trace.milestone_due",
        "due {due} done {done}",
        "计划 {due} 完成 {done}",
    ),
    (
        "trace.milestone_late",
        "late: due {due} done {done}",
        "逾期：计划 {due} 完成 {done}",
    ),
    (
        "trace.beneficiary",
        "beneficiary of {project} ({members} members)",
        "项目 {project} 的受益户（{members} 人）",
    ),
    // Answers of the HTTP API (errors of the web edge).
    (
        "api.no_year_data",
        "no data for the year {year}: the data has the years {first} to {last}",
        "没有 {year} 年的数据：现有数据为 {first} 至 {last} 年",
    ),
    (
        "api.no_year_one",
        "no data for the year {year}: the data has the year {first}",
        "没有 {year} 年的数据：现有数据为 {first} 年",
    ),
    (
        "api.no_year_any",
        "no data for the year {year}: the data has no year yet",
        "没有 {year} 年的数据：尚无任何年度的数据",
    ),
    (
        "api.unknown_pairing",
        "unknown pairing {id}",
        "结对 {id} 不存在",
    ),
    (
        "api.unknown_indicator",
        "unknown indicator {id}",
        "指标 {id} 不存在",
    ),
    (
        "api.unknown_finding",
        "unknown finding {id}",
        "问题类型 {id} 不存在",
    ),
    (
        "api.explain_what",
        "give indicator or finding",
        "请指定指标或问题类型",
    ),
    (
        "api.unknown_method_id",
        "unknown method {id}",
        "考核办法 {id} 不存在",
    ),
    ("api.no_job", "no job {id}", "任务 {id} 不存在"),
    (
        "api.wrong_password",
        "wrong login or password",
        "登录名或密码错误",
    ),
    (
        "api.bearer_format",
        "use 'Authorization: Bearer <token>'",
        "请使用“Authorization: Bearer 令牌”请求头",
    ),
    (
        "api.token_unknown",
        "the API token is unknown, revoked or its account disabled",
        "API 令牌无效、已撤销，或其账户已停用",
    ),
    (
        "api.password_changed",
        "the password was changed: sign in again",
        "密码已更改：请重新登录",
    ),
    (
        "api.account_disabled",
        "the account is disabled",
        "该账户已停用",
    ),
    (
        "api.json_expected",
        "Expected request with `Content-Type: application/json`",
        "请求内容须为 JSON（Content-Type: application/json）",
    ),
    (
        "api.sign_in_too_large",
        "a sign-in body has at most {max} bytes",
        "登录请求最多 {max} 字节",
    ),
    (
        "api.too_many_attempts",
        "more than {max} sign-in attempts in a minute; wait and try again",
        "一分钟内登录尝试超过 {max} 次；请稍后再试",
    ),
    (
        "api.login_locked",
        "too many sign-in attempts for this login: try again in {secs} s",
        "该登录名尝试次数过多：请 {secs} 秒后再试",
    ),
    (
        "api.sign_in_to_see",
        "sign in to see {what}",
        "请先登录，再查看{what_zh}",
    ),
    (
        "api.outside_scope",
        "{what} is outside your scope",
        "{what_zh}超出您的权限范围",
    ),
    (
        "api.no_route",
        "no such page or endpoint",
        "没有这个页面或接口",
    ),
    ("api.no_form", "no form for {kind}", "没有 {kind} 的表单"),
    ("api.no_record", "no {kind} {key}", "没有{kind_zh} {key}"),
    (
        "api.unknown_field",
        "unknown field {name}",
        "未知的字段 {name}",
    ),
    (
        "api.record_outside_scope",
        "this {kind} is outside your scope",
        "这条{kind_zh}超出您的写入范围",
    ),
    (
        "api.bad_file_name",
        "{name}: a file name may use only letters, digits, _ - .",
        "{name}：文件名只能包含字母、数字及 _ - .",
    ),
    (
        "api.no_files",
        "no dataset files were uploaded",
        "没有上传数据文件",
    ),
    (
        "api.no_pending_upload",
        "no pending upload {token}",
        "没有待提交的上传 {token}",
    ),
    (
        "api.upload_checking",
        "upload {token} is still being checked: wait for job {job} to end, then commit",
        "上传 {token} 仍在检查中：请等任务 {job} 结束后再提交",
    ),
    (
        "api.unknown_region",
        "unknown region {code}",
        "未知的地区 {code}",
    ),
    (
        "api.unknown_project",
        "unknown project {id}",
        "未知的项目 {id}",
    ),
    (
        "api.no_full_view",
        "your account may not see identity numbers and names in full",
        "您的账户无权查看完整的身份证号和姓名",
    ),
    ("api.no_template", "no template {file}", "没有模板 {file}"),
    ("api.unknown_method", "unknown method", "未知的考核办法"),
    ("api.bad_path", "{detail}", "网址中的参数有误：{detail}"),
    ("api.bad_query", "{detail}", "查询参数有误：{detail}"),
    ("api.bad_json", "{detail}", "请求内容（JSON）有误：{detail}"),
    ("api.body_too_large", "{detail}", "请求内容过大：{detail}"),
    (
        "api.bad_multipart",
        "{detail}",
        "上传内容无法读取：{detail}",
    ),
    (
        "api.no_access_rule",
        "{method} {path} has no access rule",
        "{method} {path} 没有访问规则",
    ),
    (
        "api.csrf",
        "missing or wrong X-CSRF-Token header (reload the page)",
        "缺少或错误的 X-CSRF-Token 请求头（请刷新页面）",
    ),
    (
        "api.key_parts",
        "a {kind} key has {n} parts",
        "{kind_zh}的编号由 {n} 部分组成",
    ),
    (
        "api.bad_key",
        "{column}: {reason}",
        "{column_zh}：{reason_zh}",
    ),
    ("api.bad_region", "{code}: {reason}", "{code}：{reason_zh}"),
    (
        "api.not_active",
        "pairing {id} is not active in {year}, so it is not assessed that year",
        "结对 {id} 在 {year} 年度未开展协作，该年度不参加考核",
    ),
    (
        "api.no_labour_date",
        "date is required: there are no seekers, postings or placements yet",
        "请指定日期：尚无求职人员、岗位或就业记录",
    ),
    (
        "api.base_exists",
        "this {kind} already exists (batch {now})",
        "这条{kind_zh}已经存在（批次 {now}）",
    ),
    (
        "api.base_changed",
        "this {kind} was changed since batch {base} (now batch {now})",
        "这条{kind_zh}在批次 {base} 之后已被修改（现为批次 {now}）",
    ),
    (
        "api.base_gone",
        "this {kind} no longer exists",
        "这条{kind_zh}已不存在",
    ),
    (
        "api.unknown_kind",
        "unknown kind {kind}",
        "未知的记录类型 {kind}",
    ),
    // Zip uploads (web::zipped).
    (
        "zip.file_bytes",
        "{zip}: {name} unpacks to more than {mib} MiB (the limit of one file in an upload)",
        "{zip}：{name} 解压后超过 {mib} MiB（上传中单个文件的上限）",
    ),
    (
        "zip.ratio",
        "{zip}: {name} unpacks to more than {ratio} times its compressed size, as a zip bomb does (the limit of compression in an upload)",
        "{zip}：{name} 解压后超过压缩大小的 {ratio} 倍，与“压缩炸弹”相同（上传的压缩比上限）",
    ),
    (
        "zip.upload_bytes",
        "{zip}: the zip unpacks to more than {mib} MiB (the limit of an upload)",
        "{zip}：压缩包解压后超过 {mib} MiB（一次上传的上限）",
    ),
    (
        "zip.not_zip",
        "{zip}: not a zip file: {detail}",
        "{zip}：不是有效的 zip 压缩包：{detail}",
    ),
    (
        "zip.unreadable",
        "{zip}: {detail}",
        "{zip}：无法读取：{detail}",
    ),
    (
        "zip.entry_unreadable",
        "{zip}: {name}: {detail}",
        "{zip}：{name}：无法读取：{detail}",
    ),
    (
        "zip.method",
        "{zip}: {name} is compressed with {method}, which an upload cannot read: zip it with Deflate (the usual method) or store it",
        "{zip}：{name} 使用 {method} 压缩，上传无法读取：请用 Deflate（常用方式）压缩或不压缩存储",
    ),
    (
        "zip.no_data",
        "{zip}: {name}: cannot find its data",
        "{zip}：{name}：找不到其数据",
    ),
    (
        "zip.cut_off",
        "{zip}: {name}: its data is cut off",
        "{zip}：{name}：数据不完整（被截断）",
    ),
];
