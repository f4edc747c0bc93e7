#include "storage/spool_format.h"

namespace certshare::storage::spool_format {

namespace {

std::string ToString(const Bytes& b) { return std::string(AsChars(b)); }

// The rest of the value is the record.
bool ReadRest(ByteReader& r, Bytes* out) {
  ByteView rest;
  if (!r.Raw(r.remaining(), &rest) || !r.Done()) return false;
  out->assign(rest.begin(), rest.end());
  return true;
}

bool ReadBlobString(ByteReader& r, std::string* out) {
  ByteView blob;
  if (!r.Blob32(&blob)) return false;
  out->assign(AsChars(blob));
  return true;
}

}  // namespace

std::string EncodeId(std::uint64_t id) {
  ByteWriter w;
  w.U64(id);
  return ToString(w.bytes());
}

std::optional<std::uint64_t> DecodeId(std::string_view key) {
  ByteReader r(AsBytes(key));
  std::uint64_t id = 0;
  if (!r.U64(&id) || !r.Done()) return std::nullopt;
  return id;
}

std::string EncodeState(const State& s) {
  ByteWriter w;
  w.U64(s.last_id);
  w.U64(s.pending);
  w.U64(s.pending_bytes);
  w.U64(s.refused);
  w.U64(s.refused_bytes);
  return ToString(w.bytes());
}

std::optional<State> DecodeState(std::string_view value) {
  ByteReader r(AsBytes(value));
  State s;
  r.U64(&s.last_id);
  r.U64(&s.pending);
  r.U64(&s.pending_bytes);
  r.U64(&s.refused);
  r.U64(&s.refused_bytes);
  if (!r.Done()) return std::nullopt;
  return s;
}

std::string EncodePending(const SpooledRecord& rec) {
  return EncodePendingValue(rec.accepted_ms, rec.dedupe_key, rec.record);
}

std::string EncodePendingValue(std::uint64_t accepted_ms, std::string_view dedupe_key,
                               ByteView record) {
  ByteWriter w;
  w.U64(accepted_ms);
  w.Blob32(AsBytes(dedupe_key));
  w.Raw(record);
  return ToString(w.bytes());
}

std::optional<SpooledRecord> DecodePending(std::uint64_t id, std::string_view value) {
  ByteReader r(AsBytes(value));
  SpooledRecord rec;
  rec.id = id;
  if (!r.U64(&rec.accepted_ms) || !ReadBlobString(r, &rec.dedupe_key) ||
      !ReadRest(r, &rec.record)) {
    return std::nullopt;
  }
  return rec;
}

std::string SentKey(std::string_view dedupe_key) {
  return std::string(kSentPrefix) + std::string(dedupe_key);
}

std::string EncodeSent(const SentRecord& rec) {
  ByteWriter w;
  w.U64(rec.spool_id);
  w.U64(rec.sequence);
  w.U64(rec.stored_ms);
  w.Raw(AsBytes(rec.note));
  return ToString(w.bytes());
}

std::optional<SentRecord> DecodeSent(std::string_view value) {
  ByteReader r(AsBytes(value));
  SentRecord rec;
  ByteView note;
  if (!r.U64(&rec.spool_id) || !r.U64(&rec.sequence) || !r.U64(&rec.stored_ms) ||
      !r.Raw(r.remaining(), &note) || !r.Done()) {
    return std::nullopt;
  }
  rec.note.assign(AsChars(note));
  return rec;
}

std::string EncodeRefused(const RefusedRecord& rec) {
  ByteWriter w;
  w.U64(rec.spooled.accepted_ms);
  w.U64(rec.refused_ms);
  w.U16(static_cast<std::uint16_t>(rec.code));
  w.Blob32(AsBytes(rec.spooled.dedupe_key));
  w.Blob32(AsBytes(rec.message));
  w.Raw(rec.spooled.record);
  return ToString(w.bytes());
}

std::optional<RefusedRecord> DecodeRefused(std::uint64_t id, std::string_view value) {
  ByteReader r(AsBytes(value));
  RefusedRecord rec;
  rec.spooled.id = id;
  std::uint16_t code = 0;
  if (!r.U64(&rec.spooled.accepted_ms) || !r.U64(&rec.refused_ms) || !r.U16(&code) ||
      !ReadBlobString(r, &rec.spooled.dedupe_key) || !ReadBlobString(r, &rec.message) ||
      !ReadRest(r, &rec.spooled.record)) {
    return std::nullopt;
  }
  rec.code = ErrorCodeFromWire(code);
  return rec;
}

}  // namespace certshare::storage::spool_format
