// Status: the outcome of a fallible call, a stable ErrorCode plus a message
// for people. Success holds no allocation (a null pointer), so returning OK
// is free. Status is a value type; copies are independent.
//
// Result<T>: either a T or a non-OK Status.
//
// Not thread-safe for concurrent mutation of one object (like std::string).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/base/error_code.h"

namespace certshare {

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string_view message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  ErrorCode code() const { return state_ ? state_->code : ErrorCode::kOk; }
  // The message without the code; empty when OK.
  const std::string& message() const;
  // "BAD_SIGNATURE (200): <message>", or "OK".
  std::string ToString() const;

  // Prefixes the message with context ("reading card.json: ..."). No-op on OK.
  Status WithContext(std::string_view context) const;

  // Explicitly discards a status the caller has decided not to act on.
  void IgnoreError() const {}

 private:
  struct State {
    ErrorCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) {
      status_ = Status(ErrorCode::kInternal, "Result built from an OK status");
    }
  }
  Result(ErrorCode code, std::string_view message) : status_(code, message) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace certshare

// Returns early from the enclosing function when `expr` is not OK.
#define CERTSHARE_RETURN_IF_ERROR(expr)          \
  do {                                           \
    ::certshare::Status certshare_status_ = (expr); \
    if (!certshare_status_.ok()) return certshare_status_; \
  } while (0)

#define CERTSHARE_CONCAT_INNER(a, b) a##b
#define CERTSHARE_CONCAT(a, b) CERTSHARE_CONCAT_INNER(a, b)

// CERTSHARE_ASSIGN_OR_RETURN(auto x, MakeX()): binds the value of a Result or
// returns its status from the enclosing function.
#define CERTSHARE_ASSIGN_OR_RETURN(lhs, expr)                                 \
  CERTSHARE_ASSIGN_OR_RETURN_IMPL(CERTSHARE_CONCAT(certshare_result_, __LINE__), \
                                  lhs, expr)
#define CERTSHARE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
