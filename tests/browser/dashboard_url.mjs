// The address `dashboard` or `run` prints on stderr ("dashboard at
// http://..."), for the browser test, the page benchmark and the README's
// screenshot. `log.text` keeps the process's stderr for messages.
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
