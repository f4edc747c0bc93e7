#include "common/identity/identity.h"

#include <sodium.h>

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/prettywriter.h>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/identity/protected_secret.h"

namespace certshare::identity {

namespace {

template <std::size_t N>
Status DecodeKey(const rapidjson::Value& obj, const char* field,
                 std::uint8_t* out) {
  std::string hex;
  if (!json::GetString(obj, field, &hex)) {
    return Status(ErrorCode::kInvalidConfig,
                  std::string("missing string field \"") + field + "\"");
  }
  Bytes raw;
  if (!HexDecode(hex, &raw) || raw.size() != N) {
    sodium_memzero(raw.data(), raw.size());
    return Status(ErrorCode::kInvalidConfig,
                  std::string("field \"") + field + "\" must be " +
                      std::to_string(N * 2) + " hex digits");
  }
  std::copy(raw.begin(), raw.end(), out);
  sodium_memzero(raw.data(), raw.size());
  return Status::Ok();
}

Status CheckFormat(const rapidjson::Value& obj, std::string_view expected) {
  std::string format;
  if (!json::GetString(obj, "format", &format) || format != expected) {
    return Status(ErrorCode::kInvalidConfig,
                  "\"format\" must be \"" + std::string(expected) + "\"");
  }
  return Status::Ok();
}

void WriteCardFields(const Card& card, rapidjson::PrettyWriter<rapidjson::StringBuffer>& w) {
  w.Key("org");
  w.String(card.org);
  w.Key("name");
  w.String(card.name);
  w.Key("sign_public");
  w.String(HexEncode(card.sign_key));
  w.Key("box_public");
  w.String(HexEncode(card.box_key));
  w.Key("transport_public");
  w.String(HexEncode(card.transport_key));
  if (card.revoked) {
    w.Key("revoked");
    w.Bool(true);
    w.Key("revoked_at");
    w.String(card.revoked_at);
  }
  auto keys = [&w](const char* field, const auto& list) {
    if (list.empty()) return;
    w.Key(field);
    w.StartArray();
    for (const auto& key : list) w.String(HexEncode(key));
    w.EndArray();
  };
  keys("previous_sign_keys", card.previous_sign_keys);
  keys("previous_box_keys", card.previous_box_keys);
  auto time = [&w](const char* field, const std::string& value) {
    if (value.empty()) return;
    w.Key(field);
    w.String(value);
  };
  time("compromised_since", card.compromised_since);
  time("card_expires", card.card_expires);
  keys("allowed_roots", card.allowed_roots);
}

// Wipes a std::string holding secret material.
void WipeString(std::string* s) {
  sodium_memzero(s->data(), s->size());
  s->clear();
}

}  // namespace

bool HasRole(const Card& card, std::string_view role) {
  return card.roles.empty() ||
         std::find(card.roles.begin(), card.roles.end(), role) != card.roles.end();
}

bool CardExpired(const Card& card, StixMillis now) {
  if (card.card_expires.empty()) return false;
  Result<StixMillis> expires = ParseTimestamp(card.card_expires);
  return !expires.ok() || now >= *expires;  // unreadable: treated as expired
}

bool IsValidOrgId(std::string_view org) {
  if (org.empty() || org.size() > 64) return false;
  for (char c : org) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// A list of 32-byte keys in hex, e.g. "previous_sign_keys": [...].
template <typename Key>
Status DecodeKeyList(const rapidjson::Value& obj, const char* field, std::vector<Key>* out,
                     std::size_t max = kMaxPreviousKeys) {
  const rapidjson::Value* list = json::Member(obj, field);
  if (list == nullptr) return Status::Ok();
  auto bad = [field, max] {
    return Status(ErrorCode::kInvalidConfig, std::string("\"") + field +
                                                 "\" must be a list of at most " +
                                                 std::to_string(max) + " 64-hex-digit values");
  };
  if (!list->IsArray() || list->Size() > max) return bad();
  for (const auto& item : list->GetArray()) {
    Bytes raw;
    if (!item.IsString() || !HexDecode(std::string_view(item.GetString(), item.GetStringLength()), &raw) ||
        raw.size() != 32) {
      return bad();
    }
    Key key;
    std::copy(raw.begin(), raw.end(), key.begin());
    out->push_back(key);
  }
  return Status::Ok();
}

// The registry's fields on a card: revocation and keys kept after
// rotations. All optional.
Status ParseBookkeeping(const rapidjson::Value& value, Card* card) {
  if (const rapidjson::Value* revoked = json::Member(value, "revoked")) {
    if (!revoked->IsBool()) {
      return Status(ErrorCode::kInvalidConfig, "\"revoked\" must be true or false");
    }
    card->revoked = revoked->GetBool();
  }
  if (json::Member(value, "revoked_at") != nullptr &&
      !json::GetString(value, "revoked_at", &card->revoked_at)) {
    return Status(ErrorCode::kInvalidConfig, "\"revoked_at\" must be a string");
  }
  if (card->revoked && card->revoked_at.empty()) {
    return Status(ErrorCode::kInvalidConfig,
                  "a revoked card needs \"revoked_at\" (RFC 3339 time of revocation)");
  }
  if (!card->revoked && !card->revoked_at.empty()) {
    return Status(ErrorCode::kInvalidConfig, "\"revoked_at\" on a card that is not revoked");
  }
  CERTSHARE_RETURN_IF_ERROR(
      DecodeKeyList(value, "previous_sign_keys", &card->previous_sign_keys));
  CERTSHARE_RETURN_IF_ERROR(DecodeKeyList(value, "previous_box_keys", &card->previous_box_keys));
  for (auto [field, out] : {std::pair{"compromised_since", &card->compromised_since},
                            std::pair{"card_expires", &card->card_expires}}) {
    if (json::Member(value, field) == nullptr) continue;
    if (!json::GetString(value, field, out) || !ParseTimestamp(*out).ok()) {
      return Status(ErrorCode::kInvalidConfig,
                    std::string("\"") + field +
                        "\" must be a UTC time such as \"2027-01-01T00:00:00Z\"");
    }
  }
  return DecodeKeyList(value, "allowed_roots", &card->allowed_roots, kMaxAllowedRoots);
}

// The card fields of a card or of a secret file (format not checked).
Result<Card> ParseCardFields(const rapidjson::Value& value) {
  Card card;
  if (!json::GetString(value, "org", &card.org) || !IsValidOrgId(card.org)) {
    return Status(ErrorCode::kInvalidConfig,
                  "\"org\" must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  if (!json::GetString(value, "name", &card.name)) card.name = card.org;
  Status s = DecodeKey<32>(value, "sign_public", card.sign_key.data());
  if (s.ok()) s = DecodeKey<32>(value, "box_public", card.box_key.data());
  if (s.ok()) s = DecodeKey<32>(value, "transport_public", card.transport_key.data());
  if (s.ok()) s = ParseBookkeeping(value, &card);
  if (!s.ok()) return s.WithContext("card of " + card.org);
  return card;
}
}  // namespace

Result<Card> ParseCard(const rapidjson::Value& value) {
  if (!value.IsObject()) {
    return Status(ErrorCode::kInvalidConfig, "a card must be a JSON object");
  }
  CERTSHARE_RETURN_IF_ERROR(CheckFormat(value, kCardFormat));
  return ParseCardFields(value);
}

namespace {

// A card file's text as a card; errors name `path`.
Result<Card> CardFromText(const std::string& text, const std::string& path) {
  rapidjson::Document doc;
  Status s = json::Parse(text, &doc);
  if (!s.ok()) return Status(ErrorCode::kInvalidConfig, s.message()).WithContext(path);
  Result<Card> card = ParseCard(doc);
  if (!card.ok()) return card.status().WithContext(path);
  return card;
}

}  // namespace

Result<Card> LoadCard(const std::string& path) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, 1u << 20));
  return CardFromText(text, path);
}

Result<Card> LoadTrustedCard(const std::string& path) {
  CERTSHARE_ASSIGN_OR_RETURN(
      std::string text,
      files::ReadProtected(path, files::Protection::kTrusted, "the card", 1u << 20));
  return CardFromText(text, path);
}

Card PublicCard(const Card& card) {
  Card plain;
  plain.org = card.org;
  plain.name = card.name;
  plain.sign_key = card.sign_key;
  plain.box_key = card.box_key;
  plain.transport_key = card.transport_key;
  return plain;
}

std::string CardToJson(const Card& card) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("format");
  w.String(kCardFormat.data(), kCardFormat.size());
  WriteCardFields(card, w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<GeneratedFiles> Generate(std::string_view org, std::string_view name,
                                const std::string& dir, const crypto::Passphrase* passphrase) {
  if (!IsValidOrgId(org)) {
    return Status(ErrorCode::kInvalidArgument,
                  "organisation id \"" + std::string(org) +
                      "\" must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  CERTSHARE_RETURN_IF_ERROR(crypto::Init());
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  GeneratedFiles paths{dir + "/" + std::string(org) + ".secret.json",
                       dir + "/" + std::string(org) + ".card.json"};

  crypto::SigningKeyPair sign = crypto::GenerateSigningKeyPair();
  crypto::BoxKeyPair box = crypto::GenerateBoxKeyPair();
  crypto::BoxKeyPair transport = crypto::GenerateBoxKeyPair();
  Card card;
  card.org = std::string(org);
  card.name = name.empty() ? std::string(org) : std::string(name);
  card.sign_key = sign.public_key;
  card.box_key = box.public_key;
  card.transport_key = transport.public_key;
  const Identity id{card, std::move(sign.secret_key), std::move(box.secret_key),
                    std::move(transport.secret_key)};

  if (files::Read(paths.card_path).ok()) {
    return Status(ErrorCode::kAlreadyExists,
                  paths.card_path + " already exists; refusing to overwrite it");
  }
  CERTSHARE_RETURN_IF_ERROR(WriteSecretFile(paths.secret_path, id, passphrase, false));
  CERTSHARE_RETURN_IF_ERROR(files::WriteNew(paths.card_path, CardToJson(card), 0644));
  return paths;
}

namespace {

// The text of a secret file for `id`, protected by `passphrase` unless it
// is null. The caller wipes it.
Result<std::string> SecretFileText(const Identity& id, const crypto::Passphrase* passphrase) {
  rapidjson::StringBuffer buffer;
  Status s;
  {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("format");
    const std::string_view format = passphrase ? kProtectedSecretFormat : kSecretFormat;
    w.String(format.data(), format.size());
    WriteCardFields(id.card, w);
    if (passphrase != nullptr) {
      s = internal::WriteProtectedSecrets(id, *passphrase, w);
    } else {
      auto secret = [&w](const char* field, ByteView bytes) {
        std::string hex = HexEncode(bytes);
        w.Key(field);
        w.String(hex);
        WipeString(&hex);
      };
      secret("sign_secret", id.sign_secret.view());
      secret("box_secret", id.box_secret.view());
      secret("transport_secret", id.transport_secret.view());
    }
    w.EndObject();
  }
  std::string text;
  text.reserve(buffer.GetSize() + 1);
  text.assign(buffer.GetString(), buffer.GetSize());
  text += "\n";
  // Wipe RapidJSON's copy too: its buffer holds the (hex) secrets.
  sodium_memzero(const_cast<char*>(buffer.GetString()), buffer.GetSize());
  if (!s.ok()) {
    WipeString(&text);
    return s;
  }
  return text;
}

// Wipes the parsed copies of a plain secret file's hex secrets.
void WipeSecretFields(rapidjson::Document* doc) {
  if (!doc->IsObject()) return;
  for (const char* field : {"sign_secret", "box_secret", "transport_secret"}) {
    auto it = doc->FindMember(field);
    if (it != doc->MemberEnd() && it->value.IsString()) {
      sodium_memzero(const_cast<char*>(it->value.GetString()), it->value.GetStringLength());
    }
  }
}

// Reads and parses a secret file, mode checked; the text is wiped. Returns
// whether it is protected (its format), or kInvalidConfig naming the path.
Result<bool> ReadSecretDocument(const std::string& path, rapidjson::Document* doc) {
  CERTSHARE_RETURN_IF_ERROR(crypto::Init());
  CERTSHARE_ASSIGN_OR_RETURN(
      std::string text,
      files::ReadProtected(path, files::Protection::kSecret, "the secret key file", 1u << 20));
  Status parsed = json::Parse(text, doc);
  WipeString(&text);
  if (!parsed.ok()) {
    return Status(ErrorCode::kInvalidConfig, parsed.message()).WithContext(path);
  }
  std::string format;
  if (json::GetString(*doc, "format", &format) && format == kProtectedSecretFormat) return true;
  Status s = CheckFormat(*doc, kSecretFormat);
  if (!s.ok()) {
    WipeSecretFields(doc);
    return Status(ErrorCode::kInvalidConfig,
                  "\"format\" must be \"" + std::string(kSecretFormat) + "\" or \"" +
                      std::string(kProtectedSecretFormat) + "\"")
        .WithContext(path);
  }
  return false;
}

}  // namespace

Status WriteSecretFile(const std::string& path, const Identity& id,
                       const crypto::Passphrase* passphrase, bool replace) {
  CERTSHARE_RETURN_IF_ERROR(crypto::Init());
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, SecretFileText(id, passphrase));
  Status s = replace ? files::WriteAtomic(path, text, 0600) : files::WriteNew(path, text, 0600);
  WipeString(&text);
  return s;
}

Result<bool> IsProtectedSecretFile(const std::string& path) {
  rapidjson::Document doc;
  Result<bool> is_protected = ReadSecretDocument(path, &doc);
  WipeSecretFields(&doc);
  return is_protected;
}

Result<Card> LoadSecretFileCard(const std::string& path) {
  rapidjson::Document doc;
  Result<bool> is_protected = ReadSecretDocument(path, &doc);
  WipeSecretFields(&doc);
  if (!is_protected.ok()) return is_protected.status();
  Result<Card> card = ParseCardFields(doc);
  if (!card.ok()) return card.status().WithContext(path);
  return card;
}

Result<Identity> LoadIdentity(const std::string& path, const PassphraseSource& passphrase) {
  rapidjson::Document doc;
  CERTSHARE_ASSIGN_OR_RETURN(const bool is_protected, ReadSecretDocument(path, &doc));
  auto fail = [&](const Status& s) {
    WipeSecretFields(&doc);
    return s.WithContext(path);
  };

  // The secret file carries the card fields too, with the public keys.
  Result<Card> card = ParseCardFields(doc);
  if (!card.ok()) return fail(card.status());

  Identity id{*card, {}, {}, {}};
  Status s;
  if (is_protected) {
    auto ask = [&]() -> Result<crypto::Passphrase> {
      if (!passphrase) {
        return Status(ErrorCode::kInvalidArgument,
                      "the secret file is protected by a passphrase and none was given");
      }
      return passphrase(path);
    };
    s = internal::OpenProtectedSecrets(doc, ask, &id);
  } else {
    s = DecodeKey<64>(doc, "sign_secret", id.sign_secret.data());
    if (s.ok()) s = DecodeKey<32>(doc, "box_secret", id.box_secret.data());
    if (s.ok()) s = DecodeKey<32>(doc, "transport_secret", id.transport_secret.data());
    WipeSecretFields(&doc);
  }
  if (!s.ok()) return fail(s);
  if (crypto::SigningPublicFromSecret(id.sign_secret) != id.card.sign_key ||
      crypto::BoxPublicFromSecret(id.box_secret) != id.card.box_key ||
      crypto::BoxPublicFromSecret(id.transport_secret) != id.card.transport_key) {
    return fail(Status(ErrorCode::kInvalidConfig,
                       "a secret key does not match its public key; the file is "
                       "damaged or was edited"));
  }
  return id;
}

}  // namespace certshare::identity
