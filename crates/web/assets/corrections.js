// Xiezuo (协作) correction requests (更正申请) of a frozen year in the page:
// on the workbench, each frozen round's corrections and the form that files
// one (the corrected rows as files, and a reason); the page of one
// correction shows its rows' diff and its effect on the frozen indicators,
// scores, grades and findings, with the approver's decision form. The
// server decides who may file, see and decide; nothing is decided here.
// Loaded after app.js, whose helpers (t, esc, api, xfetch, messageOf,
// enumLabel, session, lang, T) it uses.

const Corrections = (() => {
  Object.assign(T.zh, {
    co_title: "更正申请", co_none: "暂无更正申请。", co_file: "提出更正申请", co_files: "更正后的数据文件",
    co_hint: "上传更正后的记录（CSV 或 XLSX，与日常导入格式相同）。只有改变本年度锁定数据的行会被受理；经上一级审批通过后才会写入，并生成新的锁定版本。",
    co_submit: "提交申请", co_filed: "已提交更正申请 {id}，等待上一级审批。", co_refused: "发现 {n} 处错误，申请未提交：",
    co_pending: "待审批", co_approved: "已批准", co_rejected: "已驳回", co_rows: "涉及记录", co_by: "申请人", co_view: "查看",
    co_changes: "数据变更", co_new_row: "新增记录", co_old: "原值", co_new: "更正值", co_effect: "对锁定考核结果的影响",
    co_effect_pending: "按当前数据测算，批准后将生成新的锁定版本：", co_effect_none: "不影响任何指标、得分和等次。",
    co_frozen: "锁定值", co_corrected: "更正后", co_raised: "新增", co_cleared: "消除", co_decide: "审批",
    co_approve: "批准更正", co_reject: "驳回", co_version: "锁定版本 {v}", co_batch: "导入批次 {b}", co_back: "返回工作台",
  });
  Object.assign(T.en, {
    co_title: "Correction requests", co_none: "No correction requests.", co_file: "File a correction", co_files: "Corrected data files",
    co_hint: "Upload the corrected records (CSV or XLSX, as for an import). Only rows that change this year's frozen data are taken; they are stored only when the level above approves, as the round's next frozen version.",
    co_submit: "File", co_filed: "Correction {id} filed; it awaits the approval of the level above.", co_refused: "{n} errors: nothing was filed:",
    co_pending: "pending", co_approved: "approved", co_rejected: "rejected", co_rows: "records", co_by: "filed by", co_view: "view",
    co_changes: "Changes", co_new_row: "new record", co_old: "stored", co_new: "corrected", co_effect: "Effect on the frozen result",
    co_effect_pending: "On current data, approving makes a new frozen version with:", co_effect_none: "No indicator, score or grade changes.",
    co_frozen: "frozen", co_corrected: "corrected", co_raised: "raised", co_cleared: "cleared", co_decide: "Decision",
    co_approve: "Approve", co_reject: "Reject", co_version: "frozen version {v}", co_batch: "import batch {b}", co_back: "Back to the workbench",
  });

  const stateOf = (c) => (!c.decision ? t("co_pending") : c.decision.approved ? t("co_approved") : t("co_rejected"));
  const writer = () => ["admin", "office", "organisation"].includes(session.role);

  // The corrections card of a frozen round on the workbench.
  async function section(el, r) {
    const list = await api(`/api/v1/rounds/${r.year}/corrections`).catch(() => null);
    if (!list) { el.remove(); return; }
    const open = !["approved", "published"].includes(r.state);
    const rows = list.corrections.map((c) => `<tr data-correction="${c.id}" class="${c.may_decide ? "late" : ""}"><td class="num">${c.id}</td><td>${esc(c.by)}</td>
      <td>${esc(c.reason)}</td><td class="num">${c.changes.length}</td><td>${stateOf(c)}</td>
      <td><a href="#/correction?year=${r.year}&id=${c.id}">${c.may_decide ? t("co_decide") : t("co_view")}</a></td></tr>`).join("");
    el.innerHTML = `<h3>${t("co_title")} <span class="muted">${list.corrections.length}</span></h3>
      ${rows ? `<table class="co-list"><thead><tr><th class="num">#</th><th>${t("co_by")}</th><th>${t("pr_reason")}</th><th class="num">${t("co_rows")}</th><th>${t("status")}</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="muted">${t("co_none")}</p>`}
      ${open && writer() ? `<form class="co-file"><h4>${t("co_file")}</h4><p class="muted">${t("co_hint")}</p>
        <label>${t("co_files")} <input type="file" name="files" multiple accept=".csv,.xlsx"></label><br>
        <label>${t("pr_reason")} <input name="reason" size="50"></label> <button type="submit">${t("co_submit")}</button>
        <p class="co-status"></p><div class="co-errors"></div></form>` : ""}`;
    const f = el.querySelector("form.co-file");
    f?.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const out = f.querySelector(".co-status"), errs = f.querySelector(".co-errors");
      errs.innerHTML = "";
      const body = new FormData();
      body.append("reason", f.reason.value);
      [...f.files.files].forEach((x) => body.append("files", x, x.name));
      try {
        const resp = await xfetch(`/api/v1/rounds/${r.year}/corrections`, { method: "POST", body });
        const b = await resp.json().catch(() => ({}));
        if (!resp.ok) throw new Error(messageOf(b) || resp.statusText);
        if (!b.valid) {
          out.textContent = t("co_refused").replace("{n}", b.errors.length);
          out.className = "co-status error";
          errs.innerHTML = `<table class="errors"><thead><tr><th>${t("file")}</th><th class="num">${t("line")}</th><th>${t("column")}</th><th>${t("reason")}</th></tr></thead><tbody>
            ${b.errors.map((e) => `<tr><td>${esc(e.file)}</td><td class="num">${e.line}</td><td>${esc(lang === "zh" ? e.column_zh : e.column)}</td><td>${esc(lang === "zh" ? e.reason_zh : e.reason)}</td></tr>`).join("")}</tbody></table>`;
          return;
        }
        await section(el, r);
        const s = el.querySelector(".co-status") || el.appendChild(document.createElement("p"));
        s.textContent = t("co_filed").replace("{id}", b.correction.id);
        s.className = "co-status ok";
      } catch (e) {
        out.textContent = e.message;
        out.className = "co-status error";
      }
    });
  }

  function effectHtml(e, pending) {
    if (!e) return "";
    const none = !e.indicators.length && !e.scores.length && !e.findings.length;
    let h = `<h2>${t("co_effect")}</h2>${pending ? `<p class="muted">${t("co_effect_pending")}</p>` : ""}`;
    if (none) return h + `<p>${t("co_effect_none")}</p>`;
    if (e.scores.length) {
      h += `<table class="co-scores"><thead><tr><th>${t("pairing")}</th><th>${t("side")}</th><th class="num">${t("co_frozen")}</th><th class="num">${t("co_corrected")}</th><th>${t("grade")}</th></tr></thead><tbody>
        ${e.scores.map((s) => `<tr><td>${esc(s.pairing_id)}</td><td>${t(s.side)}</td><td class="num">${esc(s.frozen_total)}</td><td class="num">${esc(s.corrected_total)}</td>
          <td>${s.frozen_grade === s.corrected_grade ? esc(t(s.corrected_grade)) : `<b>${esc(t(s.frozen_grade))} → ${esc(t(s.corrected_grade))}</b>`}</td></tr>`).join("")}</tbody></table>`;
    }
    if (e.indicators.length) {
      h += `<table class="co-indicators"><thead><tr><th>${t("pairing")}</th><th>${t("indicator")}</th><th class="num">${t("co_frozen")}</th><th class="num">${t("co_corrected")}</th></tr></thead><tbody>
        ${e.indicators.map((i) => `<tr><td>${esc(i.pairing_id)}</td><td>${esc(lang === "zh" ? i.indicator_zh : i.indicator)}</td><td class="num">${esc(i.frozen)}</td><td class="num">${esc(i.corrected)}</td></tr>`).join("")}</tbody></table>`;
    }
    if (e.findings.length) {
      h += `<table class="co-findings"><thead><tr><th>${t("pairing")}</th><th>${t("finding")}</th><th>${t("record_id")}</th><th></th></tr></thead><tbody>
        ${e.findings.map((f) => `<tr><td>${esc(f.pairing_id)}</td><td>${esc(lang === "zh" ? f.finding_zh : f.finding)}</td><td>${esc(f.record_id)}</td><td>${f.raised ? t("co_raised") : t("co_cleared")}</td></tr>`).join("")}</tbody></table>`;
    }
    return h;
  }

  // The page of one correction: the diff, the effect, the decision.
  async function page(app, params) {
    const year = params.get("year"), id = params.get("id");
    const c = await api(`/api/v1/rounds/${encodeURIComponent(year)}/corrections/${encodeURIComponent(id)}`);
    const changes = c.changes.map((ch) => `<tr class="co-row"><td>${esc(lang === "zh" ? ch.kind_zh : ch.kind)}</td><td>${esc(ch.key)}${ch.new_row ? ` <span class="muted">${t("co_new_row")}</span>` : ""}</td>
      <td>${ch.fields.map((f) => `<div>${esc(lang === "zh" ? f.column_zh : f.column)}: ${f.old == null ? "" : `<s>${esc(enumLabel(`${ch.kind}.${f.column}`, f.old))}</s> → `}<b>${esc(enumLabel(`${ch.kind}.${f.column}`, f.new))}</b></div>`).join("")}</td></tr>`).join("");
    const d = c.decision;
    const decided = d ? `<p class="co-decision">${stateOf(c)} · ${esc(d.by)} · ${esc(d.at.slice(0, 10))}: ${esc(d.comment)}${d.version ? ` · ${t("co_version").replace("{v}", d.version)} · ${t("co_batch").replace("{b}", d.batch)}` : ""}</p>` : "";
    const form = c.may_decide ? `<form class="co-decide"><h2>${t("co_decide")}</h2><label>${t("pr_comment")} <input name="comment" size="50"></label>
      <button type="submit" name="approve" value="true">${t("co_approve")}</button> <button type="submit" name="approve" value="false">${t("co_reject")}</button><p class="co-status"></p></form>` : "";
    app.innerHTML = `<h1>${t("co_title")} ${c.id} · ${esc(year)} <span class="muted">${stateOf(c)}</span></h1>
      <p>${t("co_by")}: ${esc(c.by)}${c.filer_region ? ` (${esc(c.filer_region)})` : ""} · ${esc(c.at.slice(0, 10))} · ${t("pr_reason")}: ${esc(c.reason)}</p>${decided}
      <h2>${t("co_changes")}</h2><table class="co-changes"><thead><tr><th>${t("record_kind")}</th><th>${t("record_id")}</th><th>${t("co_old")} → ${t("co_new")}</th></tr></thead><tbody>${changes}</tbody></table>
      ${effectHtml(c.effect, !d)}${form}<p><a href="#/workbench">${t("co_back")}</a></p>`;
    const f = app.querySelector("form.co-decide");
    f?.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const approve = ev.submitter ? ev.submitter.value === "true" : false;
      const out = f.querySelector(".co-status");
      try {
        const r = await xfetch(`/api/v1/rounds/${encodeURIComponent(year)}/corrections/${encodeURIComponent(id)}/decision`, {
          method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ approve, comment: f.comment.value }),
        });
        const b = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error(messageOf(b) || r.statusText);
        await page(app, params);
      } catch (e) {
        out.textContent = e.message;
        out.className = "co-status error";
      }
    });
  }

  return { section, page };
})();
