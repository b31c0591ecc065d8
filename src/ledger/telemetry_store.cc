#include "ledger/telemetry_store.h"

#include <string>

#include "ledger/event_store.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kInsertRequest = R"sql(
INSERT OR IGNORE INTO otel_requests(key, request_id, session_id, account_uuid,
  organization_id, user_email, terminal_type, app_version, model, speed,
  input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
  cost_usd, duration_ms, event_ms, received_ms, source)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
  ?17, ?18, ?19))sql";

constexpr const char* kInsertError = R"sql(
INSERT OR IGNORE INTO otel_errors(key, request_id, session_id, model,
  status_code, error, attempt, duration_ms, event_ms, received_ms, source)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11))sql";

constexpr const char* kInsertPoint = R"sql(
INSERT OR IGNORE INTO otel_metric_points(key, metric, attributes, cumulative,
  start_ns, time_ns, value, received_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql";

// The event a telemetry request stands for, in the ledger's terms.
Event EventOf(const TelemetryRequest& r) {
  Event e;
  e.key = "otel:" + (r.request_id.empty() ? r.key : r.request_id);
  e.tokens = r.tokens;
  e.attributes.session_id = r.session_id;
  e.attributes.model = r.model;
  e.attributes.speed = r.speed;
  e.attributes.version = r.app_version;
  e.first = Provenance{r.event_ms, kTelemetryProvenance, 0};
  return e;
}

}  // namespace

TelemetryStore::TelemetryStore(sql::Database& db, EventStore& events)
    : db_(db), events_(events) {}

TelemetryStore::~TelemetryStore() = default;

Result<std::unique_ptr<TelemetryStore>> TelemetryStore::Open(
    const std::string& path, const PriceTable* prices) {
  Result<std::unique_ptr<sql::Database>> db = OpenAtCurrentSchema(path);
  if (!db.ok()) return db.status();
  // It appends telemetry to a few tables' ends: a small page cache does,
  // and keeps an idle receiver small.
  if (Status s = (*db)->Exec("PRAGMA cache_size = -512"); !s.ok()) return s;
  auto events = std::make_unique<EventStore>(**db);
  events->SetPrices(prices);
  std::unique_ptr<TelemetryStore> store(new TelemetryStore(**db, *events));
  store->owned_db_ = std::move(*db);
  store->owned_events_ = std::move(events);
  return store;
}

void TelemetryStore::SetCommitHook(CommitHook* hook) { events_.SetCommitHook(hook); }

Result<TelemetryStats> TelemetryStore::CommitTelemetry(
    const TelemetryBatch& batch, const std::string& source, int64_t now_ms) {
  TelemetryStats stats;
  Status s = events_.InChanges(now_ms, [&]() -> Status {
    stats = TelemetryStats{};
    sql::Statement insert(db_.handle(), kInsertRequest);
    CommitStats merge_stats;
    for (const TelemetryRequest& r : batch.requests) {
      insert.BindFrom(1, r.key, r.request_id, r.session_id, r.account_uuid,
                      r.organization_id, r.user_email, r.terminal_type,
                      r.app_version, r.model, r.speed, r.tokens.input,
                      r.tokens.output, r.tokens.cache_read,
                      r.tokens.cache_creation, r.cost_usd, r.duration_ms,
                      r.event_ms, now_ms, source);
      if (Status is = insert.Run(); !is.ok()) return is;
      // A request id seen before: an exporter's retry, or another record
      // of the request. Its row stays as first received (the table only
      // grows, and ships by rowid); its event takes each count's maximum,
      // as for transcript lines, so a retry changes nothing and a larger
      // count wins. A record keyed by its content is its only copy.
      const bool repeated = db_.Changes() == 0;
      if (repeated) {
        ++stats.requests_repeated;
        if (r.request_id.empty()) continue;
      } else {
        ++stats.requests_new;
      }
      Event e = EventOf(r);
      Result<std::optional<std::string>> existing =
          r.request_id.empty()
              ? Result<std::optional<std::string>>(std::nullopt)
              : events_.EventKeyOfRequest(r.request_id);
      if (!existing.ok()) return existing.status();
      if (*existing) {
        e.key = **existing;
        if (!repeated && e.key.rfind("otel:", 0) != 0)
          ++stats.events_reconciled;
      } else if (!repeated) {
        ++stats.events_telemetry_only;
      }
      Result<bool> merged = events_.Merge(e, source, now_ms, &merge_stats,
                                          AttributePolicy::kKeep);
      if (!merged.ok()) return merged.status();
      if (repeated && !*merged) continue;  // Already exact, and unchanged.
      if (Status ms = events_.MarkExact(e.key); !ms.ok()) return ms;
    }
    sql::Statement error(db_.handle(), kInsertError);
    for (const TelemetryError& r : batch.errors) {
      error.BindFrom(1, r.key, r.request_id, r.session_id, r.model,
                     r.status_code, r.error, r.attempt, r.duration_ms,
                     r.event_ms, now_ms, source);
      if (Status es = error.Run(); !es.ok()) return es;
      stats.errors_new += static_cast<uint64_t>(db_.Changes());
    }
    sql::Statement point(db_.handle(), kInsertPoint);
    for (const TelemetryPoint& p : batch.points) {
      point.BindFrom(1, p.key, p.metric, p.attributes,
                     int64_t{p.cumulative ? 1 : 0}, p.start_ns, p.time_ns,
                     p.value, now_ms);
      if (Status ps = point.Run(); !ps.ok()) return ps;
      stats.points_new += static_cast<uint64_t>(db_.Changes());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return stats;
}

}  // namespace cc
