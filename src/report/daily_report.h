// DailyReport: per-UTC-day token totals from the ledger, rendered as a
// table for people or as ccusage-compatible JSON for scripts.
// Pure formatting; cli/ does the printing.
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger_types.h"

namespace cc {

struct DailyReport {
  std::vector<DailyRow> rows;  // Ascending by day.
  DailyRow totals;             // day unused.

  static DailyReport FromRows(std::vector<DailyRow> rows);
};

// {"daily":[{"date","inputTokens","outputTokens","cacheCreationTokens",
//  "cacheReadTokens","totalTokens","events"}...],"totals":{...}}
std::string DailyReportJson(const DailyReport& report);

// A table sized to `width` columns (numbers with thousands separators).
std::string DailyReportTable(const DailyReport& report, bool color);

// 1234567 -> "1,234,567".
std::string WithThousands(uint64_t value);

}  // namespace cc
