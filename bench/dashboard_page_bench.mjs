// The dashboard page over a big ledger, in Debian's headless Chromium:
// start-up of `context-cleaner dashboard` (it reads the ledger first), the
// page's first contentful paint and the time until every panel is filled,
// then the dashboard process's CPU while the page stays open and idle.
//
//   node bench/dashboard_page_bench.mjs --binary build/release/context-cleaner
//        --ledger /tmp/cc-report-bench-1000000.db [--idle-seconds 60] [--run yes]
// With --run yes the process is `run` (monitor over an empty Claude
// directory, dashboard, OTLP receiver), so the idle figure includes the
// monitor and its heartbeat commits every 5 s.
// (build/release/bench/dashboard_bench builds that ledger.)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, dashboardUrl, flags } from "../tests/browser/harness.mjs";

const args = flags();
const idleSeconds = Number(args["idle-seconds"] || 60);
const ticks = 100;  // USER_HZ: /proc/PID/stat counts CPU in 1/100 s.
const cpuSeconds = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks;  // utime + stime.
};

const t0 = Date.now();
const emptyClaude = fs.mkdtempSync("/tmp/cc-page-bench-claude-");
const command = args.run === "yes"
  ? ["--claude-dir", emptyClaude, "--ledger", path.resolve(args.ledger), "run", "--port", "0", "--otel-port", "0"]
  : ["--ledger", path.resolve(args.ledger), "dashboard", "--port", "0"];
const proc = spawn(path.resolve(args.binary), command, { stdio: ["ignore", "ignore", "pipe"] });
const url = await dashboardUrl(proc, 600000).url;
const startup = Date.now() - t0;
const browser = await chromium.launch({ executablePath: args.chromium || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const t1 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("#breakdown tbody tr") && document.querySelector("#chart canvas"));
  const ready = Date.now() - t1;
  const fcp = await page.evaluate(() => performance.getEntriesByType("paint")
    .find((p) => p.name === "first-contentful-paint")?.startTime ?? -1);
  await page.waitForTimeout(2000);  // Let start-up work settle.
  let idleRequests = 0;
  page.on("request", (r) => { if (r.url().includes("/api/")) idleRequests++; });
  const c0 = cpuSeconds(proc.pid);
  await page.waitForTimeout(idleSeconds * 1000);
  const used = cpuSeconds(proc.pid) - c0;
  const result = {
    startupMs: startup, firstContentfulPaintMs: Math.round(fcp), allPanelsMs: ready,
    idleSeconds, idleCpuSeconds: used, idleCpuPercent: +(used / idleSeconds * 100).toFixed(3),
    process: args.run === "yes" ? "run" : "dashboard", apiRequestsWhileIdle: idleRequests,
  };
  console.log(`dashboard start-up (reads the ledger) ${startup} ms`);
  console.log(`first contentful paint ${result.firstContentfulPaintMs} ms; every panel filled ${ready} ms`);
  console.log(`idle with the page open (${result.process}): ${used.toFixed(2)} s CPU in ${idleSeconds} s = ` +
    `${result.idleCpuPercent} %, ${idleRequests} API requests from the page`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  proc.kill("SIGTERM");
  fs.rmSync(emptyClaude, { recursive: true, force: true });
}
