// OrderedPipeline: runs N tasks on worker threads and hands their outputs to
// one consumer on the calling thread in task order, in bounded memory.
//
// Each task produces a sequence of items through a sink; the consumer sees
// all items of task 0, then of task 1, ... A worker may run at most
// `window` tasks ahead of the consumer and a task may queue at most
// `max_queued` items, so memory is bounded by window * max_queued items.
// The producer function must be safe to call concurrently for different
// tasks (each worker gets its own `WorkerState`).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cc {

template <typename Item, typename WorkerState>
class OrderedPipeline {
 public:
  using Sink = std::function<void(Item&&)>;
  using Producer = std::function<void(size_t task, WorkerState&, const Sink&)>;
  using Consumer = std::function<void(size_t task, Item&&)>;

  OrderedPipeline(size_t jobs, size_t window, size_t max_queued)
      : jobs_(jobs < 1 ? 1 : jobs),
        window_(window < jobs_ ? jobs_ : window),
        max_queued_(max_queued < 1 ? 1 : max_queued) {}

  void Run(size_t tasks, const Producer& produce, const Consumer& consume) {
    slots_.clear();
    for (size_t i = 0; i < tasks; ++i) slots_.push_back(std::make_unique<Slot>());
    next_task_ = 0;
    consumer_at_ = 0;
    std::vector<std::thread> workers;
    for (size_t w = 0; w < jobs_ && w < tasks; ++w) {
      workers.emplace_back([this, tasks, &produce] { Work(tasks, produce); });
    }
    for (size_t i = 0; i < tasks; ++i) Drain(i, consume);
    for (std::thread& t : workers) t.join();
  }

 private:
  struct Slot {
    std::deque<Item> items;
    bool finished = false;
  };

  void Work(size_t tasks, const Producer& produce) {
    WorkerState state;
    for (;;) {
      size_t task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] {
          return next_task_ >= tasks || next_task_ < consumer_at_ + window_;
        });
        if (next_task_ >= tasks) return;
        task = next_task_++;
      }
      Slot& slot = *slots_[task];
      Sink sink = [this, &slot](Item&& item) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return slot.items.size() < max_queued_; });
        slot.items.push_back(std::move(item));
        cv_.notify_all();
      };
      produce(task, state, sink);
      std::lock_guard<std::mutex> lock(mu_);
      slot.finished = true;
      cv_.notify_all();
    }
  }

  void Drain(size_t task, const Consumer& consume) {
    Slot& slot = *slots_[task];
    for (;;) {
      Item item;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !slot.items.empty() || slot.finished; });
        if (slot.items.empty()) {
          ++consumer_at_;
          cv_.notify_all();
          return;
        }
        item = std::move(slot.items.front());
        slot.items.pop_front();
        cv_.notify_all();
      }
      consume(task, std::move(item));
    }
  }

  const size_t jobs_;
  const size_t window_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Slot>> slots_;
  size_t next_task_ = 0;
  size_t consumer_at_ = 0;
};

}  // namespace cc
