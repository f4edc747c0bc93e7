#include "common/base/error_code.h"

namespace certshare {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kMalformedJson: return "MALFORMED_JSON";
    case ErrorCode::kInvalidStix: return "INVALID_STIX";
    case ErrorCode::kMalformedFrame: return "MALFORMED_FRAME";
    case ErrorCode::kUnsupportedVersion: return "UNSUPPORTED_VERSION";
    case ErrorCode::kUnknownCommand: return "UNKNOWN_COMMAND";
    case ErrorCode::kMalformedHeader: return "MALFORMED_HEADER";
    case ErrorCode::kMalformedRecord: return "MALFORMED_RECORD";
    case ErrorCode::kRecordTooLarge: return "RECORD_TOO_LARGE";
    case ErrorCode::kPositionRemoved: return "POSITION_REMOVED";
    case ErrorCode::kBadSubscription: return "BAD_SUBSCRIPTION";
    case ErrorCode::kSpoolFull: return "SPOOL_FULL";
    case ErrorCode::kSubscriptionHeld: return "SUBSCRIPTION_HELD";
    case ErrorCode::kSubscriptionTakenOver: return "SUBSCRIPTION_TAKEN_OVER";
    case ErrorCode::kInvalidConfig: return "INVALID_CONFIG";
    case ErrorCode::kMalformedTrust: return "MALFORMED_TRUST";
    case ErrorCode::kBadSignature: return "BAD_SIGNATURE";
    case ErrorCode::kOriginMismatch: return "ORIGIN_MISMATCH";
    case ErrorCode::kUnknownOrganisation: return "UNKNOWN_ORGANISATION";
    case ErrorCode::kNotRecipient: return "NOT_RECIPIENT";
    case ErrorCode::kDecryptFailed: return "DECRYPT_FAILED";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kBadKeySlots: return "BAD_KEY_SLOTS";
    case ErrorCode::kRevoked: return "REVOKED";
    case ErrorCode::kNotAuthorized: return "NOT_AUTHORIZED";
    case ErrorCode::kReplayed: return "REPLAYED";
    case ErrorCode::kTrustExpired: return "TRUST_EXPIRED";
    case ErrorCode::kUnderThreshold: return "UNDER_THRESHOLD";
    case ErrorCode::kRollback: return "ROLLBACK";
    case ErrorCode::kWrongRootVersion: return "WRONG_ROOT_VERSION";
    case ErrorCode::kBrokenChain: return "BROKEN_CHAIN";
    case ErrorCode::kWrongFederation: return "WRONG_FEDERATION";
    case ErrorCode::kRotationNotAuthorised: return "ROTATION_NOT_AUTHORISED";
    case ErrorCode::kNoProofOfPossession: return "NO_PROOF_OF_POSSESSION";
    case ErrorCode::kHistoryRewritten: return "HISTORY_REWRITTEN";
    case ErrorCode::kNotFederated: return "NOT_FEDERATED";
    case ErrorCode::kPreviousKey: return "PREVIOUS_KEY";
    case ErrorCode::kKeyCompromised: return "KEY_COMPROMISED";
    case ErrorCode::kKeyNotConfirmed: return "KEY_NOT_CONFIRMED";
    case ErrorCode::kBadReceipt: return "BAD_RECEIPT";
    case ErrorCode::kIoError: return "IO_ERROR";
    case ErrorCode::kStorageError: return "STORAGE_ERROR";
    case ErrorCode::kCorruption: return "CORRUPTION";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kInsecurePermissions: return "INSECURE_PERMISSIONS";
    case ErrorCode::kDiskFull: return "DISK_FULL";
    case ErrorCode::kInUse: return "IN_USE";
    case ErrorCode::kTimeout: return "TIMEOUT";
    case ErrorCode::kTransportError: return "TRANSPORT_ERROR";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kUnreachable: return "UNREACHABLE";
    case ErrorCode::kBusy: return "BUSY";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

ErrorCode ErrorCodeFromWire(std::uint16_t value) {
  auto code = static_cast<ErrorCode>(value);
  return ErrorCodeName(code) == "UNKNOWN" ? ErrorCode::kInternal : code;
}

}  // namespace certshare
