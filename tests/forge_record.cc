// TESTS ONLY (tests/subscribe_outputs_test.sh): publishes a record that is
// correctly signed and encrypted but whose signed header names another
// STIX object than its payload holds — what a buggy or malicious origin
// could send. The broker cannot see the difference (it never reads
// payloads); every subscriber must reject and quarantine it.
//
// usage: forge_record <secret.json> <registry.json> <endpoint> <broker.card.json>
//                     <recipient> <stix-object.json>
// Prints the sequence the broker stored it under.
#include <iostream>

#include "agent/broker_client.h"
#include "agent/uuid.h"
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
  if (argc != 7) {
    std::cerr << "usage: forge_record <secret> <registry> <endpoint> <broker-card> "
                 "<recipient> <stix-object.json>\n";
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
  draft.stix_id = agent::NewStixId(summary->type);  // not the payload's id
  draft.modified = summary->modified;
  draft.tlp = Tlp::kAmber;
  draft.recipients = {{recipient->org, recipient->box_key}};
  draft.payload = *text;
  envelope::Sealer sealer(me->card.org, me->sign_secret, me->box_secret);
  auto record = sealer.Seal(draft);
  if (!record.ok()) return Fail(record.status());

  auto client = agent::BrokerClient::Connect(argv[3], *broker_card, *me);
  if (!client.ok()) return Fail(client.status());
  auto ack = (*client)->Publish(*record, std::chrono::seconds(10));
  if (!ack.ok()) return Fail(ack.status());
  std::cout << ack->sequence << "\n";
  return 0;
}
