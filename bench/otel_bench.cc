// The OpenTelemetry receiver's figures (issue #7), in one run:
//   - throughput: export requests of 500 api_request log records each
//     (protobuf, as Claude Code sends them), back to back, into a real
//     ledger (every request committed before its answer);
//   - latency at 1,000 records/s: 20 requests of 50 records a second for
//     10 s; p50/p99 of the request's round trip;
//   - memory: the process's resident set before and after starting the
//     receiver, idle.
//
//   build/release/bench/otel_bench
#include <google/protobuf/util/json_util.h>
#include <malloc.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "otel/otlp_receiver.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace logs_svc = opentelemetry::proto::collector::logs::v1;

long RssKb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string Body(int first, int count) {
  logs_svc::ExportLogsServiceRequest r;
  auto* rl = r.add_resource_logs();
  auto* kv = rl->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("claude-code");
  auto* sl = rl->add_scope_logs();
  for (int i = first; i < first + count; ++i) {
    auto* rec = sl->add_log_records();
    rec->set_time_unix_nano(uint64_t{1'756'893'600'000'000'000} + static_cast<uint64_t>(i) * uint64_t{1'000'000});
    rec->mutable_body()->set_string_value("claude_code.api_request");
    const std::pair<const char*, std::string> attrs[] = {
        {"event.name", "api_request"}, {"session.id", "session-" + std::to_string(i / 100)},
        {"user.account_uuid", "acc-1"}, {"organization.id", "org-1"},
        {"user.email", "dev@example.com"}, {"terminal.type", "vscode"},
        {"app.version", "2.1.39"}, {"model", "claude-sonnet-4-20250514"},
        {"request_id", "req_" + std::to_string(i)}, {"input_tokens", "12"},
        {"output_tokens", std::to_string(100 + i % 900)}, {"cache_read_tokens", "25000"},
        {"cache_creation_tokens", "300"}, {"cost_usd", "0.0123"}, {"duration_ms", "2100"}};
    for (const auto& [k, v] : attrs) {
      auto* a = rec->add_attributes();
      a->set_key(k);
      a->mutable_value()->set_string_value(v);
    }
  }
  std::string out;
  r.SerializeToString(&out);
  return out;
}

}  // namespace

int main() {
  mallopt(M_ARENA_MAX, 2);  // As `run` and `otel serve` set (cli/service_memory.h).
  const std::string path =
      (std::filesystem::temp_directory_path() / "cc-otel-bench.db").string();
  for (const char* s : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(path + s);
  // As in `run`: the monitor holds the ledger; the receiver commits on a
  // companion connection of its own.
  auto writer = cc::LedgerWriter::Open(path, "otel_bench");
  if (!writer.ok()) return 1;
  auto ledger = cc::TelemetryStore::Open(path);
  if (!ledger.ok()) return 1;
  std::mutex mu;
  const long rss_before = RssKb();
  cc::OtlpReceiverOptions o;
  o.port = 0;
  auto receiver = cc::OtlpReceiver::Start(o, [&](const cc::TelemetryBatch& b) {
    std::lock_guard<std::mutex> lock(mu);
    return (*ledger)->CommitTelemetry(b, "bench", cc::SystemClock().NowMs());
  });
  if (!receiver.ok()) return 1;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long rss_idle = RssKb();
  std::printf("receiver idle: RSS %ld KB before, %ld KB after starting it: +%.1f MB\n",
              rss_before, rss_idle, static_cast<double>(rss_idle - rss_before) / 1024.0);

  httplib::Client client("127.0.0.1", (*receiver)->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // As exporters do (no Nagle delay).
  // Throughput.
  constexpr int kPer = 500, kRequests = 200;
  std::vector<std::string> bodies;
  for (int i = 0; i < kRequests; ++i) bodies.push_back(Body(i * kPer, kPer));
  auto t0 = Clock::now();
  for (const std::string& b : bodies) {
    auto r = client.Post("/v1/logs", b, "application/x-protobuf");
    if (!r || r->status != 200) {
      std::fprintf(stderr, "request failed\n");
      return 1;
    }
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("throughput: %d records in %d requests in %.2f s = %.0f records/s\n",
              kPer * kRequests, kRequests, s, kPer * kRequests / s);
  {
    // The same records as OTLP/JSON (what the JS SDK's HTTP exporter
    // sends), new ones so that each is stored.
    std::vector<std::string> json;
    for (int i = 0; i < kRequests; ++i) {
      opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest r;
      r.ParseFromString(Body(10'000'000 + i * kPer, kPer));
      std::string text;
      (void)google::protobuf::util::MessageToJsonString(r, &text);
      json.push_back(std::move(text));
    }
    auto j0 = Clock::now();
    for (const std::string& b : json) {
      auto r = client.Post("/v1/logs", b, "application/json");
      if (!r || r->status != 200) {
        std::fprintf(stderr, "JSON request failed: %d\n", r ? r->status : -1);
        return 1;
      }
    }
    const double js = std::chrono::duration<double>(Clock::now() - j0).count();
    std::printf("throughput, OTLP/JSON: %d records in %.2f s = %.0f records/s\n",
                kPer * kRequests, js, kPer * kRequests / js);
  }

  // Latency at 1,000 records/s.
  std::vector<double> ms;
  const int base = kPer * kRequests;
  auto start = Clock::now();
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(50 * i));
    const std::string b = Body(base + i * 50, 50);
    auto a = Clock::now();
    auto r = client.Post("/v1/logs", b, "application/x-protobuf");
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    if (!r || r->status != 200) return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("at 1,000 records/s (20 requests of 50 a second, 10 s): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
  // Idle again after the load: what stays resident (protobuf's and the
  // JSON parser's state, httplib's threads, the ledger connection's page
  // cache), with this benchmark's own request bodies freed and returned.
  bodies.clear();
  bodies.shrink_to_fit();
  malloc_trim(0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long rss_after = RssKb();
  std::printf("receiver idle after the load: RSS %ld KB: +%.1f MB over before starting it\n",
              rss_after, static_cast<double>(rss_after - rss_before) / 1024.0);
  (*receiver)->Stop();
  return 0;
}
