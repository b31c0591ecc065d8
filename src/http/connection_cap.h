// ConnectionCap: a server's open connections, at most a fixed number. A
// connection beyond the cap takes the place of the one that has waited
// longest for a request (slow senders and idle keep-alives go first), or is
// refused when every connection is busy, so that a flood of idle sockets
// cannot lock out a client with a request to make.
//
// Thread-safe. The connections it holds are weak: each lives as long as
// its I/O does.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace cc::http {

// A connection as the cap and the server's stop see it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Whether it holds no request in progress (an idle keep-alive, or a
  // client still sending its headers), and since when (steady clock, ns).
  // Any thread.
  virtual bool WaitingForRequest() const = 0;
  virtual int64_t waiting_since_ns() const = 0;
  virtual bool closed() const = 0;  // Any thread.
  // On the I/O thread: closes now (idempotent).
  virtual void Close() = 0;
  // On the I/O thread, for a server stopping: an event stream ends with
  // its last chunk; any other connection closes now.
  virtual void Shutdown() = 0;
};

class ConnectionCap {
 public:
  explicit ConnectionCap(size_t max_connections) : max_(max_connections) {}

  // Whether `connection` may open: under the cap, or by closing (on this
  // thread, which must be the I/O thread) the connection that has waited
  // longest for a request. False: every connection is busy.
  bool Admit(const std::shared_ptr<Connection>& connection);
  // The connections not closed.
  std::vector<std::shared_ptr<Connection>> Open() const;

 private:
  const size_t max_;
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<Connection>> connections_;  // Guarded by mu_.
};

}  // namespace cc::http
