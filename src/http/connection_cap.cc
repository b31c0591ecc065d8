#include "http/connection_cap.h"

#include <algorithm>

namespace cc::http {

bool ConnectionCap::Admit(const std::shared_ptr<Connection>& connection) {
  std::shared_ptr<Connection> evicted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(connections_, [](const std::weak_ptr<Connection>& w) {
      std::shared_ptr<Connection> c = w.lock();
      return !c || c->closed();
    });
    if (connections_.size() >= max_) {
      for (const std::weak_ptr<Connection>& w : connections_) {
        std::shared_ptr<Connection> c = w.lock();
        if (c && c->WaitingForRequest() &&
            (!evicted || c->waiting_since_ns() < evicted->waiting_since_ns())) {
          evicted = std::move(c);
        }
      }
      if (!evicted) return false;
    }
    connections_.push_back(connection);
  }
  if (evicted) evicted->Close();
  return true;
}

std::vector<std::shared_ptr<Connection>> ConnectionCap::Open() const {
  std::vector<std::shared_ptr<Connection>> open;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::weak_ptr<Connection>& w : connections_) {
    std::shared_ptr<Connection> c = w.lock();
    if (c && !c->closed()) open.push_back(std::move(c));
  }
  return open;
}

}  // namespace cc::http
