#include "common/wire/frame.h"

#include <algorithm>

namespace certshare::wire {

namespace {

constexpr std::size_t kPrefixSize = 2 + 1 + 1 + 8;
constexpr std::size_t kMaxErrorText = 1024;

ByteWriter Start(Command command, std::uint64_t correlation) {
  ByteWriter w;
  w.U8('C');
  w.U8('S');
  w.U8(kVersion);
  w.U8(static_cast<std::uint8_t>(command));
  w.U64(correlation);
  return w;
}

Status Malformed(std::string_view what) {
  return Status(ErrorCode::kMalformedFrame, what);
}

bool ReadList(ByteReader& r, std::vector<std::string>* out) {
  std::uint16_t n = 0;
  if (!r.U16(&n) || n > kMaxFilterEntries) return false;
  out->resize(n);
  for (auto& s : *out) {
    if (!r.Str8(&s) || s.empty()) return false;
  }
  return true;
}

void WriteList(ByteWriter& w, const std::vector<std::string>& list) {
  w.U16(static_cast<std::uint16_t>(list.size()));
  for (const auto& s : list) w.Str8(s);
}

// An optional trailing flags byte: absent means 0, so a present one must
// not be 0 (every message has exactly one encoding) nor carry bits outside
// `known`.
Status ReadOptionalFlags(ByteReader& r, std::uint8_t known, std::string_view command,
                         std::uint8_t* flags) {
  *flags = 0;
  if (r.Done()) return Status::Ok();
  if (!r.U8(flags) || *flags == 0 || (*flags & ~known) != 0) {
    return Malformed(std::string(command) + " flags must be absent or known non-zero bits");
  }
  return Status::Ok();
}

void WriteOptionalFlags(ByteWriter& w, std::uint8_t flags) {
  if (flags != 0) w.U8(flags);
}

Status DecodeSubscribe(ByteReader& r, SubscribeRequest* req) {
  std::uint8_t start = 0;
  if (!r.Str8(&req->name) || !r.U8(&start) || !r.U64(&req->start_value) ||
      !r.U32(&req->credit)) {
    return Malformed("truncated SUBSCRIBE");
  }
  if (start > static_cast<std::uint8_t>(StartKind::kTime)) {
    return Malformed("unknown SUBSCRIBE start kind");
  }
  req->start = static_cast<StartKind>(start);
  if (!ReadList(r, &req->types) || !ReadList(r, &req->origins) || !r.U8(&req->tlp_min) ||
      !r.U8(&req->tlp_max) || !ReadList(r, &req->topics)) {
    return Malformed("bad SUBSCRIBE filter (truncated, empty entry, or more than " +
                     std::to_string(kMaxFilterEntries) + " entries)");
  }
  if (req->tlp_min > req->tlp_max || req->tlp_max > 4) {
    return Malformed("SUBSCRIBE TLP range must satisfy min <= max <= 4");
  }
  std::uint8_t flags = 0;
  CERTSHARE_RETURN_IF_ERROR(ReadOptionalFlags(r, kSubscribeTakeOver, "SUBSCRIBE", &flags));
  req->take_over = (flags & kSubscribeTakeOver) != 0;
  return Status::Ok();
}

Status DecodePositionsOk(ByteReader& r, Message* out) {
  std::uint16_t n = 0;
  if (!r.U64(&out->head) || !r.U64(&out->first) || !r.U16(&n)) {
    return Malformed("truncated POSITIONS_OK");
  }
  if (n > kMaxPositions) {
    return Malformed("POSITIONS_OK lists more than " + std::to_string(kMaxPositions) +
                     " subscriptions");
  }
  out->positions.resize(n);
  for (Position& p : out->positions) {
    std::uint8_t state = 0;
    if (!r.Str8(&p.name) || !r.U64(&p.acknowledged) || !r.U8(&state)) {
      return Malformed("truncated POSITIONS_OK");
    }
    if (p.name.empty()) return Malformed("POSITIONS_OK with an empty subscription name");
    if ((state & ~(kPositionConnected | kPositionHasLag)) != 0) {
      return Malformed("POSITIONS_OK state with unknown bits");
    }
    p.connected = (state & kPositionConnected) != 0;
    if ((state & kPositionHasLag) != 0) {
      std::uint64_t lag = 0;
      if (!r.U64(&lag)) return Malformed("truncated POSITIONS_OK");
      p.lag = lag;
    }
  }
  return Status::Ok();
}

bool ReadFiles(ByteReader& r, std::vector<std::string>* out) {
  std::uint16_t n = 0;
  if (!r.U16(&n) || n > kMaxTrustFiles) return false;
  out->resize(n);
  for (auto& file : *out) {
    ByteView bytes;
    if (!r.Blob32(&bytes) || bytes.empty()) return false;
    file.assign(AsChars(bytes));
  }
  return true;
}

void WriteFiles(ByteWriter& w, const std::vector<std::string>& files) {
  w.U16(static_cast<std::uint16_t>(files.size()));
  for (const auto& file : files) w.Blob32(AsBytes(file));
}

Status DecodeTrust(ByteReader& r, TrustFiles* out) {
  if (!r.U64(&out->latest_root) || !r.U64(&out->latest_registry)) {
    return Malformed("truncated TRUST");
  }
  if (!ReadFiles(r, &out->roots) || !ReadFiles(r, &out->registries)) {
    return Malformed("bad TRUST file list (truncated, an empty file, or more than " +
                     std::to_string(kMaxTrustFiles) + " files)");
  }
  ByteView timestamp;
  if (!r.Blob32(&timestamp)) return Malformed("truncated TRUST timestamp");
  out->timestamp.assign(AsChars(timestamp));
  return Status::Ok();
}

Status DecodeBody(ByteReader& r, Message* out) {
  switch (out->command) {
    case Command::kPublish:
      r.Raw(r.remaining(), &out->record);
      if (out->record.empty()) return Malformed("PUBLISH without a record");
      return Status::Ok();
    case Command::kAck: {
      std::uint8_t flags = 0;
      if (!r.U64(&out->sequence) || !r.U8(&flags)) return Malformed("truncated ACK");
      if ((flags & ~kAckDuplicate) != 0) return Malformed("unknown ACK flags");
      out->duplicate = (flags & kAckDuplicate) != 0;
      break;
    }
    case Command::kError: {
      std::uint16_t code = 0;
      if (!r.U16(&code) || !r.Str16(&out->text)) return Malformed("truncated ERROR");
      out->error = ErrorCodeFromWire(code);
      break;
    }
    case Command::kSubscribe:
      CERTSHARE_RETURN_IF_ERROR(DecodeSubscribe(r, &out->subscribe));
      break;
    case Command::kCaughtUp:
    case Command::kConsumed:
      if (!r.U64(&out->sequence)) return Malformed("truncated sequence");
      break;
    case Command::kSubscribed:
      if (!r.U64(&out->sequence) || !r.U64(&out->head) || !r.U64(&out->first)) {
        return Malformed("truncated SUBSCRIBED");
      }
      break;
    case Command::kCredit:
      if (!r.U32(&out->credit)) return Malformed("truncated CREDIT");
      break;
    case Command::kPing:
    case Command::kPong:
      break;
    case Command::kPositions: {
      std::uint8_t flags = 0;
      CERTSHARE_RETURN_IF_ERROR(ReadOptionalFlags(r, kPositionsWithLag, "POSITIONS", &flags));
      out->positions_with_lag = (flags & kPositionsWithLag) != 0;
      break;
    }
    case Command::kPositionsOk:
      CERTSHARE_RETURN_IF_ERROR(DecodePositionsOk(r, out));
      break;
    case Command::kAdmin: {
      ByteView command, signature;
      if (!r.Blob32(&command) || !r.Raw(kAdminSignatureBytes, &signature)) {
        return Malformed("truncated ADMIN");
      }
      if (command.empty() || command.size() > kMaxAdminCommandBytes) {
        return Malformed("ADMIN command must be 1 to " + std::to_string(kMaxAdminCommandBytes) +
                         " bytes");
      }
      out->admin.assign(AsChars(command));
      std::copy(signature.begin(), signature.end(), out->admin_signature.begin());
      break;
    }
    case Command::kAdminOk: {
      ByteView result;
      if (!r.Blob32(&result)) return Malformed("truncated ADMIN_OK");
      if (result.size() > kMaxAdminResultBytes) return Malformed("ADMIN_OK result too large");
      out->admin.assign(AsChars(result));
      break;
    }
    case Command::kTrustGet:
      if (!r.U64(&out->root_version) || !r.U64(&out->registry_version)) {
        return Malformed("truncated TRUST_GET");
      }
      break;
    case Command::kTrust:
      CERTSHARE_RETURN_IF_ERROR(DecodeTrust(r, &out->trust));
      break;
    case Command::kTrustNotice:
      // A push, never an answer: one encoding, correlation 0.
      if (out->correlation != 0) return Malformed("TRUST_NOTICE carries correlation 0");
      if (!r.U64(&out->root_version) || !r.U64(&out->registry_version) ||
          !r.U64(&out->timestamp_issued_ms)) {
        return Malformed("truncated TRUST_NOTICE");
      }
      break;
    case Command::kDeliver:
      if (!r.U64(&out->sequence)) return Malformed("truncated DELIVER");
      r.Raw(r.remaining(), &out->record);
      if (out->record.empty()) return Malformed("DELIVER without a record");
      return Status::Ok();
    default:
      return Status(ErrorCode::kUnknownCommand,
                    "unknown command 0x" +
                        HexEncode(ByteView(reinterpret_cast<const std::uint8_t*>(
                                               &out->command), 1)));
  }
  if (!r.Done()) return Malformed("trailing bytes after the message");
  return Status::Ok();
}

}  // namespace

Bytes EncodePublish(std::uint64_t correlation, ByteView record) {
  ByteWriter w = Start(Command::kPublish, correlation);
  w.Raw(record);
  return w.Take();
}

Bytes EncodeAck(std::uint64_t correlation, std::uint64_t sequence, bool duplicate) {
  ByteWriter w = Start(Command::kAck, correlation);
  w.U64(sequence);
  w.U8(duplicate ? kAckDuplicate : 0);
  return w.Take();
}

Bytes EncodeError(std::uint64_t correlation, ErrorCode code, std::string_view text) {
  ByteWriter w = Start(Command::kError, correlation);
  w.U16(static_cast<std::uint16_t>(code));
  w.Str16(text.substr(0, kMaxErrorText));
  return w.Take();
}

Bytes EncodeSubscribe(std::uint64_t correlation, const SubscribeRequest& req) {
  ByteWriter w = Start(Command::kSubscribe, correlation);
  w.Str8(req.name);
  w.U8(static_cast<std::uint8_t>(req.start));
  w.U64(req.start_value);
  w.U32(req.credit);
  WriteList(w, req.types);
  WriteList(w, req.origins);
  w.U8(req.tlp_min);
  w.U8(req.tlp_max);
  WriteList(w, req.topics);
  WriteOptionalFlags(w, req.take_over ? kSubscribeTakeOver : 0);
  return w.Take();
}

Bytes EncodeSubscribed(std::uint64_t correlation, std::uint64_t start, std::uint64_t head,
                       std::uint64_t first) {
  ByteWriter w = Start(Command::kSubscribed, correlation);
  w.U64(start);
  w.U64(head);
  w.U64(first);
  return w.Take();
}

Bytes EncodeConsumed(std::uint64_t correlation, std::uint64_t sequence) {
  ByteWriter w = Start(Command::kConsumed, correlation);
  w.U64(sequence);
  return w.Take();
}

Bytes EncodeCredit(std::uint64_t correlation, std::uint32_t credit) {
  ByteWriter w = Start(Command::kCredit, correlation);
  w.U32(credit);
  return w.Take();
}

Bytes EncodePositions(std::uint64_t correlation, bool with_lag) {
  ByteWriter w = Start(Command::kPositions, correlation);
  WriteOptionalFlags(w, with_lag ? kPositionsWithLag : 0);
  return w.Take();
}

Bytes EncodePositionsOk(std::uint64_t correlation, std::uint64_t head, std::uint64_t first,
                        const std::vector<Position>& positions) {
  ByteWriter w = Start(Command::kPositionsOk, correlation);
  w.U64(head);
  w.U64(first);
  w.U16(static_cast<std::uint16_t>(positions.size()));
  for (const Position& p : positions) {
    w.Str8(p.name);
    w.U64(p.acknowledged);
    w.U8((p.connected ? kPositionConnected : 0) | (p.lag ? kPositionHasLag : 0));
    if (p.lag) w.U64(*p.lag);
  }
  return w.Take();
}

Bytes EncodePing(std::uint64_t correlation) { return Start(Command::kPing, correlation).Take(); }
Bytes EncodePong(std::uint64_t correlation) { return Start(Command::kPong, correlation).Take(); }

Bytes EncodeDeliver(std::uint64_t correlation, std::uint64_t sequence, ByteView record) {
  ByteWriter w = Start(Command::kDeliver, correlation);
  w.U64(sequence);
  w.Raw(record);
  return w.Take();
}

Bytes EncodeCaughtUp(std::uint64_t correlation, std::uint64_t head_sequence) {
  ByteWriter w = Start(Command::kCaughtUp, correlation);
  w.U64(head_sequence);
  return w.Take();
}

Bytes AdminSignedMessage(std::string_view command) {
  ByteWriter w;
  w.Raw(AsBytes(kAdminDomain));
  w.U8(0);
  w.Raw(AsBytes(command));
  return w.Take();
}

Bytes EncodeAdmin(std::uint64_t correlation, std::string_view command,
                  const AdminSignature& signature) {
  ByteWriter w = Start(Command::kAdmin, correlation);
  w.Blob32(AsBytes(command));
  w.Raw(signature);
  return w.Take();
}

Bytes EncodeAdminOk(std::uint64_t correlation, std::string_view result) {
  ByteWriter w = Start(Command::kAdminOk, correlation);
  w.Blob32(AsBytes(result));
  return w.Take();
}

Bytes EncodeTrustGet(std::uint64_t correlation, std::uint64_t root_version,
                     std::uint64_t registry_version) {
  ByteWriter w = Start(Command::kTrustGet, correlation);
  w.U64(root_version);
  w.U64(registry_version);
  return w.Take();
}

Bytes EncodeTrust(std::uint64_t correlation, const TrustFiles& files) {
  ByteWriter w = Start(Command::kTrust, correlation);
  w.U64(files.latest_root);
  w.U64(files.latest_registry);
  WriteFiles(w, files.roots);
  WriteFiles(w, files.registries);
  w.Blob32(AsBytes(files.timestamp));
  return w.Take();
}

std::size_t TrustFrameBytes(const TrustFiles& files) {
  std::size_t n = kPrefixSize + 8 + 8 + 2 + 2 + 4 + files.timestamp.size();
  for (const auto& f : files.roots) n += 4 + f.size();
  for (const auto& f : files.registries) n += 4 + f.size();
  return n;
}

Bytes EncodeTrustNotice(std::uint64_t root_version, std::uint64_t registry_version,
                        std::uint64_t timestamp_issued_ms) {
  ByteWriter w = Start(Command::kTrustNotice, 0);
  w.U64(root_version);
  w.U64(registry_version);
  w.U64(timestamp_issued_ms);
  return w.Take();
}

Status Decode(ByteView frame, Message* out) {
  *out = Message{};
  if (frame.size() < kPrefixSize) return Malformed("frame shorter than its prefix");
  ByteReader r(frame);
  std::uint8_t c, s, version, command;
  r.U8(&c);
  r.U8(&s);
  r.U8(&version);
  r.U8(&command);
  r.U64(&out->correlation);
  if (c != 'C' || s != 'S') return Malformed("bad magic (not a certshare frame)");
  if (version != kVersion) {
    return Status(ErrorCode::kUnsupportedVersion,
                  "wire version " + std::to_string(version) + " (this peer speaks " +
                      std::to_string(kVersion) + ")");
  }
  out->command = static_cast<Command>(command);
  return DecodeBody(r, out);
}

}  // namespace certshare::wire
