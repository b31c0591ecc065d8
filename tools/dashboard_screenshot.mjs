// The README's screenshot of the dashboard: a synthetic 60-day history
// (tools/gen_corpus.py, ending today) backfilled into a fresh ledger, the
// real `dashboard` over it, and Debian's headless Chromium.
//
//   node tools/dashboard_screenshot.mjs --binary build/release/context-cleaner
//        [--out docs/images/dashboard.png] [--size-mb 40]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, dashboardUrl, flags } from "../tests/browser/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

const args = flags();
if (!args.binary) {
  console.error("usage: node tools/dashboard_screenshot.mjs --binary PATH [--out PNG] [--size-mb N]");
  process.exit(2);
}
const binary = path.resolve(args.binary);
const out = path.resolve(args.out || path.join(here, "..", "docs", "images", "dashboard.png"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-shot-"));
const must = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")}: exit ${r.status}`);
};

try {
  // Sessions start within the window's first 59 days and last a few hours:
  // the history ends about now (the last sessions started an hour ago).
  const start = Date.now() - 59 * 86400e3 - 3600e3;
  must("python3", [path.join(here, "gen_corpus.py"), "--out", path.join(tmp, "claude"),
    "--size-mb", String(args["size-mb"] || 40), "--files", "400", "--seed", String(args.seed || 8), "--start-ms", String(start)]);
  const base = ["--claude-dir", path.join(tmp, "claude"), "--ledger", path.join(tmp, "ledger.db")];
  must(binary, [...base, "bridge", "backfill"]);
  // The generator's projects live under /home/USER: as that user's home,
  // they are shown as ~/projects/... the way a user sees their own.
  const proc = spawn(binary, [...base, "dashboard", "--port", "0", "-z", "UTC"],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, HOME: "/home/USER" } });
  try {
    const url = await dashboardUrl(proc).url;
    const browser = await chromium.launch({ executablePath: args.chromium || "/usr/bin/chromium",
      args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "en-US",
        timezoneId: "UTC", colorScheme: "light" });
      await page.goto(url);
      await page.waitForFunction(() => document.querySelector("#breakdown tbody tr") &&
        document.querySelector("#chart canvas"));
      await page.waitForTimeout(500);
      await page.screenshot({ path: out, fullPage: true });
      console.log("wrote " + out);
    } finally {
      await browser.close();
    }
  } finally {
    proc.kill("SIGTERM");
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
