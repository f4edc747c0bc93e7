#include "broker/trust_store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "common/base/file_util.h"
#include "common/base/json.h"

namespace certshare::broker {

namespace {

// Largest stored file: a registry version's payload as hex, and margin.
constexpr std::size_t kMaxFileBytes = 2 * trust::kMaxRegistryPayload + (64u << 10);

Status Malformed(std::string_view what) {
  return Status(ErrorCode::kMalformedTrust, std::string(what));
}

// "00000003-registry-2.json" -> (3, kind, 2); false for other names.
bool ParseEntryName(const std::string& name, std::uint64_t* seq, std::string* kind,
                    std::uint64_t* version) {
  unsigned long long s = 0, v = 0;
  char k[16] = {0};
  int used = 0;
  if (std::sscanf(name.c_str(), "%8llu-%15[a-z]-%llu.json%n", &s, k, &v, &used) != 3 ||
      static_cast<std::size_t>(used) != name.size()) {
    return false;
  }
  *seq = s;
  *kind = k;
  *version = v;
  return true;
}

std::string EntryName(std::uint64_t seq, std::string_view kind, std::uint64_t version) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%08llu-%.*s-%llu.json", static_cast<unsigned long long>(seq),
                static_cast<int>(kind.size()), kind.data(),
                static_cast<unsigned long long>(version));
  return buf;
}

std::string_view FileKindWord(TrustStore::Kind kind) {
  return kind == TrustStore::Kind::kRoot ? "root" : "registry";
}

}  // namespace

std::string_view TrustStore::KindName(Kind kind) {
  switch (kind) {
    case Kind::kRoot: return "root";
    case Kind::kRegistry: return "registry version";
    case Kind::kTimestamp: return "timestamp";
  }
  return "root";
}

Result<TrustStore::Kind> TrustFileKind(std::string_view text) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_bytes = kMaxFileBytes;
  limits.max_depth = 4;
  Status parsed = json::Parse(text, &doc, limits);
  if (!parsed.ok()) return Malformed("not a signed trust file: " + parsed.message());
  std::string type;
  if (!doc.IsObject() || !json::GetString(doc, "payload_type", &type)) {
    return Malformed("not a signed trust file: no \"payload_type\"");
  }
  if (type == trust::kRootPayloadType) return TrustStore::Kind::kRoot;
  if (type == trust::kRegistryPayloadType) return TrustStore::Kind::kRegistry;
  if (type == trust::kTimestampPayloadType) return TrustStore::Kind::kTimestamp;
  return Malformed("\"payload_type\" is \"" + type.substr(0, 64) + "\"; a broker applies \"" +
                   std::string(trust::kRootPayloadType) + "\", \"" +
                   std::string(trust::kRegistryPayloadType) + "\" or \"" +
                   std::string(trust::kTimestampPayloadType) + "\"");
}

Result<std::unique_ptr<TrustStore>> TrustStore::Open(const std::string& dir,
                                                     std::string_view pinned_root_text) {
  CERTSHARE_ASSIGN_OR_RETURN(trust::SignedRoot pinned, trust::VerifyPinnedRoot(pinned_root_text));
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  std::unique_ptr<TrustStore> store(new TrustStore(dir));
  store->root_ = pinned;

  // The numbered entries, in order; anything else (a write's temporary
  // file) is left alone.
  std::map<std::uint64_t, std::pair<std::string, std::uint64_t>> entries;
  std::error_code ec;
  for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = item.path().filename().string();
    std::uint64_t seq = 0, version = 0;
    std::string kind;
    if (!ParseEntryName(name, &seq, &kind, &version)) continue;
    if (!entries.emplace(seq, std::make_pair(name, version)).second) {
      return Status(ErrorCode::kInvalidConfig, dir + ": two entries numbered " +
                                                   std::to_string(seq));
    }
  }
  if (ec) return Status(ErrorCode::kIoError, "cannot list " + dir + ": " + ec.message());

  if (entries.empty()) {
    CERTSHARE_RETURN_IF_ERROR(store->Persist(Kind::kRoot, pinned.root.version, pinned_root_text));
    store->root_files_.push_back({pinned.root.version, std::string(pinned_root_text)});
    return store;
  }
  std::uint64_t expected = 1;
  for (const auto& [seq, entry] : entries) {
    const std::string path = dir + "/" + entry.first;
    if (seq != expected) {
      return Status(ErrorCode::kInvalidConfig,
                    path + ": entry " + std::to_string(expected) +
                        " of the stored trust chain is missing");
    }
    ++expected;
    CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, kMaxFileBytes));
    if (seq == 1) {
      if (text != pinned_root_text) {
        return Status(ErrorCode::kInvalidConfig,
                      path + " is not the configured root: this data directory holds another "
                             "federation's trust chain (or the configured root file changed)");
      }
      store->root_files_.push_back({pinned.root.version, std::move(text)});
      store->entries_ = 1;
      continue;
    }
    // Everything but expiry: an intermediate version may have expired since.
    Result<Pending> pending = store->Check(text, 0);
    if (!pending.ok()) {
      return pending.status().WithContext(path + " (stored trust chain) no longer verifies");
    }
    store->Commit(std::move(*pending), text);
    store->entries_ = seq;
  }
  const std::string timestamp_path = dir + "/timestamp.json";
  if (store->registry_ && std::filesystem::exists(timestamp_path, ec)) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(timestamp_path, kMaxFileBytes));
    Result<trust::SignedTimestamp> parsed = trust::ParseSignedTimestamp(text);
    // One for an older registry version no longer vouches: not served.
    if (!parsed.ok() ||
        parsed->timestamp.registry_version >= store->registry_->version.version) {
      Result<Pending> pending = store->Check(text, 0);
      if (!pending.ok()) {
        return pending.status().WithContext(timestamp_path + " (stored) no longer verifies");
      }
      store->Commit(std::move(*pending), text);
    }
  }
  return store;
}

Result<TrustStore::Pending> TrustStore::Check(std::string_view text, StixMillis now) const {
  CERTSHARE_ASSIGN_OR_RETURN(Kind kind, TrustFileKind(text));
  Pending pending;
  Applied& applied = pending.applied;
  applied.kind = kind;
  switch (kind) {
    case Kind::kRoot: {
      Result<trust::SignedRoot> next = trust::ParseRoot(text);
      if (next.ok() && next->root.version == root_.root.version &&
          root_files_.back().text == text) {
        applied.version = root_.root.version;
        applied.summary = "root version " + std::to_string(applied.version) + " already current";
        return pending;
      }
      CERTSHARE_ASSIGN_OR_RETURN(trust::SignedRoot verified,
                                 trust::VerifyRootUpdate(root_.root, text));
      if (now != 0) CERTSHARE_RETURN_IF_ERROR(trust::CheckRootFresh(verified.root, now));
      applied.version = verified.root.version;
      applied.changed = true;
      applied.summary = "root version " + std::to_string(applied.version) + " of " +
                        verified.root.federation + " (expires " + verified.root.expires + ")";
      pending.root = std::move(verified);
      return pending;
    }
    case Kind::kRegistry: {
      CERTSHARE_ASSIGN_OR_RETURN(
          trust::VerifiedRegistryVersion verified,
          trust::VerifyRegistryVersion(root_.root, registry(), text, now));
      applied.version = verified.version.version.version;
      if (registry_ && registry_->version.version == applied.version) {
        applied.summary = "registry version " + std::to_string(applied.version) +
                          " already current";
        return pending;
      }
      applied.key_changes = std::move(verified.key_changes);
      const trust::RegistryVersion& v = verified.version.version;
      std::size_t revoked = 0;
      for (const trust::Member& m : v.members) revoked += m.card.revoked ? 1 : 0;
      applied.changed = true;
      applied.summary = "registry version " + std::to_string(applied.version) + " (" +
                        std::to_string(v.members.size()) + " organisations, " +
                        std::to_string(revoked) + " revoked, " +
                        std::to_string(applied.key_changes.size()) + " key changes; expires " +
                        v.expires + ")";
      pending.registry = std::move(verified.version);
      return pending;
    }
    case Kind::kTimestamp: {
      if (!registry_) {
        return Status(ErrorCode::kBrokenChain,
                      "a timestamp vouches for a registry version, and the broker holds none: "
                      "apply the registry version first");
      }
      if (text == timestamp_file_) {
        applied.version = timestamp_->timestamp.registry_version;
        applied.summary = "timestamp issued " + timestamp_->timestamp.issued + " already current";
        return pending;
      }
      CERTSHARE_ASSIGN_OR_RETURN(
          trust::SignedTimestamp verified,
          trust::VerifyTimestamp(root_.root, *registry_, timestamp(), text, now));
      applied.version = verified.timestamp.registry_version;
      applied.changed = true;
      applied.summary = "timestamp for registry version " + std::to_string(applied.version) +
                        " issued " + verified.timestamp.issued + " (expires " +
                        verified.timestamp.expires + ")";
      pending.timestamp = std::move(verified);
      return pending;
    }
  }
  return Malformed("unknown kind of trust file");
}

void TrustStore::Commit(Pending pending, std::string_view text) {
  if (pending.root) {
    root_ = std::move(*pending.root);
    root_files_.push_back({root_.root.version, std::string(text)});
  }
  if (pending.registry) {
    registry_ = std::move(*pending.registry);
    registry_files_.push_back({registry_->version.version, std::string(text)});
    timestamp_.reset();
    timestamp_file_.clear();
  }
  if (pending.timestamp) {
    timestamp_ = std::move(*pending.timestamp);
    timestamp_file_ = std::string(text);
  }
}

Result<TrustStore::Applied> TrustStore::Apply(std::string_view text, StixMillis now) {
  // Verified, written, then made current: a failed write changes nothing.
  CERTSHARE_ASSIGN_OR_RETURN(Pending pending, Check(text, now));
  Applied applied = pending.applied;
  if (!applied.changed) return applied;
  CERTSHARE_RETURN_IF_ERROR(Persist(applied.kind, applied.version, text));
  Commit(std::move(pending), text);
  return applied;
}

Status TrustStore::Persist(Kind kind, std::uint64_t version, std::string_view text) {
  if (kind == Kind::kTimestamp) {
    Status s = files::WriteAtomic(dir_ + "/timestamp.json", text);
    return s.WithContext("the timestamp was not applied");
  }
  std::string path = dir_ + "/" + EntryName(entries_ + 1, FileKindWord(kind), version);
  Status s = files::WriteAtomic(path, text);
  if (!s.ok()) return s.WithContext(std::string(KindName(kind)) + " not applied");
  ++entries_;
  return Status::Ok();
}

wire::TrustFiles TrustStore::FilesAfter(std::uint64_t root_version,
                                        std::uint64_t registry_version) const {
  wire::TrustFiles out;
  out.latest_root = root_.root.version;
  out.latest_registry = registry_ ? registry_->version.version : 0;
  out.timestamp = timestamp_file_;
  bool full = false;
  auto add = [&](const std::vector<File>& files, std::uint64_t held,
                 std::vector<std::string>* list) {
    for (const File& f : files) {
      if (full || f.version <= held) continue;
      list->push_back(f.text);
      bool first = out.roots.size() + out.registries.size() == 1;
      if (list->size() > wire::kMaxTrustFiles ||
          (!first && wire::TrustFrameBytes(out) > wire::kMaxBrokerFrameBytes)) {
        list->pop_back();
        full = true;
      }
    }
  };
  add(root_files_, root_version, &out.roots);
  add(registry_files_, registry_version, &out.registries);
  return out;
}

std::vector<std::string> TrustStore::Warnings(StixMillis now) const {
  std::vector<std::string> out;
  if (!trust::CheckRootFresh(root_.root, now).ok()) {
    out.push_back("root version " + std::to_string(root_.root.version) + " expired at " +
                  root_.root.expires + ": agents refuse it until the root key holders sign "
                  "the next one (admin apply)");
  }
  if (!registry_) {
    out.push_back("no registry version yet: no organisation is admitted until one is applied "
                  "(admin apply)");
  } else if (now >= registry_->version.expires_ms) {
    out.push_back("registry version " + std::to_string(registry_->version.version) +
                  " expired at " + registry_->version.expires +
                  ": agents refuse it until the registry signers sign the next one (admin apply)");
  }
  if (registry_ && (!timestamp_ || !timestamp_->timestamp.Fresh(now))) {
    out.push_back("no fresh timestamp for registry version " +
                  std::to_string(registry_->version.version) +
                  (timestamp_ ? " (the last expired at " + timestamp_->timestamp.expires + ")"
                              : std::string()) +
                  ": agents warn that a revocation may be hidden from them, and refuse keys "
                  "they have not pinned, until one is applied (admin apply)");
  }
  return out;
}

}  // namespace certshare::broker
