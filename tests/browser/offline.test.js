// Offline entry on a phone (390 px): forms opened online keep working with
// the network switched off; entries queue on the device, survive a reload,
// sync when the connection returns, rejected entries show their row
// errors, and a record changed on the server meanwhile is shown as a
// conflict and not overwritten until the person chooses.
// Screenshots go to target/browser-artifacts (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.XIEZUO_BIN || path.join(root, "target/debug/xiezuo");
const shots = path.join(root, "target/browser-artifacts");
let server, base, browser, dir, context, token;

// The API as another office sees it (a bearer token: unaffected by the
// browser's network switch).
async function apiCall(method, p, body) {
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), "xiezuo-offline-"));
  const db = path.join(dir, "o.db");
  const run = (args, input) => {
    const r = spawnSync(bin, ["--db", db, ...args], { input, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  run(["import", path.join(root, "tests/data/dataset")]);
  run(["user", "add", "village1", "--role", "admin", "--password-stdin"], "field passphrase\n");
  run(["user", "add", "county1", "--role", "admin"]);
  token = run(["user", "token", "county1"]);
  server = spawn(bin, ["--db", db, "serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => {
      const m = String(d).match(/listening on (http:\/\/\S+?)\/?\s/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (c) => reject(new Error(`server exited ${c}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
});

after(async () => {
  await context?.close();
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Opens a form afresh (never the previous form still on the page): by way
// of the queue page, which needs no network.
async function openForm(page, kind, key = "") {
  await page.evaluate(() => { location.hash = "#/offline"; });
  await page.waitForSelector("#queue-sync");
  await page.goto(base + `/#/edit/${kind}` + (key ? "/" + encodeURIComponent(key) : ""));
  await page.waitForFunction((k) => !!document.querySelector("#record") && document.querySelector("h1").textContent.includes(k), key);
}

test("entries recorded offline queue on the device, survive a reload and sync; rejections and conflicts wait for the person", async () => {
  const page = await context.newPage();
  const violations = [];
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  await page.goto(base + "/#/login");
  await page.fill("#login", "village1");
  await page.fill("#password", "field passphrase");
  await page.click("#login-submit");
  await page.waitForSelector("#whoami");
  // The service worker takes the page over and keeps the shell.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.waitForSelector("#whoami");

  // Forms opened online: a milestone (progress) and an existing meeting.
  await openForm(page, "meetings", "MT000001");
  const before = (await apiCall("GET", "/api/v1/records/meetings/MT000001")).body;
  await openForm(page, "milestones", "XM2019-000223/4");

  // The network goes away: the milestone's progress is queued.
  await context.setOffline(true);
  await page.fill("#in-done_date", "2019-06-21");
  await page.click("#record button[type=submit]");
  await page.waitForFunction(() => /本设备|this device/.test(document.querySelector("#status").textContent));
  // A new meeting, a meeting with a bad date, and a change of MT000001.
  const meeting = async (values) => {
    await openForm(page, "meetings");
    for (const [k, v] of Object.entries(values)) {
      if (k === "kind" || k === "top_leader") await page.selectOption(`#in-${k}`, v);
      else await page.fill(`#in-${k}`, v);
    }
    await page.click("#record button[type=submit]");
    await page.waitForFunction(() => /本设备|this device/.test(document.querySelector("#status").textContent));
  };
  await meeting({ meeting_id: "MT990101", pairing_id: "PROV-44-45", date: "2020-10-15", kind: "joint_meeting", top_leader: "0" });
  await meeting({ meeting_id: "MT990102", pairing_id: "PROV-44-45", date: "2020-10-16", kind: "joint_meeting", top_leader: "0" });
  await openForm(page, "meetings", "MT000001");
  await page.selectOption("#in-kind", "joint_meeting");
  await page.click("#record button[type=submit]");
  await page.waitForFunction(() => /本设备|this device/.test(document.querySelector("#status").textContent));
  // The bad date is edited in the queue entry (type=date inputs refuse bad text).
  await page.evaluate(() => {
    const q = JSON.parse(localStorage.getItem("xiezuo.offline.queue"));
    q.find((e) => e.key === "MT990102").values.date = "2020-02-30";
    localStorage.setItem("xiezuo.offline.queue", JSON.stringify(q));
  });

  // Reloaded without a connection, the shell opens and shows the queue.
  await page.goto(base + "/#/offline");
  await page.reload();
  await page.waitForSelector("#queue .queue-entry");
  assert.match(await page.textContent("#queue-count"), /4/);
  assert.equal(await page.locator(".queue-entry.waiting").count(), 4);
  await page.screenshot({ path: path.join(shots, "offline-queue-390.png"), fullPage: true });

  // Another office changes MT000001 meanwhile.
  const other = await apiCall("POST", "/api/v1/records/meetings", { ...before.values, top_leader: before.values.top_leader === "1" ? "0" : "1" });
  assert.equal(other.body.saved, true, JSON.stringify(other.body));

  // The connection returns: entries are sent.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.waitForFunction(() => document.querySelectorAll(".queue-entry.waiting").length === 0, null, { timeout: 20000 });
  const queue = await page.evaluate(() => localStorage.getItem("xiezuo.offline.queue"));
  assert.equal(await page.locator(".queue-entry.sent").count(), 2, `${JSON.stringify(before)} ${JSON.stringify(other.body)} ${queue}`);
  assert.equal(await page.locator(".queue-entry.rejected").count(), 1);
  assert.equal(await page.locator(".queue-entry.conflict").count(), 1);
  const ms = (await apiCall("GET", "/api/v1/records/milestones/" + encodeURIComponent("XM2019-000223/4"))).body;
  assert.equal(ms.values.done_date, "2019-06-21", JSON.stringify(ms));
  const mt = await apiCall("GET", "/api/v1/records/meetings/MT990101");
  assert.equal(mt.status, 200, JSON.stringify(mt.body));
  assert.equal((await apiCall("GET", "/api/v1/records/meetings/MT990102")).status, 404);
  // The rejection shows its row error beside the field.
  // The key of a rejected entry stays as it is: it is still about the same record.
  assert.equal(await page.getAttribute(".queue-entry.rejected input[data-field=meeting_id]", "readonly"), "");
  const rowErrors = (await page.$$eval(".queue-entry.rejected .error", (els) => els.map((e) => e.textContent))).join("");
  assert.ok(rowErrors.length > 0, "the row errors are shown");
  console.log("row errors:", rowErrors);
  // The conflict is shown side by side and the server's record is untouched.
  assert.equal(await page.locator(".queue-entry.conflict table.conflict tr.differs").count() >= 1, true);
  await page.screenshot({ path: path.join(shots, "offline-conflict-390.png"), fullPage: true });
  let now = (await apiCall("GET", "/api/v1/records/meetings/MT000001")).body;
  assert.equal(now.batch_id, other.body.batch_id);
  assert.equal(now.values.kind, before.values.kind);

  // The person fixes the rejected entry and resends it.
  await page.fill(".queue-entry.rejected input[data-field=date]", "2020-02-28");
  await page.click(".queue-entry.rejected button[data-act=resend]");
  await page.waitForFunction(() => document.querySelectorAll(".queue-entry.rejected").length === 0 && document.querySelectorAll(".queue-entry.sent").length === 3, null, { timeout: 20000 });
  assert.equal((await apiCall("GET", "/api/v1/records/meetings/MT990102")).body.values.date, "2020-02-28");
  // And keeps their version of the conflicting meeting.
  await page.click(".queue-entry.conflict button[data-act=keep]");
  await page.waitForFunction(() => document.querySelectorAll(".queue-entry.sent").length === 4, null, { timeout: 20000 });
  now = (await apiCall("GET", "/api/v1/records/meetings/MT000001")).body;
  assert.equal(now.values.kind, "joint_meeting");
  assert.equal(await page.locator(".queue-entry:not(.sent)").count(), 0);
  await page.screenshot({ path: path.join(shots, "offline-synced-390.png"), fullPage: true });
  // Nothing wider than the phone.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 392, `page width ${wide}`);
  assert.deepEqual(violations, []);
  await page.close();
});
