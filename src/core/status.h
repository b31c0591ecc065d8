// Status: the outcome of an operation that can fail for an expected reason.
// Errors are values (see STYLE.md): no exceptions for expected failures.
#pragma once

#include <string>
#include <utility>

namespace cc {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // A caller-supplied value is wrong (exit 2).
    kIoError,          // The file system refused (exit 3).
    kBusy,             // Another process holds the ledger (exit 3).
    kCorruption,       // Stored data is not what we wrote (exit 3).
    kNotSupported,     // E.g. a ledger written by a newer version (exit 3).
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status IoError(std::string m) {
    return Status(Code::kIoError, std::move(m));
  }
  static Status Busy(std::string m) { return Status(Code::kBusy, std::move(m)); }
  static Status Corruption(std::string m) {
    return Status(Code::kCorruption, std::move(m));
  }
  static Status NotSupported(std::string m) {
    return Status(Code::kNotSupported, std::move(m));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace cc
