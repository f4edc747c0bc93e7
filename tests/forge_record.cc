// TESTS ONLY (tests/subscribe_outputs_test.sh, tests/tlp_cli_test.sh):
// publishes a record that is correctly signed and encrypted but that
// `certshare publish` would never seal — what a buggy or malicious origin
// could send. The broker cannot see the difference (it never reads
// payloads); every subscriber must reject and quarantine it. MODE:
//   other-id   (the default) the signed header names another STIX object
//              than the payload holds;
//   as-is      the header names the payload exactly, TLP:AMBER, and the
//              payload is sealed unchecked but for its STIX validity (e.g.
//              one whose created_by_ref names another organisation);
//   tlp=LEVEL  as as-is, with the header's TLP LEVEL whatever the payload
//              is marked; CLEAR goes in plaintext to everyone, as a CLEAR
//              record does, every other level encrypted to the recipient.
//
// usage: forge_record <secret.json> <registry.json> <endpoint> <broker.card.json>
//                     <recipient> <stix-object.json> [MODE]
// Prints the sequence the broker stored it under.
#include <iostream>
#include <optional>
#include <string>

#include "agent/link/broker_client.h"
#include "agent/stix/uuid.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/crypto/keys.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "schemas/stix_check.h"

using namespace certshare;

namespace {

int Fail(const Status& s) {
  std::cerr << "forge_record: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 8 ? argv[7] : "other-id";
  std::optional<Tlp> header_tlp = Tlp::kAmber;
  if (mode.starts_with("tlp=")) header_tlp = ParseTlp(mode.substr(4));
  if ((argc != 7 && argc != 8) || !header_tlp ||
      (mode != "other-id" && mode != "as-is" && !mode.starts_with("tlp="))) {
    std::cerr << "usage: forge_record <secret> <registry> <endpoint> <broker-card> "
                 "<recipient> <stix-object.json> [other-id|as-is|tlp=LEVEL]\n";
    return 2;
  }
  Status init = crypto::Init();
  if (!init.ok()) return Fail(init);
  auto me = identity::LoadIdentity(argv[1]);
  if (!me.ok()) return Fail(me.status());
  auto registry = identity::Registry::Load(argv[2]);
  if (!registry.ok()) return Fail(registry.status());
  auto broker_card = identity::LoadCard(argv[4]);
  if (!broker_card.ok()) return Fail(broker_card.status());
  const identity::Card* recipient = registry->Find(argv[5]);
  if (recipient == nullptr) return Fail(Status(ErrorCode::kUnknownOrganisation, argv[5]));
  auto text = files::Read(argv[6]);
  if (!text.ok()) return Fail(text.status());
  auto summary = schemas::Summarise(*text);
  if (!summary.ok()) return Fail(summary.status());

  envelope::Draft draft;
  draft.stix_type = summary->type;
  draft.stix_id = mode == "other-id" ? agent::NewStixId(summary->type)  // not the payload's
                                     : summary->id;
  draft.modified = summary->modified;
  draft.tlp = *header_tlp;
  draft.encrypt = *header_tlp != Tlp::kClear;
  draft.recipients = {{recipient->org, recipient->box_key}};
  draft.payload = *text;
  envelope::Sealer sealer(me->card.org, me->sign_secret, me->box_secret);
  auto record = sealer.Seal(draft);
  if (!record.ok()) return Fail(record.status());

  auto client = agent::BrokerClient::Connect(argv[3], *broker_card, *me);
  if (!client.ok()) return Fail(client.status());
  auto ack = (*client)->Publish(record->record, std::chrono::seconds(10));
  if (!ack.ok()) return Fail(ack.status());
  std::cout << ack->sequence << "\n";
  return 0;
}
