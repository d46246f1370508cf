// Xiezuo (协作) offline entry (离线录入): a form saved without a connection
// (or whose request fails for network reasons) is queued on the device with
// the time and the batch of the record it was based on, shown in the header
// count and on the queue page (#/offline), and sent as a normal form save
// when the connection returns. The server answers each entry like any save:
// row errors keep it on the device to be fixed and resent; a record changed
// on the server since the entry's base batch (or a new record whose key
// already exists) is a conflict, shown side by side until the person keeps
// their entry or takes the server's. Nothing is dropped silently.
// Loaded before app.js; uses its globals (session, xfetch, esc, lang) at run time.
"use strict";

const Offline = (() => {
  const STORE = "xiezuo.offline.queue";
  const KINDS = ["meetings", "milestones", "placements"];
  const TEXT = {
    zh: {
      queue: "离线队列", queue_hint: "在设备上排队的记录：恢复网络后自动发送。", queued: "无网络：已保存在本设备，恢复网络后自动发送（待发送 {n} 条）。",
      waiting: "待发送", sent: "已发送", rejected: "被拒绝", conflict: "冲突", empty: "队列为空。", kind: "类型", key: "记录", at: "录入时间", state: "状态",
      resend: "修改后重新发送", remove: "删除此条", clear_sent: "清除已发送", sync_now: "立即同步", keep_mine: "保留我的（覆盖服务器）", take_server: "采用服务器的（放弃我的）",
      mine: "我的记录", server: "服务器上的记录", field: "字段", none: "（不存在）", offline_now: "当前离线", batch: "批次", base: "基于批次",
      conflict_hint: "这条记录在您离线期间已被修改。请对比后选择。", sign_in_to_send: "登录后才能发送。",
    },
    en: {
      queue: "Offline queue", queue_hint: "Records queued on this device: sent automatically when the connection returns.", queued: "No connection: kept on this device, sent when the connection returns ({n} waiting).",
      waiting: "Waiting", sent: "Sent", rejected: "Rejected", conflict: "Conflict", empty: "The queue is empty.", kind: "Kind", key: "Record", at: "Recorded", state: "State",
      resend: "Resend as corrected", remove: "Delete this entry", clear_sent: "Clear sent", sync_now: "Sync now", keep_mine: "Keep mine (override the server)", take_server: "Take the server's (discard mine)",
      mine: "My entry", server: "On the server", field: "Field", none: "(none)", offline_now: "Offline now", batch: "batch", base: "based on batch",
      conflict_hint: "This record was changed while you were offline. Compare and choose.", sign_in_to_send: "Sign in to send.",
    },
  };
  const tr = (k) => (TEXT[typeof lang === "string" && lang === "en" ? "en" : "zh"][k] || k);
  const h = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  const load = () => { try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (_) { return []; } };
  const store = (q) => { localStorage.setItem(STORE, JSON.stringify(q)); badge(); };
  const update = (id, f) => { const q = load(); const e = q.find((x) => x.id === id); if (e) { f(e); store(q); } return e; };
  const open = () => load().filter((e) => e.state !== "sent");

  // The header count: entries not yet stored on the server.
  function badge() {
    let a = document.querySelector("#queue-count");
    if (!a) {
      a = document.createElement("a");
      a.id = "queue-count";
      a.href = "#/offline";
      document.querySelector("#who")?.before(a);
    }
    const n = open().length;
    a.textContent = `${tr("queue")} ${n}${navigator.onLine ? "" : ` · ${tr("offline_now")}`}`;
    a.className = n ? "queue-count pending" : "queue-count";
    a.hidden = !n && navigator.onLine && !location.hash.startsWith("#/offline");
  }

  // Queues an entry: `base` is the batch of the record the form was opened
  // on (0: a new record).
  // `keyFields` name the record's key columns (kept as they are when a
  // rejected entry is corrected: the entry stays about the same record).
  function enqueue(kind, key, values, base, keyFields = []) {
    const q = load();
    q.push({ id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, kind, key, key_fields: keyFields, values, base_batch: base, at: new Date().toISOString(), state: "waiting", errors: [] });
    store(q);
    return q.filter((e) => e.state === "waiting").length;
  }

  // Sends one entry as a form save with its base batch; a network failure
  // leaves it waiting.
  async function send(e) {
    let r;
    try {
      r = await xfetch(`/api/v1/records/${e.kind}?wait=true&base_batch=${e.base_batch}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(e.values) });
    } catch (_) { return false; }
    if (r.status === 401) { update(e.id, (x) => { x.message = tr("sign_in_to_send"); }); return false; }
    if (r.status >= 500) return false;
    let body = {};
    try { body = await r.json(); } catch (_) { /* not JSON: kept as a message below */ }
    if (r.status === 409) {
      let current = body.current || null;
      if (!current) {
        try {
          const g = await fetch(`/api/v1/records/${e.kind}/${encodeURIComponent(e.key)}`, { cache: "no-store" });
          current = g.ok ? await g.json() : null;
        } catch (_) { return false; }
      }
      update(e.id, (x) => { x.state = "conflict"; x.message = body.message || ""; x.server = current ? current.values : null; x.server_batch = current ? current.batch_id : 0; });
    } else if (r.ok && body.saved) {
      update(e.id, (x) => { x.state = "sent"; x.batch_id = body.batch_id; x.errors = []; x.sent_at = new Date().toISOString(); });
    } else {
      update(e.id, (x) => { x.state = "rejected"; x.errors = body.errors || []; x.message = body.message || ""; });
    }
    return true;
  }

  let syncing = false;
  // Sends every waiting entry, oldest first.
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      for (const e of load().filter((x) => x.state === "waiting")) {
        if (!(await send(e))) break;
      }
    } finally {
      syncing = false;
      badge();
      if (location.hash.startsWith("#/offline") && !document.activeElement?.matches?.(".queue-entry input")) page(document.querySelector("#app"));
    }
  }

  // The form's save: online as before; queued when offline or when the
  // request fails for network reasons. Returns the answer, or null when queued.
  async function save(kind, key, values, base, post, keyFields = []) {
    if (KINDS.includes(kind) && !navigator.onLine) return { queued: enqueue(kind, key, values, base, keyFields) };
    try {
      return await post();
    } catch (err) {
      if (!KINDS.includes(kind)) throw err;
      return { queued: enqueue(kind, key, values, base, keyFields) };
    }
  }

  function valuesTable(e) {
    const names = Object.keys(e.values);
    const errs = Object.fromEntries((e.errors || []).map((x) => [x.column, x.reason]));
    const editable = e.state === "rejected";
    return `<table class="queue-values"><tbody>${names.map((n) => `<tr><th><label for="q-${h(e.id)}-${h(n)}">${h(n)}</label></th>
      <td>${editable ? `<input id="q-${h(e.id)}-${h(n)}" data-field="${h(n)}" value="${h(e.values[n])}" ${(e.key_fields || []).includes(n) ? "readonly" : ""}>` : h(e.values[n])}</td>
      <td class="error">${h(errs[n] || "")}</td></tr>`).join("")}</tbody></table>
      ${(e.errors || []).filter((x) => !names.includes(x.column)).map((x) => `<p class="error">${h(x.column)}: ${h(x.reason)}</p>`).join("")}`;
  }

  function conflictTable(e) {
    const names = [...new Set(Object.keys(e.values).concat(Object.keys(e.server || {})))];
    return `<p class="muted">${tr("conflict_hint")} ${h(e.message || "")}</p>
      <table class="conflict"><thead><tr><th>${tr("field")}</th><th>${tr("mine")} (${tr("base")} ${e.base_batch || "—"})</th><th>${tr("server")} (${tr("batch")} ${e.server_batch || "—"})</th></tr></thead>
      <tbody>${names.map((n) => {
        const mine = e.values[n] ?? "", theirs = e.server ? (e.server[n] ?? "") : null;
        return `<tr class="${theirs !== null && String(mine).trim() !== String(theirs) ? "differs" : ""}"><th>${h(n)}</th><td>${h(mine)}</td><td>${theirs === null ? tr("none") : h(theirs)}</td></tr>`;
      }).join("")}</tbody></table>`;
  }

  function entryCard(e) {
    const actions = {
      waiting: `<button type="button" data-act="remove">${tr("remove")}</button>`,
      sent: "",
      rejected: `<button type="button" data-act="resend">${tr("resend")}</button> <button type="button" data-act="remove">${tr("remove")}</button>`,
      conflict: `<button type="button" data-act="keep">${tr("keep_mine")}</button> <button type="button" data-act="take">${tr("take_server")}</button>`,
    }[e.state];
    return `<li class="card queue-entry ${e.state}" data-id="${h(e.id)}">
      <p><span class="state ${e.state}">${tr(e.state)}</span> <b>${h(e.kind)}</b> ${h(e.key)}
      <span class="muted">${tr("at")} ${h(typeof chinaTime === "function" ? chinaTime(e.at) : e.at)}${e.batch_id ? ` · ${tr("batch")} ${e.batch_id}` : ""}</span></p>
      ${(e.state === "rejected" || e.state === "waiting") && e.message ? `<p class="error">${h(e.message)}</p>` : ""}
      ${e.state === "conflict" ? conflictTable(e) : valuesTable(e)}
      <p class="queue-actions">${actions}</p></li>`;
  }

  // The queue page (#/offline).
  function page(app) {
    if (!app) return;
    const q = load();
    app.innerHTML = `<h1>${tr("queue")}</h1><p class="muted">${tr("queue_hint")}${navigator.onLine ? "" : ` · ${tr("offline_now")}`}</p>
      <p class="queue-actions"><button type="button" id="queue-sync">${tr("sync_now")}</button> <button type="button" id="queue-clear">${tr("clear_sent")}</button></p>
      ${q.length ? `<ul id="queue" class="queue">${q.slice().reverse().map(entryCard).join("")}</ul>` : `<p id="queue" class="muted">${tr("empty")}</p>`}`;
    app.querySelector("#queue-sync").addEventListener("click", sync);
    app.querySelector("#queue-clear").addEventListener("click", () => { store(load().filter((e) => e.state !== "sent")); page(app); });
    app.querySelectorAll(".queue-entry button[data-act]").forEach((b) => b.addEventListener("click", () => {
      const li = b.closest(".queue-entry");
      const id = li.dataset.id;
      const act = b.dataset.act;
      if (act === "remove" || act === "take") store(load().filter((e) => e.id !== id));
      else if (act === "resend") {
        update(id, (x) => { li.querySelectorAll("input[data-field]").forEach((i) => (x.values[i.dataset.field] = i.value)); x.state = "waiting"; x.errors = []; });
        sync();
      } else if (act === "keep") {
        // The person has seen the server's version: the entry now builds on it.
        update(id, (x) => { x.base_batch = x.server_batch || 0; x.state = "waiting"; delete x.server; });
        sync();
      }
      page(app);
    }));
    badge();
  }

  window.addEventListener("online", () => { badge(); sync(); });
  window.addEventListener("offline", badge);
  document.querySelector("#lang")?.addEventListener("click", () => setTimeout(badge));
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/assets/sw.js", { scope: "/" }).catch(() => { /* the platform still works online */ });
  }
  const queuedMessage = (n) => tr("queued").replace("{n}", n);
  return { save, sync, page, badge, enqueue, queuedMessage, entries: load, KINDS };
})();
