// ChdbHttpServer: the parts of ClickHouse's HTTP interface the project uses
// (POST /, `query`/`database`/settings as URL parameters, the statement or
// the data as the body, gzip bodies, X-ClickHouse-User/-Key), executed by
// the real engine (chDB), on loopback. Errors answer as ClickHouse does:
// the status by kind and X-ClickHouse-Exception-Code.
//
// Faults can be queued to test the shipper: each applies to one request.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "chdb/chdb_session.h"

namespace httplib {
class Server;
}

namespace cc::test {

struct Fault {
  enum class Kind {
    kStatus,              // Answer `status` with `code`, do nothing.
    kExceptionIn200,      // Answer 200 with an exception in the body.
    kTimeoutAfterCommit,  // Run the statement, then answer after delay_ms.
    kBadRowsMarked,       // 400 (code 27) if the body holds `marker`.
  };
  Kind kind = Kind::kStatus;
  int status = 500;
  int code = 0;
  int delay_ms = 0;
  std::string marker;
  bool sticky = false;  // Applies to every request until cleared.
};

class ChdbHttpServer {
 public:
  // `user`/`password`: what requests must present (401 otherwise).
  ChdbHttpServer(ChdbSession* session, std::string user, std::string password);
  ~ChdbHttpServer();

  int port() const { return port_; }
  std::string Url(const std::string& database) const;

  void Inject(Fault fault);
  void ClearFaults();
  // Stops listening (connections are refused) / listens again, same port.
  void Down();
  void Up();

  int requests() const;
  int executed_inserts() const;

 private:
  void Listen();

  ChdbSession* session_;
  std::string user_, password_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::deque<Fault> faults_;
  int requests_ = 0;
  int inserts_ = 0;
};

}  // namespace cc::test
