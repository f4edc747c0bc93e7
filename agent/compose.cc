#include "agent/compose.h"

#include <set>

#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

Result<Tlp> ChooseTlp(const schemas::Summary& summary, std::optional<Tlp> requested) {
  if (summary.tlp && requested && *summary.tlp != *requested) {
    return Status(ErrorCode::kInvalidArgument,
                  "the document is marked TLP:" + std::string(TlpName(*summary.tlp)) +
                      " but --tlp " + std::string(TlpName(*requested)) +
                      " was given; make them agree");
  }
  if (summary.tlp) return *summary.tlp;
  if (requested) return *requested;
  return Status(ErrorCode::kInvalidArgument,
                "no TLP: mark the document with a TLP 2.0 marking "
                "(object_marking_refs) or pass --tlp clear|green|amber|amber+strict|red");
}

Result<std::vector<envelope::Recipient>> ResolveRecipients(
    const std::vector<std::string>& names, const identity::Registry& registry) {
  std::vector<envelope::Recipient> out;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) continue;
    const identity::Card* card = registry.Find(name);
    if (card == nullptr) {
      return Status(ErrorCode::kUnknownOrganisation,
                    "recipient " + name + " is not in the registry; import its card "
                    "with: certshare registry import <card>");
    }
    out.push_back({card->org, card->box_key});
  }
  return out;
}

}  // namespace

Result<Composed> Compose(std::string_view stix_text, const ComposeOptions& options,
                         const identity::Identity& me,
                         const identity::Registry& registry, envelope::Sealer& sealer) {
  CERTSHARE_ASSIGN_OR_RETURN(schemas::Summary summary, schemas::Summarise(stix_text));
  CERTSHARE_ASSIGN_OR_RETURN(Tlp tlp, ChooseTlp(summary, options.tlp));

  std::vector<std::string> names = options.recipients;
  bool encrypt = tlp != Tlp::kClear && (tlp != Tlp::kGreen || options.encrypt_green);
  if (TlpRequiresEncryption(tlp) && names.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "TLP:" + std::string(TlpName(tlp)) +
                      " needs named recipients: pass --to ORG[,ORG...]");
  }
  if (tlp == Tlp::kGreen && encrypt && names.empty()) {
    for (const auto& [org, card] : registry.cards()) {
      if (org != me.card.org) names.push_back(org);
    }
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<envelope::Recipient> recipients,
                             ResolveRecipients(names, registry));

  envelope::Draft draft;
  draft.stix_type = summary.type;
  draft.stix_id = summary.id;
  draft.modified = summary.modified;
  draft.tlp = tlp;
  draft.encrypt = encrypt;
  draft.recipients = std::move(recipients);
  draft.payload = std::string(stix_text);
  CERTSHARE_ASSIGN_OR_RETURN(Bytes record, sealer.Seal(draft));
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record decoded, envelope::Decode(record));
  return Composed{std::move(record), std::move(decoded.header)};
}

}  // namespace certshare::agent
