// Fuzz target: delivery receipts (agent/receive/receipt.h, ParseReceipt on
// a strictly parsed JSON document, as the origin's ReceiptKeeper reads the
// payload of a receipt record; and DecodeKeptReceipt, the receipts store's
// value as read back from disk).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused receipt carries kBadReceipt and a message;
//   * an accepted receipt round-trips: ToStix parses back to the same
//     receipt, with the same signed bytes (ReceiptMessage), and ToStix of
//     that is the same text;
//   * checking its signature (under the fixed origin key of
//     fuzz_support.h) gives the same answer for the receipt read back;
//   * the store's encoding of it decodes to the same state, code, time and
//     signature; DecodeKeptReceipt of the raw input never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/receive/receipt.h"
#include "agent/receive/receipt_keeper.h"
#include "common/base/json.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace agent = certshare::agent;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)agent::DecodeKeptReceipt(text);
  rapidjson::Document doc;
  if (!certshare::json::Parse(text, &doc).ok()) return 0;
  const certshare::Result<agent::Receipt> receipt = agent::ParseReceipt(doc);
  if (!receipt.ok()) {
    FUZZ_REQUIRE(receipt.status().code() == certshare::ErrorCode::kBadReceipt);
    FUZZ_REQUIRE(!receipt.status().message().empty());
    return 0;
  }
  const rapidjson::Value* id = certshare::json::Member(doc, "id");
  const std::string id_text = id != nullptr && id->IsString() ? id->GetString() : "x";
  const std::string printed = agent::ToStix(*receipt, id_text);
  rapidjson::Document again_doc;
  FUZZ_REQUIRE(certshare::json::Parse(printed, &again_doc).ok());
  const certshare::Result<agent::Receipt> again = agent::ParseReceipt(again_doc);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(agent::ReceiptMessage(*again) == agent::ReceiptMessage(*receipt));
  FUZZ_REQUIRE(again->record_id == receipt->record_id &&
               again->record_modified == receipt->record_modified);
  FUZZ_REQUIRE(agent::ToStix(*again, id_text) == printed);
  FUZZ_REQUIRE(agent::ReceiptSignedBy(*receipt, certshare::fuzz::OriginSignPublic()) ==
               agent::ReceiptSignedBy(*again, certshare::fuzz::OriginSignPublic()));
  const auto kept = agent::DecodeKeptReceipt(agent::EncodeKeptReceipt(*receipt));
  FUZZ_REQUIRE(kept.has_value() && kept->state == receipt->state &&
               kept->code == receipt->code && kept->time_ms == receipt->time_ms &&
               kept->signature == receipt->signature);
  return 0;
}
