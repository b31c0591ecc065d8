// ProgressBar: a one-line live progress display on a terminal (stderr):
// files, MB, MB/s, events. Draws at most 10 times a second; draws nothing
// when stderr is not a terminal. Clears its line when finished.
#pragma once

#include <cstdint>

#include "sync/syncer.h"

namespace cc::cli {

class ProgressBar final : public SyncObserver {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() override { Clear(); }

  void OnProgress(const SyncProgress& p) override;
  void Clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  int64_t last_draw_ns_ = -1;
};

}  // namespace cc::cli
