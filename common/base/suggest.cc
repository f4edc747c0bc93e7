#include "common/base/suggest.h"

#include <algorithm>

namespace certshare {

namespace {
char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (Fold(a[i - 1]) == Fold(b[j - 1]) ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates,
                                   std::size_t max_distance) {
  const std::string* best = nullptr;
  std::size_t best_distance = max_distance + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == word) return std::nullopt;
    const std::size_t d = EditDistance(word, candidate);
    if (d < best_distance && d < word.size()) {
      best_distance = d;
      best = &candidate;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> closest = Closest(word, candidates);
  return closest ? " (did you mean " + *closest + "?)" : std::string();
}

}  // namespace certshare
