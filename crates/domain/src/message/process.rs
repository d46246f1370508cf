//! The messages of the assessment as a process (考核流程): rounds, the
//! freeze, self-evaluations, cross-check results, penalties and appeals.
//! Same shape and rules as `catalogue::CATALOGUE`; a round's state is given
//! as `{state}` with its Chinese label as `{state_zh}`.

/// Every code of the assessment process: (code, English template, Chinese
/// template).
pub const PROCESS: &[(&str, &str, &str)] = &[
    ("process.no_reason", "a reason is required", "请填写理由"),
    (
        "process.not_assessed",
        "pairing {pairing} is not assessed in {year}",
        "结对 {pairing} 在 {year} 年度不参加考核",
    ),
    (
        "process.bad_side",
        "unknown side {value} (east, west)",
        "未知的考核对象 {value}（east 东部、west 西部）",
    ),
    (
        "process.unknown_indicator",
        "unknown indicator {value}",
        "未知的指标 {value}",
    ),
    (
        "process.method_not_loaded",
        "method {id} is not loaded",
        "考核办法 {id} 未加载",
    ),
    // Rounds (engine::round).
    (
        "round.none",
        "there is no assessment round for {year}; open it first (xiezuo round open --year {year})",
        "{year} 年度还没有考核轮次；请先开启（xiezuo round open --year {year}）",
    ),
    (
        "round.exists",
        "the assessment round for {year} is open already",
        "{year} 年度考核轮次已经开启",
    ),
    (
        "round.out_of_order",
        "the {year} assessment round is {from}: it moves only to {next}, not to {to}",
        "{year} 年度考核轮次处于“{from_zh}”阶段：只能进入“{next_zh}”，不能进入“{to_zh}”",
    ),
    (
        "round.out_of_order_end",
        "the {year} assessment round is {from}: it moves only to nothing (it is published), not to {to}",
        "{year} 年度考核结果已经发布，不能再进入“{to_zh}”",
    ),
    (
        "round.not_frozen",
        "the {year} assessment round is not frozen: freeze it before the cross-check (xiezuo freeze --year {year})",
        "{year} 年度考核数据尚未锁定：请在交叉核查前锁定（xiezuo freeze --year {year}）",
    ),
    (
        "round.already_frozen",
        "the {year} assessment round is frozen already (since {at})",
        "{year} 年度考核数据已于 {at} 锁定",
    ),
    (
        "round.too_late_to_freeze",
        "the {year} assessment round is {state}: its data is frozen only before the cross-check",
        "{year} 年度考核轮次处于“{state_zh}”阶段：只能在交叉核查前锁定数据",
    ),
    (
        "round.penalties_not_now",
        "the {year} assessment round is {state}: penalties are applied at the end of its cross_check step",
        "{year} 年度考核轮次处于“{state_zh}”阶段：扣分在交叉核查阶段结束时执行",
    ),
    (
        "round.penalties_applied",
        "the penalties of {year} are applied already",
        "{year} 年度的扣分已经执行",
    ),
    (
        "round.concurrent",
        "the assessment rounds were changed by another writer meanwhile; try again",
        "考核轮次刚被他人修改；请重试",
    ),
    (
        "round.corrupt",
        "the stored assessment rounds cannot be read: {detail}",
        "已存的考核轮次无法读取：{detail}",
    ),
    (
        "round.unknown_state",
        "unknown round state {value}; expected one of: {expected}",
        "未知的轮次阶段 {value}；应为：{expected}",
    ),
    (
        "round.no_sample",
        "no cross-check sample of {year} was drawn yet",
        "{year} 年度尚未抽取交叉核查样本",
    ),
    (
        "round.sample_moved",
        "the data changed since the {year} sample was drawn: its files are those written when it was drawn",
        "抽样后数据已有变化：{year} 年度的抽样清单以抽样时生成的文件为准",
    ),
    // Self-evaluations (engine::self_evaluation).
    (
        "self_evaluation.not_now",
        "the {year} assessment round is {state}: self-evaluations are written during its self_evaluation step",
        "{year} 年度考核轮次处于“{state_zh}”阶段：自评在自评阶段填写",
    ),
    (
        "self_evaluation.not_frozen",
        "the {year} assessment round is not frozen: a self-evaluation claims against the frozen result",
        "{year} 年度考核数据尚未锁定：自评须对照锁定的结果填写",
    ),
    (
        "self_evaluation.bad_value",
        "{indicator}: the claimed value {value} is not a number",
        "{indicator}：自报值 {value} 不是数字",
    ),
    (
        "self_evaluation.not_submitted",
        "the {side} side of {pairing} has not submitted its self-evaluation for {year} yet",
        "结对 {pairing} 的{side_zh}尚未提交 {year} 年度自评",
    ),
    (
        "self_evaluation.concurrent",
        "the self-evaluation was changed by another writer meanwhile; try again",
        "自评刚被他人修改；请重试",
    ),
    (
        "self_evaluation.corrupt",
        "a stored self-evaluation cannot be read: {detail}",
        "已存的自评无法读取：{detail}",
    ),
    (
        "self_evaluation.not_party",
        "only the {side} party of {pairing} writes this self-evaluation",
        "只有结对 {pairing} 的{side_zh}可以填写这份自评",
    ),
    (
        "self_evaluation.not_paired_party",
        "only the {side} party of {pairing} gives its opinion on this self-evaluation",
        "只有结对 {pairing} 的{side_zh}可以对这份自评提出意见",
    ),
    // Attachments of a self-evaluation (engine::evidence).
    (
        "self_evaluation.attachment_kind",
        "{name}: an attachment is a PDF, PNG, JPEG, DOCX or XLSX file",
        "{name}：佐证材料须为 PDF、PNG、JPEG、DOCX 或 XLSX 文件",
    ),
    (
        "self_evaluation.attachment_content",
        "{name}: the file is not what its name says",
        "{name}：文件内容与文件类型不符",
    ),
    (
        "self_evaluation.attachment_too_large",
        "{name}: an attachment is at most {max_mib} MiB",
        "{name}：每份佐证材料不超过 {max_mib} 兆字节",
    ),
    (
        "self_evaluation.too_many_attachments",
        "a side's self-evaluation has at most {max} attachments",
        "每一方的自评最多 {max} 份佐证材料",
    ),
    (
        "self_evaluation.no_attachment",
        "there is no attachment {n}",
        "没有佐证材料 {n}",
    ),
    // Appeals (engine::appeal).
    (
        "appeal.not_now",
        "the {year} assessment round is {state}: appeals are filed and decided during its review step",
        "{year} 年度考核轮次处于“{state_zh}”阶段：申诉在审核阶段提出和裁定",
    ),
    (
        "appeal.not_frozen",
        "the {year} assessment round is not frozen: there is no result to appeal",
        "{year} 年度考核数据尚未锁定：没有可申诉的结果",
    ),
    (
        "appeal.bad_value",
        "{indicator}: {value} is not a value of this indicator",
        "{indicator}：{value} 不是该指标的取值",
    ),
    (
        "appeal.no_finding",
        "pairing {pairing} has no finding {finding} on {record_kind} {record_id}",
        "结对 {pairing} 没有关于{record_kind_zh} {record_id} 的问题 {finding}",
    ),
    (
        "appeal.no_penalty",
        "pairing {pairing} has no penalty on {record_kind} {record_id}",
        "结对 {pairing} 没有针对{record_kind_zh} {record_id} 的扣分",
    ),
    (
        "appeal.no_comment",
        "a decision needs a comment",
        "裁定需要填写意见",
    ),
    (
        "appeal.none",
        "there is no appeal {id} in {year}",
        "{year} 年度没有申诉 {id}",
    ),
    (
        "appeal.decided",
        "appeal {id} is decided already",
        "申诉 {id} 已经裁定",
    ),
    (
        "appeal.concurrent",
        "the appeals were changed by another writer meanwhile; try again",
        "申诉刚被他人修改；请重试",
    ),
    // Correction requests (engine::correction).
    (
        "correction.not_frozen_year",
        "this row changes nothing the {year} assessment read: import it as usual, not as a correction",
        "此行不改变 {year} 年度考核读取的任何记录：请按常规导入，而不是作为更正申请",
    ),
    (
        "correction.not_now",
        "the {year} assessment round is {state}: corrections are filed and decided until it is approved",
        "{year} 年度考核轮次处于“{state_zh}”阶段：更正申请只能在审定之前提出和审批",
    ),
    (
        "correction.not_frozen",
        "the {year} assessment round is not frozen: change its records by importing them",
        "{year} 年度考核数据尚未锁定：请直接导入修改后的记录",
    ),
    (
        "correction.invalid",
        "the correction's rows have {count} errors; nothing was filed or stored",
        "更正申请的数据有 {count} 处错误；未提交，也未保存任何数据",
    ),
    (
        "correction.nothing",
        "nothing in these rows changes what the {year} assessment read: there is nothing to correct",
        "这些数据没有改变 {year} 年度考核读取的任何记录：无需更正",
    ),
    (
        "correction.none",
        "there is no correction {id} in {year}",
        "{year} 年度没有更正申请 {id}",
    ),
    (
        "correction.decided",
        "correction {id} is decided already",
        "更正申请 {id} 已经审批",
    ),
    (
        "correction.own",
        "correction {id} was filed by the same account: an approver of the level above decides it",
        "更正申请 {id} 由本账号提出：须由上一级审批",
    ),
    (
        "correction.moved",
        "correction {id} changes records that were changed since it was filed: file it again",
        "更正申请 {id} 涉及的记录在提出后又被修改：请重新提出",
    ),
    (
        "correction.concurrent",
        "the corrections were changed by another writer meanwhile; try again",
        "更正申请刚被他人修改；请重试",
    ),
    (
        "correction.corrupt",
        "the stored corrections cannot be read: {detail}",
        "已保存的更正申请无法读取：{detail}",
    ),
    (
        "correction.not_approver",
        "correction {id} is decided by an approver of the level above its filer",
        "更正申请 {id} 须由提出方的上一级审批",
    ),
    // Publication (engine::publication).
    (
        "publication.not_frozen",
        "the {year} assessment round is not frozen: it has no result to report yet",
        "{year} 年度考核数据尚未锁定，还没有可报告的结果",
    ),
    (
        "appeal.corrupt",
        "the frozen result cannot be read back: {detail}",
        "锁定的结果无法读取：{detail}",
    ),
    (
        "appeal.subject",
        "an appeal names an indicator (with its value), a finding or a penalty",
        "申诉须指明一个指标（及其取值）、一个数据质量问题或一项扣分",
    ),
    (
        "appeal.not_party",
        "only the {side} party of {pairing} appeals for its side",
        "只有结对 {pairing} 的{side_zh}可以为本方提出申诉",
    ),
    // Cross-check results filled into sample.csv (engine::round::check).
    (
        "check.not_now",
        "the {year} assessment round is {state}: results are recorded during its cross_check step",
        "{year} 年度考核轮次处于“{state_zh}”阶段：核查结果只能在交叉核查阶段录入",
    ),
    (
        "check.not_team",
        "only the national office and the offices of the cross-check teams' provinces record results",
        "只有国家级管理员和交叉核查组所在省的协作办可以录入核查结果",
    ),
    (
        "check.other_team",
        "pairing {pairing} is not checked by your team",
        "结对 {pairing} 不由本核查组核查",
    ),
    (
        "check.header",
        "expected the header of sample.csv: {columns}",
        "应为 sample.csv 的表头：{columns}",
    ),
    (
        "check.field_count",
        "expected {expected} fields, found {found}",
        "应有 {expected} 列，实有 {found} 列",
    ),
    (
        "check.year",
        "the sample is of {year}, not {value}",
        "抽样属于 {year} 年度，不是 {value}",
    ),
    (
        "check.no_sample",
        "no sample of {year} was drawn with seed \"{seed}\"",
        "{year} 年度没有以种子“{seed}”抽取的样本",
    ),
    (
        "check.not_sampled",
        "{kind} {id} of {pairing} ({stratum}) is not in the sample drawn with seed {seed}",
        "结对 {pairing} 的 {kind} {id}（{stratum}）不在以种子 {seed} 抽取的样本中",
    ),
    (
        "check.unknown_result",
        "unknown result \"{value}\" (expected {expected})",
        "未知的核查结果“{value}”（应为 {expected}）",
    ),
    (
        "check.note_required",
        "a {result} record needs its evidence in note",
        "核查结果为 {result} 的记录须在 note 中写明证据",
    ),
];
