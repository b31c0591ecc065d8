// EventStore: what every connection that writes events shares (the
// LedgerWriter's, the TelemetryStore's): merging an event into its stored
// row, the frame of a writing transaction (change numbers, the rollup, the
// outbox tap, the price versions noted) and pricing. Private to ledger/.
//
// Contract:
//  - InChanges() runs `body` in one BEGIN IMMEDIATE transaction; Merge,
//    EventKeyOfRequest and MarkExact are called only inside it. The commit
//    hook runs last inside it; its failure rolls everything back.
//  - Merge() loads the stored row into an Event, merges by Event::Merge
//    with the policy given, prices the result and writes the whole row
//    back with the next change number; the ledger only reads and writes.
// Thread safety: one thread, the one that uses the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/event.h"
#include "core/result.h"
#include "price/price_table.h"

namespace cc {

namespace sql {
class Database;
}
class CommitHook;
class OutboxTap;

// What a commit changed.
struct CommitStats {
  uint64_t events_new = 0;
  uint64_t events_updated = 0;
  uint64_t tokens_added = 0;  // Growth of the sum of Tokens::Total().
  std::set<std::string> unpriced_models;  // Models the price table lacks.
};

class EventStore {
 public:
  // Prepares its statements on `db` (at kSchemaVersion), which must
  // outlive it.
  explicit EventStore(sql::Database& db);
  ~EventStore();

  // The table that prices new and changed events (null: the built-in one).
  // It must outlive the store.
  void SetPrices(const PriceTable* prices);
  const PriceTable& prices() const { return *prices_; }
  // Hands every committed transaction's outbox rows to `tap` (null: none;
  // ledger/outbox_tap.h). It must outlive the store or be unset first.
  void SetOutboxTap(OutboxTap* tap) { tap_ = tap; }

  // Runs `hook` (ledger/commit_hook.h; null: none) in every transaction
  // InChanges frames, last before COMMIT. It must outlive the store or be
  // unset first.
  void SetCommitHook(CommitHook* hook) { hook_ = hook; }

  // `body` in one transaction, framed: change numbers continue from meta's
  // mark, the rollup takes the transaction's changes, the price version
  // is noted, the commit hook runs (at `now_ms`), and the tap and the
  // hook hear whether it committed.
  Status InChanges(int64_t now_ms, const std::function<Status()>& body);

  // Merges `e` into the stored event with its key (or stores it); with
  // kEarliest, a transcript record whose request telemetry stored first
  // ("otel:<request id>") joins that event (kAdopt). True if a row changed.
  Result<bool> Merge(const Event& e, const std::string& source, int64_t now_ms,
                     CommitStats* stats,
                     AttributePolicy policy = AttributePolicy::kEarliest);
  // The key of the event holding `request_id` (a transcript's "msg:req" or
  // telemetry's "otel:req"), if any.
  Result<std::optional<std::string>> EventKeyOfRequest(
      const std::string& request_id);
  // Telemetry confirmed the event's tokens.
  Status MarkExact(const std::string& key);

 private:
  Status BeginChanges();
  Status EndChanges();
  Cost CostOf(const Event& e) const;
  // When `e` ties with the stored first record on time from another file,
  // the stored line takes the latest end the ledger knows for its file (its
  // checkpoint's, written before a commit's events): a copy stored while
  // its file held nothing else yields once the file has grown and the
  // original is read again (docs/design.md, "Resumed sessions"). True if
  // it was raised.
  Result<bool> RaiseStoredFileEnd(const Event& e, Event& stored,
                                  AttributePolicy policy);

  struct Statements;
  sql::Database& db_;
  std::unique_ptr<Statements> st_;  // Prepared once, reused per row.
  const PriceTable* prices_ = &PriceTable::Embedded();
  OutboxTap* tap_ = nullptr;
  CommitHook* hook_ = nullptr;
};

}  // namespace cc
