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

std::string PointerTo(std::string_view base, const PathNode* node) {
  std::vector<const PathNode*> chain;
  for (const PathNode* n = node; n != nullptr; n = n->parent)
    chain.push_back(n);
  std::string pointer(base);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    pointer += '/';
    if ((*it)->is_index) {
      pointer += std::to_string((*it)->index);
      continue;
    }
    for (char c : (*it)->key) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer += c;
      }
    }
  }
  return pointer;
}

}  // namespace certshare::schemas
