// What the browser test, the page benchmark and the README's screenshot
// share: Chromium's driver (playwright-core, installed here from
// package-lock.json), their flags, and the dashboard's address.
export { chromium } from "playwright-core";

// "--name value" pairs as {name: value}.
export function flags(argv = process.argv.slice(2)) {
  return Object.fromEntries(argv.reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []));
}

// The address `dashboard` or `run` prints on stderr ("dashboard at
// http://..."). `log.text` keeps the process's stderr for messages.
export function dashboardUrl(proc, timeoutMs = 20000) {
  const log = { text: "" };
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no dashboard URL in ${timeoutMs} ms:\n` + log.text)), timeoutMs);
    proc.stderr.on("data", (d) => {
      log.text += d;
      const m = /dashboard at (http:\/\/\S+)/.exec(log.text);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (c) => { clearTimeout(timer); reject(new Error("it exited " + c + ":\n" + log.text)); });
  });
  return { url, log };
}
