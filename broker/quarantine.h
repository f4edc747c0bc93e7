// certshare::broker::Quarantine — the operator's holds on an origin's
// records, for a compromise discovered late (docs/operations.md,
// "Withholding an origin's records"): every record an organisation
// published that the broker received from `since` on (to `until`, if
// given) stays stored but is delivered to nobody, until the operator
// releases it or stores a narrower hold. One hold per organisation.
//
// A hold is resolved to a range of sequences when it is made
// (storage::Log::FirstReceivedAtOrAfter), so the fan-out checks a record
// with a lookup and two comparisons. An open hold (no `until`) also holds
// every record the organisation publishes after it is made.
//
// Opened on a file (the broker: `<data_dir>/certshare-quarantine`), it
// keeps the holds there, written whole (temporary file, fsync, rename,
// directory fsync) before Set or Release returns OK:
//
//   certshare-quarantine-v1 LF
//   *( org SP since-ms SP until-ms SP first SP last SP made-ms LF )
//       ; org: an organisation id; the others decimal, 1-20 digits;
//       ; an open hold: until-ms and last 0; a closed one: until-ms >=
//       ; since-ms and last >= first - 1 (first - 1: over no record);
//       ; first >= 1
//
// Thread-safety: none; a Quarantine belongs to the broker's socket thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::broker {

// The file's name in the broker's data directory, and its first line.
inline constexpr std::string_view kQuarantineFile = "certshare-quarantine";
inline constexpr std::string_view kQuarantineFormat = "certshare-quarantine-v1";

struct Hold {
  std::uint64_t since_ms = 0;  // received at or after this time...
  std::uint64_t until_ms = 0;  // ...and at or before this one; 0 = open
  std::uint64_t first = 0;     // the sequences it covers: first...
  std::uint64_t last = 0;      // ...to last (first - 1: none); open: 0
  std::uint64_t made_ms = 0;   // when the operator made it

  bool open() const { return until_ms == 0; }
  bool Covers(std::uint64_t sequence) const {
    return sequence >= first && (open() || sequence <= last);
  }
};

class Quarantine {
 public:
  // In memory only (tests, a broker without a data directory).
  Quarantine() = default;
  // The holds in `path` (none when it does not exist). kCorruption naming
  // the file and line if it is not a quarantine file (the broker does not
  // start: it would otherwise deliver what the operator withheld);
  // kIoError if it cannot be read.
  static Result<Quarantine> Open(const std::string& path);
  // Parses the file's text (Open, and the fuzz target). kCorruption.
  static Result<Quarantine> Parse(std::string_view text);
  // The file's text.
  std::string Serialize() const;

  // Whether a record from `origin` at `sequence` is withheld.
  bool Withholds(std::string_view origin, std::uint64_t sequence) const {
    auto it = holds_.find(origin);
    return it != holds_.end() && it->second.Covers(sequence);
  }

  // Makes `hold` the one of `org` (replacing any), saved first: on an
  // error (kIoError) nothing changed.
  Status Set(const std::string& org, const Hold& hold);
  // Removes `org`'s hold, saved first; kNotFound if it has none.
  Status Release(const std::string& org);

  const std::map<std::string, Hold, std::less<>>& holds() const { return holds_; }
  // [{"org":..., "since":..., "until":..., "first_sequence":...,
  //   "last_sequence":..., "made":...}] ("until" and "last_sequence"
  // absent for an open hold; times RFC 3339): ADMIN_OK's "quarantine".
  std::string ToJson() const;

 private:
  Status Save(const std::map<std::string, Hold, std::less<>>& holds) const;

  std::string path_;  // empty: memory only
  std::map<std::string, Hold, std::less<>> holds_;
};

}  // namespace certshare::broker
