#include "schemas/problem_sink.h"

#include "schemas/rules.h"

namespace certshare::schemas {

namespace {

void Keep(std::vector<Problem>* out, std::size_t* dropped, std::string pointer,
          std::string_view rule, std::string message) {
  if (out->size() >= kMaxProblems) {
    ++*dropped;
    return;
  }
  out->push_back({std::move(pointer), std::string(rule), std::move(message)});
}

void Close(std::vector<Problem>* out, std::size_t* dropped,
           std::string_view what) {
  if (*dropped == 0) return;
  out->push_back({"", std::string(rule::kTooManyProblems),
                  std::to_string(*dropped) + " further " + std::string(what) +
                      " are not listed; fix the ones above first"});
  *dropped = 0;
}

}  // namespace

void ProblemSink::Add(std::string pointer, std::string_view rule,
                      std::string message) {
  Keep(out_, &dropped_, std::move(pointer), rule, std::move(message));
}

void ProblemSink::Warn(std::string pointer, std::string_view rule,
                       std::string message) {
  if (warnings_ == nullptr) return;
  Keep(warnings_, &dropped_warnings_, std::move(pointer), rule,
       std::move(message));
}

void ProblemSink::Finish() {
  Close(out_, &dropped_, "problems");
  if (warnings_ != nullptr) Close(warnings_, &dropped_warnings_, "warnings");
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
