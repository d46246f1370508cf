// Xiezuo (协作) browser UI: overview, pairings, pairing detail with
// drill-down from any number to its records, and the assessment ranking.
// Simplified Chinese by default, English on the switch; all data from the
// JSON API under /api/v1.
"use strict";

const T = {
  zh: {
    sign_in: "登录", sign_out: "退出", login: "账号", password: "密码", signed_in_as: "当前用户", need_sign_in: "请先登录。",
    full_view: "查看完整信息（将记入访问日志）",
    brand: "协作 · 东西部协作平台", nav_overview: "总览", nav_pairings: "结对", nav_assessment: "考核", nav_api: "接口",
    loading: "加载中…", overview: "总览", totals: "全国协作情况（按年度）", map: "结对关系图", grades: "最新考核等次分布",
    people_placed: "转移就业人数", cadres_and_technicians_sent: "选派干部人才（人次）",
    donations: "社会捐赠（元）", year: "年度", east: "东部帮扶方", west: "西部受帮扶方",
    pairings: "结对关系", pairing: "结对", level: "层级",
    helper: "帮扶方", helped: "受帮扶方", start: "开始日期", end: "结束日期", search: "搜索", all: "全部",
    province: "省级", prefecture: "地级", county: "县级", township: "乡级", village: "村级",
    subtree: "下级结对", indicators: "指标", scores: "得分", findings: "数据质量问题", indicator: "指标", value: "数值",
    side: "考核对象", total: "总分", grade: "等次", records: "依据记录", record_kind: "记录类型", record_id: "记录编号", detail: "说明",
    nav_data: "数据", data: "数据上传", upload_hint: "选择数据文件（CSV 或 XLSX，中英文表头均可）或数据集 zip 包。先校验，确认无误后再导入；有任何错误时不会存储任何数据。",
    check: "校验", commit: "确认导入", errors: "错误", file: "文件", line: "行", column: "列", reason: "原因",
    valid: "校验通过，可以导入。", invalid: "发现 {n} 处错误，未存储任何数据。请修改后重新上传。", imported: "已导入（批次 {b}）。",
    read: "读取", new: "新增", changed: "修改", unchanged: "未变", rejected: "拒绝",
    region: "地区", households: "建档立卡贫困户", members: "家庭成员", category: "户属性", identified_year: "识别年度", exit_year: "脱贫年度",
    status: "贫困状况（按年度）", registered: "建档立卡人口", exited: "当年脱贫人口", id_number: "身份证号", name: "姓名", sex: "性别", birth_date: "出生日期", labor: "劳动能力",
    project: "项目", budget: "预算", committed: "计划", disbursed: "到位", expended: "支出", milestones: "目标节点", due: "计划完成", done: "实际完成", responsible: "责任人", late: "逾期",
    beneficiaries: "带贫对象", children_regions: "下级地区", region_projects: "本地区项目", region_pairings: "涉及的结对",
    nav_labour: "劳务协作", labour: "劳务协作工作站", date: "日期", station: "工作站", seekers: "求职人员", open_postings: "在招岗位", open_positions: "空缺岗位数",
    proposals: "推荐匹配（最优）", greedy: "贪心对照", priority_households: "零就业家庭人员", poor_placed: "建档立卡贫困人口", fit: "匹配度",
    unmatched: "未匹配人员及原因", confirmed: "已确认就业", retention3: "3个月稳岗", retention6: "6个月稳岗", follow_up: "需跟踪回访（不足90天）", confirm: "确认本页推荐",
    not_assessed: "该结对尚无考核年度（无活跃年度的数据）。", search_all: "搜索地区、结对、项目、组织", search_results: "搜索结果", kind_region: "地区", kind_pairing: "结对", kind_project: "项目", kind_organisation: "组织", own_region: "本地区", own_pairings: "本地区参与的结对 {n} 个", map_arrow: "帮扶方向（省际结对）", map_pairings: "{n} 个省际结对", no_map: "该地区暂无底图（可用 --map-dir 提供审核通过的底图）。", grade_bands: "等次标准", below_all: "其余", points: "分", write_needs_account: "上传数据和填报记录需要登录有填报权限的账号。", read_only_account: "当前账号只能查看，不能上传或填报数据。", confirm_ask: "确认 {n} 条推荐为就业记录？", both_sides: "东西部两方（各自排名）", confirm_none: "没有可确认的推荐", confirm_refused: "未能确认：{m}", data_through: "最近有在招岗位的日期",
    posting: "岗位", wage: "月工资", person: "人员",
    already_employed: "已在岗", no_posting_in_reach: "意向地区或就业距离内无在招岗位", not_eligible: "不符合岗位条件",
    capacity_taken: "符合条件的岗位已满（优先安排零就业家庭和建档立卡人员、匹配度更高者）",
    method: "考核办法",
    add_record: "新增或修改单条记录", save: "保存", saved: "已保存（批次 {b}）。", not_saved: "未保存：", edit: "编辑", history: "修改记录", field: "字段", old: "原值", new_value: "新值", actor: "操作人", at: "时间",
    templates: "下载空白模板（中文表头、下拉选项）", export_xlsx: "导出 XLSX", compare: "年度对比", change: "变化",
    prev: "上一页", next: "下一页", page: "第 {p} 页，共 {n} 条", assessment: "年度考核", rank: "排名", filter_side: "考核对象",
    filter_grade: "等次", filter_province: "省份代码", none: "无", click_hint: "点击数值查看依据记录",
    org: "组织领导", funds: "资金支持", talent: "人才支援", industry: "产业合作", labour: "劳务协作", coverage: "携手奔小康",
    consumption: "消费帮扶", fund_use: "资金使用", projects: "项目管理", results: "带贫成效", finding: "问题", people: "人",
    ck_kind_village: "行政村", ck_kind_household: "农户", ck_title: "交叉核查结果", ck_result: "核查结果", ck_note: "说明", ck_note_hint: "核实值或证据（数据不符、弄虚作假时必填）", ck_confirmed: "属实", ck_not_found: "查无此记录", ck_discrepant: "数据不符", ck_falsified: "弄虚作假",
    ck_none: "本年度尚未抽样。", ck_seed: "抽样种子", ck_progress: "已录入 {d} / {n} 条", ck_save: "保存已填写的结果", ck_read_only: "当前不在交叉核查阶段，或您不是本核查组成员：只能查看。", ck_refused: "有 {n} 条结果被拒绝，未保存任何结果", ck_saved: "已保存 {n} 条结果", ck_enter: "录入核查结果",
    procedure: "考核流程", pr_saved: "已保存", pr_claims_hint: "自评值已按锁定数据预填；与核定值不同的将作为问题提交核查（数值按输出文件格式：金额为元，比例为小数）。", pr_frozen: "核定值", pr_claimed: "自评值",
    pr_narrative: "自评说明", pr_submit_self: "提交自评", pr_text: "意见", pr_submit_opinion: "提交意见", pr_subject: "申诉事项", pr_reason: "理由", pr_decision: "处理结果",
    pr_upheld: "申诉成立", pr_rejected: "申诉不成立", pr_comment: "处理意见", pr_decide: "作出决定", pr_pending: "待处理", pr_file_appeal: "提出申诉", pr_penalty: "弄虚作假扣分", wb_sample_files: "抽样文件", wb_sample_csv: "核查清单（可填写后导入）", wb_teams_csv: "核查组分配", ck_rates: "核查核实率", ck_checked: "已核查", ck_rate: "核实率（95% 区间）", ck_adjusted: "核实后推算值", pr_attachments: "佐证材料", pr_no_attachments: "暂无", pr_attach: "上传佐证材料", pr_remove: "删除", pr_attach_hint: "PDF、图片、Word 或 Excel 文件，每份不超过 5 兆字节", pr_bytes: "字节", pr_penalties_group: "扣分", pr_value: "应为", pr_evidence: "证据",
    pr_submit_appeal: "提交申诉", pr_freeze: "锁定考核数据", pr_advance: "进入下一阶段：{s}", pr_open: "开启年度考核", pr_sample: "抽取核查样本", pr_penalties: "执行核查扣分",
    state_open: "填报中", state_self_evaluation: "自评", state_cross_check: "交叉核查", state_review: "审核", state_approved: "已审定", state_published: "已公布",
    nav_workbench: "工作台", workbench: "工作台", wb_today: "今天", wb_none: "当前没有进行中的考核轮次。", wb_round: "{y} 年度考核", wb_due: "本阶段截止", wb_overdue: "逾期",
    wb_step: "环节", wb_due_date: "截止日期", wb_status: "状态", wb_done: "已完成", wb_current: "进行中", wb_pending: "未开始", wb_tasks: "待办事项", wb_appeals_pending: "待处理申诉",
    wb_parties: "考核对象", wb_self: "自评", wb_not_submitted: "未提交", wb_mismatch: "与核定值不符", wb_opinion: "结对方意见", wb_agrees: "同意", wb_disagrees: "不同意", wb_open: "待办",
    wb_appeals: "申诉", wb_teams: "交叉核查组", wb_team_pairings: "负责结对", wb_sampled: "抽样记录", wb_recorded: "已录入结果", wb_progress: "进度", wb_more: "另有 {n} 项未列出",
    task_self_evaluation: "提交自评", task_opinion: "对结对方自评提出意见", wb_no_tasks: "无",
    published_grades: "已公布考核等次", no_published: "暂无已公布的考核结果：考核结果经审定公布后在此显示", round_xlsx: "本轮考核结果（XLSX）", preliminary: "初步结果",
    report: "考核报告", published: "已公布",
    reconciliation: "对账", traceability: "可追溯率", rc_money: "资金", rc_people: "人员", rc_flow: "业务", rc_status: "对账结果",
    rc_sent: "发送方记录", rc_received: "接收方记录", rc_sent_amount: "发送方金额", rc_received_amount: "接收方金额",
    rc_none: "尚无接收方填报的数据（交换格式 v1.2），本年度未对账。", rc_findings: "对账问题（双方均计）",
    rc_tolerance: "金额容差 {a} 元，日期容差 {d} 天", rc_all_match: "双方填报全部相符。",
  },
  en: {
    sign_in: "Sign in", sign_out: "Sign out", login: "Login", password: "Password", signed_in_as: "Signed in as", need_sign_in: "Please sign in.",
    full_view: "Show in full (written to the access log)",
    brand: "Xiezuo · East-West Cooperation", nav_overview: "Overview", nav_pairings: "Pairings", nav_assessment: "Assessment", nav_api: "API",
    loading: "Loading…", overview: "Overview", totals: "National cooperation by year", map: "Pairings map", grades: "Grades of the latest assessment",
    people_placed: "People placed in jobs", cadres_and_technicians_sent: "Cadres and technicians sent",
    donations: "Donations (yuan)", year: "Year", east: "Helper (east)", west: "Helped (west)",
    pairings: "Pairings", pairing: "Pairing", level: "Level",
    helper: "Helper", helped: "Helped", start: "Start", end: "End", search: "Search", all: "All",
    province: "province", prefecture: "prefecture", county: "county", township: "township", village: "village",
    subtree: "Sub-pairings", indicators: "Indicators", scores: "Scores", findings: "Data-quality findings", indicator: "Indicator", value: "Value",
    side: "Side", total: "Total", grade: "Grade", records: "Records behind the number", record_kind: "Kind", record_id: "Record", detail: "Detail",
    nav_data: "Data", data: "Upload data", upload_hint: "Choose dataset files (CSV or XLSX, English or Chinese headers) or a zip of a dataset. They are checked first; nothing is stored until you confirm, and nothing at all if any row is bad.",
    check: "Check", commit: "Import", errors: "Errors", file: "File", line: "Line", column: "Column", reason: "Reason",
    valid: "The dataset is valid and can be imported.", invalid: "{n} errors found; nothing was stored. Fix them and upload again.", imported: "Imported (batch {b}).",
    read: "read", new: "new", changed: "changed", unchanged: "unchanged", rejected: "rejected",
    region: "Region", households: "Registered households", members: "Members", category: "Category", identified_year: "Identified", exit_year: "Exited",
    status: "Poverty status by year", registered: "Registered persons", exited: "Exited in the year", id_number: "ID number", name: "Name", sex: "Sex", birth_date: "Birth date", labor: "Labour capacity",
    project: "Project", budget: "Budget", committed: "committed", disbursed: "disbursed", expended: "expended", milestones: "Milestones", due: "Due", done: "Done", responsible: "Responsible", late: "late",
    beneficiaries: "Beneficiary households", children_regions: "Sub-regions", region_projects: "Projects here", region_pairings: "Pairings touching it",
    nav_labour: "Labour", labour: "Labour station", date: "Date", station: "Station", seekers: "Seekers", open_postings: "Open postings", open_positions: "Open positions",
    proposals: "Proposed matches (optimal)", greedy: "Greedy baseline", priority_households: "from households with no one employed", poor_placed: "registered poor placed", fit: "fit",
    unmatched: "Unmatched seekers and why", confirmed: "Confirmed placements", retention3: "Retained 3 months", retention6: "Retained 6 months", follow_up: "Follow-up (ended before 90 days)", confirm: "Confirm these proposals",
    not_assessed: "This pairing has no assessed year yet.", search_all: "Search regions, pairings, projects, organisations", search_results: "Search results", kind_region: "Regions", kind_pairing: "Pairings", kind_project: "Projects", kind_organisation: "Organisations", own_region: "Your region", own_pairings: "{n} pairings your region takes part in", map_arrow: "helper to helped (pairings between provinces)", map_pairings: "{n} pairings between provinces", no_map: "No base map for this region (an approved one can be given with --map-dir).", grade_bands: "Grade bands", below_all: "otherwise", points: "points", write_needs_account: "Uploading and entering records needs an account that may write.", read_only_account: "This account reads only; it cannot upload or enter records.", confirm_ask: "Store {n} proposals as placements?", both_sides: "Both sides (ranked within each)", confirm_none: "Nothing to confirm", confirm_refused: "Not confirmed: {m}", data_through: "Latest day with open postings",
    posting: "Posting", wage: "Monthly wage", person: "Person",
    already_employed: "already employed", no_posting_in_reach: "no open posting within the wanted regions or distance", not_eligible: "not eligible",
    capacity_taken: "eligible postings filled by seekers of higher priority or better fit",
    method: "Method",
    add_record: "Add or edit one record", save: "Save", saved: "Saved (batch {b}).", not_saved: "Not saved: ", edit: "Edit", history: "History", field: "Field", old: "Old", new_value: "New", actor: "By", at: "At",
    templates: "Blank templates (Chinese headers, drop-down lists)", export_xlsx: "Export XLSX", compare: "Compare years", change: "Change",
    prev: "Previous", next: "Next", page: "page {p}, {n} records", assessment: "Yearly assessment", rank: "Rank", filter_side: "Side",
    filter_grade: "Grade", filter_province: "Province code", none: "none", click_hint: "click a number to see its records",
    org: "Leadership", funds: "Funds", talent: "Talent", industry: "Industry", labour: "Labour", coverage: "Coverage",
    consumption: "Consumption", fund_use: "Fund use", projects: "Projects", results: "Results", finding: "Finding", people: "people",
    ck_kind_village: "Village", ck_kind_household: "Household", ck_title: "Cross-check results", ck_result: "Result", ck_note: "Note", ck_note_hint: "the corrected value or the evidence (required when discrepant or falsified)", ck_confirmed: "confirmed", ck_not_found: "not found", ck_discrepant: "discrepant", ck_falsified: "falsified",
    ck_none: "No sample has been drawn for this year.", ck_seed: "Sample seed", ck_progress: "{d} of {n} recorded", ck_save: "Save the results filled in", ck_read_only: "Not in the cross-check step, or not your team: read only.", ck_refused: "{n} results were refused; nothing was saved", ck_saved: "{n} results saved", ck_enter: "Enter results",
    procedure: "Assessment procedure", pr_saved: "Saved", pr_claims_hint: "Claims are pre-filled with the frozen values; a claim that differs is checked as a finding (values as the output files write them: money in yuan, shares as decimals).", pr_frozen: "Frozen value", pr_claimed: "Claimed",
    pr_narrative: "Narrative", pr_submit_self: "Submit the self-evaluation", pr_text: "Opinion", pr_submit_opinion: "Submit the opinion", pr_subject: "Subject", pr_reason: "Reason", pr_decision: "Decision",
    pr_upheld: "upheld", pr_rejected: "rejected", pr_comment: "Comment", pr_decide: "Decide", pr_pending: "pending", pr_file_appeal: "File an appeal", pr_penalty: "falsification penalty", wb_sample_files: "Sample files", wb_sample_csv: "records to check (fill in and record)", wb_teams_csv: "teams by pairing", ck_rates: "Verified rates", ck_checked: "checked", ck_rate: "verified (95 % interval)", ck_adjusted: "extrapolated", pr_attachments: "Attachments", pr_no_attachments: "none", pr_attach: "Upload documents", pr_remove: "Remove", pr_attach_hint: "PDF, images, Word or Excel, at most 5 MiB each", pr_bytes: "bytes", pr_penalties_group: "Penalties", pr_value: "should be", pr_evidence: "Evidence",
    pr_submit_appeal: "Submit the appeal", pr_freeze: "Freeze the data", pr_advance: "Move on to: {s}", pr_open: "Open the year's round", pr_sample: "Draw the cross-check sample", pr_penalties: "Apply the penalties",
    state_open: "open", state_self_evaluation: "self-evaluation", state_cross_check: "cross-check", state_review: "review", state_approved: "approved", state_published: "published",
    nav_workbench: "Workbench", workbench: "Workbench", wb_today: "Today", wb_none: "No assessment round is in progress.", wb_round: "Assessment {y}", wb_due: "this step is due", wb_overdue: "overdue",
    wb_step: "Step", wb_due_date: "Due", wb_status: "Status", wb_done: "done", wb_current: "in progress", wb_pending: "not started", wb_tasks: "Open tasks", wb_appeals_pending: "Appeals to decide",
    wb_parties: "Parties", wb_self: "Self-evaluation", wb_not_submitted: "not submitted", wb_mismatch: "differ from the frozen values", wb_opinion: "Paired party's opinion", wb_agrees: "agrees", wb_disagrees: "disagrees", wb_open: "To do",
    wb_appeals: "Appeals", wb_teams: "Cross-check teams", wb_team_pairings: "Pairings", wb_sampled: "Sampled records", wb_recorded: "Results recorded", wb_progress: "Progress", wb_more: "{n} more not listed",
    task_self_evaluation: "Submit the self-evaluation", task_opinion: "Give an opinion on the paired side's self-evaluation", wb_no_tasks: "none",
    published_grades: "Grades of the published round", no_published: "No published result yet: the grades appear here once a round is approved and published", round_xlsx: "The round's result (XLSX)", preliminary: "preliminary",
    report: "Assessment report", published: "published",
    reconciliation: "Reconciliation", traceability: "Traceability", rc_money: "money", rc_people: "people", rc_flow: "Flow", rc_status: "Outcome",
    rc_sent: "Sender's record", rc_received: "Receiver's record", rc_sent_amount: "Sent (yuan)", rc_received_amount: "Received (yuan)",
    rc_none: "No receiving-side data (exchange format v1.2) yet: the year is not reconciled.", rc_findings: "Reconciliation findings (of both parties)",
    rc_tolerance: "amounts within {a} yuan, dates within {d} days", rc_all_match: "Both sides agree on everything.",
  },
};
let lang = localStorage.getItem("xiezuo.lang") || "zh";
// Indicator and finding names come from the labels of the API (below);
// English falls back to the readable id.
const t = (k) => (T[lang] && T[lang][k]) || pick(TERMS.get(k)) || (lang === "en" ? String(k).replace(/_/g, " ") : T.zh[k]) || k;
// Messages of the API in the interface's language: row errors carry
// reason/reason_zh and column/column_zh, error bodies message/message_zh.
const reasonOf = (e) => (lang === "zh" && e.reason_zh) || e.reason;
const columnOf = (e) => (lang === "zh" && e.column_zh) || e.column;
const messageOf = (b) => (lang === "zh" && b.message_zh) || b.message;
// Labels of enum values, columns, file kinds and roles come from the API
// (GET /api/v1/labels), loaded once before the first page.
let LABELS = { values: {}, columns: {}, kinds: [], roles: [], indicators: [], findings: [] };
let TERMS = new Map();
const labelsLoaded = fetch("/api/v1/labels").then((r) => (r.ok ? r.json() : LABELS)).then((l) => {
  LABELS = l;
  TERMS = new Map([...(l.indicators || []), ...(l.findings || []), ...(l.grades || [])].map((x) => [x.value, x]));
}).catch(() => {});
const pick = (l) => (l ? (lang === "zh" ? l.zh : l.en) : null);
const enumLabel = (key, v) => (v == null || v === "" ? "" : pick((LABELS.values[key] || []).find((x) => x.value === v)) || v);
const kindLabel = (k) => pick(LABELS.kinds.find((x) => x.value === k)) || k;
// A record kind of the assessment (`placement`, `beneficiary`) by its file kind.
const RECORD_FILE = { beneficiary: "beneficiaries", attendance: "training_attendance", fund: "funds", region_stat: "region_stats" };
const recordKindLabel = (k) => { const f = RECORD_FILE[k] || (LABELS.kinds.some((x) => x.value === k) ? k : `${k}s`); const l = pick(LABELS.kinds.find((x) => x.value === f)); return l || k; };
const $ = (sel, el = document) => el.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
// Money as offices read it: 亿元 and 万元 with sensible precision (yuan in).
const money = (v) => {
  if (v == null) return "—";
  const n = Number(v), a = Math.abs(n), zh = lang === "zh";
  const num = (x, d) => x.toLocaleString(zh ? "zh-CN" : "en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  if (a >= 1e8) return `${num(n / 1e8, 2)} ${zh ? "亿元" : "×100M yuan"}`;
  if (a >= 1e4) return `${num(n / 1e4, a >= 1e6 ? 0 : 1)} ${zh ? "万元" : "×10k yuan"}`;
  return `${num(n, 0)} ${zh ? "元" : "yuan"}`;
};
// An axis label in 万元 or 亿元.
const moneyAxis = (v) => (Math.abs(v) >= 1e8 ? `${v / 1e8}${lang === "zh" ? "亿" : "00M"}` : Math.abs(v) >= 1e4 ? `${v / 1e4}${lang === "zh" ? "万" : "0k"}` : String(v));
// A money label without its unit, where the value carries 万元 or 亿元.
const noUnit = (label) => label.replace(/（元）|\s*\(yuan\)/, "");
// An indicator as offices read it: rates in per cent, money in 万元/亿元.
const indicatorValue = (i) => (i.value == null ? "—" : i.unit === "rate" ? `${(i.value * 100).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 1 })}%` : i.unit === "yuan" ? money(i.value) : fmt(i.value));
// A stored UTC time stamp shown in China time (UTC+8), as offices read it.
const chinaTime = (at) => {
  const d = new Date(at);
  if (!at || isNaN(d)) return at || "";
  const z = new Date(d.getTime() + 8 * 3600 * 1000).toISOString();
  return `${z.slice(0, 10)} ${z.slice(11, 19)}${lang === "zh" ? "（北京时间）" : " (UTC+8)"}`;
};
const MONEY_KEYS = new Set(["fiscal_disbursed", "purchases", "donations", "budget", "funds", "amount"]);
const fmt = (v) => (v == null ? "—" : typeof v === "number" ? v.toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 4 }) : v);
const partyName = (p) => (p ? `${p.name}${p.kind === "organisation" ? `（${p.region_name}）` : ""}` : "");
// A pairing as people name it: 苏州市—铜仁市.
const pairingName = (x) => (x.helper && x.helped ? `${partyName(x.helper)}—${partyName(x.helped)}` : x.pairing_id);
const partyLink = (p) => (p ? `<a href="#/region/${p.kind === "organisation" ? p.region : p.code}">${esc(partyName(p))}</a>` : "");
function recordLink(kind, id) {
  if (kind === "milestone") return `<a href="#/project/${encodeURIComponent(id.split("/")[0])}">${esc(id)}</a>`;
  if (kind === "beneficiary") return `<a href="#/project/${encodeURIComponent(id.split("/")[0])}">${esc(id)}</a>`;
  if (kind === "region") return `<a href="#/region/${esc(id)}">${esc(id)}</a>`;
  return esc(id);
}

// Waits for a background job, showing its progress in `box`.
async function awaitJob(id, box) {
  for (;;) {
    const j = await api(`/api/v1/jobs/${id}`);
    if (box) box.innerHTML = `<progress id="progress" max="1" value="${j.progress}"></progress> <span class="muted">${Math.round(j.progress * 100)}%</span>`;
    if (j.state === "done") return j.result;
    if (j.state === "failed") throw new Error(j.error);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The signed-in caller (GET /api/v1/session); the public when signed out.
let session = { login: "-", role: "public" };

// Writes carry the session's CSRF token.
function xfetch(path, opts = {}) {
  return fetch(path, { ...opts, headers: { ...(opts.headers || {}), "x-csrf-token": session.csrf || "" } });
}

async function api(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (r.status === 401) {
    location.hash = "#/login";
    throw new Error(t("need_sign_in"));
  }
  if (!r.ok) throw new Error(messageOf(body) || r.statusText);
  return body;
}

async function loadSession() {
  try {
    session = await (await fetch("/api/v1/session")).json();
    // The API documentation is for integrators: administrators see it in the menu.
    const docs = document.querySelector('nav a[href="/api/docs"]');
    if (docs) docs.style.display = session.role === "admin" ? "" : "none";
  } catch (_) {
    session = { login: "-", role: "public" };
  }
  const who = $("#who");
  if (session.role === "public") {
    who.innerHTML = `<a id="sign-in" href="#/login">${t("sign_in")}</a>`;
  } else {
    who.innerHTML = `<span id="whoami" title="${t("signed_in_as")}">${esc(session.login)} · ${esc(lang === "zh" ? session.role_zh : session.role)}</span> <button id="sign-out" type="button">${t("sign_out")}</button>`;
    $("#sign-out").addEventListener("click", async () => {
      await xfetch("/api/v1/session", { method: "DELETE" });
      await loadSession();
      location.hash = "#/";
      route();
    });
  }
}

async function loginPage(app) {
  app.innerHTML = `<h1>${t("sign_in")}</h1>
    <form id="login-form" class="form">
      <label>${t("login")} <input id="login" name="login" autocomplete="username" required></label>
      <label>${t("password")} <input id="password" name="password" type="password" autocomplete="current-password" required></label>
      <button id="login-submit" type="submit">${t("sign_in")}</button>
      <p id="login-status" class="error"></p>
    </form>`;
  $("#login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await fetch("/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: $("#login").value, password: $("#password").value }),
    });
    const body = await r.json();
    if (!r.ok) {
      $("#login-status").textContent = messageOf(body) || r.statusText;
      return;
    }
    await loadSession();
    location.hash = "#/";
  });
}

function applyStatic() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((el) => (el.textContent = t(el.dataset.t)));
  const box = document.querySelector("#search");
  if (box) box.placeholder = t("search_all");
  $("#lang").textContent = lang === "zh" ? "English" : "中文";
}

$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("xiezuo.lang", lang);
  applyStatic();
  loadSession();
  route();
});

const charts = [];
function chart(el) {
  const c = echarts.init(el);
  charts.push(c);
  return c;
}
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
document.querySelector("#search-form")?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = document.querySelector("#search").value.trim();
  if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
});

// An office's own region and pairings, first on its overview.
async function ownFirst() {
  if (session.role !== "office" || !session.region) return "";
  const code = String(session.region).padEnd(12, "0");
  const [g, ps] = await Promise.all([api(`/api/v1/regions/${code}?per_page=1`), api("/api/v1/pairings?per_page=8")]);
  return `<div class="card" id="own"><h2>${t("own_region")}: <a href="#/region/${code}">${esc(g.region.name)}</a></h2>
    <p>${t("own_pairings").replace("{n}", ps.total)}: ${ps.items.map((p) => `<a href="#/pairing/${encodeURIComponent(p.pairing_id)}">${esc(pairingName(p))}</a>`).join(" · ")}${ps.total > ps.items.length ? ` · <a href="#/pairings">${t("all")}</a>` : ""}</p></div>`;
}

async function overview(app) {
  const o = await api("/api/v1/overview");
  const own = await ownFirst().catch(() => "");
  const last = o.totals[o.totals.length - 1] || {};
  app.innerHTML = `<h1>${t("overview")}</h1>${own}
    <div class="kpis">${["fiscal_disbursed", "people_placed", "cadres_and_technicians_sent", "purchases", "donations"]
      .map((k) => `<div class="card kpi"><div class="k">${noUnit(t(k))} · ${o.latest_year ?? ""}</div><div class="v">${MONEY_KEYS.has(k) ? money(last[k]) : fmt(last[k])}</div></div>`).join("")}</div>
    <div class="grid">
      <div class="card"><h2>${t("totals")}</h2><div id="c-money" class="chart"></div></div>
      <div class="card"><h2>${t("totals")}</h2><div id="c-people" class="chart"></div></div>
    </div>
    <div class="grid" style="margin-top:16px">
      <div class="card"><h2>${t("map")}</h2><div id="c-map" class="map"></div></div>
      <div class="card" id="grades-card">${o.published ? `<h2>${t("published_grades")} · ${o.published.year}</h2><div id="c-grades" class="chart"></div>` : `<h2>${t("published_grades")}</h2><p class="muted" id="no-published">${t("no_published")}</p>`}</div>
    </div>`;
  const years = o.totals.map((x) => String(x.year));
  chart($("#c-money")).setOption({
    tooltip: { trigger: "axis", valueFormatter: money }, legend: { top: 0 }, grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: years }, yAxis: { type: "value", axisLabel: { formatter: moneyAxis } },
    series: ["fiscal_disbursed", "purchases", "donations"].map((k) => ({ name: noUnit(t(k)), type: "bar", data: o.totals.map((x) => x[k]) })),
  });
  chart($("#c-people")).setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: years }, yAxis: { type: "value" },
    series: ["people_placed", "cadres_and_technicians_sent"].map((k) => ({ name: t(k), type: "line", data: o.totals.map((x) => x[k]) })),
  });
  const sides = Object.keys(o.grades || {});
  if (o.published) chart($("#c-grades")).setOption({
    tooltip: {}, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: ["good", "fair", "average", "poor"].map(t) }, yAxis: { type: "value", minInterval: 1 },
    series: sides.map((s) => ({ name: t(s), type: "bar", data: ["good", "fair", "average", "poor"].map((g) => (o.grades[s] || {})[g] || 0) })),
  });
  const geo = await (await fetch("/map/100000.geojson")).json();
  echarts.registerMap("china", geo);
  const centre = {};
  geo.features.forEach((f) => {
    let xs = 0, ys = 0, n = 0;
    const walk = (c) => (typeof c[0] === "number" ? ((xs += c[0]), (ys += c[1]), n++) : c.forEach(walk));
    walk(f.geometry.coordinates);
    centre[f.properties.code] = [xs / n, ys / n];
  });
  const sideOf = Object.fromEntries(o.provinces.map((p) => [p.code, p.side]));
  const nameOf = Object.fromEntries(geo.features.map((f) => [f.properties.code, f.properties.name]));
  const codeOf = Object.fromEntries(geo.features.map((f) => [f.properties.name, f.properties.code]));
  const mapChart = chart($("#c-map"));
  mapChart.on("click", (e) => { if (e.componentType === "geo" && codeOf[e.name]) location.hash = `#/region/${codeOf[e.name]}000000`; });
  // Pairings per province, for the map's figures.
  const count = {};
  o.links.forEach((l) => { count[l.helper] = (count[l.helper] || 0) + l.pairings; if (l.helped !== l.helper) count[l.helped] = (count[l.helped] || 0) + l.pairings; });
  $("#c-map").insertAdjacentHTML("afterend", `<p class="legend" id="map-legend"><span class="sw east"></span>${t("east")} <span class="sw west"></span>${t("west")} <span class="arrow">→</span>${t("map_arrow")}</p>`);
  mapChart.setOption({
    tooltip: { trigger: "item", formatter: (p) => {
      const code = codeOf[p.name];
      return code ? `${p.name}<br>${sideOf[code] ? esc(enumLabel("regions.side", sideOf[code])) : ""} · ${t("map_pairings").replace("{n}", count[code] || 0)}` : p.name;
    } },
    geo: { map: "china", roam: true, itemStyle: { areaColor: "#f1f3f4", borderColor: "#999" }, emphasis: { itemStyle: { areaColor: "#fde7e4" } },
      regions: Object.entries(sideOf).filter(([c]) => nameOf[c]).map(([c, s]) => ({ name: nameOf[c], itemStyle: { areaColor: s === "east" ? "#f8c9c4" : s === "west" ? "#c6dafc" : "#eee" } })) },
    series: [{
      // The arrows never take a click meant for a province.
      type: "lines", coordinateSystem: "geo", symbol: ["none", "arrow"], symbolSize: 8, silent: true,
      lineStyle: { color: "#b3261e", width: 1.5, opacity: 0.8, curveness: 0.2 },
      data: o.links.filter((l) => centre[l.helper] && centre[l.helped] && l.helper !== l.helped)
        .map((l) => ({ coords: [centre[l.helper], centre[l.helped]], from: nameOf[l.helper], to: nameOf[l.helped], n: l.pairings })),
    }],
  });
}

// One search box for regions, pairings, projects and organisations.
async function searchPage(app, params) {
  const q = params.get("q") || "";
  const r = await api(`/api/v1/search?q=${encodeURIComponent(q)}`);
  const link = (x) => x.kind === "region" ? `#/region/${x.id}` : x.kind === "pairing" ? `#/pairing/${encodeURIComponent(x.id)}`
    : x.kind === "project" ? `#/project/${encodeURIComponent(x.id)}` : `#/region/${x.region}`;
  const groups = ["region", "pairing", "project", "organisation"].map((k) => [k, r.results.filter((x) => x.kind === k)]).filter(([, xs]) => xs.length);
  app.innerHTML = `<h1>${t("search_results")} · ${esc(q)}</h1>${groups.length ? groups.map(([k, xs]) => `<h2>${t("kind_" + k)} (${xs.length})</h2>
    <table id="search-${k}"><tbody>${xs.map((x) => `<tr><td><a href="${link(x)}">${esc(x.name)}</a></td><td class="muted">${esc(x.id)}</td><td class="muted">${esc(t(String(x.detail)))}</td></tr>`).join("")}</tbody></table>`).join("")
    : `<p class="muted">${t("none")}</p>`}`;
}

async function pairingsPage(app, params) {
  const level = params.get("level") || "", q = params.get("q") || "", page = +(params.get("page") || 1);
  const r = await api(`/api/v1/pairings?level=${encodeURIComponent(level)}&q=${encodeURIComponent(q)}&page=${page}&per_page=50`);
  app.innerHTML = `<h1>${t("pairings")}</h1>
    <div class="filters"><label>${t("level")} <select id="f-level"><option value="">${t("all")}</option>${["province", "prefecture", "county", "township", "village"]
      .map((l) => `<option value="${l}" ${l === level ? "selected" : ""}>${t(l)}</option>`).join("")}</select></label>
      <input id="f-q" placeholder="${t("search")}" value="${esc(q)}"> <span class="muted">${r.total}</span></div>
    <table><thead><tr><th>${t("pairing")}</th><th>${t("level")}</th><th>${t("helper")}</th><th>${t("helped")}</th><th>${t("start")}</th><th>${t("end")}</th></tr></thead>
    <tbody>${r.items.map((p) => `<tr><td><a href="#/pairing/${encodeURIComponent(p.pairing_id)}">${esc(p.pairing_id)}</a></td><td>${esc(enumLabel("pairings.level", p.level))}</td>
      <td>${esc(partyName(p.helper))}</td><td>${esc(partyName(p.helped))}</td><td>${p.start_date}</td><td>${p.end_date || ""}</td></tr>`).join("")}</tbody></table>
    <div class="pager">${page > 1 ? `<button class="link" id="prev">${t("prev")}</button>` : ""}
      <span class="muted">${t("page").replace("{p}", page).replace("{n}", r.total)}</span>
      ${page * r.per_page < r.total ? `<button class="link" id="next">${t("next")}</button>` : ""}</div>`;
  const go = (over) => {
    const p = new URLSearchParams({ level: $("#f-level").value, q: $("#f-q").value, page: 1, ...over });
    location.hash = `#/pairings?${p}`;
  };
  $("#f-level").addEventListener("change", () => go({}));
  $("#f-q").addEventListener("change", () => go({}));
  $("#prev")?.addEventListener("click", () => go({ page: page - 1 }));
  $("#next")?.addEventListener("click", () => go({ page: page + 1 }));
}

function treeHtml(node) {
  if (!node || !node.children.length) return "";
  return `<ul>${node.children.map((c) => `<li><a href="#/pairing/${encodeURIComponent(c.pairing_id)}">${esc(c.name || c.pairing_id)}</a> <span class="muted">${esc(c.pairing_id)} · ${esc(enumLabel("pairings.level", c.level))}</span>${treeHtml(c)}</li>`).join("")}</ul>`;
}

// Why this grade: each component as points / maximum with the rules and
// indicators behind it, and the band that decided the grade.
function scoreHtml(s, method) {
  const side = (method?.sides || []).find((x) => x.side === s.side);
  const comp = (name) => (side?.components || []).find((c) => c.name === name);
  const bands = (method?.grades || []).map((g) => `<span class="${g.grade === s.grade ? "band-hit" : "muted"}">${esc(g.label || t(g.grade))} ${g.min == null ? t("below_all") : `≥ ${g.min}`}</span>`).join(" · ");
  return `<h3>${t(s.side)}: ${fmt(s.total)} <span class="grade ${s.grade}">${t(s.grade)}</span></h3>
    <p class="bands">${t("grade_bands")}: ${bands}</p>
    <table class="components"><tbody>${s.components.map((c) => {
      const m = comp(c.name);
      const terms = (m?.terms || []).map((x) => `<li>${fmt(x.weight)} ${t("points")}: ${esc(x.rule)} — ${x.indicators.map((i) => `${esc(t(i))}`).join("、")}</li>`).join("");
      return `<tr><td><details><summary>${esc(m?.label || t(c.name))}</summary><ul class="terms">${terms}</ul></details></td>
        <td class="num">${fmt(c.points)}${m ? ` / ${fmt(m.max)}` : ""}</td></tr>`;
    }).join("")}</tbody></table>`;
}

async function pairingPage(app, id, params) {
  const r = await api(`/api/v1/pairings/${encodeURIComponent(id)}`);
  const ms = await api("/api/v1/methods");
  const method = ms.methods.find((m) => m.id === ms.default);
  const years = r.years.map((y) => y.year);
  const year = +(params.get("year") || years[years.length - 1]);
  const y = r.years.find((x) => x.year === year);
  const p = r.pairing;
  // Each side's printable report once the year's round is frozen.
  const round = await api(`/api/v1/rounds/${year}`).catch(() => null);
  const reports = round && round.frozen && y ? `<p id="reports">${y.scores.map((s) => `<a id="report-${s.side}" target="_blank" rel="noopener" href="/api/v1/rounds/${year}/report/${encodeURIComponent(id)}/${s.side}">${t("report")} · ${t(s.side)}</a>`).join(" ")}
    <span class="muted">${round.state === "published" ? t("published") : t("preliminary")}</span></p>` : "";
  app.innerHTML = `<h1>${t("pairing")} ${esc(pairingName(p))} <span class="muted">${esc(p.pairing_id)}</span></h1>
    <p>${esc(enumLabel("pairings.level", p.level))} · ${partyLink(p.helper)} → ${partyLink(p.helped)} · ${p.start_date} – ${p.end_date || ""}</p>
    <div class="filters"><label>${t("year")} <select id="f-year">${years.map((v) => `<option ${v === year ? "selected" : ""}>${v}</option>`).join("")}</select></label>
      <span class="muted">${t("click_hint")}</span></div>
    <div class="grid">
      <div class="card" id="scores"><h2>${t("scores")}</h2>${y ? y.scores.map((s) => scoreHtml(s, method)).join("") : t("none")}${reports}</div>
      <div class="card"><h2>${t("subtree")}</h2><div class="tree">${treeHtml(r.tree) || t("none")}</div></div>
    </div>
    <h2>${t("indicators")}${y ? ` · ${year}` : ""}</h2>${y ? "" : `<p class="muted">${t("not_assessed")}</p>`}
    <table id="indicators"><thead><tr><th>${t("indicator")}</th><th class="num">${t("value")}</th></tr></thead><tbody>
      ${y ? y.indicators.map((i) => `<tr><td><span title="${esc(i.id)}">${i.unit === "yuan" ? noUnit(t(i.id)) : t(i.id)}</span>${method?.definitions?.[i.id] ? `<div class="definition">${esc(method.definitions[i.id])}</div>` : ""}</td><td class="num"><a class="num" data-indicator="${i.id}">${esc(i.text === "" ? "—" : indicatorValue(i))}</a></td></tr>`).join("") : ""}
    </tbody></table>
    <h2>${t("findings")}</h2>
    ${y && y.findings.length ? `<table><thead><tr><th>${t("finding")}</th><th>${t("record_kind")}</th><th>${t("record_id")}</th></tr></thead><tbody>
      ${y.findings.map((f) => `<tr><td>${t(f.finding)}</td><td title="${esc(f.record_kind)}">${esc(recordKindLabel(f.record_kind))}</td><td>${recordLink(f.record_kind, f.record_id)}</td></tr>`).join("")}</tbody></table>` : `<p class="muted">${t("none")}</p>`}
    <div id="records" class="records"></div>`;
  $("#f-year").addEventListener("change", (e) => (location.hash = `#/pairing/${encodeURIComponent(id)}?year=${e.target.value}`));
  app.querySelectorAll("a[data-indicator]").forEach((a) => a.addEventListener("click", () => showRecords(id, year, a.dataset.indicator, 1)));
  if (round && round.frozen && y && session.role !== "public") {
    const card = document.createElement("div");
    card.className = "card";
    card.id = "procedure";
    $("#indicators").before(card);
    await Procedure.pairingCard(card, year, id, y, round, () => pairingPage(app, id, params));
  }
}

async function showRecords(id, year, indicator, page) {
  const box = $("#records");
  const r = await api(`/api/v1/pairings/${encodeURIComponent(id)}/explain?year=${year}&indicator=${indicator}&page=${page}&per_page=25`);
  box.innerHTML = `<h2>${t("records")}: ${t(indicator)} = ${esc(r.value)}</h2>
    <table><thead><tr><th>${t("record_kind")}</th><th>${t("record_id")}</th><th>${t("detail")}</th></tr></thead>
    <tbody>${r.items.map((x) => `<tr><td title="${esc(x.record_kind)}">${esc(recordKindLabel(x.record_kind))}</td><td>${recordLink(x.record_kind, x.record_id)}</td><td>${esc((lang === "zh" && x.detail_zh) || x.detail)}</td></tr>`).join("")}</tbody></table>
    <div class="pager">${page > 1 ? `<button class="link" id="r-prev">${t("prev")}</button>` : ""}
      <span class="muted">${t("page").replace("{p}", page).replace("{n}", r.total)}</span>
      ${page * r.per_page < r.total ? `<button class="link" id="r-next">${t("next")}</button>` : ""}</div>`;
  $("#r-prev")?.addEventListener("click", () => showRecords(id, year, indicator, page - 1));
  $("#r-next")?.addEventListener("click", () => showRecords(id, year, indicator, page + 1));
  box.scrollIntoView({ behavior: "smooth" });
}

async function assessmentPage(app, params) {
  const o = await api("/api/v1/overview");
  const ms = await api("/api/v1/methods");
  const year = +(params.get("year") || o.latest_year);
  const method = params.get("method") || ms.default;
  // Ranked within the east and within the west: the east by default.
  const side = params.has("side") ? params.get("side") : "east", grade = params.get("grade") || "", province = params.get("province") || "";
  const run = await xfetch(`/api/v1/assessments/${year}/run?method=${encodeURIComponent(method)}`, { method: "POST" });
  if (run.ok) await awaitJob((await run.json()).job, app);
  const r = await api(`/api/v1/assessments/${year}?method=${encodeURIComponent(method)}&side=${side}&grade=${grade}&province=${encodeURIComponent(province)}`);
  // Traceability beside each score: what the other side confirmed.
  const rc = await api(`/api/v1/reconciliation/${year}?method=${encodeURIComponent(method)}`).catch(() => null);
  const trace = new Map((rc && rc.flows.length ? rc.traceability : []).map((x) => [x.pairing_id, x]));
  const traceCell = (id) => { const x = trace.get(id); return x ? `<td class="num trace">${t("rc_money")} ${pct(x.money_share)} · ${t("rc_people")} ${pct(x.people_share)}</td>` : "<td></td>"; };
  // The rank within the row's own side (rows come best first).
  const seen = {}, ranks = new Map();
  r.rows.forEach((x) => { seen[x.side] = (seen[x.side] || 0) + 1; ranks.set(x, seen[x.side]); });
  const rankOf = (x) => ranks.get(x);
  const round = await api(`/api/v1/rounds/${year}`).catch(() => null);
  const roundLink = round && round.frozen ? `<a id="round-xlsx" href="/api/v1/rounds/${year}/export.xlsx">${t("round_xlsx")}</a> <span class="muted">${round.state === "published" ? t("published") : t("preliminary")}</span>` : "";
  app.innerHTML = `<h1>${t("assessment")} · ${year} <span class="muted">${esc(r.method)}</span></h1>
    <div class="filters">
      <label>${t("year")} <select id="f-year">${o.years.map((v) => `<option ${v === year ? "selected" : ""}>${v}</option>`).join("")}</select></label>
      <label>${t("method")} <select id="f-method">${ms.methods.map((m) => `<option value="${esc(m.id)}" ${m.id === method ? "selected" : ""}>${esc(m.title || m.id)}</option>`).join("")}</select></label>
      <label>${t("filter_side")} <select id="f-side">${["east", "west"].map((s) => `<option value="${s}" ${s === side ? "selected" : ""}>${t(s)}</option>`).join("")}<option value="" ${side === "" ? "selected" : ""}>${t("both_sides")}</option></select></label>
      <label>${t("filter_grade")} <select id="f-grade"><option value="">${t("all")}</option>${["good", "fair", "average", "poor"].map((g) => `<option value="${g}" ${g === grade ? "selected" : ""}>${t(g)}</option>`).join("")}</select></label>
      <label>${t("filter_province")} <input id="f-prov" size="8" value="${esc(province)}"></label>
      <span class="muted">${r.rows.length}</span>
      <a id="export" href="/api/v1/assessments/${year}/export.xlsx?${new URLSearchParams({ method, side, grade, province })}">${t("export_xlsx")}</a>
      <a href="#/compare?from=${year - 1}&to=${year}">${t("compare")}</a>
      <a id="to-reconciliation" href="#/reconciliation?year=${year}&method=${encodeURIComponent(method)}">${t("reconciliation")}</a> ${roundLink}</div>
    <table id="ranking"><thead><tr><th class="num">${t("rank")}</th><th class="sortable" data-sort="pairing_id">${t("pairing")}</th><th>${t("side")}</th><th>${t("helper")}</th><th>${t("helped")}</th>
      ${r.columns.map((c) => `<th class="num sortable" data-sort="c:${c}">${t(c)}</th>`).join("")}<th class="num sortable" data-sort="total">${t("total")}</th><th>${t("grade")}</th>${trace.size ? `<th class="num">${t("traceability")}</th>` : ""}</tr></thead>
    <tbody>${r.rows.map((x) => `<tr><td class="num">${rankOf(x)}</td><td><a href="#/pairing/${encodeURIComponent(x.pairing_id)}?year=${year}">${esc(pairingName(x))}</a> <span class="muted">${esc(x.pairing_id)}</span></td>
      <td>${t(x.side)}</td><td>${esc(partyName(x.helper))}</td><td>${esc(partyName(x.helped))}</td>
      ${r.columns.map((c) => { const v = x.components.find((k) => k.name === c); return `<td class="num">${v ? fmt(v.points) : ""}</td>`; }).join("")}
      <td class="num">${fmt(x.total)}</td><td><span class="grade ${x.grade}">${t(x.grade)}</span></td>${trace.size ? traceCell(x.pairing_id) : ""}</tr>`).join("")}</tbody></table>`;
  const go = () => {
    const p = new URLSearchParams({ year: $("#f-year").value, method: $("#f-method").value, side: $("#f-side").value, grade: $("#f-grade").value, province: $("#f-prov").value });
    location.hash = `#/assessment?${p}`;
  };
  ["#f-year", "#f-method", "#f-side", "#f-grade", "#f-prov"].forEach((s) => $(s).addEventListener("change", go));
  // Sort by a column: click again to reverse.
  let sortKey = "total", desc = true;
  app.querySelectorAll("#ranking th.sortable").forEach((th) => th.addEventListener("click", () => {
    const k = th.dataset.sort;
    desc = k === sortKey ? !desc : k !== "pairing_id";
    sortKey = k;
    const val = (x) => (k === "pairing_id" ? x.pairing_id : k === "total" ? x.total : (x.components.find((c) => "c:" + c.name === k) || {}).points ?? -1);
    const rows = [...r.rows].sort((a, b) => { const va = val(a), vb = val(b); return (va < vb ? -1 : va > vb ? 1 : 0) * (desc ? -1 : 1); });
    const tb = $("#ranking tbody");
    const byId = new Map([...tb.rows].map((tr, i) => [r.rows[i].pairing_id + "|" + r.rows[i].side, tr]));
    rows.forEach((x) => { const tr = byId.get(x.pairing_id + "|" + x.side); tr.cells[0].textContent = rankOf(x); tb.appendChild(tr); });
  }));
}

const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

// The workbench (工作台): each round in progress, its schedule with late
// steps marked, the caller's parties with their open tasks, the teams.
const WB_ROWS = 300;
async function workbenchPage(app) {
  const w = await api("/api/v1/workbench");
  const stepState = (s, r) => (s.done ? t("wb_done") : s.step === r.state ? (s.overdue ? t("wb_overdue") : t("wb_current")) : s.overdue ? t("wb_overdue") : t("wb_pending"));
  const rounds = w.rounds.map((r) => {
    const due = r.due ? `<span class="muted">${t("wb_due")} ${esc(r.due.due)}</span>${r.due.overdue ? ` <span class="overdue">${t("wb_overdue")}</span>` : ""}` : "";
    const schedule = r.schedule.length ? `<table class="schedule"><thead><tr><th>${t("wb_step")}</th><th>${t("wb_due_date")}</th><th>${t("wb_status")}</th></tr></thead>
      <tbody>${r.schedule.map((s) => `<tr class="${s.overdue ? "late" : ""}"><td>${esc(lang === "zh" ? s.step_zh : s.step.replace(/_/g, " "))}</td><td>${esc(s.due)}</td><td>${stepState(s, r)}</td></tr>`).join("")}</tbody></table>` : "";
    const shown = [...r.parties].sort((a, b) => b.open.length - a.open.length).slice(0, WB_ROWS);
    const parties = r.parties.length ? `<h3>${t("wb_parties")} <span class="muted">${r.parties.length}</span></h3>
      <table class="wb-parties"><thead><tr><th>${t("pairing")}</th><th>${t("side")}</th><th>${t("wb_self")}</th><th>${t("wb_opinion")}</th><th>${t("wb_open")}</th><th class="num">${t("wb_appeals")}</th></tr></thead>
      <tbody>${shown.map((p) => `<tr class="${p.overdue ? "late" : ""}" data-pairing="${esc(p.pairing_id)}" data-side="${p.side}"><td><a href="#/pairing/${encodeURIComponent(p.pairing_id)}?year=${r.year}">${esc(p.name)}</a> <span class="muted">${esc(p.pairing_id)}</span></td>
        <td>${t(p.side)}</td><td>${p.submitted ? `${esc(p.submitted.slice(0, 10))}${p.mismatches ? ` <span class="overdue">${p.mismatches} ${t("wb_mismatch")}</span>` : ""}` : `<span class="muted">${t("wb_not_submitted")}</span>`}</td>
        <td>${p.opinion_agrees === null ? "—" : p.opinion_agrees ? t("wb_agrees") : t("wb_disagrees")}</td>
        <td class="tasks">${p.open.length ? p.open.map((x) => esc(t("task_" + x.task))).join("；") : t("wb_no_tasks")}${p.overdue ? ` <span class="overdue">${t("wb_overdue")}</span>` : ""}</td>
        <td class="num">${p.appeals}${p.appeals_pending ? ` <span class="muted">(${p.appeals_pending})</span>` : ""}</td></tr>`).join("")}</tbody></table>
      ${r.parties.length > WB_ROWS ? `<p class="muted">${t("wb_more").replace("{n}", r.parties.length - WB_ROWS)}</p>` : ""}` : "";
    const teams = r.teams.length ? `<h3>${t("wb_teams")}</h3><table class="wb-teams"><thead><tr><th>${t("wb_teams")}</th><th class="num">${t("wb_team_pairings")}</th><th class="num">${t("wb_sampled")}</th><th class="num">${t("wb_recorded")}</th><th class="num">${t("wb_progress")}</th></tr></thead>
      <tbody>${r.teams.map((x) => `<tr><td><a class="ck-link" href="#/check?year=${r.year}">${esc(x.name || x.province)}</a></td><td class="num">${x.pairings.length}</td><td class="num">${fmt(x.sampled)}</td><td class="num">${fmt(x.recorded)}</td><td class="num">${pct(x.sampled ? x.recorded / x.sampled : null)}</td></tr>`).join("")}</tbody></table>
      ${["admin", "assessor"].includes(session.role) ? `<p class="ck-files">${t("wb_sample_files")}: <a href="/api/v1/rounds/${r.year}/sample/sample.csv" download>${t("wb_sample_csv")}</a> · <a href="/api/v1/rounds/${r.year}/sample/teams.csv" download>${t("wb_teams_csv")}</a></p>` : ""}` : "";
    return `<section class="card wb-round" data-year="${r.year}"><h2>${t("wb_round").replace("{y}", r.year)} · ${esc(lang === "zh" ? r.state_zh : r.state.replace(/_/g, " "))} ${due}</h2>
      ${Procedure.roundControls(r)}
      <p>${t("wb_tasks")}: <b class="wb-open">${r.open_tasks}</b> · ${t("wb_appeals_pending")}: <b>${r.appeals_pending}</b></p>${schedule}${parties}${teams}
      ${r.teams.length ? `<div class="ck-section" data-year="${r.year}"></div>` : ""}
      ${r.frozen ? `<div class="co-section" data-year="${r.year}"></div>` : ""}</section>`;
  });
  app.innerHTML = `<h1>${t("workbench")} <span class="muted">${t("wb_today")} ${esc(w.today)}</span></h1>
    ${Procedure.openForm()}<p class="pr-status"></p>
    ${rounds.length ? rounds.join("") : `<p id="wb-none" class="muted">${t("wb_none")}</p>`}`;
  Procedure.wireWorkbench(app, () => workbenchPage(app));
  await Promise.all(w.rounds.filter((r) => r.frozen).map((r) => Corrections.section(app.querySelector(`.co-section[data-year="${r.year}"]`), r)));
  await Promise.all(w.rounds.filter((r) => r.teams.length).map((r) => Procedure.verifiedRates(app.querySelector(`.ck-section[data-year="${r.year}"]`), r.year)));
}

async function reconciliationPage(app, params) {
  const o = await api("/api/v1/overview");
  const year = +(params.get("year") || o.latest_year);
  const method = params.get("method") || "";
  const r = await api(`/api/v1/reconciliation/${year}?method=${encodeURIComponent(method)}`);
  const tol = t("rc_tolerance").replace("{a}", (r.amount_tolerance_fen / 100).toFixed(2)).replace("{d}", r.date_tolerance_days);
  const head = `<h1>${t("reconciliation")} · ${year} <span class="muted">${esc(r.method)} · ${esc(tol)}</span></h1>
    <div class="filters"><label>${t("year")} <select id="f-year">${o.years.map((v) => `<option ${v === year ? "selected" : ""}>${v}</option>`).join("")}</select></label>
      <a href="#/assessment?year=${year}">${t("assessment")}</a></div>`;
  if (!r.flows.length) {
    app.innerHTML = `${head}<p id="rc-none" class="muted">${t("rc_none")}</p>`;
  } else {
    app.innerHTML = `${head}
      <h2>${t("traceability")}</h2>
      <table id="traceability"><thead><tr><th>${t("pairing")}</th><th class="num">${t("rc_money")}</th><th class="num">${t("rc_people")}</th></tr></thead>
      <tbody>${r.traceability.map((x) => `<tr><td><a href="#/pairing/${encodeURIComponent(x.pairing_id)}?year=${year}">${esc(x.pairing_id)}</a></td>
        <td class="num">${pct(x.money_share)} <span class="muted">${esc(x.money_confirmed)} / ${esc(x.money_sent)}</span></td>
        <td class="num">${pct(x.people_share)} <span class="muted">${x.people_confirmed} / ${x.people_sent}</span></td></tr>`).join("")}</tbody></table>
      <h2>${t("rc_findings")} <span class="muted">${r.findings.length}</span></h2>
      ${r.findings.length ? `<table id="rc-findings"><thead><tr><th>${t("rc_flow")}</th><th>${t("pairing")}</th><th>${t("rc_status")}</th><th>${t("rc_sent")}</th><th>${t("rc_received")}</th><th class="num">${t("rc_sent_amount")}</th><th class="num">${t("rc_received_amount")}</th></tr></thead>
      <tbody>${r.findings.map((f) => `<tr><td>${esc(lang === "zh" ? f.flow_zh : f.flow)}</td><td>${esc(f.pairing_id)}</td><td data-status="${esc(f.status)}">${esc(lang === "zh" ? f.status_zh : f.status.replace(/_/g, " "))}</td>
        <td>${esc(f.sent_id || "")} <span class="muted">${esc(f.sent_date || "")}</span></td><td>${esc(f.received_id || "")} <span class="muted">${esc(f.received_date || "")}</span></td>
        <td class="num">${esc(f.sent_amount || "")}</td><td class="num">${esc(f.received_amount || "")}</td></tr>`).join("")}</tbody></table>` : `<p>${t("rc_all_match")}</p>`}`;
  }
  $("#f-year").addEventListener("change", () => { location.hash = `#/reconciliation?year=${$("#f-year").value}`; });
}

async function regionPage(app, code, params) {
  const page = +(params.get("page") || 1);
  const ppage = +(params.get("ppage") || 1);
  const full = params.get("full") === "1";
  const r = await api(`/api/v1/regions/${code}?page=${page}&per_page=20${full ? "&full=true" : ""}`);
  const g = r.region;
  const fullLink = session.personal_data && !full ? ` <a id="full-view" href="#/region/${code}?page=${page}&full=1">${t("full_view")}</a>` : "";
  app.innerHTML = `<h1>${t("region")} ${esc(g.name)} <span class="muted">${g.code} · ${esc(enumLabel("regions.level", g.level))}</span></h1>${fullLink}
    <p>${r.parents.map((p) => `<a href="#/region/${p.code}">${esc(p.name)}</a>`).join(" › ")}</p>
    <div class="card" id="region-map-card" style="display:none;margin-bottom:16px"><div id="c-region-map" class="map"></div></div>
    <div class="grid">
      <div class="card"><h2>${t("status")}</h2><div id="c-status" class="chart"></div></div>
      <div class="card"><h2>${t("children_regions")} (${r.children.length})</h2><p>${r.children.slice(0, 60).map((c) => `<a href="#/region/${c.code}">${esc(c.name)}</a>`).join(" · ") || t("none")}</p>
        <h2>${t("region_pairings")}</h2><p>${r.pairings.map((p) => `<a href="#/pairing/${encodeURIComponent(p.pairing_id)}">${esc(p.pairing_id)}</a>`).join(" · ") || t("none")}</p></div>
    </div>
    <h2>${t("households")} (${r.households.total})</h2>
    <table id="households"><thead><tr><th>${t("households")}</th><th>${t("category")}</th><th>${t("identified_year")}</th><th>${t("exit_year")}</th><th>${t("members")}</th></tr></thead>
    <tbody>${r.households.items.map((h) => `<tr><td>${esc(h.household_id)}</td><td>${esc(enumLabel("households.category", h.category))}</td><td>${h.identified_year}</td><td>${h.exit_year ?? ""}</td>
      <td>${h.members.map((m) => `${esc(m.name)} <span class="muted">${esc(m.id_number)}</span>`).join("<br>")}</td></tr>`).join("")}</tbody></table>
    <div class="pager">${page > 1 ? `<a href="#/region/${code}?page=${page - 1}">${t("prev")}</a>` : ""}
      <span class="muted">${t("page").replace("{p}", page).replace("{n}", r.households.total)}</span>
      ${page * r.households.per_page < r.households.total ? `<a href="#/region/${code}?page=${page + 1}">${t("next")}</a>` : ""}</div>
    <h2>${t("region_projects")} (${r.projects.length})</h2>
    <table id="region-projects"><tbody>${r.projects.slice((ppage - 1) * PROJECTS_PER_PAGE, ppage * PROJECTS_PER_PAGE).map((p) => `<tr><td><a href="#/project/${encodeURIComponent(p.project_id)}">${esc(p.project_id)}</a></td><td>${esc(p.name)}</td><td>${p.year}</td><td>${esc(p.status)}</td><td class="num">${money(p.budget)}</td></tr>`).join("")}</tbody></table>
    ${r.projects.length > PROJECTS_PER_PAGE ? `<div class="pager" id="projects-pager">${ppage > 1 ? `<a href="#/region/${code}?page=${page}&ppage=${ppage - 1}">${t("prev")}</a>` : ""}
      <span class="muted">${t("page").replace("{p}", ppage).replace("{n}", r.projects.length)}</span>
      ${ppage * PROJECTS_PER_PAGE < r.projects.length ? `<a href="#/region/${code}?page=${page}&ppage=${ppage + 1}">${t("next")}</a>` : ""}</div>` : ""}`;
  // Provinces and prefectures have a base map of their parts; say so when one is missing.
  if (!["province", "prefecture"].includes(g.level)) return statusChart(r);
  const mr = await fetch(`/map/${code.slice(0, 6)}.geojson`);
  if (!mr.ok) {
    $("#region-map-card").style.display = "";
    $("#c-region-map").outerHTML = `<p class="muted" id="no-map">${t("no_map")}</p>`;
  } else {
    const geo = await mr.json();
    echarts.registerMap("m" + code, geo);
    $("#region-map-card").style.display = "";
    const known = Object.fromEntries(r.children.map((c) => [c.code.slice(0, 6), c]));
    const m = chart($("#c-region-map"));
    m.on("click", (e) => { const f = geo.features.find((x) => x.properties.name === e.name); if (f && known[f.properties.code]) location.hash = `#/region/${known[f.properties.code].code}`; });
    m.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "map", map: "m" + code, roam: true, label: { show: true, fontSize: 10 },
        data: geo.features.map((f) => { const c = known[f.properties.code]; return { name: f.properties.name, value: c ? 1 : 0,
          itemStyle: { areaColor: c ? (c.poor_county || c.deep_poverty ? "#f8c9c4" : "#c6dafc") : "#f1f3f4" } }; }) }],
    });
  }
  statusChart(r);
}

const PROJECTS_PER_PAGE = 20;

function statusChart(r) {
  chart($("#c-status")).setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: r.status.map((s) => String(s.year)) }, yAxis: { type: "value" },
    series: ["registered", "poor_at_start", "exited"].map((k) => ({ name: t(k), type: "line", data: r.status.map((s) => s[k]) })),
  });
}

async function projectPage(app, id) {
  const r = await api(`/api/v1/projects/${encodeURIComponent(id)}`);
  const p = r.project;
  app.innerHTML = `<h1>${t("project")} ${esc(p.name)} <span class="muted">${esc(p.project_id)}</span> <a href="#/edit/projects/${encodeURIComponent(p.project_id)}">${t("edit")}</a></h1>
    <p><a href="#/pairing/${encodeURIComponent(p.pairing_id)}">${esc(p.pairing_id)}</a> · ${p.year} · ${esc(enumLabel("projects.status", p.status))} ·
      <a href="#/region/${p.county}">${esc(p.county_name || p.county)}</a>${p.village ? ` · <a href="#/region/${p.village}">${esc(p.village_name || p.village)}</a>` : ""} · ${p.start_date} – ${p.end_date}</p>
    <div class="grid">
      <div class="card"><h2>${t("budget")} / ${t("funds")}</h2><div id="c-funds" class="chart"></div></div>
      <div class="card"><h2>${t("milestones")}</h2><div id="c-ms" class="chart"></div></div>
    </div>
    <h2>${t("milestones")}</h2>
    <table id="milestones"><thead><tr><th>#</th><th>${esc(pick(LABELS.columns["milestones.name"]) || t("name"))}</th><th>${t("due")}</th><th>${t("done")}</th><th>${t("responsible")}</th><th></th></tr></thead>
    <tbody>${r.milestones.map((m) => `<tr><td>${m.seq}</td><td>${esc(m.name)}</td><td>${m.due_date}</td><td>${m.done_date || ""}</td><td>${esc(m.responsible)}</td><td>${m.late ? `<span class="grade poor">${t("late")}</span>` : ""}</td>
      <td><a href="#/edit/milestones/${encodeURIComponent(p.project_id + "/" + m.seq)}">${t("edit")}</a></td></tr>`).join("")}</tbody></table>
    <h2>${t("beneficiaries")} (${r.beneficiaries.length})</h2>
    <p>${r.beneficiaries.map((b) => `${esc(b.household_id)} <span class="muted">(${b.members ?? "?"})</span>`).join(" · ") || t("none")}</p>`;
  chart($("#c-funds")).setOption({
    tooltip: {}, grid: { left: 90, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: [t("budget"), t("committed"), t("disbursed"), t("expended")] }, yAxis: { type: "value" },
    series: [{ type: "bar", data: [p.budget, r.funds.committed, r.funds.disbursed, r.funds.expended] }],
  });
  const day = (s) => new Date(s + "T00:00:00Z").getTime();
  chart($("#c-ms")).setOption({
    tooltip: { formatter: (x) => `${x.data.name}: ${x.data.due} → ${x.data.done || "—"}` },
    grid: { left: 100, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "time" }, yAxis: { type: "category", data: r.milestones.map((m) => `${m.seq} ${m.name}`) },
    series: [{ type: "scatter", symbolSize: 12,
      data: r.milestones.map((m, i) => ({ value: [day(m.done_date || m.due_date), i], name: m.name, due: m.due_date, done: m.done_date,
        itemStyle: { color: m.late ? "#d93025" : "#1e8e3e" } })) },
      { type: "scatter", symbol: "diamond", symbolSize: 9, itemStyle: { color: "#999" }, data: r.milestones.map((m, i) => ({ value: [day(m.due_date), i], name: m.name, due: m.due_date, done: m.done_date })) }],
  });
}

async function labourPage(app, params) {
  // Without a date the server shows the latest date the data speaks of.
  const asked = params.get("date") || "";
  const station = params.get("station") || "";
  const r = await api(`/api/v1/labour/station?${asked ? `date=${asked}&` : ""}station=${encodeURIComponent(station)}`);
  const date = r.date;
  const obj = (o) => `${o.priority_households} ${t("priority_households")} · ${o.poor_placed} ${t("poor_placed")} · ${t("fit")} ${o.fit}`;
  const ret = (x) => (x.started ? `${x.kept} / ${x.started} (${((100 * x.kept) / x.started).toFixed(1)}%)` : "—");
  app.innerHTML = `<h1>${t("labour")}</h1>
    <div class="filters"><label>${t("date")} <input type="date" id="f-date" value="${date}"></label>
      <label>${t("station")} <select id="f-station"><option value="">${t("all")}</option>${r.stations.map((s) => `<option ${s === station ? "selected" : ""}>${esc(s)}</option>`).join("")}</select></label>
      <button id="confirm" type="button" ${r.proposals.length ? "" : "disabled"} title="${r.proposals.length ? "" : t("confirm_none")}">${t("confirm")} (${r.proposals.length})</button>
      <span class="muted">${r.default_date ? `${t("data_through")} <a href="#/labour?date=${r.default_date}">${r.default_date}</a>` : ""}</span> <span id="status" role="status">${esc(params.get("done") || "")}</span></div>
    <div class="kpis">${[["seekers", r.seekers], ["open_postings", r.open_postings], ["open_positions", r.open_positions], ["confirmed", r.confirmed_placements],
      ["retention3", ret(r.retention_3_months)], ["retention6", ret(r.retention_6_months)]].map(([k, v]) => `<div class="card kpi"><div class="k">${t(k)}</div><div class="v">${v}</div></div>`).join("")}</div>
    <p>${t("proposals")}: <b id="optimal">${obj(r.optimal)}</b><br>${t("greedy")}: ${obj(r.greedy)}</p>
    <h2>${t("proposals")} (${r.proposals.length})</h2>
    <table id="proposals"><thead><tr><th>${t("person")}</th><th>${t("posting")}</th><th>${t("wage")}</th><th class="num">${t("fit")}</th><th>${t("priority_households")}</th><th>${t("poor_placed")}</th></tr></thead>
    <tbody>${r.proposals.slice(0, 500).map((p) => `<tr><td>${esc(p.person_id)}</td><td>${esc(p.posting_id)} <span class="muted">${p.work_region}</span></td><td class="num">${fmt(p.monthly_wage)}</td>
      <td class="num">${p.fit}</td><td>${p.no_one_employed ? "✓" : ""}</td><td>${p.registered_poor ? "✓" : ""}</td></tr>`).join("")}</tbody></table>
    <h2>${t("unmatched")} (${r.unmatched.length})</h2>
    <table id="unmatched"><tbody>${r.unmatched.slice(0, 500).map((u) => `<tr><td>${esc(u.person_id)}</td><td>${esc(t(u.reason))}</td><td class="muted">${u.reason === "not_eligible" ? esc(u.detail) : ""}</td></tr>`).join("")}</tbody></table>
    <h2>${t("follow_up")} (${r.follow_up.length})</h2>
    <table><tbody>${r.follow_up.map((f) => `<tr><td>${esc(f.placement_id)}</td><td>${esc(f.person_id)}</td><td>${f.start} – ${f.end || ""}</td></tr>`).join("")}</tbody></table>`;
  const go = () => (location.hash = `#/labour?date=${$("#f-date").value}&station=${encodeURIComponent($("#f-station").value)}`);
  $("#f-date").addEventListener("change", go);
  $("#f-station").addEventListener("change", go);
  $("#confirm").addEventListener("click", async () => {
    // Exactly what this view shows: this date, this station.
    if (!confirm(t("confirm_ask").replace("{n}", r.proposals.length))) return;
    const c = await xfetch(`/api/v1/labour/confirm?date=${date}&station=${encodeURIComponent(station)}`, { method: "POST" });
    const b = await c.json();
    if (!c.ok || b.batch_id === null) {
      const why = messageOf(b) || (b.errors || []).map(reasonOf).join("; ");
      $("#status").textContent = t("confirm_refused").replace("{m}", why);
      return;
    }
    // The page reloads with the result kept on screen.
    const done = `${t("confirmed")}: ${b.confirmed}`;
    location.hash = `#/labour?date=${date}&station=${encodeURIComponent(station)}&done=${encodeURIComponent(done)}`;
  });
}

const FORM_KINDS = ["projects", "milestones", "placements", "meetings", "funds"];

async function editPage(app, kind, key) {
  if (!["admin", "office", "organisation"].includes(session.role)) return dataPage(app);
  const schema = await api(`/api/v1/schema/${kind}`);
  let values = {};
  // The batch of the record as opened (0: a new record): an entry queued
  // offline is stored only if the record has not changed since.
  let base = 0;
  if (key) ({ values, batch_id: base } = await api(`/api/v1/records/${kind}/${encodeURIComponent(key)}`));
  const input = (c) => {
    const v = values[c.name] ?? "";
    const attrs = `name="${c.name}" id="in-${c.name}" ${key && c.key ? "readonly" : ""}`;
    if (c.choices.length) return `<select ${attrs}><option value=""></option>${c.choices.map((o) => `<option value="${o.value}" ${o.value === v ? "selected" : ""}>${esc(o.label)}</option>`).join("")}</select>`;
    const type = c.type === "date" ? "date" : "text";
    return `<input type="${type}" ${attrs} value="${esc(v)}">`;
  };
  app.innerHTML = `<h1 title="${esc(kind)}">${esc(schema.label)}${key ? ` · ${esc(key)}` : ""}</h1>
    <form id="record" class="card"><table><tbody>${schema.columns.map((c) => `<tr><td><label for="in-${c.name}" title="${c.name}">${esc(c.label)}${c.required ? " *" : ""}</label></td><td>${input(c)}</td><td class="error" id="err-${c.name}"></td></tr>`).join("")}</tbody></table>
      <p><button type="submit">${t("save")}</button> <span id="status"></span></p></form>
    <div id="history"></div>`;
  const showHistory = async (k) => {
    if (!k) return;
    const h = await api(`/api/v1/records/${kind}/${encodeURIComponent(k)}/audit`);
    $("#history").innerHTML = `<h2>${t("history")}</h2>${h.changes.length ? `<table id="audit"><thead><tr><th>${t("at")}</th><th>${t("actor")}</th><th>${t("field")}</th><th>${t("old")}</th><th>${t("new_value")}</th></tr></thead>
      <tbody>${h.changes.map((c) => `<tr><td>${esc(chinaTime(c.at))}</td><td>${esc(c.actor)}</td><td title="${esc(c.field)}">${esc(pick(LABELS.columns[`${kind}.${c.field}`]) || c.field)}</td><td>${esc(c.old)}</td><td>${esc(c.new)}</td></tr>`).join("")}</tbody></table>` : `<p class="muted">${t("none")}</p>`}`;
  };
  showHistory(key);
  $("#record").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {};
    schema.columns.forEach((c) => (body[c.name] = $(`#in-${c.name}`).value));
    document.querySelectorAll("[id^=err-]").forEach((e) => (e.textContent = ""));
    const recordKey = schema.columns.filter((c) => c.key).map((c) => body[c.name]).join("/");
    // Wait until every page shows the saved record; without a connection the
    // entry is queued on the device (offline.js).
    const sent = await Offline.save(kind, recordKey, body, base, async () => {
      const r = await xfetch(`/api/v1/records/${kind}?wait=true`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { r, res: await r.json() };
    }, schema.columns.filter((c) => c.key).map((c) => c.name));
    if (sent.queued) { $("#status").innerHTML = `<a href="#/offline">${esc(Offline.queuedMessage(sent.queued))}</a>`; return; }
    const { r, res } = sent;
    if (!r.ok) { $("#status").textContent = messageOf(res); return; }
    if (res.saved) {
      $("#status").textContent = t("saved").replace("{b}", res.batch_id);
      const keyCols = schema.columns.filter((c) => c.key).map((c) => body[c.name]);
      showHistory(keyCols.join("/"));
    } else {
      $("#status").textContent = t("not_saved") + res.errors.map(reasonOf).join("; ");
      res.errors.forEach((e) => { const el = $(`#err-${e.column}`); if (el) el.textContent = reasonOf(e); });
    }
  });
}

const KINDS = ["regions", "region_stats", "organisations", "pairings", "households", "persons", "seekers", "household_income", "projects", "milestones",
  "beneficiaries", "funds", "postings", "placements", "trainings", "training_attendance", "secondments", "investments", "purchases", "donations", "meetings", "targets"];

async function comparePage(app, params) {
  const o = await api("/api/v1/overview");
  const to = +(params.get("to") || o.latest_year);
  const from = +(params.get("from") || to - 1);
  const r = await api(`/api/v1/assessments/compare?from=${from}&to=${to}`);
  const sel = (id, v) => `<select id="${id}">${o.years.map((y) => `<option ${y === v ? "selected" : ""}>${y}</option>`).join("")}</select>`;
  app.innerHTML = `<h1>${t("compare")}</h1><div class="filters">${sel("f-from", from)} → ${sel("f-to", to)}</div>
    <table id="compare"><thead><tr><th>${t("pairing")}</th><th>${t("side")}</th><th class="num">${from}</th><th>${t("grade")}</th><th class="num">${to}</th><th>${t("grade")}</th><th class="num">${t("change")}</th></tr></thead>
    <tbody>${r.rows.map((x) => `<tr><td><a href="#/pairing/${encodeURIComponent(x.pairing_id)}?year=${to}">${esc(x.name || x.pairing_id)}</a> <span class="muted">${esc(x.pairing_id)}</span></td><td>${t(x.side)}</td>
      <td class="num">${fmt(x.from_total)}</td><td>${x.from_grade ? `<span class="grade ${x.from_grade}">${t(x.from_grade)}</span>` : ""}</td>
      <td class="num">${fmt(x.to_total)}</td><td><span class="grade ${x.to_grade}">${t(x.to_grade)}</span></td><td class="num">${fmt(x.change)}</td></tr>`).join("")}</tbody></table>`;
  const go = () => (location.hash = `#/compare?from=${$("#f-from").value}&to=${$("#f-to").value}`);
  $("#f-from").addEventListener("change", go);
  $("#f-to").addEventListener("change", go);
}

async function dataPage(app) {
  // Only accounts that write see the upload and the forms.
  if (!["admin", "office", "organisation"].includes(session.role)) {
    app.innerHTML = `<h1>${t("data")}</h1><p class="muted">${session.role === "public" ? `<a href="#/login">${t("sign_in")}</a> · ${t("write_needs_account")}` : t("read_only_account")}</p>
      <h2>${t("templates")}</h2><p id="templates">${KINDS.map((k) => `<a href="/api/v1/templates/${k}.xlsx" title="${k}.xlsx">${esc(kindLabel(k))}</a>`).join(" · ")}</p>`;
    return;
  }
  app.innerHTML = `<h1>${t("data")}</h1><p class="muted">${t("upload_hint")}</p>
    <form id="upload" class="filters"><input type="file" id="files" name="files" multiple accept=".csv,.xlsx,.zip">
      <button type="submit">${t("check")}</button></form><div id="report"></div>
    <h2>${t("add_record")}</h2><p>${FORM_KINDS.map((k) => `<a href="#/edit/${k}" title="${k}">${esc(kindLabel(k))}</a>`).join(" · ")}</p>
    <h2>${t("templates")}</h2><p id="templates">${KINDS.map((k) => `<a href="/api/v1/templates/${k}.xlsx" title="${k}.xlsx">${esc(kindLabel(k))}</a>`).join(" · ")}</p>`;
  $("#upload").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData();
    for (const f of $("#files").files) fd.append("files", f, f.name);
    const box = $("#report");
    box.innerHTML = `<p class="muted">${t("loading")}</p>`;
    const r = await xfetch("/api/v1/uploads", { method: "POST", body: fd });
    const started = await r.json();
    if (!r.ok) { box.innerHTML = `<p class="error">${esc(messageOf(started))}</p>`; return; }
    let body;
    try { body = await awaitJob(started.job, box); } catch (e) { box.innerHTML = `<p class="error">${esc(e.message)}</p>`; return; }
    box.innerHTML = countsTable(body.counts) + (body.valid
      ? `<p id="status">${t("valid")}</p><button id="commit" type="button">${t("commit")}</button>`
      : `<p id="status" class="error">${t("invalid").replace("{n}", body.errors.length)}</p>
         <table id="errors"><thead><tr><th>${t("file")}</th><th class="num">${t("line")}</th><th>${t("column")}</th><th>${t("reason")}</th></tr></thead>
         <tbody>${body.errors.map((e) => `<tr><td>${esc(e.file)}</td><td class="num">${e.line}</td><td title="${esc(e.column)}">${esc(columnOf(e))}</td><td title="${esc(e.code || "")}">${esc(reasonOf(e))}</td></tr>`).join("")}</tbody></table>`);
    $("#commit")?.addEventListener("click", async () => {
      const c = await xfetch(`/api/v1/uploads/${body.token}/commit`, { method: "POST" });
      const started = await c.json();
      let cb = started;
      if (c.ok) { try { cb = await awaitJob(started.job, box); } catch (e) { cb = { message: e.message }; } }
      box.innerHTML = c.ok && cb.batch_id ? countsTable(cb.counts) + `<p id="status">${t("imported").replace("{b}", cb.batch_id)}</p>`
        : `<p id="status" class="error">${esc(messageOf(cb) || t("invalid").replace("{n}", (cb.errors || []).length))}</p>`;
    });
  });
}

function countsTable(counts) {
  return `<table id="counts"><thead><tr><th>${t("file")}</th>${["read", "new", "changed", "unchanged", "rejected"].map((k) => `<th class="num">${t(k)}</th>`).join("")}</tr></thead>
    <tbody>${counts.map((c) => `<tr><td title="${esc(c.file)}">${esc(kindLabel(c.file))}</td>${["read", "new", "changed", "unchanged", "rejected"].map((k) => `<td class="num">${c[k]}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

async function route() {
  const app = $("#app");
  charts.splice(0).forEach((c) => c.dispose());
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  try {
    if (parts[0] === "login") await loginPage(app);
    else if (parts[0] === "pairing" && parts[1]) await pairingPage(app, decodeURIComponent(parts[1]), params);
    else if (parts[0] === "pairings") await pairingsPage(app, params);
    else if (parts[0] === "search") await searchPage(app, params);
    else if (parts[0] === "assessment") await assessmentPage(app, params);
    else if (parts[0] === "data") await dataPage(app);
    else if (parts[0] === "compare") await comparePage(app, params);
    else if (parts[0] === "reconciliation") await reconciliationPage(app, params);
    else if (parts[0] === "workbench") await workbenchPage(app);
    else if (parts[0] === "check") await Procedure.checkPage(app, params);
    else if (parts[0] === "correction") await Corrections.page(app, params);
    else if (parts[0] === "region" && parts[1]) await regionPage(app, parts[1], params);
    else if (parts[0] === "labour") await labourPage(app, params);
    else if (parts[0] === "offline") Offline.page(app);
    else if (parts[0] === "edit" && parts[1]) await editPage(app, parts[1], parts[2] ? decodeURIComponent(parts[2]) : "");
    else if (parts[0] === "project" && parts[1]) await projectPage(app, decodeURIComponent(parts[1]));
    else await overview(app);
  } catch (e) {
    app.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

window.addEventListener("hashchange", route);
applyStatic();
Promise.all([loadSession(), labelsLoaded]).then(() => { route(); Offline.sync(); });
