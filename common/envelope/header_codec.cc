#include "common/envelope/header_codec.h"

#include <algorithm>
#include <set>
#include <string>

#include "common/base/timestamp.h"

namespace certshare::envelope::internal {

namespace {

Status Malformed(std::string_view message) {
  return Status(ErrorCode::kMalformedHeader, message);
}
Status Truncated(std::string_view field) {
  return Malformed("header truncated in " + std::string(field));
}
Status BadSlots(std::string_view message) {
  return Status(ErrorCode::kBadKeySlots, message);
}

bool IsOrgIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}


// Reads the four required strings and checks each: non-empty, `stix_id`
// within its limit, `modified` a STIX timestamp.
Status ReadIdentity(ByteReader* r, Header* h) {
  if (!r->Str8(&h->stix_type)) return Truncated("stix_type");
  if (!r->Str16(&h->stix_id)) return Truncated("stix_id");
  if (!r->Str8(&h->modified)) return Truncated("modified");
  if (!r->Str8(&h->origin)) return Truncated("origin");
  if (h->stix_type.empty()) return Malformed("empty stix_type");
  if (h->stix_id.empty()) return Malformed("empty stix_id");
  if (h->modified.empty()) return Malformed("empty modified");
  if (h->stix_id.size() > kMaxStixIdLength) {
    return Malformed("stix_id of " + std::to_string(h->stix_id.size()) +
                     " bytes, longer than the limit of " +
                     std::to_string(kMaxStixIdLength));
  }
  if (std::string_view why = WhyNotStixTimestamp(h->modified); !why.empty()) {
    return Malformed("modified " + Shown(h->modified) + " " + std::string(why));
  }
  if (!IsValidOrgId(h->origin)) {
    return Malformed("origin is not a valid organisation id");
  }
  return Status::Ok();
}

Status ReadRecipients(ByteReader* r, Header* h) {
  std::uint16_t count;
  if (!r->U16(&count)) return Truncated("recipient count");
  if (count > kMaxRecipients) {
    return Malformed("recipient count " + std::to_string(count) + " exceeds " +
                     std::to_string(kMaxRecipients));
  }
  std::set<std::string_view> seen;
  h->recipients.resize(count);
  for (std::string& org : h->recipients) {
    if (!r->Str8(&org)) return Truncated("recipients");
    if (!IsValidOrgId(org)) {
      return Malformed("recipient \"" + org +
                       "\" is not a valid organisation id");
    }
    if (!seen.insert(org).second) {
      return Malformed("duplicate recipient \"" + org + "\"");
    }
  }
  return Status::Ok();
}

Status ReadTopics(ByteReader* r, Header* h) {
  std::uint16_t count;
  if (!r->U16(&count)) return Truncated("topic count");
  if (count > kMaxTopics) {
    return Malformed("topic count " + std::to_string(count) + " exceeds " +
                     std::to_string(kMaxTopics));
  }
  h->topics.resize(count);
  for (std::string& topic : h->topics) {
    if (!r->Str8(&topic)) return Truncated("topics");
  }
  return Status::Ok();
}

Status ReadSlots(ByteReader* r, Header* h) {
  std::uint16_t count;
  if (!r->U16(&count)) return Truncated("slot count");
  // Bounded by the bytes present: each slot takes at least 73 bytes, so a
  // hostile count fails on truncation long before memory matters.
  if (static_cast<std::size_t>(count) * 73 > r->remaining()) {
    return Truncated("key slots");
  }
  h->slots.resize(count);
  for (KeySlot& slot : h->slots) {
    ByteView nonce, box;
    if (!r->Str8(&slot.org) || !r->Raw(slot.wrapped.nonce.size(), &nonce) ||
        !r->Raw(slot.wrapped.box.size(), &box)) {
      return Truncated("key slots");
    }
    std::copy(nonce.begin(), nonce.end(), slot.wrapped.nonce.begin());
    std::copy(box.begin(), box.end(), slot.wrapped.box.begin());
  }
  return Status::Ok();
}

// Rules that tie the fields together (TLP, encryption, recipients).
Status CheckRules(const Header& h) {
  const bool zero_nonce =
      std::all_of(h.payload_nonce.begin(), h.payload_nonce.end(),
                  [](std::uint8_t b) { return b == 0; });
  if (!h.encrypted && !zero_nonce) {
    return Malformed("payload_nonce must be zero on an unencrypted record");
  }
  if (!h.encrypted && TlpRequiresEncryption(h.tlp)) {
    return Malformed("unencrypted record at TLP:" +
                     std::string(TlpName(h.tlp)));
  }
  if (TlpRequiresEncryption(h.tlp) && h.recipients.empty()) {
    return Malformed("record at TLP:" + std::string(TlpName(h.tlp)) +
                     " without recipients");
  }
  if (h.encrypted && h.recipients.empty()) {
    return Malformed("encrypted record without recipients");
  }
  return Status::Ok();
}

// Exactly one slot per recipient, in recipient order; none when plaintext.
Status CheckSlots(const Header& h) {
  if (!h.encrypted) {
    if (!h.slots.empty()) return BadSlots("key slots on an unencrypted record");
    return Status::Ok();
  }
  const std::set<std::string_view> recipients(h.recipients.begin(),
                                              h.recipients.end());
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < h.slots.size(); ++i) {
    const std::string& org = h.slots[i].org;
    if (recipients.count(org) == 0) {
      return BadSlots("key slot for non-recipient \"" + org + "\"");
    }
    if (!seen.insert(org).second) {
      return BadSlots("duplicate key slot for \"" + org + "\"");
    }
    if (i >= h.recipients.size() || org != h.recipients[i]) {
      return BadSlots("key slot " + std::to_string(i) +
                      " is not in recipient order");
    }
  }
  if (h.slots.size() < h.recipients.size()) {
    return BadSlots("no key slot for recipient \"" +
                    h.recipients[h.slots.size()] + "\"");
  }
  return Status::Ok();
}

}  // namespace

std::string Shown(std::string_view text) {
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f;
  });
  if (printable) return "\"" + std::string(text) + "\"";
  return "(" + std::to_string(text.size()) + " bytes, not printable text)";
}

bool IsValidOrgId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxOrgIdLength &&
         std::all_of(id.begin(), id.end(), IsOrgIdChar);
}

Bytes EncodeHeader(const Header& h) {
  ByteWriter w;
  w.Raw(AsBytes(kHeaderMagic));
  w.U8(h.version);
  w.U8(static_cast<std::uint8_t>(h.tlp));
  w.U8(h.encrypted ? kFlagEncrypted : 0);
  w.Str8(h.stix_type);
  w.Str16(h.stix_id);
  w.Str8(h.modified);
  w.Str8(h.origin);
  w.U16(static_cast<std::uint16_t>(h.recipients.size()));
  for (const std::string& org : h.recipients) w.Str8(org);
  w.U16(static_cast<std::uint16_t>(h.topics.size()));
  for (const std::string& topic : h.topics) w.Str8(topic);
  w.U16(static_cast<std::uint16_t>(h.slots.size()));
  for (const KeySlot& slot : h.slots) {
    w.Str8(slot.org);
    w.Raw(slot.wrapped.nonce);
    w.Raw(slot.wrapped.box);
  }
  w.Raw(h.payload_nonce);
  return w.Take();
}

Status DecodeHeader(ByteView bytes, Header* h) {
  ByteReader r(bytes);
  ByteView magic;
  if (!r.Raw(kHeaderMagic.size(), &magic)) return Truncated("magic");
  if (AsChars(magic) != kHeaderMagic) return Malformed("bad header magic");
  // The version comes first: a later version may lay out the rest otherwise.
  if (!r.U8(&h->version)) return Truncated("version");
  if (h->version != kVersion) {
    return Status(ErrorCode::kUnsupportedVersion,
                  "envelope version " + std::to_string(h->version) +
                      " (this build speaks " + std::to_string(kVersion) + ")");
  }
  std::uint8_t tlp, flags;
  if (!r.U8(&tlp)) return Truncated("tlp");
  if (!r.U8(&flags)) return Truncated("flags");
  if (tlp > kMaxTlp) return Malformed("tlp " + std::to_string(tlp) + " > 4");
  if ((flags & ~kFlagEncrypted) != 0) return Malformed("unknown flag bits");
  h->tlp = static_cast<Tlp>(tlp);
  h->encrypted = (flags & kFlagEncrypted) != 0;

  CERTSHARE_RETURN_IF_ERROR(ReadIdentity(&r, h));
  CERTSHARE_RETURN_IF_ERROR(ReadRecipients(&r, h));
  CERTSHARE_RETURN_IF_ERROR(ReadTopics(&r, h));
  CERTSHARE_RETURN_IF_ERROR(ReadSlots(&r, h));
  ByteView nonce;
  if (!r.Raw(h->payload_nonce.size(), &nonce))
    return Truncated("payload_nonce");
  std::copy(nonce.begin(), nonce.end(), h->payload_nonce.begin());
  if (!r.Done()) return Malformed("trailing bytes after header");

  CERTSHARE_RETURN_IF_ERROR(CheckRules(*h));
  return CheckSlots(*h);
}

}  // namespace certshare::envelope::internal
