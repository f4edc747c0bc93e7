// certshare::envelope::RecordKey — the name of one version of one STIX
// object from one origin, and the keys made of it, encoded and parsed side
// by side here and nowhere else (as LevelDB's ParsedInternalKey with
// AppendInternalKey / ParseInternalKey). docs/protocol.md, "Routing
// helpers", specifies the bytes; docs/storage.md says where they are kept.
//
//   dedupe key  = origin "\n" stix_id "\n" modified     (EncodeRecordKey)
//   object id   = origin "\n" stix_id                   (EncodeObjectId)
//   version key = StixTimestampOrderKey(modified)       (EncodeVersionKey)
//
// The dedupe key is what the broker's log (`ids`), the agent's spool and a
// subscriber's seen-store keep a record under: two records with one dedupe
// key are one version. The object id and version key are the broker's
// newest-version index (`latest`).
//
// The encoding is unambiguous although `stix_id` may hold any byte: an
// origin ([A-Za-z0-9._-]{1,64}) and a STIX timestamp never hold "\n", so
// the origin ends at the first "\n" and `modified` starts after the last.
//
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/envelope/envelope.h"

namespace certshare::envelope {

// The longest dedupe key of a header Decode accepts: origin, stix_id and
// `modified` (a str8, and its canonical spelling is never longer) with two
// separators. The broker's storage keys are bounded by it.
inline constexpr std::size_t kMaxDedupeKeyLength =
    kMaxOrgIdLength + 1 + kMaxStixIdLength + 1 + 255;

struct RecordKey {
  std::string origin;    // the origin organisation id
  std::string stix_id;   // the header's stix_id, 1 to kMaxStixIdLength bytes
  // A STIX timestamp. RecordKeyOf gives its canonical spelling
  // (CanonicalStixTimestamp), so that two spellings of one instant are one
  // version; a key parsed from what an earlier certshare stored may hold
  // the header's own spelling (docs/storage.md, "Upgrading").
  std::string modified;

  friend bool operator==(const RecordKey&, const RecordKey&) = default;
};

// The key of the record with this header: its origin, stix_id and the
// canonical spelling of its `modified`. For a header Decode accepted (or
// Sealer::Seal made), EncodeRecordKey of it is at most kMaxDedupeKeyLength
// bytes and ParseRecordKey gives it back.
RecordKey RecordKeyOf(const Header& header);

// Appends the dedupe key of `key` to *out: origin "\n" stix_id "\n"
// modified, nothing else (no length prefix, no terminator).
void AppendRecordKey(std::string* out, const RecordKey& key);
// The dedupe key of `key` (AppendRecordKey to an empty string).
std::string EncodeRecordKey(const RecordKey& key);

// Parses a dedupe key (EncodeRecordKey's bytes, e.g. read back from a
// spool): the origin up to the first "\n", `modified` after the last, the
// stix_id between. The inverse of EncodeRecordKey: for every key it
// accepts, EncodeRecordKey of the result is `encoded` byte for byte.
// kCorruption, with a message naming what is wrong, when `encoded` has
// fewer than two "\n", the origin is not an organisation id, the stix_id
// is empty or longer than kMaxStixIdLength, or `modified` is not a STIX
// timestamp of at most 255 bytes. Stored keys are data from disk, so
// nothing about `encoded` is assumed.
Result<RecordKey> ParseRecordKey(std::string_view encoded);

// The broker's object id of `key`: origin "\n" stix_id (the same object
// from two origins is two objects).
std::string EncodeObjectId(const RecordKey& key);
// The broker's version key of `key`: fixed-width, sorting bytewise in time
// order (StixTimestampOrderKey). Every spelling of one instant gives the
// same version key.
std::string EncodeVersionKey(const RecordKey& key);

// How a record is named to a person: `indicator--… (modified 2026-…)`.
std::string DescribeRecordKey(const RecordKey& key);

}  // namespace certshare::envelope
