#include "agent/link/compose.h"

#include <optional>
#include <set>

#include "agent/link/published.h"
#include "agent/stix/creators.h"
#include "common/base/json.h"
#include "common/base/suggest.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

// Why a group or the GREEN community leaves `card` out: revoked, or keys
// this agent may not use (`usable`, ComposeOptions::usable); nullopt if it
// does not.
std::optional<std::string> WhyLeftOut(const identity::Card& card,
                                      const std::function<Status(const identity::Card&)>& usable) {
  if (card.revoked) return "revoked at " + card.revoked_at;
  if (usable) {
    if (Status s = usable(card); !s.ok()) return s.ToString();
  }
  return std::nullopt;
}

// The recipients' ids and box keys: each name is an organisation id or
// "group:<name>", expanded from this agent's registry to the group's
// members (docs/agent.md). Each organisation is listed once, in the order
// first named. A group leaves out this organisation itself and revoked
// members (added to *left_out); naming a revoked organisation explicitly
// is an error.
Result<std::vector<envelope::Recipient>> ResolveRecipients(
    const std::vector<std::string>& names, const identity::Registry& registry,
    const std::string& me, const std::function<Status(const identity::Card&)>& usable,
    std::vector<LeftOut>* left_out) {
  std::vector<envelope::Recipient> out;
  std::set<std::string> seen;
  auto add = [&](const identity::Card& card) {
    if (seen.insert(card.org).second) out.push_back({card.org, card.box_key});
  };
  for (const auto& name : names) {
    if (name.rfind(identity::kGroupPrefix, 0) == 0) {
      std::string group = name.substr(identity::kGroupPrefix.size());
      const std::vector<std::string>* members = registry.FindGroup(group);
      if (members == nullptr) {
        std::string known;
        for (const auto& [g, m] : registry.groups()) known += (known.empty() ? "" : ", ") + g;
        return Status(ErrorCode::kUnknownOrganisation,
                      "group " + group + " is not in this agent's registry (" +
                          (known.empty() ? std::string("it defines no groups")
                                         : "its groups: " + known) +
                          ")");
      }
      bool any = false;
      for (const auto& org : *members) {
        const identity::Card* card = registry.Find(org);
        if (card == nullptr || org == me) continue;
        if (std::optional<std::string> why = WhyLeftOut(*card, usable)) {
          left_out->push_back({org, *why, name});
          continue;
        }
        any = true;
        add(*card);
      }
      if (!any) {
        return Status(ErrorCode::kInvalidArgument,
                      "group " + group + " has no member to send to (apart from " + me +
                          " itself and revoked organisations)");
      }
      continue;
    }
    const identity::Card* card = registry.Find(name);
    if (card == nullptr) return UnknownOrganisation("recipient", name, registry);
    if (card->revoked) {
      return Status(ErrorCode::kRevoked, "recipient " + name + " was revoked at " +
                                             card->revoked_at + " and can no longer receive");
    }
    if (usable) CERTSHARE_RETURN_IF_ERROR(usable(*card).WithContext("recipient " + name));
    add(*card);
  }
  return out;
}

}  // namespace

Status UnknownOrganisation(std::string_view what, const std::string& name,
                           const identity::Registry& registry) {
  std::vector<std::string> known;
  for (const auto& [org, card] : registry.cards()) known.push_back(org);
  const std::string subject = std::string(what) + " " + name + " is not in the registry";
  if (std::optional<std::string> meant = Closest(name, known)) {
    return Status(ErrorCode::kUnknownOrganisation,
                  subject + "; did you mean " + *meant +
                      "? (organisation ids are case-sensitive)");
  }
  return Status(ErrorCode::kUnknownOrganisation,
                subject + "; import its card with: certshare registry import <card>");
}

std::string DescribeLeftOut(const std::vector<LeftOut>& left_out) {
  std::string out;
  for (const LeftOut& l : left_out) {
    if (!out.empty()) out += "; ";
    out += l.org + " (" + l.why + ") is left out of " + l.from;
  }
  return out;
}

Result<Tlp> ChooseTlp(std::optional<Tlp> marked, std::string_view marked_by,
                      std::optional<Tlp> requested) {
  if (marked && requested && *requested < *marked) {
    const std::string where = marked_by.empty()
                                  ? "the document is marked TLP:" + std::string(TlpName(*marked))
                                  : std::string(marked_by);
    return Status(ErrorCode::kInvalidArgument,
                  where + ", and --tlp " + std::string(TlpName(*requested)) +
                      " would lower it: --tlp may raise a document's TLP, never lower it. "
                      "Leave --tlp out, pass --tlp " + std::string(TlpName(*marked)) +
                      " or stricter, or remove the marking if it is wrong");
  }
  if (requested) return *requested;
  if (marked) return *marked;
  return Status(ErrorCode::kInvalidArgument,
                "no TLP: mark the document with a TLP marking (object_marking_refs) or pass "
                "--tlp clear|green|amber|amber+strict|red");
}

Result<Routing> Route(Tlp tlp, const ComposeOptions& options, const identity::Identity& me,
                      const identity::Registry& registry) {
  std::vector<std::string> names = options.recipients;
  bool encrypt = tlp != Tlp::kClear && (tlp != Tlp::kGreen || options.encrypt_green);
  if (TlpRequiresEncryption(tlp) && names.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "TLP:" + std::string(TlpName(tlp)) +
                      " needs named recipients: pass --to ORG[,ORG...]");
  }
  std::vector<LeftOut> left_out;
  if (tlp == Tlp::kGreen && encrypt && names.empty()) {
    for (const auto& [org, card] : registry.cards()) {
      if (org == me.card.org) continue;
      if (std::optional<std::string> why = WhyLeftOut(card, options.usable)) {
        left_out.push_back({org, *why, "the TLP:GREEN community"});
      } else {
        names.push_back(org);
      }
    }
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<envelope::Recipient> recipients,
                             ResolveRecipients(names, registry, me.card.org, options.usable,
                                               &left_out));
  return Routing{tlp, encrypt, std::move(recipients), std::move(left_out)};
}

Result<Composed> Compose(std::string_view stix_text, const ComposeOptions& options,
                         const identity::Identity& me,
                         const identity::Registry& registry, envelope::Sealer& sealer) {
  // The document is parsed once: the STIX check, the creators, the topics
  // and the content digest all read this parse.
  rapidjson::Document document;
  if (Status parsed = json::Parse(stix_text, &document); !parsed.ok()) {
    // Worded as every STIX check words a JSON error (the same parse).
    Status worded = schemas::Summarise(stix_text).status();
    return worded.ok() ? parsed : worded;
  }
  CERTSHARE_ASSIGN_OR_RETURN(schemas::Summary summary, schemas::Summarise(document));
  CERTSHARE_RETURN_IF_ERROR(CheckCreators(document, me.card.org, registry));
  CERTSHARE_ASSIGN_OR_RETURN(
      Tlp tlp, ChooseTlp(summary.tlp, schemas::DescribeTlpMarking(summary), options.tlp));
  CERTSHARE_ASSIGN_OR_RETURN(Routing routing, Route(tlp, options, me, registry));

  envelope::Draft draft;
  draft.stix_type = summary.type;
  draft.stix_id = summary.id;
  draft.modified = summary.modified;
  draft.tlp = routing.tlp;
  draft.encrypt = routing.encrypt;
  draft.recipients = std::move(routing.recipients);
  std::set<std::string> topics(options.topics.begin(), options.topics.end());
  if (DerivesTopics(options.topic_mode, routing.tlp)) {
    for (std::string& t : DeriveTopics(document)) topics.insert(std::move(t));
  }
  draft.topics.assign(topics.begin(), topics.end());
  draft.payload = std::string(stix_text);
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Sealed sealed, sealer.Seal(draft));
  // Last: the digest sorts the document's members in place.
  return Composed{std::move(sealed.record), std::move(sealed.header), ContentDigest(document),
                  std::move(routing.left_out), sealed.leaf};
}

}  // namespace certshare::agent
