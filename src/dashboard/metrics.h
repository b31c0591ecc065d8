// Metrics: GET /metrics, the snapshot as Prometheus text (exposition format
// 0.0.4): usage by model from the rollup, transcripts, rejected lines, the
// last sync and its lag, shipping. Before the ledger is read (no snapshot)
// only context_cleaner_up, at 0.
#pragma once

#include "dashboard/dashboard_api.h"

namespace cc {

ApiResponse Metrics(const ApiSources& sources);

}  // namespace cc
