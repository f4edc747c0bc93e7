// Fuzz target: STIX 2.1 validation (schemas/stix_check.h, CheckText), which
// the agent runs on every document it publishes or receives; indicator
// patterns inside reach the pattern parser too (the pattern target fuzzes
// that alone).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * the report is bounded: at most kMaxProblems problems plus one
//     "too-many-problems";
//   * every problem has a rule id, a message, and a JSON Pointer that is
//     empty or starts with '/';
//   * so are the warnings;
//   * Summarise agrees with CheckText: OK exactly when the report is, and
//     then with the same summary, whose TLP names the marking it comes from.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schemas/stix_check.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace schemas = certshare::schemas;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const schemas::Report report = schemas::CheckText(text);
  FUZZ_REQUIRE(report.problems.size() <= schemas::kMaxProblems + 1);
  for (const schemas::Problem& p : report.problems) {
    FUZZ_REQUIRE(!p.rule.empty());
    FUZZ_REQUIRE(!p.message.empty());
    FUZZ_REQUIRE(p.pointer.empty() || p.pointer[0] == '/');
  }
  FUZZ_REQUIRE(report.warnings.size() <= schemas::kMaxProblems + 1);
  for (const schemas::Problem& w : report.warnings) {
    FUZZ_REQUIRE(!w.rule.empty() && !w.message.empty());
  }
  const certshare::Result<schemas::Summary> summary = schemas::Summarise(text);
  FUZZ_REQUIRE(summary.ok() == report.ok());
  if (summary.ok()) {
    FUZZ_REQUIRE(summary->type == report.summary.type);
    FUZZ_REQUIRE(summary->id == report.summary.id);
    FUZZ_REQUIRE(summary->modified == report.summary.modified);
    FUZZ_REQUIRE(summary->tlp == report.summary.tlp);
    FUZZ_REQUIRE(!summary->tlp ||
                 schemas::TlpOfMarking(summary->tlp_marking) == summary->tlp);
    FUZZ_REQUIRE(schemas::IsStixTimestamp(summary->modified));
  } else {
    const certshare::ErrorCode code = summary.status().code();
    FUZZ_REQUIRE(code == certshare::ErrorCode::kMalformedJson ||
                 code == certshare::ErrorCode::kInvalidStix);
  }
  return 0;
}
