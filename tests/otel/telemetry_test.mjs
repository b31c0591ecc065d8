// Claude Code's telemetry, sent by the real OpenTelemetry JS SDK (its
// OTLP/HTTP JSON and protobuf exporters for logs and metrics) to `run`'s
// receiver, reconciled with a transcript the monitor reads:
//
//   req_A  transcript: a streaming partial (output 12); telemetry: 480
//   req_B  telemetry only (output 70)          -> still counted, exact
//   req_C  transcript only (output 40)         -> a lower bound
//   one api_error; token and cost counters, cumulative, exported twice
//   (protobuf), and one more cost series by the JSON metric exporter
//
// Expected by hand: 3 events, output 480 + 70 + 40 = 590, 2 exact; the
// JSON exporter's batch sent again changes nothing.
//
//   node tests/otel/telemetry_test.mjs --binary build/dev/context-cleaner
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const binary = path.resolve(args.binary);
class Failure extends Error {}
const check = (cond, msg) => { if (!cond) throw new Failure(msg); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls `probe` (which may throw while nothing is there yet) until it
// returns something truthy.
const waitFor = async (what, probe, ms = 15000) => {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = probe();
      if (v) return v;
    } catch (e) {
      if (e instanceof Failure) throw e;
    }
    if (Date.now() > end) throw new Failure("timed out waiting for " + what);
    await sleep(50);
  }
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-otel-"));
const project = path.join(tmp, "claude", "projects", "-home-dev-shop");
fs.mkdirSync(project, { recursive: true });
const ledger = path.join(tmp, "ledger.db");
const t0 = Date.parse("2025-09-03T10:00:00Z");
const line = (msg, req, at, output) => JSON.stringify({
  type: "assistant", uuid: "u-" + msg, sessionId: "s-1", timestamp: new Date(at).toISOString(),
  requestId: req, cwd: "/home/dev/shop",
  message: { id: msg, model: "claude-sonnet-4-20250514", role: "assistant",
    usage: { input_tokens: 10, output_tokens: output, cache_read_input_tokens: 1000 } },
}) + "\n";
fs.writeFileSync(path.join(project, "s-1.jsonl"),
  line("msg_A", "req_A", t0, 12) + line("msg_C", "req_C", t0 + 60e3, 40));

const cc = (...a) => execFileSync(binary, ["--claude-dir", path.join(tmp, "claude"), "--ledger", ledger, ...a],
  { encoding: "utf8" });

const proc = spawn(binary, ["--claude-dir", path.join(tmp, "claude"), "--ledger", ledger,
  "run", "--port", "0", "--otel-port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
let stderr = "";
let passed = false;
let dashboard = "";
try {
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure("no receiver URL in 20 s:\n" + stderr)), 20000);
    proc.stderr.on("data", (d) => {
      stderr += d;
      const m = /OpenTelemetry receiver at (http:\/\/\S+)/.exec(stderr);
      const dm = /dashboard at (http:\/\/\S+)/.exec(stderr);
      if (m && dm) { clearTimeout(timer); dashboard = dm[1]; resolve(m[1]); }
    });
    proc.on("exit", (c) => reject(new Failure("run exited " + c + ":\n" + stderr)));
  });
  const syncStatus = () => JSON.parse(cc("bridge", "sync-status", "--json"));
  await waitFor("the monitor's first pass", () => syncStatus().events === 2);

  const resource = resourceFromAttributes({ "service.name": "claude-code", "service.version": "2.1.39" });
  const request = (id, output, extra = {}) => ({
    severityNumber: SeverityNumber.INFO, body: "claude_code.api_request", timestamp: new Date(t0 + 500),
    attributes: { "event.name": "api_request", "event.timestamp": new Date(t0 + 500).toISOString(),
      "session.id": "s-1", "user.account_uuid": "acc-1", "organization.id": "org-1",
      "user.email": "dev@example.com", "terminal.type": "vscode", "app.version": "2.1.39",
      model: "claude-sonnet-4-20250514", request_id: id, input_tokens: "10", output_tokens: String(output),
      cache_read_tokens: "1000", cache_creation_tokens: "0", cost_usd: "0.0081", duration_ms: "2100", ...extra },
  });
  // JSON exporter: req_A's final count.
  const jsonLogs = new LoggerProvider({ resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new JsonLogExporter({ url: url + "/v1/logs" }) })] });
  jsonLogs.getLogger("com.anthropic.claude_code").emit(request("req_A", 480));
  await jsonLogs.forceFlush();
  // Protobuf exporter: req_B (no transcript) and an API error.
  const protoLogs = new LoggerProvider({ resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: url + "/v1/logs" }) })] });
  const logger = protoLogs.getLogger("com.anthropic.claude_code");
  logger.emit(request("req_B", 70));
  logger.emit({ body: "claude_code.api_error", attributes: { "event.name": "api_error",
    model: "claude-sonnet-4-20250514", status_code: "529", error: "Overloaded", attempt: "1",
    duration_ms: "300", "session.id": "s-1" } });
  await protoLogs.forceFlush();
  // The JSON exporter retries the same record: nothing changes.
  const retry = new LoggerProvider({ resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new JsonLogExporter({ url: url + "/v1/logs" }) })] });
  retry.getLogger("com.anthropic.claude_code").emit(request("req_A", 480));
  await retry.forceFlush();

  // Metrics, cumulative, exported twice.
  const reader = new PeriodicExportingMetricReader({
    exporter: new ProtoMetricExporter({ url: url + "/v1/metrics" }), exportIntervalMillis: 3600000 });
  const meters = new MeterProvider({ resource, readers: [reader] });
  const meter = meters.getMeter("com.anthropic.claude_code");
  const tokens = meter.createCounter("claude_code.token.usage");
  const cost = meter.createCounter("claude_code.cost.usage");
  tokens.add(480, { type: "output", model: "claude-sonnet-4-20250514", "session.id": "s-1" });
  cost.add(0.0081, { model: "claude-sonnet-4-20250514", "session.id": "s-1" });
  await meters.forceFlush();
  tokens.add(70, { type: "output", model: "claude-sonnet-4-20250514", "session.id": "s-1" });
  await meters.forceFlush();

  // JSON metric exporter: another series (session s-2), cumulative, once.
  const jsonReader = new PeriodicExportingMetricReader({
    exporter: new JsonMetricExporter({ url: url + "/v1/metrics" }), exportIntervalMillis: 3600000 });
  const jsonMeters = new MeterProvider({ resource, readers: [jsonReader] });
  jsonMeters.getMeter("com.anthropic.claude_code").createCounter("claude_code.cost.usage")
    .add(0.25, { model: "claude-sonnet-4-20250514", "session.id": "s-2" });
  await jsonMeters.forceFlush();

  const status = await waitFor("every record stored", () => {
    const st = syncStatus();
    return st.telemetry && st.telemetry.requests === 2 && st.telemetry.metricPoints === 5 && st;
  });
  const report = JSON.parse(cc("report", "daily", "--json", "-z", "UTC"));
  const t = status.telemetry;
  check(t.requests === 2, "telemetry requests: " + JSON.stringify(t));
  check(t.errors === 1, "telemetry errors: " + JSON.stringify(t));
  check(t.metricPoints === 5, "metric points (2 series x 2 exports, 1 by JSON): " + JSON.stringify(t));
  check(status.events === 3, "events: " + status.events);
  check(t.exactEvents === 2 && t.lowerBoundEvents === 1, "exact: " + JSON.stringify(t));
  check(report.totals.outputTokens === 590, "output tokens: " + report.totals.outputTokens);
  check(report.totals.inputTokens === 30, "input tokens: " + report.totals.inputTokens);
  check(report.totals.exactEvents === 2 && report.totals.lowerBoundEvents === 1,
    "report exactness: " + JSON.stringify(report.totals));
  const blocks = JSON.parse(cc("report", "blocks", "--json", "-z", "UTC"));
  check(blocks.exactEvents === 2 && blocks.lowerBoundEvents === 1,
    "blocks exactness: " + JSON.stringify(blocks).slice(0, 300));
  const jsonSeries = t.metrics.filter((m) => m.metric === "claude_code.cost.usage" &&
    Math.abs(m.total - 0.25) < 1e-12);
  check(jsonSeries.length === 1 && jsonSeries[0].points === 1,
    "the JSON-exported series: " + JSON.stringify(t.metrics));
  // Cumulative counters: 480 then 550 in one run; the total is 550.
  const tokenTotal = t.metrics.find((m) => m.metric === "claude_code.token.usage");
  check(tokenTotal && tokenTotal.total === 550 && tokenTotal.restarts === 0,
    "token.usage total: " + JSON.stringify(t.metrics));
  // validate: the transcript-only event matches its file; the two that
  // telemetry confirmed are not compared with files that hold less.
  const validation = JSON.parse(cc("bridge", "validate", "--json"));
  check(validation.ok === true && validation.eventsFromTelemetry === 2,
    "validate: " + JSON.stringify(validation).slice(0, 400));
  // The dashboard's telemetry panel, from the same ledger.
  const api = await (await fetch(dashboard + "api/telemetry")).json();
  const v = api.telemetry;
  check(v && v.exactEvents === 2 && v.lowerBoundEvents === 1, "api/telemetry: " + JSON.stringify(api));
  check(v.latency.length === 1 && v.latency[0].p50Ms === 2100 && v.latency[0].p95Ms === 2100,
    "latency: " + JSON.stringify(v.latency));
  check(v.errorsByStatus.length === 1 && v.errorsByStatus[0].status === "529", "errors: " + JSON.stringify(v));
  // Claude Code said $0.0081 twice; our table: req_A 10 in + 480 out + 1,000
  // cache read = $0.00753, req_B with 70 out = $0.00138.
  check(v.costs.requests === 2 && Math.abs(v.costs.claudeCodeUSD - 0.0162) < 1e-12 &&
    Math.abs(v.costs.oursUSD - 0.00891) < 1e-12, "costs: " + JSON.stringify(v.costs));
  passed = true;
  console.log("telemetry_test: PASS: JSON and protobuf exporters of the OpenTelemetry JS SDK; " +
    "2 requests (one reconciled with its transcript), 1 error, 5 metric points (protobuf and JSON); 590 output tokens, 2 of 3 events exact; a retry changed nothing");
} catch (e) {
  console.error("telemetry_test: FAIL: " + (e instanceof Failure ? e.message : e.stack));
  console.error("run's stderr:\n" + stderr.slice(-2000));
} finally {
  proc.kill("SIGTERM");
  await new Promise((r) => proc.on("exit", r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(passed ? 0 : 1);
