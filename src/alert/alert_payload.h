// The JSON an alert is delivered as (docs/budgets.md, "Delivery"): the same
// bytes to the webhook (the POST body) and to the command (its stdin).
//
//   {"id":"threshold:daily:2026-12-08T00:00:00:80","kind":"threshold",
//    "budget":"daily","period":"day","periodStart":"...Z","periodEnd":"...Z",
//    "threshold":80,"unit":"usd","spent":16.2,"limit":20,"projected":24.3,
//    "project":null,"source":null,"time":"...Z",
//    "text":"context-cleaner: budget 'daily' at 80 % — $16.20 of $20.00 today",
//    "content":"<the same sentence>"}
//
// `id` is stable: an alert delivered again after a crash carries the same
// one, so a receiver can drop duplicates. `text` is what Slack shows and
// `content` what Discord shows; everything else is for programs. Times are
// UTC (ISO 8601 with milliseconds); `threshold` is null but for threshold
// alerts, `project` and `source` null when the budget has no such filter.
// Always valid UTF-8 (core/json_writer.h), one line, no final newline.
#pragma once

#include <string>

#include "budget/alert.h"

namespace cc {

std::string AlertPayloadJson(const Alert& alert);

// The one human sentence: "context-cleaner: budget 'daily' at 80 % —
// $16.20 of $20.00 today". Not escaped for a terminal: its strings are the
// config's (budget names, project paths), which may hold anything.
std::string AlertText(const Alert& alert);

}  // namespace cc
