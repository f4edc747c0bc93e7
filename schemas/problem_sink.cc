#include "schemas/problem_sink.h"

#include "schemas/rules.h"

namespace certshare::schemas {

void ProblemSink::Add(std::string pointer, std::string_view rule,
                      std::string message) {
  if (out_->size() >= kMaxProblems) {
    ++dropped_;
    return;
  }
  out_->push_back({std::move(pointer), std::string(rule), std::move(message)});
}

void ProblemSink::Finish() {
  if (dropped_ == 0) return;
  out_->push_back({"", std::string(rule::kTooManyProblems),
                   std::to_string(dropped_) +
                       " further problems are not listed; fix the ones above "
                       "first"});
  dropped_ = 0;
}

}  // namespace certshare::schemas
