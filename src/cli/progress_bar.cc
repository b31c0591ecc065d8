#include "cli/progress_bar.h"

#include <cstdio>
#include <string>

namespace cc::cli {

void ProgressBar::OnProgress(const SyncProgress& p) {
  if (!enabled_) return;
  bool finished = p.files_done == p.files_total;
  if (!finished && last_draw_ns_ >= 0 &&
      p.elapsed_ns - last_draw_ns_ < 100'000'000) {
    return;
  }
  last_draw_ns_ = p.elapsed_ns;
  constexpr int kWidth = 24;
  double fraction = p.bytes_total == 0
                        ? 1.0
                        : static_cast<double>(p.bytes_done) /
                              static_cast<double>(p.bytes_total);
  if (fraction > 1.0) fraction = 1.0;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  double mb = static_cast<double>(p.bytes_done) / 1e6;
  double seconds = static_cast<double>(p.elapsed_ns) / 1e9;
  double rate = seconds > 0 ? mb / seconds : 0;
  std::fprintf(stderr,
               "\r\033[K[%s] %3d%%  files %llu/%llu  %.1f/%.1f MB  %.0f MB/s  "
               "events %llu",
               bar.c_str(), static_cast<int>(fraction * 100),
               static_cast<unsigned long long>(p.files_done),
               static_cast<unsigned long long>(p.files_total), mb,
               static_cast<double>(p.bytes_total) / 1e6, rate,
               static_cast<unsigned long long>(p.events));
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace cc::cli
