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

// Verifies a record with the origin's current signing key or, for a
// record from before a rotation, one its card keeps (previous_sign_keys;
// docs/identity.md), then opens it with the origin's current box key or
// one of previous_box_keys (key slots wrapped by the box key of the
// time). The current keys are tried first, so a record signed with them
// costs one verification as before; a record no key verifies is
// BAD_SIGNATURE, as with one key. Sets *by_previous when only a previous
// signing key verifies it. `root` is the record's signed root
// (envelope::SignedRoot), computed once by the caller.
Result<std::string> OpenWithAnyKey(const envelope::Record& record,
                                   const std::optional<crypto::Hash256>& root,
                                   const identity::Identity& me, const identity::Card& origin,
                                   const envelope::OpenMemory& memory, bool* by_previous) {
  *by_previous = false;
  Status verified = envelope::Verify(record, root, origin.sign_key, memory.verified_roots);
  if (!verified.ok() && verified.code() == ErrorCode::kBadSignature) {
    for (const auto& previous : origin.previous_sign_keys) {
      if (!envelope::Verify(record, root, previous, memory.verified_roots).ok()) continue;
      verified = Status::Ok();
      *by_previous = true;
      break;
    }
  }
  CERTSHARE_RETURN_IF_ERROR(verified);
  Result<std::string> opened = envelope::OpenVerified(record, me.card.org, me.box_secret,
                                                      origin.box_key, memory.shared_keys);
  if (!opened.ok() && opened.status().code() == ErrorCode::kDecryptFailed) {
    for (const auto& previous : origin.previous_box_keys) {
      Result<std::string> again = envelope::OpenVerified(record, me.card.org, me.box_secret,
                                                         previous, memory.shared_keys);
      if (again.ok()) return again;
    }
  }
  return opened;
}

// What the registry says of a record whose signature verified
// (render.h): a revoked origin, a previous key, a compromised key refuse
// it, unless its signed root is on the origin's allow-list.
Status CheckOriginStanding(const envelope::Record& record,
                           const std::optional<crypto::Hash256>& root,
                           const identity::Card& origin, bool by_previous,
                           const VerifyOptions& options) {
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
  // The record is hashed once: its leaf names it in a receipt, its root is
  // what the signature covers and what an allow-list names.
  const crypto::Hash256 leaf = envelope::LeafHash(record);
  const std::optional<crypto::Hash256> root = envelope::SignedRoot(record, leaf);
  bool by_previous = false;
  CERTSHARE_ASSIGN_OR_RETURN(
      std::string plaintext,
      OpenWithAnyKey(record, root, me, *origin, options.memory, &by_previous));
  CERTSHARE_RETURN_IF_ERROR(CheckOriginStanding(record, root, *origin, by_previous, options));
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

  Verified out;
  out.object = json::Write(object);
  // The line: the header's members, then the object as just written (not
  // serialised twice), closing the line's object.
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
  w.RawValue(out.object.data(), out.object.size(), rapidjson::kObjectType);
  w.EndObject();

  out.sequence = sequence;
  out.origin = h.origin;
  out.tlp = std::string(TlpName(h.tlp));
  out.type = h.stix_type;
  out.id = h.stix_id;
  out.modified = h.modified;
  out.recipients = h.recipients;
  out.dedupe_key = envelope::EncodeRecordKey(envelope::RecordKeyOf(h));
  out.leaf = leaf;
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
