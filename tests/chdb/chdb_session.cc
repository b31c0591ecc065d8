#include "chdb/chdb_session.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "chdb/chdb_api.h"

namespace cc::test {
namespace {

constexpr const char* kConfig = R"(<clickhouse>
  <remote_servers>
    <test_cluster>
      <shard><replica><host>localhost</host><port>9000</port></replica></shard>
    </test_cluster>
  </remote_servers>
  <tcp_port>9000</tcp_port>
  <macros><shard>s1</shard><replica>r1</replica></macros>
</clickhouse>
)";

}  // namespace

ChdbSession* ChdbSession::Get(std::string* why_not) {
  static std::string failure;
  static ChdbSession* session = []() -> ChdbSession* {
    char pattern[] = "/tmp/cc-chdb-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      failure = "cannot make a temp directory";
      return nullptr;
    }
    const std::string dir = pattern;
    const std::string config = dir + "/config.xml";
    std::ofstream(config) << kConfig;
    std::string path_arg = "--path=" + dir + "/data";
    std::string config_arg = "--config-file=" + config;
    std::vector<char*> argv = {const_cast<char*>("clickhouse"), path_arg.data(),
                               config_arg.data()};
    // A failing test must abort, not hang in chDB's crash handler.
    chdb_set_signal_handlers_enabled(0);
    chdb_connection_handle** conn =
        chdb_connect(static_cast<int>(argv.size()), argv.data());
    if (conn == nullptr) {
      failure = "chdb_connect failed";
      return nullptr;
    }
    return new ChdbSession(conn);
  }();
  if (session == nullptr && why_not != nullptr) *why_not = failure;
  return session;
}

Result<std::string> ChdbSession::Query(const std::string& sql,
                                       const std::string& format) {
  std::lock_guard<std::mutex> lock(mu_);
  auto** conn = static_cast<chdb_connection_handle**>(conn_);
  chdb_result_handle* r = chdb_query(*conn, sql.c_str(), format.c_str());
  if (r == nullptr) return Status::IoError("chdb_query returned nothing");
  const char* error = chdb_result_error(r);
  Result<std::string> out =
      error != nullptr ? Result<std::string>(Status::InvalidArgument(error))
                       : Result<std::string>(std::string(
                             chdb_result_buffer(r), chdb_result_length(r)));
  chdb_destroy_query_result(r);
  return out;
}

Result<std::string> ChdbSession::Insert(const std::string& insert,
                                        std::string_view data) {
  size_t at = insert.find(" SETTINGS ");
  if (at == std::string::npos) at = insert.find(" FORMAT ");
  if (at == std::string::npos) {
    return Status::InvalidArgument("Code: 62. DB::Exception: no FORMAT in " +
                                   insert);
  }
  char path[] = "/tmp/cc-chdb-body-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return Status::IoError("cannot make a temp file for the body");
  bool written = true;
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      written = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  Result<std::string> out =
      written ? Query(insert.substr(0, at) + " FROM INFILE '" + path + "'" +
                      insert.substr(at))
              : Result<std::string>(Status::IoError("writing the body failed"));
  unlink(path);
  return out;
}

}  // namespace cc::test
