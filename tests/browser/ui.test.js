// Browser tests of the web platform: the real binary serving a temporary
// store, driven in headless Chromium as an office worker would use it.
// Screenshots go to target/browser-artifacts (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.XIEZUO_BIN || path.join(root, "target/debug/xiezuo");
const shots = path.join(root, "target/browser-artifacts");
let server, base, browser, dir, context;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), "xiezuo-browser-"));
  const db = path.join(dir, "b.db");
  const imp = spawnSync(bin, ["--db", db, "import", path.join(root, "tests/data/dataset")], { encoding: "utf8" });
  assert.equal(imp.status, 0, imp.stderr);
  // The receiving side's files (exchange format v1.2), for the reconciliation.
  const v12 = path.join(dir, "v12");
  mkdirSync(v12, { recursive: true });
  writeFileSync(path.join(v12, "fund_receipts.csv"), "到账编号,结对编号,拨付流水号,到账日期,到账金额,已支出金额\nR1,PROV-44-45,TX00000305,2020-01-20,515304.03,\nR2,CNTY-310183-530123,TX00000318,2020-01-16,6000000.00,\n");
  const imp2 = spawnSync(bin, ["--db", db, "import", v12], { encoding: "utf8" });
  assert.equal(imp2.status, 0, imp2.stderr);
  const user = spawnSync(bin, ["--db", db, "user", "add", "office1", "--role", "admin", "--personal-data", "--password-stdin"], { input: "browser passphrase\n", encoding: "utf8" });
  assert.equal(user.status, 0, user.stderr);
  // The parties and the assessor of the whole procedure's test.
  for (const [login, ...role] of [["gx", "--role", "office", "--region", "450000"], ["gd", "--role", "office", "--region", "440000"], ["assessor1", "--role", "assessor"]]) {
    const u = spawnSync(bin, ["--db", db, "user", "add", login, ...role, "--password-stdin"], { input: "procedure passphrase\n", encoding: "utf8" });
    assert.equal(u.status, 0, u.stderr);
  }
  // The 2018 round goes through the whole procedure and is published; the
  // 2020 round is frozen and in its self-evaluation step; 2019 stays live.
  const toSelf = (y) => [["round", "open", "--year", y], ["round", "advance", "--year", y, "--to", "self_evaluation", "--reason", "截止"], ["freeze", "--year", y, "--reason", "年度数据截止"]];
  for (const args of [...toSelf("2018"), ...["cross_check", "review", "approved", "published"].map((to) => ["round", "advance", "--year", "2018", "--to", to, "--reason", "按期"]), ...toSelf("2020")]) {
    const r = spawnSync(bin, ["--db", db, ...args], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
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
  // Sign in through the page, as a user would; the session cookie is shared
  // by every page of the context.
  context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  const page = await context.newPage();
  await page.goto(base + "/#/pairings");
  await page.waitForSelector("#login-form");
  await page.fill("#login", "office1");
  await page.fill("#password", "wrong password");
  await page.click("#login-submit");
  await page.waitForFunction(() => document.querySelector("#login-status").textContent.length > 0);
  await page.fill("#password", "browser passphrase");
  await page.click("#login-submit");
  await page.waitForSelector("#whoami");
  assert.match(await page.textContent("#whoami"), /office1/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "xz_session");
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === "Strict", JSON.stringify(cookies));
  await page.close();
});

after(async () => {
  await context?.close();
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the overview shows the map and the charts in Chinese", async () => {
  const page = await context.newPage();
  await page.goto(base + "/");
  await page.waitForSelector("#c-map canvas");
  await page.waitForSelector("#c-money canvas");
  await page.waitForSelector("#c-grades canvas");
  assert.match(await page.textContent("h1"), /总览/);
  // The grades are the published round's, never live ones.
  assert.match(await page.textContent("#grades-card h2"), /已公布考核等次 · 2018/);
  assert.match(await page.textContent("header"), /东西部协作平台/);
  // The map series is drawn: ECharts reports the registered map and its arrows.
  const lines = await page.evaluate(() => {
    const c = echarts.getInstanceByDom(document.querySelector("#c-map"));
    return c.getOption().series[0].data.length;
  });
  assert.ok(lines >= 2, `arrows between paired provinces: ${lines}`);
  // The map has a legend, and its arrows do not take clicks meant for provinces.
  assert.match(await page.textContent("#map-legend"), /东部帮扶方.*西部受帮扶方/);
  const silent = await page.evaluate(() => echarts.getInstanceByDom(document.querySelector("#c-map")).getOption().series[0].silent);
  assert.equal(silent, true);
  // First paint and the time until the map and charts are drawn, for the benchmark record.
  const timing = await page.evaluate(() => ({
    first_contentful_paint_ms: Math.round(performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1),
    charts_drawn_ms: Math.round(performance.now()),
  }));
  writeFileSync(path.join(shots, "overview-timing.json"), JSON.stringify(timing));
  assert.ok(timing.first_contentful_paint_ms > 0);
  await page.screenshot({ path: path.join(shots, "overview.png"), fullPage: true });
  // The English switch.
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("h1").textContent.includes("Overview"));
  await page.click("#lang");
  await page.close();
});

test("a pairing drills down from a number to its records", async () => {
  const page = await context.newPage();
  await page.goto(base + "/#/pairing/CNTY-310102-530122?year=2019");
  await page.waitForSelector("#indicators a[data-indicator='milestones_due']");
  assert.equal((await page.textContent("#indicators a[data-indicator='milestones_due']")).trim(), "16");
  // Why this grade: points out of the maximum, the rules, the bands.
  assert.match(await page.textContent("#scores"), /\d+(\.\d+)? \/ \d+/);
  assert.match(await page.textContent("#scores"), /等次标准/);
  await page.click("#scores details summary");
  assert.match(await page.textContent("#scores .terms"), /分/);
  // Each indicator says what it counts, from the method file.
  assert.match(await page.textContent("#indicators"), /就业累计满 90 天/);
  // Rates read in per cent, money in 万元 or 亿元.
  assert.match(await page.textContent("#indicators a[data-indicator='on_time_rate']"), /^[\d.]+%$/);
  assert.match(await page.textContent("#indicators a[data-indicator='fiscal_disbursed']"), /(万元|亿元|元)$/);
  await page.click("#indicators a[data-indicator='milestones_due']");
  await page.waitForSelector("#records tbody tr");
  const rows = await page.$$eval("#records tbody tr", (r) => r.length);
  assert.equal(rows, 16);
  assert.match(await page.textContent("#records"), /XM2019-000223\/4/);
  await page.screenshot({ path: path.join(shots, "pairing-drilldown.png"), fullPage: true });
  await page.close();
});

test("a published round gives each party a printable report and the round's workbook", async () => {
  const page = await context.newPage();
  await page.goto(base + "/#/pairing/PROV-44-45?year=2018");
  await page.waitForSelector("#report-west");
  assert.match(await page.textContent("#reports"), /考核报告.*已公布/s);
  const href = await page.getAttribute("#report-west", "href");
  // A year whose round is not frozen has no report.
  const live = await context.newPage();
  await live.goto(base + "/#/pairing/PROV-44-45?year=2019");
  await live.waitForSelector("#scores h3");
  assert.equal(await live.$("#reports"), null);
  await live.close();
  const report = await context.newPage();
  await report.goto(base + href);
  assert.match(await report.textContent("h1"), /2018年度东西部扶贫协作考核报告/);
  const text = await report.textContent("body");
  assert.match(text, /西部受帮扶方/);
  assert.match(text, /一、考核结果.*二、分项得分.*三、考核指标.*四、数据质量问题.*五、交叉核查扣分.*六、申诉及处理.*七、考核过程/s);
  assert.doesNotMatch(text, /初步结果/);
  assert.doesNotMatch(text, /undefined|NaN/);
  await report.screenshot({ path: path.join(shots, "report.png"), fullPage: true });
  // Print-ready: it prints to an A4 PDF.
  const pdf = await report.pdf({ format: "A4", path: path.join(shots, "report.pdf") });
  assert.ok(pdf.length > 10000, `PDF of ${pdf.length} bytes`);
  await report.close();
  await page.goto(base + "/#/assessment?year=2018");
  await page.waitForSelector("#round-xlsx");
  const xlsx = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get("content-type"), (await r.arrayBuffer()).byteLength]; }, await page.getAttribute("#round-xlsx", "href"));
  assert.equal(xlsx[0], 200);
  assert.match(xlsx[1], /spreadsheetml/);
  assert.ok(xlsx[2] > 1000);
  await page.close();
});

test("the workbench shows the round in progress, its late steps and each party's tasks", async () => {
  const page = await context.newPage();
  await page.goto(base + "/#/workbench");
  await page.waitForSelector(".wb-round[data-year='2020']");
  const head = await page.textContent(".wb-round[data-year='2020'] h2");
  assert.match(head, /2020 年度考核 · 自评/);
  assert.match(head, /本阶段截止 2020-12-31.*逾期/s);
  // The schedule: the open step done, the self-evaluation step late.
  const steps = await page.$$eval(".wb-round[data-year='2020'] .schedule tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[2].textContent, tr.className]));
  assert.deepEqual(steps[0].slice(0, 2), ["填报中", "已完成"]);
  assert.deepEqual(steps[1], ["自评", "逾期", "late"]);
  // Every party still has its self-evaluation to submit, late; the published 2018 round is not here.
  const tasks = await page.$$eval(".wb-parties tbody td.tasks", (c) => c.map((x) => x.textContent));
  assert.ok(tasks.length > 10, `${tasks.length} parties`);
  assert.ok(tasks.every((x) => /提交自评/.test(x) && /逾期/.test(x)), tasks[0]);
  assert.equal(await page.$(".wb-round[data-year='2018']"), null);
  await page.screenshot({ path: path.join(shots, "workbench.png"), fullPage: false });
  await page.close();
});

// A new browser context signed in as `login` through the page.
async function signedIn(login) {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(base + "/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#login", login);
  await page.fill("#password", "procedure passphrase");
  await page.click("#login-submit");
  await page.waitForSelector("#whoami");
  // A fresh page of the signed-in context: the sign-in page's own redirect
  // cannot race the test's next navigation.
  await page.close();
  return { ctx, page: await ctx.newPage() };
}

test("the whole procedure of a round runs in the browser, each party and role doing its step", async () => {
  const admin = await context.newPage();
  const section = ".wb-round[data-year='2017']";
  const step = async (form, reason) => {
    await admin.fill(`${section} ${form} input[name=reason]`, reason);
    await admin.click(`${section} ${form} button`);
  };
  // The national office opens the 2017 round, moves it to self-evaluation and freezes its data.
  await admin.goto(base + "/#/workbench");
  await admin.waitForSelector("#pr-open");
  await admin.fill("#pr-open input[name=year]", "2017");
  await admin.fill("#pr-open input[name=reason]", "开始填报");
  await admin.click("#pr-open button");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=self_evaluation]`);
  await step("form.pr-advance", "按期进入自评");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=cross_check]`);
  await step("form.pr-freeze", "2017 年度数据截止");
  await admin.waitForFunction((s) => document.querySelector(s) && !document.querySelector(`${s} form.pr-freeze`) && document.querySelector(`${s} .wb-parties`), section);

  // Guangxi (the west party) submits its self-evaluation with one claim of its own.
  const gx = await signedIn("gx");
  const pairing = base + "/#/pairing/PROV-44-45?year=2017";
  await gx.page.goto(pairing);
  await gx.page.waitForSelector("#procedure form.pr-self[data-side=west]");
  assert.equal(await gx.page.$("#procedure form.pr-self[data-side=east]"), null, "Guangxi writes only its own side");
  const first = "#procedure form.pr-self[data-side=west] input[data-computed]";
  const computed = await gx.page.getAttribute(first, "data-computed");
  await gx.page.fill(first, String(Number(computed) + 3));
  await gx.page.fill("#procedure form.pr-self[data-side=west] textarea", "劳务协作超额完成");
  await gx.page.click("#procedure form.pr-self[data-side=west] button");
  await gx.page.waitForFunction(() => /1 与核定值不符/.test(document.querySelector("#procedure .pr-side[data-side=west] h3")?.textContent || ""));
  // It files the meeting minutes beside its claims; a file that is not what its name says is refused.
  writeFileSync(path.join(dir, "minutes.pdf"), "%PDF-1.4\n% 联席会议纪要\n");
  writeFileSync(path.join(dir, "fake.pdf"), "<html>not a pdf</html>");
  const attach = "#procedure form.pr-attach[data-side=west]";
  await gx.page.setInputFiles(`${attach} input[type=file]`, path.join(dir, "fake.pdf"));
  await gx.page.click(`${attach} button`);
  await gx.page.waitForFunction(() => /文件内容与文件类型不符/.test(document.querySelector("#procedure .pr-status")?.textContent || ""));
  await gx.page.setInputFiles(`${attach} input[type=file]`, path.join(dir, "minutes.pdf"));
  await gx.page.click(`${attach} button`);
  await gx.page.waitForSelector("#procedure .pr-side[data-side=west] .pr-attachments li[data-n='1'] a");
  const href = await gx.page.getAttribute("#procedure .pr-side[data-side=west] .pr-attachments li a", "href");
  const got = await gx.page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get("content-type"), await r.text()]; }, href);
  assert.deepEqual(got, [200, "application/pdf", "%PDF-1.4\n% 联席会议纪要\n"]);
  // Guangdong (the east party) gives its opinion of it.
  const gd = await signedIn("gd");
  await gd.page.goto(pairing);
  await gd.page.waitForSelector("#procedure form.pr-opinion-form[data-side=west]");
  await gd.page.selectOption("#procedure form.pr-opinion-form[data-side=west] select", "false");
  await gd.page.fill("#procedure form.pr-opinion-form[data-side=west] input[name=text]", "人数需核实");
  await gd.page.click("#procedure form.pr-opinion-form[data-side=west] button");
  await gd.page.waitForSelector("#procedure .pr-side[data-side=west] .pr-opinion");
  assert.match(await gd.page.textContent("#procedure .pr-side[data-side=west] .pr-opinion"), /不同意.*人数需核实/);

  // Cross-check, then review: Guangxi appeals an indicator, the assessor upholds it.
  await admin.goto(base + "/#/workbench");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=cross_check]`);
  await step("form.pr-advance", "交叉核查");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=review]`);
  // The national office draws the sample; a team enters its results on a phone, a refused row named on its card.
  await admin.fill(`${section} form.pr-sample input[name=seed]`, "3");
  await admin.click(`${section} form.pr-sample button`);
  await admin.waitForSelector(`${section} .wb-teams tbody tr`);
  // The sample's files download as drawn.
  const sampleHref = await admin.getAttribute(`${section} .ck-files a`, "href");
  const sampleCsv = await admin.evaluate(async (u) => (await fetch(u)).text(), sampleHref);
  assert.match(sampleCsv, /^year,seed,pairing_id,county/);
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 800 });
  await phone.goto(base + "/#/check?year=2017");
  await phone.waitForSelector(".ck-row[data-i='1'] select");
  await phone.selectOption(".ck-row[data-i='0'] select", "confirmed");
  await phone.selectOption(".ck-row[data-i='1'] select", "discrepant");
  await phone.click("#ck-save");
  await phone.waitForFunction(() => document.querySelector(".ck-row[data-i='1'] .ck-error").textContent.length > 0);
  assert.match(await phone.textContent(".pr-status"), /未保存任何结果/);
  await phone.fill(".ck-row[data-i='1'] input", "实际 8 人");
  await phone.click("#ck-save");
  await phone.waitForFunction(() => /已保存 2 条结果/.test(document.querySelector(".pr-status")?.textContent || ""));
  assert.match(await phone.textContent("#app"), /已录入 2 \//);
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 390), "the form fits a phone");
  const kinds = await phone.$$eval(".ck-row b", (b) => b.map((x) => x.textContent).join(" "));
  assert.doesNotMatch(kinds, /village|household|undefined/);
  await phone.screenshot({ path: path.join(shots, "check-phone.png") });
  await phone.close();
  // The penalties are applied once (nothing was found falsified); a second time is refused with its reason.
  await admin.goto(base + "/#/workbench?again=1");
  await admin.waitForSelector(`${section} form.pr-penalties`);
  // The teams' two results give the verified rates, each with its interval.
  await admin.waitForSelector(`${section} table.ck-rates tbody tr`);
  const rates = await admin.$$eval(`${section} table.ck-rates tbody tr`, (trs) => trs.map((tr) => tr.textContent));
  const checked = await admin.$$eval(`${section} table.ck-rates tbody tr`, (trs) => trs.reduce((n, tr) => n + Number(tr.cells[2].textContent), 0));
  assert.equal(checked, 2, rates.join("\n"));
  assert.ok(rates.some((x) => /%\s*\([\d.]+%–[\d.]+%\)/.test(x)), rates.join("\n"));
  await admin.click(`${section} form.pr-penalties button`);
  await admin.waitForFunction(() => /已保存/.test(document.querySelector(".pr-status")?.textContent || ""));
  await admin.click(`${section} form.pr-penalties button`);
  await admin.waitForFunction(() => /扣分已经执行/.test(document.querySelector(".pr-status")?.textContent || ""));
  await step("form.pr-advance", "形成考核报告");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=approved]`);
  await gx.page.goto(pairing + "&again=1");
  await gx.page.waitForSelector("#procedure form.pr-appeal");
  await gx.page.selectOption("#procedure form.pr-appeal select[name=subject]", "i:poor_employed");
  await gx.page.fill("#procedure form.pr-appeal input[name=value]", "99");
  await gx.page.fill("#procedure form.pr-appeal input[name=reason]", "漏报转移就业人员");
  await gx.page.fill("#procedure form.pr-appeal input[name=evidence]", "用工合同 12 份");
  await gx.page.click("#procedure form.pr-appeal button");
  await gx.page.waitForSelector("#procedure table.pr-appeals tr[data-appeal='1']");
  assert.match(await gx.page.textContent("#procedure table.pr-appeals tr[data-appeal='1']"), /待处理/);
  // A second appeal contests a finding on one record.
  const finding = await gx.page.$eval("#procedure form.pr-appeal select[name=subject] optgroup:nth-of-type(2) option", (o) => o.value);
  await gx.page.selectOption("#procedure form.pr-appeal select[name=subject]", finding);
  await gx.page.fill("#procedure form.pr-appeal input[name=reason]", "该户已迁入项目县");
  await gx.page.click("#procedure form.pr-appeal button");
  await gx.page.waitForSelector("#procedure table.pr-appeals tr[data-appeal='2']");
  const as = await signedIn("assessor1");
  await as.page.goto(pairing);
  await as.page.waitForSelector("#procedure form.pr-decide[data-id='1']");
  await as.page.check("#procedure form.pr-decide[data-id='1'] input[name=upheld]");
  await as.page.fill("#procedure form.pr-decide[data-id='1'] input[name=comment]", "经核实成立");
  await as.page.click("#procedure form.pr-decide[data-id='1'] button");
  await as.page.waitForFunction(() => /申诉成立: 经核实成立/.test(document.querySelector("#procedure table.pr-appeals tr[data-appeal='1']")?.textContent || ""));
  await as.page.fill("#procedure form.pr-decide[data-id='2'] input[name=comment]", "证据不足");
  await as.page.click("#procedure form.pr-decide[data-id='2'] button");
  await as.page.waitForFunction(() => /申诉不成立: 证据不足/.test(document.querySelector("#procedure table.pr-appeals tr[data-appeal='2']")?.textContent || ""));

  // Approval and publication: the round leaves the workbench; the report holds every step.
  await step("form.pr-advance", "领导小组审定");
  await admin.waitForSelector(`${section} form.pr-advance[data-to=published]`);
  await step("form.pr-advance", "公布考核结果");
  await admin.waitForFunction((s) => !document.querySelector(s), section);
  const report = await gx.ctx.newPage();
  await report.goto(base + "/api/v1/rounds/2017/report/PROV-44-45/west");
  const text = await report.textContent("body");
  assert.doesNotMatch(text, /初步结果/);
  assert.match(text, /劳务协作超额完成/);
  assert.match(text, /佐证材料：\s*minutes\.pdf（30 字节/);
  assert.match(text, /不同意。人数需核实/);
  assert.match(text, /申诉成立：经核实成立/);
  assert.match(text, /申诉不成立：证据不足/);
  assert.match(text, /公布考核结果/);
  await report.screenshot({ path: path.join(shots, "report-after-procedure.png"), fullPage: true });
  for (const c of [gx, gd, as]) await c.ctx.close();
  await admin.close();
});

test("the ranking filters by grade and links to pairings", async () => {
  const page = await context.newPage().then(async (p) => { await p.setViewportSize({ width: 1400, height: 1000 }); return p; });
  await page.goto(base + "/#/assessment?year=2019&grade=good");
  await page.waitForSelector("#ranking tbody tr");
  const grades = await page.$$eval("#ranking tbody tr td .grade", (c) => c.map((x) => x.textContent.trim()));
  assert.ok(grades.length > 0);
  assert.ok(grades.every((g) => g === "好"), grades.join(","));
  // Sorting by pairing id, by clicking the column header.
  await page.click("#ranking th[data-sort=pairing_id]");
  const ids = await page.$$eval("#ranking tbody tr td:nth-child(2) .muted", (c) => c.map((x) => x.textContent.trim()));
  assert.deepEqual(ids, [...ids].sort(), "sorted by pairing");
  // Pairings are named as people name them, helper—helped.
  assert.match(await page.textContent("#ranking tbody tr td:nth-child(2) a"), /—/);
  await page.click("#ranking tbody tr td a");
  await page.waitForSelector("#indicators");
  await page.screenshot({ path: path.join(shots, "ranking.png"), fullPage: true });
  await page.close();
});

test("the ranking ranks within the east and within the west", async () => {
  const page = await context.newPage();
  await page.goto(base + "/#/assessment?year=2019");
  await page.waitForSelector("#ranking tbody tr");
  const sides = await page.$$eval("#ranking tbody tr td:nth-child(3)", (c) => c.map((x) => x.textContent.trim()));
  assert.ok(sides.length > 0 && sides.every((x) => x === sides[0]), `one side by default: ${sides}`);
  await page.goto(base + "/#/assessment?year=2019&side=");
  await page.waitForSelector("#ranking tbody tr");
  const rows = await page.$$eval("#ranking tbody tr", (trs) => trs.map((tr) => [tr.cells[2].textContent.trim(), +tr.cells[0].textContent]));
  for (const side of new Set(rows.map((r) => r[0]))) {
    const ranks = rows.filter((r) => r[0] === side).map((r) => r[1]);
    assert.deepEqual(ranks, ranks.map((_, i) => i + 1), `ranks within ${side}`);
  }
  // The comparison of two years names pairings too.
  await page.goto(base + "/#/compare?from=2018&to=2019");
  await page.waitForSelector("#app table tbody tr td a");
  assert.match(await page.textContent("#app table tbody tr td a"), /—/);
  // Money reads in 万元 or 亿元 on the overview.
  await page.goto(base + "/");
  await page.waitForSelector(".kpi .v");
  assert.match(await page.textContent(".kpis"), /(万元|亿元)/);
  await page.close();
});

test("an upload with errors lists each error and stores nothing; a good one changes the numbers", async () => {
  const page = await context.newPage().then(async (p) => { await p.setViewportSize({ width: 1300, height: 1000 }); return p; });
  const before = await (await context.request.get(base + "/api/v1/pairings/PROV-44-45")).json();
  const meetings2019 = (b) => b.years.find((y) => y.year === 2019).indicators.find((i) => i.id === "joint_meetings").value;
  const bad = path.join(dir, "bad");
  const good = path.join(dir, "good");
  mkdirSync(bad, { recursive: true });
  mkdirSync(good, { recursive: true });
  const { writeFileSync } = await import("node:fs");
  writeFileSync(path.join(bad, "meetings.csv"), "meeting_id,pairing_id,date,kind,top_leader\nMT-B1,PROV-44-45,2019-02-30,joint_meeting,1\nMT-B2,NO-SUCH,2019-03-01,joint_meeting,1\nMT-B3,PROV-44-45,2019-03-01,joint_meeting,maybe\n");
  writeFileSync(path.join(good, "meetings.csv"), "会议编号,结对编号,日期,会议类型,主要领导带队\nMT-G1,PROV-44-45,2019-05-01,联席会议,是\n");

  await page.goto(base + "/#/data");
  await page.setInputFiles("#files", path.join(bad, "meetings.csv"));
  await page.click("#upload button[type=submit]");
  await page.waitForSelector("#errors tbody tr");
  const errors = await page.$$eval("#errors tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  // In Chinese: the column's label and the reason's Chinese text, the
  // English column name as the cell's tooltip.
  assert.deepEqual(errors.map((e) => [e[0], e[1], e[2]]), [
    ["meetings.csv", "2", "日期"],
    ["meetings.csv", "3", "结对编号"],
    ["meetings.csv", "4", "主要领导带队"],
  ]);
  assert.deepEqual(errors.map((e) => e[3]), ["无效日期 2019-02-30", "未知的结对编号 NO-SUCH", "不是“是/否”值"]);
  assert.deepEqual(await page.$$eval("#errors tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.title)), ["date", "pairing_id", "top_leader"]);
  assert.equal(await page.$("#commit"), null, "no import button for a dataset with errors");
  await page.screenshot({ path: path.join(shots, "upload-errors.png"), fullPage: true });
  const same = await (await context.request.get(base + "/api/v1/pairings/PROV-44-45")).json();
  assert.equal(meetings2019(same), meetings2019(before), "nothing stored");

  await page.setInputFiles("#files", path.join(good, "meetings.csv"));
  await page.click("#upload button[type=submit]");
  await page.waitForSelector("#commit");
  await page.click("#commit");
  await page.waitForFunction(() => /已导入|Imported/.test(document.querySelector("#status")?.textContent || ""));
  const after = await (await context.request.get(base + "/api/v1/pairings/PROV-44-45")).json();
  assert.equal(meetings2019(after), meetings2019(before) + 1, "the new joint meeting counts");
  await page.screenshot({ path: path.join(shots, "upload-done.png"), fullPage: true });
  await page.close();
});

test("a form edits one milestone with the import's validation and shows its history", async () => {
  const page = await context.newPage().then(async (p) => { await p.setViewportSize({ width: 1300, height: 1100 }); return p; });
  await page.goto(base + "/#/edit/milestones/" + encodeURIComponent("XM2019-000223/4"));
  await page.waitForSelector("#in-done_date");
  assert.equal(await page.inputValue("#in-due_date"), "2019-06-27");
  // A bad value is refused with the reason beside its field, and nothing changes.
  await page.fill("#in-responsible", "");
  await page.click("#record button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#err-responsible").textContent.length > 0);
  // A good value is saved and appears in the record's history.
  await page.fill("#in-responsible", "王建国");
  await page.fill("#in-done_date", "2019-06-20");
  await page.click("#record button[type=submit]");
  await page.waitForSelector("#audit tbody tr");
  // The changed field by its label, its column name as the tooltip.
  const history = await page.$$eval("#audit tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.title || c.textContent)));
  assert.ok(history.some((h) => h[2] === "done_date" && h[3] === "" && h[4] === "2019-06-20"), JSON.stringify(history));
  assert.ok(await page.$$eval("#audit tbody td", (tds) => tds.some((td) => td.textContent === "实际完成日期")));
  await page.screenshot({ path: path.join(shots, "edit-milestone.png"), fullPage: true });
  // The finding is gone: the milestone is no longer late.
  const p = await (await context.request.get(base + "/api/v1/pairings/CNTY-310102-530122")).json();
  const f = p.years.find((y) => y.year === 2019).findings.map((x) => x.record_id);
  assert.ok(!f.includes("XM2019-000223/4"), f.join(","));
  await page.close();
});

test("the labour station proposes matches and confirms them as placements", async () => {
  const { writeFileSync } = await import("node:fs");
  const v11 = path.join(dir, "v11");
  mkdirSync(v11, { recursive: true });
  writeFileSync(path.join(v11, "postings.csv"), "posting_id,pairing_id,employer,work_region,positions,monthly_wage,age_min,age_max,labor_required,skills,housing,start_date,closing_date\nJP-B1,PROV-44-45,某电子厂,440101000000,2,5000,18,55,full,,1,2021-03-15,2021-04-30\n");
  writeFileSync(path.join(v11, "seekers.csv"), "person_id,station,registered_date,wanted_regions,max_distance,min_wage,skills,available_from\nP000000010,丰龙县劳务协作工作站,2021-01-05,440000000000,,4500,,2021-02-01\nP000000011,丰龙县劳务协作工作站,2021-01-05,530000000000,,3000,,2021-02-01\n");
  const page = await context.newPage().then(async (p) => { await p.setViewportSize({ width: 1300, height: 1000 }); return p; });
  await page.goto(base + "/#/data");
  await page.setInputFiles("#files", [path.join(v11, "postings.csv"), path.join(v11, "seekers.csv")]);
  await page.click("#upload button[type=submit]");
  await page.waitForSelector("#commit");
  await page.click("#commit");
  await page.waitForFunction(() => /已导入|Imported/.test(document.querySelector("#status")?.textContent || ""));
  // Without a date the page opens on the latest day of the data with an
  // open posting (placements run to 2021-06; the posting closes 2021-04-30).
  await page.goto(base + "/#/labour");
  await page.waitForSelector("#proposals tbody tr");
  assert.equal(await page.inputValue("#f-date"), "2021-04-30");
  assert.match(await page.textContent("#proposals"), /P000000010/);
  assert.match(await page.textContent("#unmatched"), /意向地区或就业距离内无在招岗位/);
  await page.screenshot({ path: path.join(shots, "labour.png"), fullPage: true });
  // Confirming asks first, names the count, and the result stays on screen.
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); d.accept(); });
  await page.click("#confirm");
  await page.waitForFunction(() => /已确认就业: 1|Confirmed placements: 1/.test(document.querySelector("#status")?.textContent || ""));
  assert.match(asked, /1/);
  await page.waitForTimeout(800);
  assert.match(await page.textContent("#status"), /已确认就业: 1/);
  // Nothing left to confirm: the button is disabled.
  assert.equal(await page.isDisabled("#confirm"), true);
  const s = await (await context.request.get(base + "/api/v1/labour/station?date=2021-05-10")).json();
  assert.equal(s.confirmed_placements, 1);
  assert.equal(s.proposals.length, 0);
  await page.close();
});

test("every page of the menu shows its content", async () => {
  const page = await context.newPage();
  // The content security policy holds: no page breaks it.
  const violations = [];
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  const first = await page.goto(base + "/");
  const h = first.headers();
  assert.match(h["content-security-policy"] || "", /script-src 'self'/);
  assert.match(h["content-security-policy"] || "", /frame-ancestors 'none'/);
  assert.equal(h["x-content-type-options"], "nosniff");
  assert.equal(h["referrer-policy"], "no-referrer");
  const links = await page.$$eval("nav a", (as) => as.map((a) => a.getAttribute("href")).filter((h) => h.startsWith("#/")));
  assert.ok(links.length >= 5, JSON.stringify(links));
  for (const href of links) {
    await page.goto(base + "/" + href);
    await page.waitForSelector("#app h1");
    const text = await page.textContent("#app");
    assert.doesNotMatch(text, /共 0 条|Error|错误：/, `${href}: ${text.slice(0, 200)}`);
  }
  await page.goto(base + "/#/pairing/CNTY-310102-530122?year=2019");
  await page.waitForSelector("#indicators a");
  assert.deepEqual(violations, []);
  // One search box finds a province by its Chinese name, and its pairings.
  await page.fill("#search", "广西");
  await page.press("#search", "Enter");
  await page.waitForSelector("#search-region tbody tr");
  assert.match(await page.textContent("#search-region"), /广西壮族自治区/);
  assert.ok(await page.$("#search-pairing tbody tr"));
  // The pairings list, as the menu opens it, lists pairings.
  await page.goto(base + "/#/pairings");
  await page.waitForSelector("#app table tbody tr");
  assert.ok((await page.$$("#app table tbody tr")).length > 10);
  // The ranking of the latest year lists pairings.
  await page.goto(base + "/#/assessment");
  await page.waitForSelector("#app table tbody tr");
  await page.close();
  // An office's overview starts with its own region and pairings.
  const office = spawnSync(bin, ["--db", path.join(dir, "b.db"), "user", "add", "gx-office", "--role", "office", "--region", "450000", "--password-stdin"], { input: "office passphrase\n", encoding: "utf8" });
  assert.equal(office.status, 0, office.stderr);
  const oc = await browser.newContext();
  const op = await oc.newPage();
  await op.goto(base + "/#/login");
  await op.waitForSelector("#login-form");
  await op.fill("#login", "gx-office");
  await op.fill("#password", "office passphrase");
  await op.click("#login-submit");
  await op.waitForSelector("#whoami");
  await op.goto(base + "/#/");
  await op.waitForSelector("#own");
  assert.match(await op.textContent("#own"), /广西/);
  assert.match(await op.textContent("#own"), /—/);
  await oc.close();
  // Signed out, the data page offers signing in, not forms that fail on submit.
  const outside = await browser.newContext();
  const pub = await outside.newPage();
  await pub.goto(base + "/#/data");
  await pub.waitForSelector("#app h1");
  assert.equal(await pub.$("#upload"), null);
  assert.ok(await pub.$("#app a[href='#/login']"));
  await outside.close();
});

test("pages fit a phone 390 px wide", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState(), isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  for (const href of ["#/", "#/pairings", "#/assessment?year=2019", "#/labour", "#/data", "#/edit/meetings"]) {
    await page.goto(base + "/" + href);
    await page.waitForSelector("#app h1");
    await page.waitForTimeout(300);
    const m = await page.evaluate(() => ({
      header: document.querySelector("header").getBoundingClientRect().height,
      width: document.documentElement.scrollWidth,
    }));
    assert.ok(m.header < 120, `${href}: the header takes ${m.header}px`);
    assert.ok(m.width <= 392, `${href}: the page is ${m.width}px wide`);
    const name = href.replace(/[#/?=&]+/g, "_").replace(/^_|_$/g, "") || "overview";
    await page.screenshot({ path: path.join(shots, `phone-${name}.png`), fullPage: true });
  }
  // Every menu entry is reachable with a thumb.
  const box = await page.locator("nav a[href='#/labour']").boundingBox();
  assert.ok(box && box.height >= 24, JSON.stringify(box));
  await phone.close();
});

test("a province opens with its prefectures on the map and its registry", async () => {
  const page = await context.newPage().then(async (p) => { await p.setViewportSize({ width: 1300, height: 1200 }); return p; });
  await page.goto(base + "/#/region/450000000000");
  await page.waitForSelector("#c-region-map canvas");
  await page.waitForSelector("#c-status canvas");
  await page.waitForSelector("#households tbody tr");
  const ids = await page.$$eval("#households tbody tr td:last-child", (c) => c.map((x) => x.textContent).join(" "));
  assert.match(ids, /\*{10}/, "identity numbers are masked");
  await page.screenshot({ path: path.join(shots, "region.png"), fullPage: true });
  // A province with many projects lists them page by page.
  await page.goto(base + "/#/region/530000000000");
  await page.waitForSelector("#region-projects tbody tr");
  assert.equal((await page.$$("#region-projects tbody tr")).length, 20);
  await page.click("#projects-pager a");
  await page.waitForFunction(() => /ppage=2/.test(location.hash));
  await page.waitForSelector("#region-projects tbody tr");
  // A county has no base map of its own: nothing is requested, nothing fails.
  const missing = [];
  page.on("response", (r) => { if (r.status() === 404) missing.push(r.url()); });
  await page.goto(base + "/#/region/450121000000");
  await page.waitForSelector("#c-status canvas");
  assert.deepEqual(missing, []);
  await page.close();
});

// Words in Latin letters that a Chinese page may show: names of formats,
// standards and programs, and the switch to English. Ids, codes, numbers
// and file names (anything with a digit, or with - _ . : / inside) pass.
const LATIN_ALLOWED = new Set(["English", "CSV", "XLSX", "API", "JSON", "Excel", "WPS", "UTC", "GB", "ID", "OpenAPI", "YYYY", "MM", "DD", "X", "Bearer", "office1", "zip", "ZIP", "PDF", "Word"]);

// The Latin words of a page's visible text that are not allowed.
test("the ranking shows traceability beside each score and the reconciliation lists the findings of both parties", async () => {
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem("xiezuo.lang", "zh"));
  await page.goto(base + "/#/assessment?year=2020&side=");
  await page.waitForSelector("#ranking td.trace");
  assert.match(await page.textContent("#ranking thead"), /可追溯率/);
  const row = await page.textContent("#ranking tbody tr:has(a[href*='PROV-44-45']) td.trace");
  assert.match(row, /资金 \d+\.\d% · 人员 —/);
  await page.click("#to-reconciliation");
  await page.waitForSelector("#rc-findings");
  assert.match(await page.textContent("h1"), /对账 · 2020/);
  const differs = await page.textContent("#rc-findings tr:has(td[data-status='amount_differs'])");
  assert.match(differs, /资金拨付与到账.*CNTY-310183-530123.*金额不符.*TX00000318.*R2.*6630022\.58.*6000000\.00/s);
  assert.ok(await page.$("#rc-findings td[data-status='unconfirmed']"), "unconfirmed disbursements are listed");
  assert.match(await page.textContent("#traceability"), /PROV-44-45/);
  await page.screenshot({ path: path.join(shots, "reconciliation.png"), fullPage: false });
  await page.close();
});

async function latinWords(page) {
  const text = await page.evaluate(() => document.body.innerText);
  const words = text.match(/[A-Za-z0-9][A-Za-z0-9_.:\/\-]*/g) || [];
  return [...new Set(words.filter((w) => /[A-Za-z]/.test(w) && !/\d/.test(w) && !/[_.:\/\-]/.test(w) && !LATIN_ALLOWED.has(w)))];
}

test("in Chinese, no page of the menu, upload error or form error shows an English word", async () => {
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem("xiezuo.lang", "zh"));
  const found = {};
  const visit = async (href, selector) => {
    await page.goto(base + "/" + href);
    await page.waitForSelector(selector || "#app h1");
    await page.waitForTimeout(300);
    const w = await latinWords(page);
    if (w.length) found[href] = w;
  };
  for (const href of ["#/", "#/pairings", "#/assessment?year=2019", "#/labour", "#/data", "#/edit/meetings", "#/pairing/PROV-44-45", "#/project/XM2019-000223", "#/reconciliation?year=2020"]) await visit(href);
  // A drill-down of an indicator.
  await visit("#/pairing/CNTY-310102-530122");
  await page.click("#indicators a[data-indicator='milestones_due']");
  await page.waitForTimeout(500);
  let w = await latinWords(page);
  if (w.length) found["drill-down"] = w;
  // A bad upload.
  const { writeFileSync } = await import("node:fs");
  const bad = path.join(dir, "bad-zh");
  mkdirSync(bad, { recursive: true });
  writeFileSync(path.join(bad, "meetings.csv"), "meeting_id,pairing_id,date,kind,top_leader\nMT-Z1,PROV-44-45,2019-02-30,joint_meeting,1\nMT-Z2,NO-SUCH,2019-03-01,joint_meeting,1\nMT-Z3,PROV-44-45,2019-03-01,joint_meeting,maybe\nMT-Z4,PROV-44-45,2019-03-01,茶话会,1\n");
  await visit("#/data");
  await page.setInputFiles("#files", path.join(bad, "meetings.csv"));
  await page.click("#upload button[type=submit]");
  await page.waitForSelector("#errors tbody tr");
  w = await latinWords(page);
  if (w.length) found["upload errors"] = w;
  // A bad form.
  await visit("#/edit/milestones/" + encodeURIComponent("XM2019-000223/4"), "#in-done_date");
  await page.fill("#in-responsible", "");
  await page.click("#record button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#err-responsible").textContent.length > 0);
  w = await latinWords(page);
  if (w.length) found["form errors"] = w;
  await page.close();
  assert.deepEqual(found, {});
});

test("a correction of a frozen year is filed by an office, shown with its effect and approved by the national office", async () => {
  const files = path.join(dir, "correction");
  mkdirSync(files, { recursive: true });
  const head = "txn_id,date,pairing_id,project_id,source,kind,amount,reverses\n";
  mkdirSync(path.join(files, "bad"), { recursive: true });
  writeFileSync(path.join(files, "bad", "funds.csv"), `${head}TXB0001,2020-06-01,PROV-44-45,,fiscal,disbursement,-5,\n`);
  writeFileSync(path.join(files, "funds.csv"), `${head}TXB0001,2020-06-01,PROV-44-45,,fiscal,disbursement,25000000,\n`);
  // Guangdong files it on the workbench: a bad row is named and nothing is filed.
  const gd = await signedIn("gd");
  const form = ".wb-round[data-year='2020'] .co-section form.co-file";
  await gd.page.goto(base + "/#/workbench");
  await gd.page.waitForSelector(form);
  await gd.page.setInputFiles(`${form} input[type=file]`, path.join(files, "bad", "funds.csv"));
  await gd.page.fill(`${form} input[name=reason]`, "漏报一笔拨付");
  await gd.page.click(`${form} button`);
  await gd.page.waitForSelector(`${form} .co-errors tbody tr`);
  assert.match(await gd.page.textContent(`${form} .co-errors tbody tr`), /funds\.csv\s*2/);
  await gd.page.setInputFiles(`${form} input[type=file]`, path.join(files, "funds.csv"));
  await gd.page.click(`${form} button`);
  await gd.page.waitForFunction(() => /已提交更正申请 1/.test(document.querySelector(".co-section .co-status")?.textContent || ""));
  assert.match(await gd.page.textContent(".co-section table.co-list tbody tr"), /gd.*漏报一笔拨付.*待审批/s);
  // The filer sees it without a decision form.
  await gd.page.goto(base + "/#/correction?year=2020&id=1");
  await gd.page.waitForSelector("table.co-changes");
  assert.equal(await gd.page.$("form.co-decide"), null);
  await gd.ctx.close();
  // The national office sees the diff and the effect, then approves.
  const page = await context.newPage();
  await page.goto(base + "/#/correction?year=2020&id=1");
  await page.waitForSelector("form.co-decide");
  assert.match(await page.textContent("table.co-changes"), /TXB0001.*新增记录.*25000000/s);
  assert.match(await page.textContent("table.co-indicators"), /PROV-44-45.*财政援助资金到位/s);
  assert.ok((await page.$$("table.co-scores tbody tr")).length >= 1);
  // Every word is Chinese but the filer's login.
  assert.deepEqual((await latinWords(page)).filter((w) => w !== "gd"), []);
  await page.fill("form.co-decide input[name=comment]", "凭证齐全，同意更正");
  await page.click("form.co-decide button[value=true]");
  await page.waitForSelector(".co-decision");
  assert.match(await page.textContent(".co-decision"), /已批准.*office1.*凭证齐全.*锁定版本 2/s);
  assert.equal(await page.$("form.co-decide"), null);
  await page.screenshot({ path: path.join(shots, "correction.png"), fullPage: true });
  await page.close();
});
