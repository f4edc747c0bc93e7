// Fuzz target: identity cards (common/identity/identity.h, ParseCard on a
// strictly parsed JSON document, as LoadCard and `certshare registry
// import` read them).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused card carries kInvalidConfig and a message;
//   * an accepted card round-trips: CardToJson parses back to the same
//     card and prints the same text again; PublicCard keeps the keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/json.h"
#include "common/identity/identity.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using certshare::identity::Card;

bool SameCard(const Card& a, const Card& b) {
  return a.org == b.org && a.name == b.name && a.sign_key == b.sign_key &&
         a.box_key == b.box_key && a.transport_key == b.transport_key &&
         a.revoked == b.revoked && a.revoked_at == b.revoked_at &&
         a.previous_sign_keys == b.previous_sign_keys &&
         a.previous_box_keys == b.previous_box_keys &&
         a.compromised_since == b.compromised_since && a.card_expires == b.card_expires &&
         a.allowed_roots == b.allowed_roots;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace identity = certshare::identity;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rapidjson::Document doc;
  if (!certshare::json::Parse(text, &doc).ok()) return 0;

  const certshare::Result<Card> card = identity::ParseCard(doc);
  if (!card.ok()) {
    FUZZ_REQUIRE(card.status().code() == certshare::ErrorCode::kInvalidConfig);
    FUZZ_REQUIRE(!card.status().message().empty());
    return 0;
  }
  FUZZ_REQUIRE(identity::IsValidOrgId(card->org));
  const std::string printed = identity::CardToJson(*card);
  rapidjson::Document again_doc;
  FUZZ_REQUIRE(certshare::json::Parse(printed, &again_doc).ok());
  const certshare::Result<Card> again = identity::ParseCard(again_doc);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(SameCard(*card, *again));
  FUZZ_REQUIRE(identity::CardToJson(*again) == printed);

  const Card plain = identity::PublicCard(*card);
  FUZZ_REQUIRE(plain.sign_key == card->sign_key && !plain.revoked &&
               plain.previous_sign_keys.empty());
  return 0;
}
