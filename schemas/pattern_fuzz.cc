// libFuzzer entry point for CheckPattern (schemas/pattern.h).
//
// Build and run with clang, from the repository root:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     schemas/pattern_fuzz.cc schemas/pattern.cc schemas/pattern_parser.cc \
//     schemas/pattern_lexer.cc schemas/identifier.cc common/base/timestamp.cc \
//     common/base/civil_time.cc common/base/date_time_reader.cc \
//     common/base/status.cc common/base/error_code.cc -o pattern_fuzz
//   ./pattern_fuzz -max_total_time=60 tests/fuzz/corpus/pattern
//
// Beyond "no crash, no sanitizer report", every input is held to the
// contract of CheckPattern; a breach aborts, so the fuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "schemas/pattern.h"

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certshare::schemas::CheckPattern;
  using certshare::schemas::PatternError;
  const std::string_view pattern(reinterpret_cast<const char*>(data), size);

  PatternError error;
  const certshare::Status status = CheckPattern(pattern, &error);
  if (status.ok()) {
    Require(error.offset == 0 && error.message.empty());
    // Trailing whitespace never changes the verdict.
    Require(CheckPattern(std::string(pattern) + " \n", nullptr).ok());
    return 0;
  }
  Require(status.code() == certshare::ErrorCode::kInvalidStix);
  Require(status.message() == error.message);
  // The offset is inside the input (or just past it), and the message is one
  // bounded line that names it.
  Require(error.offset <= size);
  Require(!error.message.empty() && error.message.size() < 400);
  Require(error.message.find_first_of("\r\n") == std::string::npos);
  Require(error.message.find("offset " + std::to_string(error.offset)) !=
          std::string::npos);
  return 0;
}
