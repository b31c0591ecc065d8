#include "test_util.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cc::test {

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "cc-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

void AppendFile(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string AssistantLine(const LineSpec& s) {
  std::string request =
      s.request_id.empty() ? "" : R"("requestId":")" + s.request_id + R"(",)";
  std::string id = s.message_id.empty() ? "" : R"("id":")" + s.message_id + R"(",)";
  return R"({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/w","sessionId":")" +
         s.session + R"(","version":"1.0.98","gitBranch":"main","message":{)" + id +
         R"("type":"message","role":"assistant","model":")" + s.model +
         R"(","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":)" +
         std::to_string(s.input) + R"(,"cache_creation_input_tokens":)" +
         std::to_string(s.cache_creation) + R"(,"cache_read_input_tokens":)" +
         std::to_string(s.cache_read) + R"(,"output_tokens":)" +
         std::to_string(s.output) + R"(}},)" + request +
         R"("type":"assistant","uuid":")" + s.uuid + R"(","timestamp":")" +
         s.timestamp + R"("})";
}

std::string UserLine(size_t payload_bytes, const std::string& uuid) {
  return R"({"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":")" +
         std::string(payload_bytes, 'x') + R"("}]},"uuid":")" + uuid +
         R"(","timestamp":"2025-09-03T10:00:00.000Z"})";
}

std::string SharedFixturesDir() {
  for (const char* candidate :
       {CC_SOURCE_DIR "/../shared/fixtures/claude-code",
        CC_SOURCE_DIR "/../../shared/fixtures/claude-code"}) {
    if (std::filesystem::is_directory(candidate)) {
      return std::filesystem::canonical(candidate).string();
    }
  }
  return "";
}

void DamageBytes(std::string* body, size_t at, uint64_t kind,
                 std::mt19937_64& rng) {
  switch (kind) {
    case 0:
      (*body)[at] = static_cast<char>(rng());
      break;
    case 1:
      body->erase(at, 1 + rng() % 8);
      break;
    default:
      body->insert(at, 1, static_cast<char>(rng()));
  }
}

}  // namespace cc::test
