// Xiezuo (协作) assessment procedure (考核流程) in the page: on a pairing's
// page, each side's self-evaluation (自评) form and the paired party's
// opinion during the self-evaluation step, and the appeals (申诉) of an
// indicator, a finding or a penalty with their filing and decision forms
// during review; on the workbench, the national
// office's controls that open, advance and freeze a round. Every form sends
// the API's own request and shows the server's answer; nothing is decided
// here. Uses the helpers of app.js (t, esc, api, xfetch, messageOf, session).

const Procedure = (() => {
  const post = async (path, body) => {
    const r = await xfetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const b = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(messageOf(b) || r.statusText);
    return b;
  };
  const ind = (id) => t(id);
  const status = (el, text, bad) => {
    const s = el.querySelector(".pr-status") || document.querySelector(".pr-status");
    if (!s) return;
    s.textContent = text;
    s.className = `pr-status ${bad ? "error" : "ok"}`;
  };
  // Runs a submission; on success reloads the card (or the page).
  const wire = (el, selector, make, after) => el.querySelectorAll(selector).forEach((f) => f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const [path, body] = make(f);
      await post(path, body);
      await after();
      status(el, t("pr_saved"), false);
    } catch (e) {
      status(el, e.message, true);
    }
  }));

  function selfEvaluationHtml(year, id, s) {
    const done = s.submitted_at ? `${esc(s.submitted_at.slice(0, 10))} · ${esc(s.submitted_by || "")}` : t("wb_not_submitted");
    let h = `<div class="pr-side" data-side="${s.side}"><h3>${t(s.side)} · ${t("wb_self")}: ${done}${s.mismatches ? ` <span class="overdue">${s.mismatches} ${t("wb_mismatch")}</span>` : ""}</h3>`;
    if (s.narrative) h += `<p>${esc(s.narrative)}</p>`;
    const files = s.attachments || [];
    const url = (a) => `/api/v1/rounds/${year}/self-evaluations/${encodeURIComponent(id)}/${s.side}/attachments/${a.n}`;
    if (files.length || s.may_submit) {
      h += `<div class="pr-attachments"><b>${t("pr_attachments")}</b>${files.length ? `<ul>${files.map((a) => `<li data-n="${a.n}"><a href="${url(a)}" download>${esc(a.name)}</a> <span class="muted">${fmt(a.bytes)} ${t("pr_bytes")} · ${esc(a.by)}</span>${s.may_submit ? ` <button type="button" class="pr-remove" data-side="${s.side}" data-n="${a.n}">${t("pr_remove")}</button>` : ""}</li>`).join("")}</ul>` : ` <span class="muted">${t("pr_no_attachments")}</span>`}
        ${s.may_submit ? `<form class="pr-attach" data-side="${s.side}"><input type="file" name="files" multiple accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx" aria-label="${t("pr_attachments")}"> <button type="submit">${t("pr_attach")}</button> <span class="muted">${t("pr_attach_hint")}</span></form>` : ""}</div>`;
    }
    if (s.opinion) h += `<p class="pr-opinion">${t("wb_opinion")}: ${s.opinion.agrees ? t("wb_agrees") : t("wb_disagrees")} — ${esc(s.opinion.text)} <span class="muted">${esc(s.opinion.by)}</span></p>`;
    if (s.may_submit) {
      h += `<form class="pr-self" data-side="${s.side}"><p class="muted">${t("pr_claims_hint")}</p>
        <table class="pr-claims"><thead><tr><th>${t("indicator")}</th><th class="num">${t("pr_frozen")}</th><th>${t("pr_claimed")}</th></tr></thead><tbody>
        ${s.claims.map((c) => `<tr class="${c.differs ? "late" : ""}"><td>${esc(ind(c.indicator))}</td><td class="num">${esc(c.computed)}</td>
          <td><input name="${esc(c.indicator)}" data-computed="${esc(c.computed)}" value="${esc(c.claimed)}" size="14" aria-label="${esc(ind(c.indicator))}"></td></tr>`).join("")}</tbody></table>
        <label>${t("pr_narrative")}<br><textarea name="narrative" rows="3" cols="60">${esc(s.narrative || "")}</textarea></label>
        <p><button type="submit">${t("pr_submit_self")}</button></p></form>`;
    }
    if (s.may_give_opinion) {
      h += `<form class="pr-opinion-form" data-side="${s.side}"><label>${t("wb_opinion")} <select name="agrees"><option value="true">${t("wb_agrees")}</option><option value="false">${t("wb_disagrees")}</option></select></label>
        <label>${t("pr_text")} <input name="text" size="40"></label> <button type="submit">${t("pr_submit_opinion")}</button></form>`;
    }
    return h + "</div>";
  }

  function appealsHtml(appeals, sides, y, penalties) {
    const decide = ["admin", "assessor"].includes(session.role);
    let h = `<h3>${t("wb_appeals")} <span class="muted">${appeals.length}</span></h3>`;
    if (appeals.length) {
      h += `<table class="pr-appeals"><thead><tr><th class="num">#</th><th>${t("side")}</th><th>${t("pr_subject")}</th><th>${t("pr_reason")}</th><th>${t("pr_decision")}</th></tr></thead><tbody>
        ${appeals.map((a) => `<tr data-appeal="${a.id}"><td class="num">${a.id}</td><td>${t(a.side)}</td>
          <td>${a.kind === "indicator" ? `${esc(ind(a.indicator))} = ${esc(a.value)}` : a.kind === "penalty" ? `${t("pr_penalty")} · ${esc(recordKindLabel(a.record_kind))} ${esc(a.record_id)}` : `${esc(t(a.finding))} · ${esc(a.record_id)}`}</td><td>${esc(a.reason)}${a.evidence ? ` <span class="muted">${esc(a.evidence)}</span>` : ""}</td>
          <td>${a.decision ? `${a.decision.upheld ? t("pr_upheld") : t("pr_rejected")}: ${esc(a.decision.comment)}` : decide
            ? `<form class="pr-decide" data-id="${a.id}"><label><input type="checkbox" name="upheld"> ${t("pr_upheld")}</label> <input name="comment" size="24" aria-label="${t("pr_comment")}" placeholder="${t("pr_comment")}"> <button type="submit">${t("pr_decide")}</button></form>`
            : t("pr_pending")}</td></tr>`).join("")}</tbody></table>`;
    }
    if (sides.length && y) {
      h += `<form class="pr-appeal"><h4>${t("pr_file_appeal")}</h4>
        <label>${t("side")} <select name="side">${sides.map((s) => `<option value="${s}">${t(s)}</option>`).join("")}</select></label>
        <label>${t("pr_subject")} <select name="subject"><optgroup label="${t("indicators")}">${y.indicators.map((i) => `<option value="i:${esc(i.id)}">${esc(ind(i.id))}</option>`).join("")}</optgroup>
          ${y.findings.length ? `<optgroup label="${t("findings")}">${y.findings.map((f) => `<option value="f:${esc(f.finding)}|${esc(f.record_kind)}|${esc(f.record_id)}">${esc(t(f.finding))} · ${esc(f.record_id)}</option>`).join("")}</optgroup>` : ""}
          ${penalties.length ? `<optgroup label="${t("pr_penalties_group")}">${penalties.map((p) => `<option value="p:${esc(p.record_kind)}|${esc(p.record_id)}">${esc(recordKindLabel(p.record_kind))} · ${esc(p.record_id)}</option>`).join("")}</optgroup>` : ""}</select></label>
        <label>${t("pr_value")} <input name="value" size="12"></label><br>
        <label>${t("pr_reason")} <input name="reason" size="40"></label> <label>${t("pr_evidence")} <input name="evidence" size="30"></label>
        <button type="submit">${t("pr_submit_appeal")}</button></form>`;
    }
    return h;
  }

  // The procedure card of a pairing's page for a year whose round is frozen.
  async function pairingCard(el, year, id, y, round, reload) {
    const se = await api(`/api/v1/rounds/${year}/self-evaluations/${encodeURIComponent(id)}`).catch(() => null);
    if (!se) { el.remove(); return; }
    let h = `<h2>${t("procedure")} · ${year} · ${esc(lang === "zh" ? round.state_zh : round.state.replace(/_/g, " "))}</h2><p class="pr-status"></p>`;
    h += se.sides.map((s) => selfEvaluationHtml(year, id, { ...s, may_submit: s.may_submit && round.state === "self_evaluation", may_give_opinion: s.may_give_opinion && round.state === "self_evaluation" })).join("");
    if (["review", "approved", "published"].includes(round.state)) {
      const all = await api(`/api/v1/rounds/${year}/appeals`);
      const mine = all.appeals.filter((a) => a.pairing_id === id);
      const sides = round.state === "review" ? se.sides.filter((s) => s.may_submit).map((s) => s.side) : [];
      h += appealsHtml(mine, sides, y, (all.penalties || []).filter((p) => p.pairing_id === id));
    }
    el.innerHTML = h;
    const base = `/api/v1/rounds/${year}`;
    wire(el, "form.pr-self", (f) => {
      const claims = {};
      f.querySelectorAll("input[data-computed]").forEach((i) => { if (i.value.trim() !== i.dataset.computed) claims[i.name] = i.value.trim(); });
      return [`${base}/self-evaluations/${encodeURIComponent(id)}/${f.dataset.side}`, { claims, narrative: f.narrative.value }];
    }, reload);
    const sidePath = (side) => `${base}/self-evaluations/${encodeURIComponent(id)}/${side}/attachments`;
    el.querySelectorAll("form.pr-attach").forEach((f) => f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = new FormData();
      [...f.files.files].forEach((x) => body.append("files", x, x.name));
      try {
        const r = await xfetch(sidePath(f.dataset.side), { method: "POST", body });
        const b = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error(messageOf(b) || r.statusText);
        await reload();
        status(el, t("pr_saved"), false);
      } catch (e) {
        status(el, e.message, true);
      }
    }));
    el.querySelectorAll("button.pr-remove").forEach((b) => b.addEventListener("click", async () => {
      try {
        const r = await xfetch(`${sidePath(b.dataset.side)}/${b.dataset.n}`, { method: "DELETE" });
        const body = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error(messageOf(body) || r.statusText);
        await reload();
      } catch (e) {
        status(el, e.message, true);
      }
    }));
    wire(el, "form.pr-opinion-form", (f) => [`${base}/self-evaluations/${encodeURIComponent(id)}/${f.dataset.side}/opinion`, { agrees: f.agrees.value === "true", text: f.text.value }], reload);
    wire(el, "form.pr-appeal", (f) => {
      const [kind, rest] = [f.subject.value.slice(0, 1), f.subject.value.slice(2)];
      const common = { pairing_id: id, side: f.side.value, reason: f.reason.value, evidence: f.evidence.value };
      if (kind === "i") return [`${base}/appeals`, { ...common, indicator: rest, value: f.value.value.trim() }];
      if (kind === "p") {
        const [record_kind, record_id] = rest.split("|");
        return [`${base}/appeals`, { ...common, penalty: true, record_kind, record_id }];
      }
      const [finding, record_kind, record_id] = rest.split("|");
      return [`${base}/appeals`, { ...common, finding, record_kind, record_id }];
    }, reload);
    wire(el, "form.pr-decide", (f) => [`${base}/appeals/${f.dataset.id}/decision`, { upheld: f.upheld.checked, comment: f.comment.value }], reload);
  }

  // The national office's controls of a round on the workbench.
  function roundControls(r) {
    if (session.role !== "admin") return "";
    const freeze = !r.frozen && ["open", "self_evaluation"].includes(r.state)
      ? `<form class="pr-freeze" data-year="${r.year}"><input name="reason" size="30" aria-label="${t("pr_reason")}" placeholder="${t("pr_reason")}"> <button type="submit">${t("pr_freeze")}</button></form>` : "";
    const next = r.next
      ? `<form class="pr-advance" data-year="${r.year}" data-to="${r.next}"><input name="reason" size="30" aria-label="${t("pr_reason")}" placeholder="${t("pr_reason")}"> <button type="submit">${t("pr_advance").replace("{s}", t("state_" + r.next))}</button></form>` : "";
    const sample = r.frozen && ["self_evaluation", "cross_check"].includes(r.state)
      ? `<form class="pr-sample" data-year="${r.year}"><input name="seed" size="12" inputmode="numeric" aria-label="${t("ck_seed")}" placeholder="${t("ck_seed")}"> <button type="submit">${t("pr_sample")}</button></form>` : "";
    const penalties = r.state === "cross_check"
      ? `<form class="pr-penalties" data-year="${r.year}"><button type="submit">${t("pr_penalties")}</button></form>` : "";
    return `<div class="pr-controls">${next}${freeze}${sample}${penalties}</div>`;
  }

  function openForm() {
    if (session.role !== "admin") return "";
    return `<form id="pr-open" class="filters"><label>${t("year")} <input name="year" size="6" inputmode="numeric"></label>
      <input name="reason" size="30" aria-label="${t("pr_reason")}" placeholder="${t("pr_reason")}"> <button type="submit">${t("pr_open")}</button></form>`;
  }

  function wireWorkbench(el, reload) {
    wire(el, "#pr-open", (f) => [`/api/v1/rounds/${encodeURIComponent(f.year.value.trim())}/open`, { reason: f.reason.value }], reload);
    wire(el, "form.pr-advance", (f) => [`/api/v1/rounds/${f.dataset.year}/advance`, { to: f.dataset.to, reason: f.reason.value }], reload);
    wire(el, "form.pr-freeze", (f) => [`/api/v1/rounds/${f.dataset.year}/freeze`, { reason: f.reason.value }], reload);
    wire(el, "form.pr-sample", (f) => [`/api/v1/rounds/${f.dataset.year}/sample`, { seed: Number(f.seed.value.trim()) }], reload);
    wire(el, "form.pr-penalties", (f) => [`/api/v1/rounds/${f.dataset.year}/penalties`, {}], reload);
  }

  // The cross-check team's form (交叉核查结果), made for a phone: one card a
  // sampled record, its result and note; the filled-in ones are saved
  // together, all or none, and a refused row shows its reason on its card.
  const CK_ROWS = 200;
  async function checkPage(app, params) {
    const year = params.get("year");
    const only = params.get("pairing") || "";
    const c = await api(`/api/v1/rounds/${encodeURIComponent(year)}/checks`);
    const rows = c.rows.map((r, i) => ({ ...r, i })).filter((r) => !only || r.pairing_id === only);
    const pairings = [...new Set(c.rows.map((r) => r.pairing_id))];
    const done = c.rows.filter((r) => r.result).length;
    const kind = (k) => (["village", "household"].includes(k) ? t("ck_kind_" + k) : recordKindLabel(k));
    const card = (r) => `<div class="ck-row card" data-i="${r.i}"><div><b>${esc(kind(r.record_kind))}</b> ${esc(r.record_id)}</div>
      <div class="muted">${esc(r.pairing_id)} · ${esc(r.stratum)}</div>
      <label>${t("ck_result")} <select name="result" ${c.may_record ? "" : "disabled"}><option value="">—</option>${c.results.map((x) => `<option value="${x}" ${r.result === x ? "selected" : ""}>${t("ck_" + x)}</option>`).join("")}</select></label>
      <label>${t("ck_note")} <input name="note" value="${esc(r.note || "")}" ${c.may_record ? "" : "disabled"} placeholder="${t("ck_note_hint")}"></label>
      ${r.by ? `<div class="muted">${esc(r.by)} · ${esc((r.at || "").slice(0, 10))}</div>` : ""}<div class="ck-error error"></div></div>`;
    app.innerHTML = `<h1>${t("ck_title")} · ${esc(year)}</h1>
      ${c.seed == null ? `<p id="ck-none" class="muted">${t("ck_none")}</p>` : `<p class="muted">${t("ck_seed")} ${c.seed} · ${t("ck_progress").replace("{d}", done).replace("{n}", c.rows.length)}</p>
      <div class="filters"><label>${t("pairing")} <select id="ck-pairing"><option value="">${t("all")}</option>${pairings.map((p) => `<option ${p === only ? "selected" : ""}>${esc(p)}</option>`).join("")}</select></label></div>
      <p class="pr-status"></p>
      <div id="ck-rows">${rows.slice(0, CK_ROWS).map(card).join("")}</div>
      ${rows.length > CK_ROWS ? `<p class="muted">${t("wb_more").replace("{n}", rows.length - CK_ROWS)}</p>` : ""}
      ${c.may_record ? `<p class="ck-save"><button id="ck-save" type="button">${t("ck_save")}</button></p>` : `<p class="muted">${t("ck_read_only")}</p>`}`}`;
    $("#ck-pairing")?.addEventListener("change", (e) => { location.hash = `#/check?year=${encodeURIComponent(year)}&pairing=${encodeURIComponent(e.target.value)}`; });
    $("#ck-save")?.addEventListener("click", async () => {
      const sent = [];
      app.querySelectorAll(".ck-row").forEach((el) => {
        const r = c.rows[+el.dataset.i];
        const result = el.querySelector("select").value, note = el.querySelector("input").value.trim();
        el.querySelector(".ck-error").textContent = "";
        if (result && (result !== r.result || note !== (r.note || ""))) sent.push({ el, row: { pairing_id: r.pairing_id, county: r.county, record_kind: r.record_kind, record_id: r.record_id, stratum: r.stratum, result, note } });
      });
      const el = app;
      try {
        const b = await post(`/api/v1/rounds/${encodeURIComponent(year)}/checks`, { seed: c.seed, rows: sent.map((x) => x.row) });
        if (!b.saved) {
          b.errors.forEach((e) => { const x = e.row != null && sent[e.row]; if (x) x.el.querySelector(".ck-error").textContent = lang === "zh" ? e.reason_zh : e.reason; });
          status(el, t("ck_refused").replace("{n}", b.errors.length), true);
          return;
        }
        await checkPage(app, params);
        status(app, t("ck_saved").replace("{n}", b.recorded), false);
      } catch (e) {
        status(el, e.message, true);
      }
    });
  }

  // The verified rates (核查核实率) of a round's cross-check on the
  // workbench: per pairing and record kind, the teams' results, the share
  // confirmed with its 95 % interval, the indicator extrapolated.
  async function verifiedRates(el, year) {
    const v = await api(`/api/v1/rounds/${year}/verified-rates`).catch(() => null);
    if (!v || !v.rows.length) { el.remove(); return; }
    const p = (x) => `${(100 * x).toFixed(1)}%`;
    const num = (x) => (x == null ? "" : fmt(Math.round(x * 100) / 100));
    el.innerHTML = `<h3>${t("ck_rates")}</h3><table class="ck-rates"><thead><tr><th>${t("pairing")}</th><th>${t("record_kind")}</th><th class="num">${t("ck_checked")}</th>
      <th class="num">${t("ck_confirmed")}</th><th class="num">${t("ck_not_found")}</th><th class="num">${t("ck_discrepant")}</th><th class="num">${t("ck_falsified")}</th>
      <th class="num">${t("ck_rate")}</th><th>${t("indicator")}</th><th class="num">${t("pr_frozen")}</th><th class="num">${t("ck_adjusted")}</th></tr></thead><tbody>
      ${v.rows.map((r) => `<tr class="${r.falsified ? "late" : ""}"><td>${esc(r.pairing_id)}</td><td>${esc(recordKindLabel(r.record_kind))}</td><td class="num">${r.checked}</td><td class="num">${r.confirmed}</td>
        <td class="num">${r.not_found}</td><td class="num">${r.discrepant}</td><td class="num">${r.falsified}</td><td class="num">${p(r.verified_rate)} <span class="muted">(${p(r.ci_low)}–${p(r.ci_high)})</span></td>
        <td>${r.indicator ? esc(ind(r.indicator)) : ""}</td><td class="num">${esc(r.value || "")}</td><td class="num">${r.adjusted == null ? "" : `${num(r.adjusted)} <span class="muted">(${num(r.adjusted_low)}–${num(r.adjusted_high)})</span>`}</td></tr>`).join("")}</tbody></table>`;
  }

  return { pairingCard, roundControls, openForm, wireWorkbench, checkPage, verifiedRates };
})();
