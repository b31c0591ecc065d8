#include "chdb/chdb_http_server.h"

#include <httplib.h>
#include <zstd.h>

#include <chrono>
#include <cstdlib>
#include <optional>

namespace cc::test {
namespace {

int CodeOf(const std::string& error) {
  const size_t at = error.find("Code: ");
  return at == std::string::npos ? 0 : std::atoi(error.c_str() + at + 6);
}

// The HTTP status ClickHouse gives an exception.
int StatusFor(int code) {
  switch (code) {
    case 60:
    case 81:
      return 404;
    case 192:
    case 193:
    case 194:
    case 516:
      return 401;
    case 497:
      return 403;
    case 6:
    case 26:
    case 27:
    case 38:
    case 41:
    case 53:
    case 62:
    case 72:
    case 117:
      return 400;
    default:
      return 500;
  }
}

Result<std::string> Unzstd(const std::string& data) {
  const unsigned long long size =
      ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::InvalidArgument("not a zstd frame with its size");
  }
  std::string out(size, '\0');
  const size_t n =
      ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(n)) {
    return Status::InvalidArgument(std::string("zstd: ") +
                                   ZSTD_getErrorName(n));
  }
  out.resize(n);
  return out;
}

void Exception(httplib::Response& res, int status, int code,
               const std::string& text) {
  res.status = status;
  res.set_header("X-ClickHouse-Exception-Code", std::to_string(code));
  res.set_content(text, "text/plain");
}

}  // namespace

ChdbHttpServer::ChdbHttpServer(ChdbSession* session, std::string user,
                               std::string password)
    : session_(session),
      user_(std::move(user)),
      password_(std::move(password)) {
  Up();
}

ChdbHttpServer::~ChdbHttpServer() { Down(); }

std::string ChdbHttpServer::Url(const std::string& database) const {
  return "http://" + user_ + ":" + password_ +
         "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void ChdbHttpServer::Inject(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

void ChdbHttpServer::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

int ChdbHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int ChdbHttpServer::executed_inserts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return inserts_;
}

void ChdbHttpServer::Down() {
  if (!server_) return;
  server_->stop();
  thread_.join();
  server_.reset();
}

void ChdbHttpServer::Up() {
  if (server_) return;
  server_ = std::make_unique<httplib::Server>();
  server_->Post("/", [this](const httplib::Request& req,
                            httplib::Response& res) {
    std::optional<Fault> fault;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++requests_;
      if (!faults_.empty()) {
        fault = faults_.front();
        if (!fault->sticky) faults_.pop_front();
      }
    }
    if (req.get_header_value("X-ClickHouse-User") != user_ ||
        req.get_header_value("X-ClickHouse-Key") != password_) {
      Exception(res, 401, 516,
                "Code: 516. DB::Exception: " +
                    req.get_header_value("X-ClickHouse-User") +
                    ": Authentication failed");
      return;
    }
    if (fault && fault->kind == Fault::Kind::kStatus) {
      Exception(res, fault->status, fault->code,
                "Code: " + std::to_string(fault->code) +
                    ". DB::Exception: injected fault");
      return;
    }
    if (fault && fault->kind == Fault::Kind::kExceptionIn200) {
      res.status = 200;
      res.set_content(
          "Code: 241. DB::Exception: Memory limit exceeded "
          "(injected, inside a 200 response)",
          "text/plain");
      return;
    }
    // httplib inflates gzip itself; zstd is ours to undo.
    std::string body = req.body;
    if (req.get_header_value("Content-Encoding") == "zstd") {
      Result<std::string> plain = Unzstd(req.body);
      if (!plain.ok()) {
        Exception(res, 400, 432,
                  "Code: 432. DB::Exception: " + plain.status().message());
        return;
      }
      body = std::move(*plain);
    }
    if (fault && fault->kind == Fault::Kind::kBadRowsMarked &&
        body.find(fault->marker) != std::string::npos) {
      Exception(res, 400, 27,
                "Code: 27. DB::Exception: Cannot parse input (injected)");
      return;
    }
    // The statement: `query` with the body as its data, or the body.
    const bool with_data = req.has_param("query");
    std::string sql = with_data ? req.get_param_value("query") : body;
    std::string settings;
    for (const auto& [name, value] : req.params) {
      if (name == "query" || name == "database" ||
          name == "wait_end_of_query") {
        continue;
      }
      settings += (settings.empty() ? " SETTINGS " : ", ") + name + " = '" +
                  value + "'";
    }
    const size_t format = sql.find(" FORMAT ");
    if (!settings.empty() && format != std::string::npos) {
      sql.insert(format, settings);
    }
    const bool insert = sql.rfind("INSERT", 0) == 0;
    Result<std::string> r = with_data && insert
                                ? session_->Insert(sql, body)
                                : session_->Query(sql, "TabSeparated");
    if (insert && r.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++inserts_;
    }
    if (fault && fault->kind == Fault::Kind::kTimeoutAfterCommit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
    }
    if (!r.ok()) {
      const int code = CodeOf(r.status().message());
      Exception(res, StatusFor(code), code, r.status().message());
      return;
    }
    res.set_content(*r, "text/tab-separated-values");
  });
  if (port_ == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
  } else {
    server_->bind_to_port("127.0.0.1", port_);
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::yield();
}

}  // namespace cc::test
