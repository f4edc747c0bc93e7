// "Did you mean ...?": the known word closest to one that is not known, for
// messages about a mistyped command, option, organisation or key.
//
// Closeness is the Levenshtein distance (insertions, deletions and
// substitutions, one edit each), ignoring ASCII case: "cert-ua" is at
// distance 0 from "CERT-UA", "publsh" at 1 from "publish".
//
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certshare {

// The edit distance between `a` and `b`, ignoring ASCII case.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be what was
// meant: at most `max_distance` edits, and fewer edits than `word` has
// characters (so that "x" does not suggest "get"). On a tie the first
// candidate wins. nullopt when none is close, or `word` is a candidate.
std::optional<std::string> Closest(std::string_view word,
                                   const std::vector<std::string>& candidates,
                                   std::size_t max_distance = 2);

// " (did you mean X?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace certshare
