// Private to schemas/: collects problems and warnings, at most kMaxProblems
// of each, so that a hostile document cannot make a report grow without
// bound, and names where each one is with a JSON Pointer built only when
// needed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/stix_check.h"

namespace certshare::schemas {

class ProblemSink {
 public:
  // `warnings` may be null: warnings are then not kept.
  ProblemSink(std::vector<Problem>* out, std::vector<Problem>* warnings)
      : out_(out), warnings_(warnings) {}
  ProblemSink(const ProblemSink&) = delete;
  ProblemSink& operator=(const ProblemSink&) = delete;

  void Add(std::string pointer, std::string_view rule, std::string message);
  void Warn(std::string pointer, std::string_view rule, std::string message);
  // Appends one "too-many-problems" entry to the problems and to the
  // warnings if any were dropped. Call once, after the last Add or Warn.
  void Finish();

  // Problems added so far, kept or dropped.
  std::size_t count() const { return out_->size() + dropped_; }
  // Whether further problems would only be counted (callers may then skip
  // building messages).
  bool full() const { return out_->size() >= kMaxProblems; }

 private:
  std::vector<Problem>* out_;
  std::vector<Problem>* warnings_;
  std::size_t dropped_ = 0;
  std::size_t dropped_warnings_ = 0;
};

// One step of the path from an object to one of its values. Checks keep
// these on the stack while they descend; the JSON Pointer is built from the
// chain only when a problem is reported, so a valid document costs no
// string building at all.
struct PathNode {
  const PathNode* parent = nullptr;
  std::string_view key;  // the member name, unless is_index
  std::size_t index = 0;
  bool is_index = false;

  static PathNode Member(const PathNode* parent, std::string_view key) {
    return {parent, key, 0, false};
  }
  static PathNode Index(const PathNode* parent, std::size_t index) {
    return {parent, {}, index, true};
  }
};

// `base` (a JSON Pointer, "" for the document) followed by the path to
// `node` (nullptr: `base` itself), with "~" and "/" escaped (RFC 6901).
std::string PointerTo(std::string_view base, const PathNode* node);

}  // namespace certshare::schemas
