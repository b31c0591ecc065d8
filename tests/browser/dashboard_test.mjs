// The dashboard in a real browser: Debian's headless Chromium, driven by
// playwright-core. The real binary runs `run` (monitor + dashboard) over
// transcripts written here with known tokens; every panel must show the
// figures computed below by hand, a line appended to a transcript must
// reach the page within 2 s, the session drill-down must list its
// requests, and the page must log no error. A model with no price is
// marked unknown wherever its requests are left out; a model keeps its
// colour whatever else is in view; at a phone's 400 px the tables' figures
// and the session dialog stay on screen; an empty ledger says how to fill
// it. The official plan limits' gauges stay hidden until a reading is in
// the ledger, then show it. The budgets panel shows each budget's spend,
// limit, %, projection and fired alerts, marks the one over budget,
// follows a new line, fits 400 px, shows a name that is HTML as text, and
// without budgets points at the README. Screenshots of the main views go to --out (CI keeps them; the README
// shows one).
//
//   node tests/browser/dashboard_test.mjs --binary build/dev/context-cleaner
//        --out build/dev/dashboard-screenshots [--chromium /usr/bin/chromium]
import { spawn, spawnSync } from "node:child_process";
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
// Dollars and cents, as on the page (and in `report`).
const usd = (nano) => "$" + (nano / 1e9).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SONNET = "claude-sonnet-4-20250514", OPUS = "claude-opus-4-1-20250805", NIMBUS = "claude-nimbus-7";

function line(id, atMs, u, session = "sess-1", model = SONNET) {
  return JSON.stringify({
    type: "assistant", uuid: "u-" + id, sessionId: session, timestamp: new Date(atMs).toISOString(),
    requestId: "req_" + id, cwd: "/home/dev/shop",
    message: { id: "msg_" + id, model, role: "assistant",
      usage: { input_tokens: u.input, output_tokens: u.output, cache_read_input_tokens: u.read,
               cache_creation_input_tokens: 0 } },
  }) + "\n";
}

// The budgets panel against figures computed here: each budget's spend of
// its limit, its percentage (rounded down), over budget marked, the
// thresholds it fired (one alert each), the projection (spent over the
// share of the period gone, known to lie between the shares at t0 and
// now), and a name that is HTML shown as text.
async function checkBudgets(page, list, when) {
  const today = list.filter((e) => utcDay(e.at) === utcDay(Date.now()));
  const dayNano = today.reduce((s, e) => s + costNano(e.u), 0);
  const monthNano = list.filter((e) => utcDay(e.at).slice(0, 7) === utcDay(Date.now()).slice(0, 7))
    .reduce((s, e) => s + costNano(e.u), 0) + (utcDay(now - 10 * 86400e3).slice(0, 7) === utcDay(Date.now()).slice(0, 7) ? OPUS_NANO : 0);
  const blockTokens = list.reduce((s, e) => s + e.u.input + e.u.output + e.u.read, 0);
  const dayPct = Math.floor(dayNano * 100 / 50e6);
  const budget = (name) => page.locator(`#budgets .budget[data-budget="${name.replace(/"/g, '\\"')}"]`);
  const daily = budget("daily");
  const want = usd(dayNano) + " of $0.05";
  await page.waitForFunction(([w]) => document.querySelector('#budgets .budget[data-budget="daily"] [data-field=spent]')
    ?.innerText === w, [want], { timeout: 5000 }).catch(() => {});
  // textContent: the badge is set in capitals by CSS, which innerText follows.
  const field = async (b, f) => (await b.locator(`[data-field=${f}]`).count()) ? b.locator(`[data-field=${f}]`).textContent() : "";
  check(await field(daily, "spent") === want && await field(daily, "percent") === dayPct + "%",
    `${when}: the daily budget: ${await daily.innerText()}; want ${want}, ${dayPct}%`);
  check((await field(daily, "over") === "over budget") === (dayPct >= 100) &&
    (await daily.getAttribute("class")).includes("over") === (dayPct >= 100),
    `${when}: over budget not marked as it should be (${dayPct}%): ${await daily.innerText()}`);
  const fired = await daily.locator("[data-field=alerts] li[data-kind=threshold]").allInnerTexts();
  const crossed = [50, 80, 100].filter((t) => dayNano * 100 >= t * 50e6);
  check(fired.length === crossed.length && crossed.every((t, i) => fired[i].startsWith(t + "% reached (")),
    `${when}: the daily budget's alerts ${JSON.stringify(fired)}, want ${crossed}`);
  const midnight = Math.floor(Date.now() / 86400e3) * 86400e3;
  const projection = await field(daily, "projection");
  // The server read the budgets between this script's start and now.
  if (now - midnight >= 144 * 60e3) {
    const atMost = usd(dayNano * 86400e3 / (now - midnight)), atLeast = usd(dayNano * 86400e3 / (Date.now() - midnight));
    const m = /^on pace for (\S+) by the end of the day$/.exec(projection);
    check(m && (m[1] === atMost || m[1] === atLeast), `${when}: daily projection "${projection}", want ${atLeast}..${atMost}`);
  }
  const shop = budget(SHOP_BUDGET);
  check(await shop.count() === 1 && await shop.locator("h3 .name").innerText() === SHOP_BUDGET &&
    await shop.locator("h3 i").count() === 0, `${when}: the HTML budget name: ${await page.locator("#budgets").innerHTML()}`);
  check(await field(shop, "spent") === usd(monthNano) + " of $20.00" &&
    await field(shop, "percent") === Math.floor(monthNano * 100 / 20e9) + "%" &&
    (await shop.locator("[data-field=alerts]").innerText()) === "no alerts this period" &&
    (await shop.locator(".muted.scope-line").innerText()).includes("project ~/shop"),
    `${when}: the month's budget: ${await shop.innerText()}; want ${usd(monthNano)}`);
  const block = budget("block tokens");
  const k = (blockTokens / 1e3).toFixed(1) + "k";
  check(await field(block, "spent") === k + " of 1.00M tokens" &&
    await field(block, "percent") === Math.floor(blockTokens / 1e4) + "%" &&
    (await block.locator(".muted.scope-line").innerText()).startsWith("This 5-hour block, until "),
    `${when}: the block's budget: ${await block.innerText()}; want ${k}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-dash-"));
const project = path.join(tmp, "claude", "projects", "-home-dev-shop");
fs.mkdirSync(project, { recursive: true });
const transcript = path.join(project, "sess-1.jsonl");
const now = Date.now();
const todaySpan = Math.min(60 * 60e3, now - Math.floor(now / 86400e3) * 86400e3);
// Recent enough to be today in UTC unless the clock just passed midnight;
// the expectations follow the dates either way.
const events = [
  // Today's, whatever the time of day: within the last hour and after UTC midnight.
  { id: "a1", at: now - todaySpan * 2 / 3, u: { input: 1000, output: 2000, read: 0 } },
  { id: "a2", at: now - todaySpan / 3, u: { input: 0, output: 1000, read: 100000 } },
];
fs.writeFileSync(transcript, events.map((e) => line(e.id, e.at, e.u)).join(""));
// A second session of the project (a UUID, as Claude Code names them), ten
// days ago: Opus 4.1, 2,000 output tokens at $75 per million ($0.15, more
// than Sonnet's, so it comes first in the chart by day and is gone by
// hour), and a model with no price.
const LAB = "9f0c2d4e-7b1a-4c3e-8d5f-6a2b1c0e9d87";
const labTranscript = path.join(project, LAB + ".jsonl");
const OPUS_NANO = 2000 * 75000;
fs.writeFileSync(labTranscript, line("o1", now - 10 * 86400e3, { input: 0, output: 2000, read: 0 }, LAB, OPUS) +
  line("n1", now - 10 * 86400e3 + 60e3, { input: 0, output: 1000, read: 0 }, LAB, NIMBUS));
const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const todayNano = (list) => list.filter((e) => utcDay(e.at) === utcDay(Date.now()))
  .reduce((s, e) => s + costNano(e.u), 0);

// Budgets (docs/budgets.md): a day's $0.05 (today's requests pass it), the
// project's month of $20 under a name that is HTML, and a block of 1M
// tokens. Their alerts go to the log only.
const SHOP_BUDGET = '<i>shop</i> & "co"';
const config = path.join(tmp, "config.json");
fs.writeFileSync(config, JSON.stringify({ budgets: [
  { name: "daily", period: "day", usd: 0.05 },
  { name: SHOP_BUDGET, period: "month", usd: 20, project: "~/shop" },
  { name: "block tokens", period: "block", tokens: 1000000 }],
  alerts: { desktop: false, anomaly: { enabled: false } } }));
const emptyConfig = path.join(tmp, "empty-config.json");
fs.writeFileSync(emptyConfig, "{}");
const proc = spawn(binary, ["--claude-dir", path.join(tmp, "claude"), "--ledger", path.join(tmp, "ledger.db"),
  "--config", config, "run", "--port", "0", "--otel-port", "0", "-z", "UTC"], { stdio: ["ignore", "pipe", "pipe"],
  // HOME: the project's cwd (/home/dev/shop) is shown as ~/shop.
  env: { ...process.env, TZ: "UTC", HOME: "/home/dev" } });
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
  // Computed, not "3,000": in the first 40 minutes of a UTC day a1 is yesterday's.
  const todayOutput = events.filter((e) => utcDay(e.at) === utcDay(Date.now())).reduce((s, e) => s + e.u.output, 0);
  check(await text("#card-today [data-kind=outputTokens]") === todayOutput.toLocaleString("en-US"),
    "today's output tokens: " + await text("#card-today"));
  check(await text("#card-today [data-field=delta]") === "nothing at this time in the previous period",
    "today's change: " + await text("#card-today [data-field=delta]"));
  check(await text("#cache-share") === "99.0%", "cache share: " + await text("#cache-share"));
  // 100,000 reads at $3 instead of $0.30 per million: $0.27; marked, as
  // the unpriced model's reads are not in it.
  check(await text("#cache-saved") === "$0.27*", "cache saved: " + await text("#cache-saved"));
  check((await text("#h-cache")).toLowerCase().includes("all time"), "the cache panel does not say all time");
  const firstRow = await text("#breakdown tbody tr");
  // The project by its real path (from the events' cwd), not its folder.
  check(firstRow.includes("~/shop") && !firstRow.includes("-home-dev-shop") &&
    firstRow.includes(usd(total + OPUS_NANO) + "*"), "projects table: " + firstRow);
  check((await text("#h-table")).toLowerCase().includes("all time"), "the table does not say all time: " + await text("#h-table"));
  check((await text("#table-unpriced")).includes("1 request of " + NIMBUS), "the table's note: " + await text("#table-unpriced"));
  check((await text("#health [data-field=files]")).startsWith("2 transcripts"), "health: " + await text("#health"));
  check(/^monitor running \(\w+, pid (\d+)\)$/.exec(await text("#health li.ok"))?.[1] === String(proc.pid),
    "health, the monitor: " + await text("#health"));
  check(await text("#health [data-field=rejects]") === "none", "health, rejects: " + await text("#health"));
  check(await text("#health [data-field=lag]") === "no lag: every transcript read to its end",
    "health, lag: " + await text("#health"));
  check(await text("#health [data-field=shipping]") === "not configured", "health, shipping: " + await text("#health"));
  check((await text("#telemetry")).startsWith("No telemetry received."), "telemetry: " + await text("#telemetry"));
  check(await page.locator("#chart canvas").count() > 0, "no chart drawn");
  check(await text("#origin") === "ledger " + path.join(tmp, "ledger.db"), "which ledger: " + await text("#origin"));
  // The official plan limits: hidden without a reading; with readings (as
  // `statusline` stores them, written here by Python's sqlite3 beside the
  // running monitor) two gauges with their reset countdowns.
  check(await page.locator("#card-limits").isHidden(), "the limits card shows without readings");
  const nowS = Math.floor(Date.now() / 1000);
  const insert = spawnSync("python3", ["-c", `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT INTO rate_limits(source, window_kind, used_percentage, resets_at, seen_ms) VALUES(?, ?, ?, ?, ?)",
  [("test", "five_hour", 42.0, ${nowS + 7200}, ${nowS * 1000}), ("test", "seven_day", 17.5, ${nowS + 3 * 86400}, ${nowS * 1000})])
db.commit()`, path.join(tmp, "ledger.db")], { encoding: "utf8" });
  check(insert.status === 0, "inserting readings: " + insert.stderr);
  await page.waitForSelector("#card-limits:not([hidden])", { timeout: 5000 });
  check(await text("[data-field=limit-five-hour-pct]") === "42%", "5-hour gauge: " + await text("#card-limits"));
  check(await text("[data-field=limit-seven-day-pct]") === "18%", "7-day gauge: " + await text("#card-limits"));
  check((await text("[data-field=limit-five-hour-reset]")).startsWith("resets in 1 h 5") ||
    (await text("[data-field=limit-five-hour-reset]")).startsWith("resets in 2 h 00"), "5-hour reset: " + await text("#card-limits"));
  check((await text("[data-field=limit-seven-day-reset]")).startsWith("resets in 2 d 23 h") ||
    (await text("[data-field=limit-seven-day-reset]")).startsWith("resets in 3 d 0 h"), "7-day reset: " + await text("#card-limits"));
  await page.waitForFunction(() => document.querySelectorAll("#limits-history li").length === 2, null, { timeout: 5000 });
  await checkBudgets(page, events, "before the append");
  await page.locator("#card-budgets").screenshot({ path: path.join(out, "dashboard-budgets.png") });
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
  await checkBudgets(page, events, "after the append");

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

  // Colours follow the model, not what else is in view: by day the chart
  // holds Opus (first, the most costly), Sonnet and the unpriced model
  // (marked, with a note); by hour Sonnet alone, in the same colour.
  const legend = () => page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll("#chart .u-legend .u-series")].slice(1)  // Not the x axis
      .map((tr) => [tr.querySelector(".u-label").textContent, getComputedStyle(tr.querySelector(".u-marker")).borderColor])));
  const byDay = await legend();
  check(Object.keys(byDay).sort().join() === [NIMBUS + "*", OPUS, SONNET].join(), "the chart by day: " + JSON.stringify(byDay));
  check(new Set(Object.values(byDay)).size === 3, "two models share a colour: " + JSON.stringify(byDay));
  check((await text("#chart-note")).startsWith("* " + NIMBUS + ": no price"), "the chart's note: " + await text("#chart-note"));
  await page.selectOption("#bucket", "hour");
  await page.waitForFunction((m) => ![...document.querySelectorAll("#chart .u-legend .u-label")].some((l) => l.textContent === m),
    OPUS, { timeout: 3000 }).catch(() => {});
  const byHour = await legend();
  check(Object.keys(byHour).join() === SONNET && byHour[SONNET] === byDay[SONNET],
    `Sonnet's colour: ${byDay[SONNET]} by day, by hour ${JSON.stringify(byHour)}`);
  await page.selectOption("#bucket", "day");

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
  check(summary.startsWith("~/shop · ") && summary.includes("3 requests") &&
    summary.includes(usd(total + costNano(added.u))), "session summary: " + summary);
  check(/^[A-Z][a-z]{2} \d+, \d\d:\d\d:\d\d [AP]M$/.test(await text("#session-table tbody td")),
    "a request's time is not written as the page's others: " + await text("#session-table tbody td"));
  await page.screenshot({ path: path.join(out, "dashboard-session.png") });
  await page.locator("#session-close").click();

  // The model with no price: "unknown" in the Models tab, not $0.00.
  await page.locator("#search").fill("");
  await page.getByRole("tab", { name: "Models" }).click();
  await page.waitForFunction((m) => document.querySelector("#breakdown tbody")?.innerText.includes(m), NIMBUS);
  const nimbusRow = page.locator("#breakdown tbody tr", { hasText: NIMBUS });
  check(await nimbusRow.locator("td[data-field=cost]").innerText() === "unknown", "Models tab: " + await nimbusRow.innerText());
  // Today it is used too: the cards and the block mark their cost and say why.
  const todayBefore = await text("#card-today [data-field=cost]");
  fs.appendFileSync(labTranscript, line("n2", Date.now() - 30e3, { input: 0, output: 500, read: 0 }, LAB, NIMBUS));
  await page.waitForFunction(() => document.querySelector("#card-today [data-field=unpriced]").innerText !== "",
    null, { timeout: 5000 }).catch(() => {});
  const todayNote = await text("#card-today [data-field=unpriced]");
  check(await text("#card-today [data-field=cost]") === todayBefore + "*" && todayNote.includes("1 request of " + NIMBUS),
    "today with an unpriced request: " + await text("#card-today"));
  check((await text("#block-body [data-field=block-cost]")).endsWith("*"), "block: " + await text("#block-body"));

  // Dark theme.
  await page.locator("#theme").click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, "dashboard-dark.png"), fullPage: true });

  // A phone's width: the page does not scroll sideways, the table's Cost
  // column is on screen.
  await page.setViewportSize({ width: 400, height: 800 });
  await page.getByRole("tab", { name: "Sessions" }).click();
  await page.waitForFunction(() => document.querySelectorAll("#breakdown tbody tr.link").length === 2);
  await page.waitForTimeout(400);
  const inView = (sel) => page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height, text: e.innerText };
  }), sel);
  const costs = await inView("#breakdown thead th:nth-child(4), #breakdown td[data-field=cost]");
  check(costs.length === 3 && costs.every((b) => b.left >= 0 && b.right <= 400),
    "at 400 px the Cost column is off screen: " + JSON.stringify(costs));
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(widths[0] <= widths[1], `at 400 px the page is ${widths[0]} px wide`);
  // Each budget, its figures and its bar within the screen, one under another.
  const budgetBoxes = await inView("#budgets .budget, #budgets [data-field=percent], #budgets .progress");
  check(budgetBoxes.length === 9 && budgetBoxes.every((b) => b.left >= 0 && b.right <= 400),
    "at 400 px a budget is off screen: " + JSON.stringify(budgetBoxes));
  const [firstBudget, secondBudget] = await inView("#budgets .budget");
  check(secondBudget.top >= firstBudget.bottom, "at 400 px the budgets are not stacked");
  await page.locator("#card-budgets").screenshot({ path: path.join(out, "dashboard-budgets-narrow.png") });
  await page.screenshot({ path: path.join(out, "dashboard-narrow.png"), fullPage: true });
  // The session dialog: its title on one line with ✕ beside it, its table
  // within the screen.
  await page.locator("#breakdown tbody tr.link", { hasText: LAB.slice(0, 8) }).click();
  await page.waitForFunction(() => document.querySelectorAll("#session-table tbody tr").length === 3);
  const [title] = await inView("#session-title");
  const [close] = await inView("#session-close");
  const [table] = await inView("#session-table");
  const titleFont = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("#session-title")).fontSize));
  check(title.height < 2 * titleFont, `at 400 px the session title is ${title.height} px high (font ${titleFont} px)`);
  check(close.left >= title.right - 1 && close.top < title.bottom && close.bottom > title.top && close.right <= 400,
    "at 400 px ✕ is not beside the title: " + JSON.stringify({ title, close }));
  check(table.left >= 0 && table.right <= 400, "at 400 px the session table is cut: " + JSON.stringify(table));
  check(table.text.includes("unknown"), "the unpriced requests' cost: " + table.text);
  await page.screenshot({ path: path.join(out, "dashboard-narrow-session.png") });
  await page.locator("#session-close").click();

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

  // An empty ledger says how to fill it.
  const emptyLedger = path.join(tmp, "empty.db");
  fs.mkdirSync(path.join(tmp, "empty", "projects"), { recursive: true });
  const synced = spawnSync(binary, ["--claude-dir", path.join(tmp, "empty"), "--ledger", emptyLedger, "bridge", "backfill"]);
  check(synced.status === 0, "backfill of nothing: " + synced.stderr);
  const bare = spawn(binary, ["--ledger", emptyLedger, "--config", emptyConfig, "dashboard", "--port", "0"],
    { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const emptyPage = await context.newPage();
    emptyPage.on("pageerror", (e) => problems.push("empty page error: " + e.message));
    await emptyPage.setViewportSize({ width: 1280, height: 900 });
    await emptyPage.goto(await dashboardUrl(bare).url);
    await emptyPage.waitForSelector("#empty:not([hidden])", { timeout: 10000 }).catch(() => {});
    const hint = await emptyPage.locator("#empty").innerText();
    check(await emptyPage.locator("#empty").isVisible() && hint.includes("context-cleaner bridge backfill") &&
      hint.includes("context-cleaner run") && hint.includes("~/.claude"),
      "the empty ledger's hint: " + hint);
    await emptyPage.waitForSelector("#budgets [data-field=budgets-empty]", { timeout: 5000 }).catch(() => {});
    const noBudgets = await emptyPage.locator("#budgets").innerText();
    check(noBudgets.includes("no budgets configured — see README 'Budgets and alerts'"),
      "without budgets the panel says: " + noBudgets);
    await emptyPage.screenshot({ path: path.join(out, "dashboard-empty.png") });
    await emptyPage.close();
  } finally {
    bare.kill("SIGTERM");
    await new Promise((r) => bare.on("exit", r));
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
