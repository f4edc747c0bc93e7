// certshare::agent::Compose — turns a STIX document an analyst or sensor
// hands the agent into a signed (and, unless TLP:CLEAR, encrypted) record.
//
// Rules (docs/agent.md):
//  - The document must pass schemas::Summarise, and no object in it may
//    name another registered organisation as its creator (CheckCreators,
//    agent/stix/creators.h: kOriginMismatch).
//  - The TLP is the document's own marking (the most restrictive TLP 1.0
//    or 2.0 marking on any object in it, schemas::Summary::tlp), raised to
//    `tlp` when that is stricter; `tlp` below the marking is refused, and
//    with neither the record is refused: certshare never guesses a TLP and
//    never lowers one (ChooseTlp).
//  - AMBER, AMBER+STRICT and RED need named recipients and are encrypted.
//    GREEN is encrypted unless `encrypt_green` is false; without named
//    recipients it goes to every organisation in the registry. CLEAR is
//    signed but not encrypted.
//  - Every recipient must be in the registry (kUnknownOrganisation) and
//    not revoked (kRevoked).
//  - A recipient "group:<name>" is the registry's sharing group of that
//    name (kUnknownOrganisation if there is none), expanded here to its
//    members, without this organisation itself and without revoked
//    members: the record's header names each member, so the broker
//    expands nothing. A revoked member, like a revoked organisation of
//    the GREEN community, is left out and listed in `left_out` for the
//    caller to warn about: the record goes to the others.
//  - Topics: those given, and those the document implies when topic_mode
//    allows it for the record's TLP (topics.h), sorted and unique.
#pragma once

#include <functional>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/stix/topics.h"
#include "common/base/status.h"
#include "common/base/tlp.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

struct ComposeOptions {
  std::optional<Tlp> tlp;               // --tlp
  std::vector<std::string> recipients;  // --to: organisation ids, "group:<name>"
  bool encrypt_green = true;
  // Routing topics (topics.h): given by hand (--topic), plus, as
  // topic_mode says, those the document implies.
  std::vector<std::string> topics;
  TopicMode topic_mode = TopicMode::kDefault;
  // Federation mode (agent/link/trust_store.h, TrustStore::Usable): whether
  // a recipient's card may be sealed to now. A recipient named explicitly
  // that it refuses is the error (KEY_NOT_CONFIRMED, TRUST_EXPIRED); a
  // group's member or, for GREEN without --to, a registered organisation
  // it refuses is left out, as revoked ones are. Null: every card may be.
  std::function<Status(const identity::Card&)> usable;
};

// An organisation a group or the GREEN community would have reached, left
// out of a record's recipients: revoked, or with keys ComposeOptions::usable
// refuses.
struct LeftOut {
  std::string org;
  std::string why;   // "revoked at <time>", or the refusal of `usable`
  std::string from;  // "group:<name>" or "the TLP:GREEN community"
  bool operator==(const LeftOut&) const = default;
};
// "CERT-XX (revoked at <time>) is left out of group:baltic; ...": the
// text of the warning callers print.
std::string DescribeLeftOut(const std::vector<LeftOut>& left_out);

struct Composed {
  Bytes record;
  // The header sealed (envelope::Sealed::header): for messages to the user
  // and the record's key (envelope::RecordKeyOf).
  envelope::Header header;
  crypto::Hash256 content{};  // ContentDigest of the payload (agent/link/published.h)
  std::vector<LeftOut> left_out;  // Routing::left_out
  crypto::Hash256 leaf{};     // the record's Merkle leaf hash (envelope::Sealed::leaf)
};

Result<Composed> Compose(std::string_view stix_text, const ComposeOptions& options,
                         const identity::Identity& me,
                         const identity::Registry& registry, envelope::Sealer& sealer);

// The record's TLP: `marked`, the document's own marking
// (schemas::Summary::tlp), raised to `requested` (--tlp) when that is
// stricter. kInvalidArgument when `requested` is below `marked` (the
// message names where the marking is: `marked_by`,
// schemas::DescribeTlpMarking) and when there is neither.
Result<Tlp> ChooseTlp(std::optional<Tlp> marked, std::string_view marked_by,
                      std::optional<Tlp> requested);

// How a record of TLP `tlp` (ChooseTlp) is routed, decided by the rules
// above before anything is sealed: whether it is encrypted, and its
// recipients with their keys. Compose uses it; `certshare sensor` calls it
// once per TLP and seals many drafts with it in one batch
// (agent/sensor/pipeline.h).
struct Routing {
  Tlp tlp = Tlp::kAmber;
  bool encrypt = true;
  std::vector<envelope::Recipient> recipients;
  std::vector<LeftOut> left_out;  // revoked members of groups and the GREEN community
};
// UNKNOWN_ORGANISATION for an organisation id the registry does not hold,
// `what` naming its role ("recipient", "--origin"): "recipient cert-ua is
// not in the registry; did you mean CERT-UA? ..." when a registered id is
// close (common/base/suggest.h), else how to import its card.
Status UnknownOrganisation(std::string_view what, const std::string& name,
                           const identity::Registry& registry);

Result<Routing> Route(Tlp tlp, const ComposeOptions& options, const identity::Identity& me,
                      const identity::Registry& registry);

}  // namespace certshare::agent
