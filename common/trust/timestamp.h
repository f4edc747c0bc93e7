// certshare::trust::Timestamp — the short-lived signed statement "registry
// version N (this hash) is the current one" (docs/trust.md, "The signed
// timestamp").
//
// The registry signers sign one every hour or so, valid for a day. An
// agent that holds a timestamp for its registry version that has not
// expired knows that no revocation was published more than that long ago
// without it hearing of it: a broker that hides a newer version can do so
// only until the timestamp it serves expires.
//
// Times are passed in (`now`); nothing here reads a clock. Thread-safe:
// plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"
#include "common/trust/signed_envelope.h"

namespace certshare::trust {

inline constexpr std::string_view kTimestampPayloadType = "certshare-timestamp-v1";
// Largest timestamp payload, in bytes.
inline constexpr std::size_t kMaxTimestampPayload = 4096;

struct Timestamp {
  std::string federation;
  std::uint64_t registry_version = 0;  // 1 .. 2^53 - 1
  crypto::Hash256 registry_hash{};     // PayloadHash of that version's payload
  std::string issued;                  // YYYY-MM-DDTHH:MM:SSZ
  StixMillis issued_ms = 0;
  std::string expires;  // after issued
  StixMillis expires_ms = 0;

  // Whether it still vouches at `now`.
  bool Fresh(StixMillis now) const { return now < expires_ms; }
};

struct SignedTimestamp {
  Timestamp timestamp;
  SignedEnvelope envelope;
};

// Parses a timestamp file: envelope, payload, every field and limit of
// docs/trust.md (`issued` before `expires`). kMalformedTrust naming the
// field. Checks no signature.
Result<SignedTimestamp> ParseSignedTimestamp(std::string_view text);

// The payload bytes of `timestamp` (compact JSON, documented member
// order). REQUIRES: `timestamp` obeys the documented limits.
std::string TimestampPayload(const Timestamp& timestamp);
SignedEnvelope UnsignedTimestamp(const Timestamp& timestamp);

// The timestamp vouching for `version` from `issued_ms` (whole seconds)
// for `valid_ms`. REQUIRES: valid_ms >= 1000.
Timestamp TimestampFor(const SignedRegistryVersion& version, StixMillis issued_ms,
                       StixMillis valid_ms);

// A timestamp against the trusted `root`, the registry version the
// verifier holds (`held`) and the timestamp it holds (`previous`, nullptr
// if none), in the order of docs/trust.md, "Verifying a timestamp": parse
// (kMalformedTrust); a threshold of root's registry keys
// (kUnderThreshold); root's federation (kWrongFederation); it names
// `held`'s version and hash (kBrokenChain otherwise: the caller compares
// the versions first, and fetches the chain when the timestamp names a
// newer one); not issued before `previous` (kRollback); not expired at
// `now` (kTrustExpired).
Result<SignedTimestamp> VerifyTimestamp(const Root& root, const SignedRegistryVersion& held,
                                        const SignedTimestamp* previous,
                                        std::string_view candidate, StixMillis now);

}  // namespace certshare::trust
