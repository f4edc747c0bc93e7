// Private to schemas/: collects problems, at most kMaxProblems of them, so
// that a hostile document cannot make a report grow without bound.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/stix_check.h"

namespace certshare::schemas {

class ProblemSink {
 public:
  explicit ProblemSink(std::vector<Problem>* out) : out_(out) {}
  ProblemSink(const ProblemSink&) = delete;
  ProblemSink& operator=(const ProblemSink&) = delete;

  void Add(std::string pointer, std::string_view rule, std::string message);
  // Appends one "too-many-problems" problem if any were dropped. Call once,
  // after the last Add.
  void Finish();

  // Problems added so far, kept or dropped.
  std::size_t count() const { return out_->size() + dropped_; }

 private:
  std::vector<Problem>* out_;
  std::size_t dropped_ = 0;
};

// Reports the problems of one rule under one base pointer ("/objects/3").
class RuleReporter {
 public:
  RuleReporter(ProblemSink& sink, std::string_view base, std::string_view rule)
      : sink_(sink), base_(base), rule_(rule) {}

  // `suffix` is appended to the base pointer: "" or "/modified".
  void Add(std::string_view suffix, std::string message) {
    std::string pointer(base_);
    pointer += suffix;
    sink_.Add(std::move(pointer), rule_, std::move(message));
  }

 private:
  ProblemSink& sink_;
  std::string_view base_;
  std::string_view rule_;
};

}  // namespace certshare::schemas
