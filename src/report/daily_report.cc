#include "report/daily_report.h"

#include <cstdio>

#include "core/civil_time.h"
#include "core/json_writer.h"

namespace cc {
namespace {

void TokenFields(JsonWriter& w, const DailyRow& row) {
  w.Field("inputTokens", row.tokens.input)
      .Field("outputTokens", row.tokens.output)
      .Field("cacheCreationTokens", row.tokens.cache_creation)
      .Field("cacheReadTokens", row.tokens.cache_read)
      .Field("totalTokens", row.tokens.Total())
      .Field("events", row.events);
}

std::string Pad(const std::string& text, size_t width, bool right) {
  if (text.size() >= width) return text;
  std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

DailyReport DailyReport::FromRows(std::vector<DailyRow> rows) {
  DailyReport report;
  for (const DailyRow& r : rows) {
    report.totals.tokens += r.tokens;
    report.totals.events += r.events;
  }
  report.rows = std::move(rows);
  return report;
}

std::string WithThousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string DailyReportJson(const DailyReport& report) {
  JsonWriter w;
  w.BeginObject().Key("daily").BeginArray();
  for (const DailyRow& row : report.rows) {
    w.BeginObject().Field("date", FormatDate(row.day));
    TokenFields(w, row);
    w.EndObject();
  }
  w.EndArray().Key("totals").BeginObject();
  TokenFields(w, report.totals);
  w.EndObject().EndObject();
  return w.Finish();
}

std::string DailyReportTable(const DailyReport& report, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* dim = color ? "\033[2m" : "";
  const char* reset = color ? "\033[0m" : "";
  struct Column {
    const char* title;
    size_t width;
  };
  const Column columns[] = {{"Date", 10},          {"Input", 13},
                            {"Output", 13},        {"Cache create", 14},
                            {"Cache read", 15},    {"Total", 15},
                            {"Events", 9}};
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += "  ";
      out += Pad(cells[i], columns[i].width, i > 0);
    }
    return out + "\n";
  };
  auto cells = [](const std::string& first, const DailyRow& r) {
    return std::vector<std::string>{
        first,
        WithThousands(r.tokens.input),
        WithThousands(r.tokens.output),
        WithThousands(r.tokens.cache_creation),
        WithThousands(r.tokens.cache_read),
        WithThousands(r.tokens.Total()),
        WithThousands(r.events)};
  };
  std::vector<std::string> header;
  for (const Column& c : columns) header.emplace_back(c.title);
  std::string out = std::string(bold) + line(header) + reset;
  std::string rule(line(header).size() - 1, '-');
  out += std::string(dim) + rule + reset + "\n";
  for (const DailyRow& r : report.rows) out += line(cells(FormatDate(r.day), r));
  out += std::string(dim) + rule + reset + "\n";
  out += std::string(bold) + line(cells("Total", report.totals)) + reset;
  return out;
}

}  // namespace cc
