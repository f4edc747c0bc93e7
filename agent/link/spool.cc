// agent::Spool: dedupe keys from the envelope, everything else in
// storage::SpoolStore.
#include "agent/link/spool.h"

#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"

namespace certshare::agent {

Result<std::unique_ptr<Spool>> Spool::Open(const std::string& dir, const SpoolOptions& options) {
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<storage::SpoolStore> store,
                             storage::SpoolStore::Open(dir, options));
  return std::make_unique<Spool>(std::move(store));
}

Result<SpoolCounts> Spool::Inspect(const std::string& dir) {
  return storage::SpoolStore::Inspect(dir);
}

Result<std::vector<RefusedRecord>> Spool::InspectRefused(const std::string& dir,
                                                         std::size_t max) {
  return storage::SpoolStore::InspectRefused(dir, max);
}

Result<std::vector<std::uint64_t>> Spool::Add(std::span<const Bytes> records,
                                              std::span<const std::string> notes) {
  std::vector<std::string> keys;
  keys.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto key = DedupeKeyOf(records[i]);
    if (!key.ok()) {
      return key.status().WithContext("record " + std::to_string(i + 1) + " of " +
                                      std::to_string(records.size()));
    }
    keys.push_back(std::move(*key));
  }
  return AddKeyed(records, keys, notes);
}

Result<std::vector<std::uint64_t>> Spool::AddKeyed(std::span<const Bytes> records,
                                                   std::span<const std::string> keys,
                                                   std::span<const std::string> notes) {
  if (!notes.empty() && notes.size() != records.size()) {
    return Status(ErrorCode::kInvalidArgument, "one note per record, or none");
  }
  if (keys.size() != records.size()) {
    return Status(ErrorCode::kInvalidArgument, "one dedupe key per record");
  }
  std::vector<storage::SpoolEntry> entries;
  entries.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    entries.push_back({keys[i], records[i], notes.empty() ? ByteView() : AsBytes(notes[i])});
  }
  return store_->Add(entries);
}

Result<std::optional<std::chrono::milliseconds>> Spool::OldestAge() {
  CERTSHARE_ASSIGN_OR_RETURN(SpoolCounts counts, store_->Counts());
  if (!counts.oldest_accepted_ms) return std::optional<std::chrono::milliseconds>();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto oldest = static_cast<std::int64_t>(*counts.oldest_accepted_ms);
  return std::optional<std::chrono::milliseconds>(
      std::chrono::milliseconds(now > oldest ? now - oldest : 0));
}

Result<std::string> DedupeKeyOf(ByteView record) {
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record decoded, envelope::Decode(record));
  return envelope::EncodeRecordKey(envelope::RecordKeyOf(decoded.header));
}

}  // namespace certshare::agent
