// The README's picture of the statusline: a synthetic 60-day history
// (tools/gen_corpus.py, ending now) in a fresh ledger, the real
// context-cleaner-statusline run inside tmux on Claude Code's documented
// stdin (one session of it, official limits included), the pane captured
// with its colours (tmux capture-pane -e) and drawn by Debian's headless
// Chromium as a terminal would.
//
//   node tools/statusline_screenshot.mjs --binary build/release/context-cleaner
//        [--out docs/images/statusline.png]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, flags } from "../tests/browser/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = flags();
if (!args.binary) {
  console.error("usage: node tools/statusline_screenshot.mjs --binary PATH [--out PNG]");
  process.exit(2);
}
const binary = path.resolve(args.binary);
const statusline = path.join(path.dirname(binary), "context-cleaner-statusline");
const out = path.resolve(args.out || path.join(here, "..", "docs", "images", "statusline.png"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-sl-shot-"));
const must = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, { encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
};

try {
  const claude = path.join(tmp, "claude");
  const ledger = path.join(tmp, "ledger.db");
  must("python3", [path.join(here, "gen_corpus.py"), "--out", claude, "--size-mb", "4",
    "--files", "30", "--seed", "3", "--start-ms", String(Date.now() - 59 * 86400e3 - 3600e3)]);
  must(binary, ["--claude-dir", claude, "--ledger", ledger, "bridge", "backfill"]);
  // The session with the latest request, as Claude Code would name it.
  const sessions = JSON.parse(must(binary, ["--ledger", ledger, "report", "session", "--json",
    "--order", "desc"])).sessions;
  const session = sessions[0].sessionId;
  const now = Math.floor(Date.now() / 1000);
  const stdin = {
    session_id: session, model: { id: "claude-opus-4-6", display_name: "Opus 4.6" },
    workspace: { current_dir: "/home/USER/projects/spotter" },
    cost: { total_cost_usd: 1.93 },
    context_window: { context_window_size: 200000, used_percentage: 41 },
    rate_limits: { five_hour: { used_percentage: 37, resets_at: now + 2 * 3600 + 13 * 60 },
                   seven_day: { used_percentage: 64, resets_at: now + 3 * 86400 } },
  };
  const input = path.join(tmp, "stdin.json");
  fs.writeFileSync(input, JSON.stringify(stdin));
  const shell = `${statusline} --ledger ${ledger} --no-sync < ${input}; sleep 5`;
  must("tmux", ["-L", "cc-shot", "new-session", "-d", "-x", "150", "-y", "3", "-s", "shot", shell]);
  spawnSync("sleep", ["1"]);
  const pane = must("tmux", ["-L", "cc-shot", "capture-pane", "-e", "-p", "-t", "shot"]);
  spawnSync("tmux", ["-L", "cc-shot", "kill-server"]);
  const line = pane.split("\n").find((l) => l.trim() !== "") || "";
  const html = ansiToHtml(line);
  const browser = await chromium.launch({ executablePath: args.chromium || "/usr/bin/chromium",
    args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 60 } });
    await page.setContent(`<body style="margin:0;background:#1e1e1e;color:#d4d4d4;
      font:15px/1.4 'DejaVu Sans Mono',monospace;padding:14px 16px;white-space:pre">${html}</body>`);
    const width = await page.evaluate(() => document.body.scrollWidth);
    await page.setViewportSize({ width: Math.min(1600, width + 8), height: 52 });
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
  }
  console.log("wrote " + out + ": " + line.replace(/\x1b\[[0-9;]*m/g, ""));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

// SGR colours of one line as spans (the 8 colours, bold and dim).
function ansiToHtml(text) {
  const colours = ["#1e1e1e", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#e5e5e5"];
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let html = "", style = {}, open = false;
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (!m) { html += esc(part); continue; }
    for (const code of (m[1] || "0").split(";").map(Number)) {
      if (code === 0) style = {};
      else if (code === 1) style.weight = "bold";
      else if (code === 2) style.opacity = "0.6";
      else if (code >= 30 && code <= 37) style.color = colours[code - 30];
      else if (code >= 90 && code <= 97) style.color = colours[code - 90];
      else if (code === 39) delete style.color;
      else if (code === 22) { delete style.weight; delete style.opacity; }
    }
    if (open) html += "</span>";
    html += `<span style="${style.color ? "color:" + style.color + ";" : ""}${style.weight ? "font-weight:bold;" : ""}${style.opacity ? "opacity:" + style.opacity + ";" : ""}">`;
    open = true;
  }
  return html + (open ? "</span>" : "");
}
