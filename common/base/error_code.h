// Stable error codes: the one table of every error that crosses the wire or
// reaches an operator. docs/errors.md documents each code.
//
// These values are sent on the wire (ERROR frames) and printed to operators.
// They must never be renumbered or reused; add new codes at the end of their
// range.
#pragma once

#include <cstdint>
#include <string_view>

namespace certshare {

enum class ErrorCode : std::uint16_t {
  kOk = 0,

  // 1xx: the input is malformed or refused by a rule.
  kInvalidArgument = 100,    // a caller-supplied value is out of range
  kMalformedJson = 101,      // not JSON, bad UTF-8, duplicate key, too deep
  kInvalidStix = 102,        // JSON, but not an acceptable STIX 2.1 object
  kMalformedFrame = 110,     // a wire frame that does not decode
  kUnsupportedVersion = 111, // a wire or envelope version we do not speak
  kUnknownCommand = 112,     // a wire command we do not know
  kMalformedHeader = 120,    // a routing header that does not decode
  kMalformedRecord = 121,    // a record (header, payload, auth) that does not decode
  kRecordTooLarge = 122,     // a record above the configured size limit
  kPositionRemoved = 123,    // a subscription position retention has removed
  kBadSubscription = 124,    // a subscription request that cannot be served
  kSpoolFull = 125,          // the agent's spool is at its size limit; nothing accepted
  kSubscriptionHeld = 126,   // a durable subscription another live connection holds
  kSubscriptionTakenOver = 127, // this connection's durable subscription was taken over
  kInvalidConfig = 130,      // a configuration or registry file is unusable
  kMalformedTrust = 131,     // a federation root or signed registry version that does not parse

  // 2xx: authentication and authorisation.
  kBadSignature = 200,       // the origin's signature does not verify
  kOriginMismatch = 201,     // the header's origin is not the sending organisation
  kUnknownOrganisation = 202,// an organisation that is not in the registry
  kNotRecipient = 203,       // this organisation holds no key slot for the record
  kDecryptFailed = 204,      // a key slot or ciphertext fails authentication
  kUnauthenticated = 205,    // a peer without a registered identity
  kBadKeySlots = 206,        // key slots do not match the recipient list
  kRevoked = 207,            // an organisation its registry marks revoked
  kNotAuthorized = 208,      // an authenticated peer asking for what it may not do
  kReplayed = 209,           // an admin command seen before, or outside its time window
  kTrustExpired = 210,       // a federation root or registry version past its "expires"
  kUnderThreshold = 211,     // too few valid signatures by the keys the root authorises
  kRollback = 212,           // a root or registry version older than the one trusted
  kWrongRootVersion = 213,   // a root update that is not exactly the trusted version + 1
  kBrokenChain = 214,        // a registry version that does not follow the trusted one
  kWrongFederation = 215,    // a root or registry version of another federation
  kRotationNotAuthorised = 216, // a key change the organisation's previous signing key did not sign
  kNoProofOfPossession = 217,   // a new signing key that did not sign its own key change
  kHistoryRewritten = 218,   // a registry version that removes an organisation or undoes a revocation
  kNotFederated = 219,       // a trust request to a broker that has no federation root
  kPreviousKey = 220,        // a record verified only by a signing key the origin has since replaced
  kKeyCompromised = 221,     // a record signed with a key its registry marks compromised at that time
  kKeyNotConfirmed = 222,    // an organisation's keys this agent has not pinned or confirmed
  kBadReceipt = 223,         // a delivery receipt whose signature or record does not check out

  // 3xx: storage and files.
  kIoError = 300,            // a file or device operation failed
  kStorageError = 301,       // the database refused an operation
  kCorruption = 302,         // stored data is damaged
  kNotFound = 303,           // nothing stored under that key
  kAlreadyExists = 304,      // refusing to overwrite
  kInsecurePermissions = 305,// a secret file readable by others
  kDiskFull = 306,           // refused: the disk would keep too little free space
  kInUse = 307,              // a database directory another process (or Open) holds locked

  // 4xx: transport.
  kTimeout = 400,            // no answer within the deadline
  kTransportError = 401,     // the messaging layer failed
  kUnavailable = 402,        // the component cannot serve now (failed state)
  kUnreachable = 403,        // no connection could be made (refused, no route)
  kBusy = 404,               // the broker is at a limit for this organisation; retry later

  // 5xx: bugs.
  kInternal = 500,
};

// The stable symbolic name of a code, e.g. "BAD_SIGNATURE". Unknown values
// give "UNKNOWN".
std::string_view ErrorCodeName(ErrorCode code);

// Maps a number received on the wire to a code; unknown numbers map to
// kInternal so that a newer peer's codes still read as errors.
ErrorCode ErrorCodeFromWire(std::uint16_t value);

}  // namespace certshare
