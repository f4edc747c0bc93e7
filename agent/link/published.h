// certshare::agent — what `certshare publish` remembers of a record it
// sent, so that a later answer "already published" can be checked against
// what the broker actually holds (docs/agent.md, "Duplicates").
//
// The broker stores one record per origin, STIX id and `modified`, and
// acknowledges any later record with the same three as a duplicate of the
// first, whatever its recipients or content. The agent cannot read the
// stored record back (an AMBER record sent to others is not routed to its
// origin), so its spool keeps a PublishedNote per record it sent
// (storage::SpoolStore, "sent"): the routing and a digest of the content.
// When the broker answers "duplicate", the note of the stored version (if
// this spool sent it) is compared with the note of the new record.
//
// Thread-safe: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/json.h"
#include "common/base/tlp.h"
#include "common/crypto/keys.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {

struct PublishedNote {
  Tlp tlp = Tlp::kAmber;
  bool encrypted = true;
  std::vector<std::string> recipients;  // sorted
  crypto::Hash256 content{};            // ContentDigest of the payload
  // The record's Merkle leaf hash (envelope::Sealed::leaf), which the
  // recipients' signed receipts name (docs/receipts.md); nullopt in notes
  // written before receipts existed. Not compared by Differences: two
  // seals of one document never share a leaf.
  std::optional<crypto::Hash256> leaf;
  bool operator==(const PublishedNote&) const = default;
};

// BLAKE2b of the STIX document in a canonical form: parsed, object members
// sorted by name at every level, written without whitespace. Two documents
// that differ only in layout or member order have the same digest; any
// changed value (an edited description) changes it. A text that does not
// parse is hashed as it is.
crypto::Hash256 ContentDigest(std::string_view stix_json);
// The same for a document already parsed (with json::Parse): Compose
// parses once. Sorts `document`'s members in place, as the digest does.
crypto::Hash256 ContentDigest(rapidjson::Value& document);

// The note of a record with this header and content digest (and, when
// known, its leaf hash).
PublishedNote NoteOf(const envelope::Header& header, const crypto::Hash256& content,
                     std::optional<crypto::Hash256> leaf = std::nullopt);

// The bytes kept in the spool, and back (nullopt for bytes that are not a
// note):  flags_tlp:u8 encrypted:u8 content:32 bytes [leaf:32 bytes], then
// the recipients, each followed by '\n'. flags_tlp is the TLP (0..4), plus
// 0x80 when the leaf follows the content (notes written before receipts
// have neither the flag nor the leaf, and still decode).
std::string EncodeNote(const PublishedNote& note);
std::optional<PublishedNote> DecodeNote(std::string_view bytes);

// What differs between the stored version and another record with the same
// id and `modified`, as words for a message, in this order: "TLP",
// "encryption", "recipients", "content". Empty when they are the same.
std::vector<std::string> Differences(const PublishedNote& stored, const PublishedNote& other);

// "TLP:amber, to CERT-UA, CERT-EU, encrypted" (the routing part of a note).
std::string DescribeRouting(const PublishedNote& note);

}  // namespace certshare::agent
