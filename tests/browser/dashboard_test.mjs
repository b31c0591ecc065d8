// The dashboard in a real browser: Debian's headless Chromium, driven by
// playwright-core. The real binary runs `run` (monitor + dashboard) over
// transcripts written here with known tokens; every panel must show the
// figures computed below by hand, a line appended to a transcript must
// reach the page within 2 s, the session drill-down must list its
// requests, and the page must log no error. Screenshots of the main views
// go to --out (CI keeps them; the README shows one).
//
//   node tests/browser/dashboard_test.mjs --binary build/dev/context-cleaner
//        --out build/dev/dashboard-screenshots [--chromium /usr/bin/chromium]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, dashboardUrl, flags } from "./harness.mjs";

const args = flags();
const binary = path.resolve(args.binary);
const out = path.resolve(args.out || "dashboard-screenshots");
const chromiumPath = args.chromium || "/usr/bin/chromium";
fs.mkdirSync(out, { recursive: true });

class Failure extends Error {}
const check = (cond, msg) => { if (!cond) throw new Failure(msg); };

// Claude Sonnet 4 per token, in nano-dollars: $3 in, $15 out, $0.30 read.
const RATE = { input: 3000, output: 15000, read: 300 };
const costNano = (u) => u.input * RATE.input + u.output * RATE.output + u.read * RATE.read;
const usd = (nano) => {
  const v = nano / 1e9;
  const digits = Math.abs(v) < 1 && v !== 0 ? 4 : 2;
  return "$" + v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

function line(id, atMs, u, session = "sess-1") {
  return JSON.stringify({
    type: "assistant", uuid: "u-" + id, sessionId: session, timestamp: new Date(atMs).toISOString(),
    requestId: "req_" + id, cwd: "/home/dev/shop",
    message: { id: "msg_" + id, model: "claude-sonnet-4-20250514", role: "assistant",
      usage: { input_tokens: u.input, output_tokens: u.output, cache_read_input_tokens: u.read,
               cache_creation_input_tokens: 0 } },
  }) + "\n";
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-dash-"));
const project = path.join(tmp, "claude", "projects", "-home-dev-shop");
fs.mkdirSync(project, { recursive: true });
const transcript = path.join(project, "sess-1.jsonl");
const now = Date.now();
// Recent enough to be today in UTC unless the clock just passed midnight;
// the expectations follow the dates either way.
const events = [
  { id: "a1", at: now - 40 * 60e3, u: { input: 1000, output: 2000, read: 0 } },
  { id: "a2", at: now - 20 * 60e3, u: { input: 0, output: 1000, read: 100000 } },
];
fs.writeFileSync(transcript, events.map((e) => line(e.id, e.at, e.u)).join(""));
const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const todayNano = (list) => list.filter((e) => utcDay(e.at) === utcDay(Date.now()))
  .reduce((s, e) => s + costNano(e.u), 0);

const proc = spawn(binary, ["--claude-dir", path.join(tmp, "claude"), "--ledger", path.join(tmp, "ledger.db"),
  "run", "--port", "0", "--otel-port", "0", "-z", "UTC"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TZ: "UTC" } });
const started = dashboardUrl(proc);
const url = await started.url;

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"],
  env: { ...process.env, TZ: "UTC" } });
const problems = [];
let passed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US",
    timezoneId: "UTC", colorScheme: "light" });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(m.type() + ": " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
  page.on("request", (r) => { if (!r.url().startsWith(url)) problems.push("third-party request: " + r.url()); });

  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("#breakdown tbody tr") !== null, null, { timeout: 10000 });
  const firstPaint = await page.evaluate(() => performance.getEntriesByType("paint")
    .find((p) => p.name === "first-contentful-paint")?.startTime ?? -1);
  console.log(`page ready in ${Date.now() - t0} ms (first contentful paint ${firstPaint.toFixed(0)} ms)`);

  const text = (sel) => page.locator(sel).first().innerText();
  const total = events.reduce((s, e) => s + costNano(e.u), 0);
  check(await text("#card-today [data-field=cost]") === usd(todayNano(events)),
    "today: " + await text("#card-today [data-field=cost]") + ", want " + usd(todayNano(events)));
  check(await text("#card-today [data-kind=events]") === String(events.filter((e) => utcDay(e.at) === utcDay(Date.now())).length),
    "today's requests");
  check(await text("#block-body [data-field=block-cost]") === usd(total), "block cost: " + await text("#block-body"));
  // 1,000 + 2,000 + 1,000 + 100,000 tokens.
  check(await text("#block-body [data-field=block-tokens]") === "104.0k tokens", "block tokens: " + await text("#block-body"));
  check(await text("#card-today [data-kind=outputTokens]") === "3,000", "today's output tokens: " + await text("#card-today"));
  check(await text("#card-today [data-field=delta]") === "nothing at this time in the previous period",
    "today's change: " + await text("#card-today [data-field=delta]"));
  check(await text("#cache-share") === "99.0%", "cache share: " + await text("#cache-share"));
  // 100,000 reads at $3 instead of $0.30 per million: $0.27.
  check(await text("#cache-saved") === "$0.2700", "cache saved: " + await text("#cache-saved"));
  const firstRow = await text("#breakdown tbody tr");
  check(firstRow.includes("-home-dev-shop") && firstRow.includes(usd(total)), "projects table: " + firstRow);
  check((await text("#health [data-field=files]")).startsWith("1 transcript"), "health: " + await text("#health"));
  check(/^monitor running \(\w+, pid (\d+)\)$/.exec(await text("#health li.ok"))?.[1] === String(proc.pid),
    "health, the monitor: " + await text("#health"));
  check(await text("#health [data-field=rejects]") === "none", "health, rejects: " + await text("#health"));
  check(await text("#health [data-field=lag]") === "no lag: every transcript read to its end",
    "health, lag: " + await text("#health"));
  check(await text("#health [data-field=shipping]") === "not configured", "health, shipping: " + await text("#health"));
  check((await text("#telemetry")).startsWith("No telemetry received."), "telemetry: " + await text("#telemetry"));
  check(await page.locator("#chart canvas").count() > 0, "no chart drawn");
  await page.screenshot({ path: path.join(out, "dashboard-overview.png"), fullPage: true });

  // Live: a line appended to the transcript reaches the page within 2 s.
  const added = { id: "a3", at: Date.now() - 60e3, u: { input: 0, output: 3000, read: 0 } };
  events.push(added);
  const want = usd(todayNano(events));
  const before = await page.evaluate(() => document.body.dataset.version);
  const tAppend = Date.now();
  fs.appendFileSync(transcript, line(added.id, added.at, added.u));
  await page.waitForFunction(([w, v]) => document.body.dataset.version !== v &&
      document.querySelector("#card-today [data-field=cost]").innerText === w,
    [want, before], { timeout: 5000 }).catch(() => {});
  const lag = Date.now() - tAppend;
  check(await text("#card-today [data-field=cost]") === want, "after the append: " + await text("#card-today [data-field=cost]") + ", want " + want);
  console.log(`appended line on the page after ${lag} ms`);
  check(lag <= 2000, `the appended line took ${lag} ms to show (limit 2000)`);

  // Idle: the monitor's heartbeat (every 5 s) is a commit that changes no
  // figure; the page must not be told to fetch anything. First let the
  // append settle: the first heartbeat after a pass (within 5 s) carries
  // its counters and sync time, a real change.
  const version = () => page.evaluate(() => document.body.dataset.version);
  for (let i = 0, v = await version(); i < 4; ++i) {
    await page.waitForTimeout(5500);
    const now = await version();
    if (now === v) break;
    v = now;
  }
  const idleVersion = await version();
  let idleRequests = 0;
  const countRequest = (r) => { if (r.url().includes("/api/")) idleRequests++; };
  page.on("request", countRequest);
  await page.waitForTimeout(6500);
  page.off("request", countRequest);
  check(await page.evaluate(() => document.body.dataset.version) === idleVersion && idleRequests === 0,
    `idle for 6.5 s (a heartbeat): version ${idleVersion} -> ` +
    `${await page.evaluate(() => document.body.dataset.version)}, ${idleRequests} API requests, want none`);

  // The chart by keyboard: + zooms (the range fields fill), 0 shows all.
  await page.locator("#chart").focus();
  await page.keyboard.press("+");
  await page.waitForFunction(() => document.querySelector("#from").value !== "", null, { timeout: 3000 })
    .catch(() => {});
  check(await page.locator("#from").inputValue() !== "", "the + key on the chart did not zoom");
  await page.waitForFunction(() => document.querySelector("#table-note").textContent.startsWith("In the chart's range"),
    null, { timeout: 3000 }).catch(() => {});
  check((await text("#table-note")).startsWith("In the chart's range"), "the table does not follow the zoom: " +
    await text("#table-note"));
  await page.keyboard.press("0");
  await page.waitForFunction(() => document.querySelector("#from").value === "", null, { timeout: 3000 })
    .catch(() => {});
  check(await page.locator("#from").inputValue() === "", "the 0 key on the chart did not zoom out");
  await page.waitForFunction(() => document.querySelectorAll("#breakdown tbody tr").length === 1, null, { timeout: 3000 })
    .catch(() => {});
  check(await page.locator("#breakdown tbody tr").count() === 1, "zoomed out, the table lost its project");

  // Sessions, by keyboard (the tabs' arrow keys): sort, search, and the
  // drill-down.
  await page.getByRole("tab", { name: "Projects" }).focus();
  await page.keyboard.press("ArrowRight");
  check(await page.getByRole("tab", { name: "Sessions" }).getAttribute("aria-selected") === "true",
    "ArrowRight on the Projects tab did not select Sessions");
  check(await page.evaluate(() => document.activeElement.dataset.by) === "session", "focus did not follow the tab");
  await page.waitForFunction(() => document.querySelector("#breakdown tbody tr.link") !== null);
  await page.locator("#search").fill("no-such-session");
  await page.waitForFunction(() => document.querySelectorAll("#breakdown tbody tr").length === 0);
  await page.locator("#search").fill("sess");
  await page.waitForFunction(() => document.querySelectorAll("#breakdown tbody tr").length === 1);
  await page.locator("#breakdown tbody tr.link").first().focus();
  await page.keyboard.press("Enter");  // Keyboard, not only the mouse.
  await page.waitForSelector("#session[open]");
  const rows = await page.locator("#session-table tbody tr").count();
  check(rows === 3, `session drill-down: ${rows} requests, want 3`);
  const summary = await text("#session-summary");
  check(summary.includes("3 requests") && summary.includes(usd(total + costNano(added.u))), "session summary: " + summary);
  await page.screenshot({ path: path.join(out, "dashboard-session.png") });
  await page.locator("#session-close").click();

  // Dark theme.
  await page.locator("#theme").click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, "dashboard-dark.png"), fullPage: true });

  // A phone's width: the page does not scroll sideways (tables scroll in
  // their cards).
  await page.setViewportSize({ width: 400, height: 800 });
  await page.waitForTimeout(400);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(widths[0] <= widths[1], `at 400 px the page is ${widths[0]} px wide`);
  await page.screenshot({ path: path.join(out, "dashboard-narrow.png"), fullPage: true });

  // With --auth-token: the page opened as /?token=... loads everything by
  // the cookie it was given, and the token leaves the address bar.
  const secret = "browser-test-token-0123456789";
  const guarded = spawn(binary, ["--ledger", path.join(tmp, "ledger.db"), "dashboard", "--port", "0",
    "--auth-token", secret], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const base = new URL(await dashboardUrl(guarded).url).origin + "/";  // It prints "?token=..." redacted.
    const tokenPage = await context.newPage();
    const refused = [];
    tokenPage.on("response", (r) => { if (r.status() >= 400) refused.push(r.status() + " " + r.url()); });
    tokenPage.on("pageerror", (e) => problems.push("token page error: " + e.message));
    await tokenPage.goto(base + "?token=" + secret);
    await tokenPage.waitForFunction(() => document.querySelector("#breakdown tbody tr") !== null, null, { timeout: 10000 });
    check(new URL(tokenPage.url()).search === "", "the token stayed in the address bar: " + tokenPage.url());
    await tokenPage.waitForFunction(() => document.querySelector("#live").textContent === "live", null, { timeout: 5000 })
      .catch(() => {});
    check(await tokenPage.locator("#live").innerText() === "live", "token mode: the event stream did not connect");
    check(refused.length === 0, "token mode: refused requests:\n" + refused.join("\n"));
    await tokenPage.close();
  } finally {
    guarded.kill("SIGTERM");
    await new Promise((r) => guarded.on("exit", r));
  }

  check(problems.length === 0, "the page reported problems:\n" + problems.join("\n"));
  passed = true;
  console.log("dashboard_test: PASS: every panel's figures, live update, drill-down, no console errors; " +
    "screenshots in " + out);
} catch (e) {
  console.error("dashboard_test: FAIL: " + (e instanceof Failure ? e.message : e.stack));
  if (problems.length) console.error(problems.join("\n"));
  console.error("run's stderr:\n" + started.log.text.slice(-2000));
} finally {
  await browser.close();
  proc.kill("SIGTERM");
  await new Promise((r) => proc.on("exit", r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(passed ? 0 : 1);
