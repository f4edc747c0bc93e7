#include "agent/link/trust_store.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/base/bytes.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/trust/key_id.h"
#include "common/trust/timestamp.h"

namespace certshare::agent {

namespace {

constexpr std::string_view kPinsFormat = "certshare-pins-v1";
// Largest file the directory holds: a registry version's envelope (hex
// payload of at most 8 MiB) with room for its signatures.
constexpr std::size_t kMaxTrustFileBytes = (trust::kMaxRegistryPayload * 2) + (1u << 20);

Result<std::string> ReadTrusted(const std::string& path, std::string_view what) {
  return files::ReadProtected(path, files::Protection::kTrusted, what, kMaxTrustFileBytes);
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Pin PinOf(const identity::Card& card) { return Pin{card.sign_key, card.box_key, card.transport_key}; }

bool SameKeys(const Pin& pin, const identity::Card& card) {
  return pin.sign == card.sign_key && pin.box == card.box_key &&
         pin.transport == card.transport_key;
}

template <typename Key>
bool DecodeKey(const rapidjson::Value& obj, const char* name, Key* key) {
  std::string hex;
  Bytes raw;
  if (!json::GetString(obj, name, &hex) || !HexDecode(hex, &raw) || raw.size() != key->size()) {
    return false;
  }
  std::copy(raw.begin(), raw.end(), key->begin());
  return true;
}

}  // namespace

Result<Pins> ParsePins(std::string_view text) {
  rapidjson::Document doc;
  if (Status s = json::Parse(text, &doc); !s.ok()) {
    return Status(ErrorCode::kInvalidConfig, s.message());
  }
  std::string format;
  const rapidjson::Value* orgs = doc.IsObject() ? json::Member(doc, "organisations") : nullptr;
  if (!json::GetString(doc, "format", &format) || format != kPinsFormat || orgs == nullptr ||
      !orgs->IsArray()) {
    return Status(ErrorCode::kInvalidConfig,
                  "not a pins file (\"format\": \"" + std::string(kPinsFormat) +
                      "\" and an \"organisations\" array)");
  }
  std::map<std::string, Pin, std::less<>> pins;
  for (rapidjson::SizeType i = 0; i < orgs->Size(); ++i) {
    const rapidjson::Value& e = (*orgs)[i];
    std::string org;
    Pin pin;
    const rapidjson::Value* pending = e.IsObject() ? json::Member(e, "pending") : nullptr;
    if (!e.IsObject() || !json::GetString(e, "org", &org) || !identity::IsValidOrgId(org) ||
        !DecodeKey(e, "sign_public", &pin.sign) || !DecodeKey(e, "box_public", &pin.box) ||
        !DecodeKey(e, "transport_public", &pin.transport) ||
        (pending != nullptr && !pending->IsBool())) {
      return Status(ErrorCode::kInvalidConfig,
                    "organisations[" + std::to_string(i) +
                        "]: needs \"org\", \"sign_public\", \"box_public\", "
                        "\"transport_public\" (64 hex digits) and an optional \"pending\"");
    }
    pin.pending = pending != nullptr && pending->GetBool();
    if (!pins.emplace(org, pin).second) {
      return Status(ErrorCode::kInvalidConfig,
                    "organisations[" + std::to_string(i) + "]: " + org + " is listed twice");
    }
  }
  return pins;
}

std::string PinsToJson(const Pins& pins) {
  // Ids are [A-Za-z0-9._-] and keys hex: nothing to escape.
  std::string out = "{\n  \"format\": \"" + std::string(kPinsFormat) +
                    "\",\n  \"organisations\": [";
  bool first = true;
  for (const auto& [org, pin] : pins) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "    {\"org\": \"" + org + "\", \"sign_public\": \"" + HexEncode(pin.sign) +
           "\", \"box_public\": \"" + HexEncode(pin.box) + "\", \"transport_public\": \"" +
           HexEncode(pin.transport) + "\"" + (pin.pending ? ", \"pending\": true" : "") + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

namespace {

// The fingerprint as typed: hex digits only, lower case.
std::string Normalise(std::string_view fingerprint) {
  std::string out;
  for (char c : fingerprint) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

std::string KeyChangeLine(const identity::Card& card, std::string_view how) {
  return card.org + ": keys changed (" + std::string(how) + "): " + Fingerprints(card);
}

}  // namespace

std::string Fingerprints(const identity::Card& card) {
  return "sign " + trust::Fingerprint(trust::KeyKind::kEd25519, card.sign_key) + "  box " +
         trust::Fingerprint(trust::KeyKind::kX25519, card.box_key) + "  transport " +
         trust::Fingerprint(trust::KeyKind::kX25519, card.transport_key);
}

bool TrustStore::IsFederated(const std::string& dir) {
  return !dir.empty() && Exists(dir + "/" + kRootFile);
}

std::string TrustStore::Path(const char* file) const { return dir_ + "/" + file; }

Result<trust::SignedRoot> TrustStore::PinRoot(const std::string& dir, std::string_view root_text) {
  CERTSHARE_ASSIGN_OR_RETURN(trust::SignedRoot root, trust::VerifyPinnedRoot(root_text));
  const std::string path = dir + "/" + kRootFile;
  if (Exists(path)) {
    return Status(ErrorCode::kAlreadyExists,
                  path + " already holds a pinned root; pinning again would undo what this "
                         "agent has verified since (remove the trust directory to start over)");
  }
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  std::error_code ec;
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  CERTSHARE_RETURN_IF_ERROR(files::WriteAtomic(path, root_text, 0644));
  return root;
}

Result<TrustStore> TrustStore::Open(const std::string& dir) {
  TrustStore store;
  store.dir_ = dir;
  CERTSHARE_ASSIGN_OR_RETURN(store.root_text_,
                             ReadTrusted(store.Path(kRootFile), "the pinned federation root"));
  auto root = trust::VerifyPinnedRoot(store.root_text_);
  if (!root.ok()) return root.status().WithContext(store.Path(kRootFile));
  store.root_ = std::move(*root);
  if (Exists(store.Path(kRegistryFile))) {
    CERTSHARE_ASSIGN_OR_RETURN(store.registry_text_,
                               ReadTrusted(store.Path(kRegistryFile), "the registry version"));
    auto version = trust::ParseRegistryVersion(store.registry_text_);
    Status s = version.status();
    if (s.ok()) {
      s = trust::CheckThreshold(version->envelope, store.root_.root.registry.PublicKeys(),
                                store.root_.root.registry.threshold,
                                "the registry keys of root version " +
                                    std::to_string(store.root_version()));
    }
    if (s.ok() && version->version.federation != store.root_.root.federation) {
      s = Status(ErrorCode::kWrongFederation, "registry of another federation");
    }
    if (!s.ok()) return s.WithContext(store.Path(kRegistryFile));
    store.registry_ = std::move(*version);
  }
  if (store.registry_ && Exists(store.Path(kTimestampFile))) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text,
                               ReadTrusted(store.Path(kTimestampFile), "the signed timestamp"));
    auto parsed = trust::ParseSignedTimestamp(text);
    // Re-verified as of its own issue time: an expired timestamp still says
    // when the registry was last confirmed current.
    auto ts = parsed.ok() ? trust::VerifyTimestamp(store.root_.root, *store.registry_, nullptr,
                                                   text, parsed->timestamp.issued_ms)
                          : parsed;
    if (ts.ok()) store.timestamp_ = std::move(*ts);  // another version's: not kept
  }
  if (Exists(store.Path(kPinsFile))) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text,
                               ReadTrusted(store.Path(kPinsFile), "the pinned keys"));
    auto pins = ParsePins(text);
    if (!pins.ok()) return pins.status().WithContext(store.Path(kPinsFile));
    store.pins_ = std::move(*pins);
  }
  if (Exists(store.Path(kLocalFile))) {
    auto local = identity::Registry::Load(store.Path(kLocalFile));
    if (!local.ok()) return local.status();
    store.local_ = std::move(*local);
  }
  return store;
}

Result<TrustUpdate> TrustStore::Apply(const wire::TrustFiles& files, StixMillis now) {
  TrustUpdate update;
  update.root_from = update.root_to = root_version();
  update.registry_from = update.registry_to = registry_version();
  if (files.latest_root < root_version() || files.latest_registry < registry_version()) {
    return Status(ErrorCode::kRollback,
                  "the broker says the latest versions are root " +
                      std::to_string(files.latest_root) + " and registry " +
                      std::to_string(files.latest_registry) + ", older than the root " +
                      std::to_string(root_version()) + " and registry " +
                      std::to_string(registry_version()) + " this agent holds");
  }
  // Verify everything before anything becomes current.
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<trust::SignedRoot> roots,
                             trust::VerifyRootChain(root_, files.roots, now));
  std::optional<trust::VerifiedRegistryVersion> verified;
  if (!files.registries.empty() || registry_) {
    CERTSHARE_ASSIGN_OR_RETURN(
        verified, trust::VerifyRegistryChain(roots, registry(), files.registries, now));
  }

  // Written before it becomes current: a crash leaves the older, verified
  // state or the newer one.
  if (!files.registries.empty()) {
    CERTSHARE_RETURN_IF_ERROR(files::WriteAtomic(Path(kRegistryFile), files.registries.back()));
  }
  if (!files.roots.empty()) {
    CERTSHARE_RETURN_IF_ERROR(files::WriteAtomic(Path(kRootFile), files.roots.back()));
    root_text_ = files.roots.back();
  }
  root_ = std::move(roots.back());
  if (verified && !files.registries.empty()) {
    registry_ = std::move(verified->version);
    registry_text_ = files.registries.back();
  }
  // The timestamp, against the version now held.
  if (!files.timestamp.empty() && registry_) {
    auto parsed = trust::ParseSignedTimestamp(files.timestamp);
    if (!parsed.ok()) {
      update.timestamp_refused = parsed.status();
    } else if (parsed->timestamp.registry_version == registry_version()) {
      auto ts = trust::VerifyTimestamp(root_.root, *registry_, timestamp(), files.timestamp, now);
      if (ts.ok()) {
        CERTSHARE_RETURN_IF_ERROR(files::WriteAtomic(Path(kTimestampFile), files.timestamp));
        timestamp_ = std::move(*ts);
      } else {
        update.timestamp_refused = ts.status();
      }
    } else if (parsed->timestamp.registry_version < registry_version()) {
      update.timestamp_refused =
          Status(ErrorCode::kBrokenChain,
                 "the signed timestamp names registry version " +
                     std::to_string(parsed->timestamp.registry_version) + ", older than version " +
                     std::to_string(registry_version()) + " held");
    }
  }
  UpdatePins(verified ? verified->key_changes : std::vector<trust::KeyChange>{}, Fresh(now),
             &update.key_changes);
  CERTSHARE_RETURN_IF_ERROR(WritePins());
  update.root_to = root_version();
  update.registry_to = registry_version();
  update.more = files.latest_root > root_version() || files.latest_registry > registry_version();
  return update;
}

void TrustStore::UpdatePins(const std::vector<trust::KeyChange>& changes, bool fresh,
                            std::vector<std::string>* said) {
  if (!registry_) return;
  for (const trust::Member& m : registry_->version.members) {
    const identity::Card& card = m.card;
    auto it = pins_.find(card.org);
    if (it == pins_.end()) {
      // First seen: pinned only when the registry is known to be current.
      if (fresh) pins_[card.org] = PinOf(card);
      continue;
    }
    Pin& pin = it->second;
    if (SameKeys(pin, card)) {
      pin.pending = false;
      continue;
    }
    auto change = std::find_if(changes.begin(), changes.end(),
                               [&](const trust::KeyChange& c) { return c.org == card.org; });
    if (change != changes.end() && change->kind == trust::KeyChangeKind::kRotated) {
      pin = PinOf(card);
      said->push_back(KeyChangeLine(card, "a rotation signed by its old key and its new key"));
    } else if (!pin.pending) {
      pin.pending = true;
      said->push_back(KeyChangeLine(card, "replaced after a compromise, not signed by its old "
                                          "key: not used until confirmed with certshare "
                                          "registry confirm " +
                                              card.org + " --fingerprint \"<sign fingerprint>\""));
    }
  }
}

Status TrustStore::WritePins() const {
  return files::WriteAtomic(Path(kPinsFile), PinsToJson(pins_));
}

bool TrustStore::Fresh(StixMillis now) const {
  return timestamp_ && registry_ &&
         timestamp_->timestamp.registry_version == registry_version() &&
         timestamp_->timestamp.Fresh(now);
}

std::string TrustStore::FreshnessWarning(StixMillis now) const {
  if (Fresh(now)) return {};
  if (!timestamp_) {
    return "the registry has never been confirmed current by a signed timestamp; a revocation "
           "may be hidden from this agent, and organisations it has not pinned are not used";
  }
  return "the registry was last confirmed current at " +
         timestamp_->timestamp.issued +
         "; a revocation since then may be hidden from this agent";
}

Result<identity::Registry> TrustStore::EffectiveRegistry() const {
  identity::Registry registry = registry_ ? registry_->registry : identity::Registry{};
  for (const auto& [org, card] : local_.cards()) {
    if (registry.Find(org) != nullptr) {
      return Status(ErrorCode::kAlreadyExists,
                    "the card of " + org + " in " + Path(kLocalFile) +
                        " redefines an organisation of the federation registry; remove it "
                        "from that file");
    }
    CERTSHARE_RETURN_IF_ERROR(registry.Put(card).WithContext(Path(kLocalFile)));
  }
  for (const auto& [name, members] : local_.groups()) {
    if (registry.FindGroup(name) == nullptr) {
      CERTSHARE_RETURN_IF_ERROR(registry.PutGroup(name, members).WithContext(Path(kLocalFile)));
    }
  }
  return registry;
}

Status TrustStore::Usable(const identity::Card& card, StixMillis now) const {
  if (identity::CardExpired(card, now)) {
    return Status(ErrorCode::kTrustExpired, "the card of " + card.org + " expired at " +
                                                card.card_expires +
                                                "; its keys are not used for new records");
  }
  if (local_.Find(card.org) != nullptr) return Status::Ok();  // imported by hand
  auto it = pins_.find(card.org);
  if (it == pins_.end()) {
    return Status(ErrorCode::kKeyNotConfirmed,
                  card.org + " has not been pinned by this agent, and its registry is not "
                             "known to be current (" + FreshnessWarning(now) +
                      "); it is used once the broker sends a fresh signed timestamp");
  }
  if (it->second.pending || !SameKeys(it->second, card)) {
    return Status(ErrorCode::kKeyNotConfirmed,
                  "the keys of " + card.org +
                      " were replaced without its old key's signature (after a compromise); "
                      "compare the new signing key's fingerprint with " + card.org +
                      " out of band, then run: certshare registry confirm " + card.org +
                      " --fingerprint \"" +
                      trust::Fingerprint(trust::KeyKind::kEd25519, card.sign_key) + "\"");
  }
  return Status::Ok();
}

Result<Pin> TrustStore::Confirm(std::string_view org, std::string_view fingerprint) {
  const trust::Member* member = registry_ ? registry_->version.Find(org) : nullptr;
  if (member == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  std::string(org) + " is not in the federation registry this agent holds");
  }
  const identity::Card& card = member->card;
  auto it = pins_.find(org);
  const bool waiting = it == pins_.end() || it->second.pending || !SameKeys(it->second, card);
  if (!waiting) {
    return Status(ErrorCode::kInvalidArgument,
                  "no key change of " + std::string(org) + " waits for a confirmation");
  }
  const std::string expected = trust::Fingerprint(trust::KeyKind::kEd25519, card.sign_key);
  if (Normalise(fingerprint) != Normalise(expected)) {
    return Status(ErrorCode::kInvalidArgument,
                  "the fingerprint given is not that of " + std::string(org) +
                      "'s signing key in the registry; nothing was confirmed. Compare again "
                      "with " + std::string(org) + " out of band");
  }
  Pin pin = PinOf(card);
  auto previous = pins_;
  pins_[std::string(org)] = pin;
  if (Status s = WritePins(); !s.ok()) {
    pins_ = std::move(previous);
    return s;
  }
  return pin;
}

Status TrustStore::ImportLocal(const std::vector<identity::Card>& cards) {
  identity::Registry local = local_;
  for (const identity::Card& card : cards) {
    if (registry_ && registry_->registry.Find(card.org) != nullptr) {
      return Status(ErrorCode::kAlreadyExists,
                    "organisation " + card.org +
                        " is in the federation registry; a card imported by hand may not "
                        "redefine it");
    }
    CERTSHARE_RETURN_IF_ERROR(local.Put(card));
  }
  // Checked against the federation's keys too (no key of another org).
  identity::Registry merged = registry_ ? registry_->registry : identity::Registry{};
  for (const auto& [org, card] : local.cards()) CERTSHARE_RETURN_IF_ERROR(merged.Put(card));
  CERTSHARE_RETURN_IF_ERROR(files::WriteAtomic(Path(kLocalFile), local.ToJson()));
  local_ = std::move(local);
  return Status::Ok();
}

}  // namespace certshare::agent
