#include "agent/receive/render.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "agent/receive/header_json.h"
#include "agent/stix/creators.h"
#include "common/base/json.h"
#include "common/base/timestamp.h"
#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

// Opens a record with the origin's current keys or, for a record from
// before a rotation, the keys its card keeps (previous_sign_keys,
// previous_box_keys; docs/identity.md). The current keys are tried first,
// so a record signed with them costs one verification as before; a record
// no key verifies is BAD_SIGNATURE, as with one key. Sets *by_previous
// when only a previous signing key verifies it.
Result<std::string> OpenWithAnyKey(const envelope::Record& record,
                                   const identity::Identity& me, const identity::Card& origin,
                                   const envelope::OpenMemory& memory, bool* by_previous) {
  *by_previous = false;
  const crypto::SigningPublicKey* sign_key = &origin.sign_key;
  Result<std::string> opened =
      envelope::Open(record, me.card.org, me.box_secret, *sign_key, origin.box_key, memory);
  if (!opened.ok() && opened.status().code() == ErrorCode::kBadSignature) {
    for (const auto& previous : origin.previous_sign_keys) {
      if (!envelope::Verify(record, previous, memory.verified_roots).ok()) continue;
      sign_key = &previous;
      *by_previous = true;
      opened = envelope::Open(record, me.card.org, me.box_secret, *sign_key, origin.box_key,
                              memory);
      break;
    }
  }
  // Key slots wrapped by the origin's box key of the time.
  if (!opened.ok() && opened.status().code() == ErrorCode::kDecryptFailed) {
    for (const auto& previous : origin.previous_box_keys) {
      Result<std::string> again = envelope::Open(record, me.card.org, me.box_secret, *sign_key,
                                                 previous, memory);
      if (again.ok()) return again;
    }
  }
  return opened;
}

// What the registry says of a record whose signature verified
// (render.h): a revoked origin, a previous key, a compromised key refuse
// it, unless its signed root is on the origin's allow-list.
Status CheckOriginStanding(const envelope::Record& record, const identity::Card& origin,
                           bool by_previous, const VerifyOptions& options) {
  const std::optional<crypto::Hash256> root = envelope::SignedRoot(record);
  if (root && std::find(origin.allowed_roots.begin(), origin.allowed_roots.end(), *root) !=
                  origin.allowed_roots.end()) {
    return Status::Ok();
  }
  const std::string& org = origin.org;
  // What the registry signers allow-list (trust registry next --allow-root).
  const std::string allow =
      root ? " To accept it, the registry signers list its signed root: --allow-root " + org +
                 ":" + HexEncode(ByteView(root->data(), root->size()))
           : std::string();
  if (origin.revoked) {
    return Status(ErrorCode::kRevoked,
                  "origin " + org + " was revoked at " + origin.revoked_at +
                      ": its records are refused unless the registry lists them as known "
                      "good (allowed_roots)." + allow);
  }
  if (by_previous && !options.accept_previous_keys) {
    return Status(ErrorCode::kPreviousKey,
                  "the record verifies only with a signing key " + org +
                      " has replaced: whoever holds the old key could have signed it after "
                      "the rotation (the registry lists no such record as known good; "
                      "subscribe --accept-previous-keys accepts them)." + allow);
  }
  if (!origin.compromised_since.empty() &&
      CompareStixTimestamps(record.header.modified, origin.compromised_since) >= 0) {
    return Status(ErrorCode::kKeyCompromised,
                  "the record claims " + record.header.modified + ", at or after " + org +
                      "'s key was marked compromised (" + origin.compromised_since +
                      "): it may be a thief's; ask " + org + " out of band." + allow);
  }
  return Status::Ok();
}

}  // namespace

Result<Verified> Verify(std::uint64_t sequence, ByteView bytes,
                        const identity::Identity& me,
                        const identity::Registry& registry, const VerifyOptions& options) {
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record record, envelope::Decode(bytes));
  const envelope::Header& h = record.header;
  const identity::Card* origin = registry.Find(h.origin);
  if (origin == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "origin " + h.origin + " is not in this agent's registry, so its "
                  "signature cannot be checked");
  }
  bool by_previous = false;
  CERTSHARE_ASSIGN_OR_RETURN(
      std::string plaintext,
      OpenWithAnyKey(record, me, *origin, options.memory, &by_previous));
  CERTSHARE_RETURN_IF_ERROR(CheckOriginStanding(record, *origin, by_previous, options));
  rapidjson::Document object;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(plaintext, &object));
  schemas::Report report = schemas::Check(object);
  if (!report.ok()) {
    return Status(ErrorCode::kInvalidStix,
                  "the payload is not valid STIX: " + report.problems[0].pointer + ": " +
                      report.problems[0].message);
  }
  // `modified` as an instant: "…:05Z" in the header names "…:05.000Z".
  if (report.summary.id != h.stix_id || report.summary.type != h.stix_type ||
      CompareStixTimestamps(report.summary.modified, h.modified) != 0) {
    return Status(ErrorCode::kInvalidStix,
                  "the payload (" + report.summary.id + ", " + report.summary.modified +
                      ") is not what the signed header names (" + h.stix_id + ", " +
                      h.modified + ")");
  }
  // A record may travel above its content's TLP (publish --tlp raises it),
  // never below: recipients and their tools act on the header's level.
  if (report.summary.tlp && *report.summary.tlp > h.tlp) {
    return Status(ErrorCode::kInvalidStix,
                  schemas::DescribeTlpMarking(report.summary) +
                      ", but the signed header says TLP:" + std::string(TlpName(h.tlp)) +
                      ": a record never travels below its content's marking");
  }
  CERTSHARE_RETURN_IF_ERROR(CheckCreators(object, h.origin, registry));

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("sequence");
  w.Uint64(sequence);
  WriteHeaderMembers(w, h);
  w.Key("topics");
  w.StartArray();
  for (const auto& t : h.topics) w.String(t);
  w.EndArray();
  w.Key("object");
  object.Accept(w);
  w.EndObject();

  Verified out;
  out.sequence = sequence;
  out.origin = h.origin;
  out.tlp = std::string(TlpName(h.tlp));
  out.type = h.stix_type;
  out.id = h.stix_id;
  out.modified = h.modified;
  out.recipients = h.recipients;
  out.dedupe_key = envelope::EncodeRecordKey(envelope::RecordKeyOf(h));
  out.leaf = envelope::LeafHash(record);
  out.object = json::Write(object);
  out.line.assign(buffer.GetString(), buffer.GetSize());
  return out;
}

Result<std::string> Render(std::uint64_t sequence, ByteView bytes,
                           const identity::Identity& me,
                           const identity::Registry& registry, const VerifyOptions& options) {
  CERTSHARE_ASSIGN_OR_RETURN(Verified verified, Verify(sequence, bytes, me, registry, options));
  return std::move(verified.line);
}

}  // namespace certshare::agent
