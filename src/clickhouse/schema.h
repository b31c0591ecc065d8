// The ClickHouse schema the ledger ships into (docs/clickhouse.md).
//
// events: one row per event key and version. ReplacingMergeTree keyed by
// the event key alone, versioned by the ledger's change_seq, so a replay of
// a batch or a later, bigger snapshot of the same message replaces the old
// row instead of adding to it (queries use FINAL). Nothing that can change
// for an event (its timestamp moves when an earlier line turns up) is in
// the partition or sort key: a changed row would land beside the old one
// and count twice. Time ranges are pruned by a minmax index instead.
//
// With a cluster: events_local (ReplicatedReplacingMergeTree ON CLUSTER)
// and events (Distributed, sharded by a hash of the key, so every version
// of an event lands on one shard and replaces there).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cc {

// 3: events.inference_geo (added to older tables by ALTER).
inline constexpr int kClickHouseSchemaVersion = 3;

struct ClickHouseSchemaOptions {
  std::string database = "default";
  std::optional<std::string> cluster;  // --cluster NAME
};

// Statements to run in order; each is idempotent (IF NOT EXISTS).
std::vector<std::string> ClickHouseSchemaStatements(
    const ClickHouseSchemaOptions& options);

// The columns of `events`, in the order the shipper writes them.
const std::vector<std::string>& ClickHouseEventColumns();

}  // namespace cc
