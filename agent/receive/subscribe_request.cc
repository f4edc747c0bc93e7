#include "agent/receive/subscribe_request.h"

#include <algorithm>
#include <ostream>

#include "agent/link/compose.h"
#include "common/base/suggest.h"
#include "common/base/timestamp.h"
#include "common/base/tlp.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

// --since: RFC 3339 in UTC with Z, a fraction allowed (the form of a STIX
// timestamp, common/base/timestamp.h), as milliseconds since the Unix epoch.
Result<std::uint64_t> ParseSince(const std::string& text) {
  const std::string_view why = WhyNotStixTimestamp(text);
  if (!why.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "--since must be an RFC 3339 UTC time such as 2026-11-01T10:00:00Z: \"" +
                      text + "\" " + std::string(why));
  }
  CERTSHARE_ASSIGN_OR_RETURN(StixMillis millis, ParseTimestamp(text));
  if (millis < 0) return Status(ErrorCode::kInvalidArgument, "--since is before 1970");
  return static_cast<std::uint64_t>(millis);
}

}  // namespace

Result<wire::SubscribeRequest> BuildSubscribeRequest(const SubscriptionOptions& f) {
  wire::SubscribeRequest req;
  req.name = f.name;
  req.take_over = f.take_over;
  req.credit = f.credit;
  req.types = f.types;
  req.origins = f.origins;
  req.topics = f.topics;
  auto min = ParseTlp(f.min_tlp);
  auto max = ParseTlp(f.max_tlp);
  if (!min || !max || *min > *max) {
    return Status(ErrorCode::kInvalidArgument,
                  "--min-tlp and --max-tlp take clear, green, amber, amber+strict or red, "
                  "with min <= max");
  }
  req.tlp_min = static_cast<std::uint8_t>(*min);
  req.tlp_max = static_cast<std::uint8_t>(*max);
  if (f.from > 0 && !f.since.empty()) {
    return Status(ErrorCode::kInvalidArgument, "give --from or --since, not both");
  }
  if (f.from > 0) {
    req.start = wire::StartKind::kSequence;
    req.start_value = f.from;
  } else if (!f.since.empty()) {
    req.start = wire::StartKind::kTime;
    CERTSHARE_ASSIGN_OR_RETURN(req.start_value, ParseSince(f.since));
  } else {
    // A durable subscription resumes; an unnamed one starts at the oldest
    // record held.
    req.start = wire::StartKind::kResume;
  }
  return req;
}

Status CheckFilterNames(const wire::SubscribeRequest& request,
                        const identity::Registry& registry, std::ostream& warnings) {
  for (const std::string& org : request.origins) {
    if (registry.Find(org) == nullptr) {
      return UnknownOrganisation("--origin", org, registry);
    }
  }
  const std::vector<std::string>& known = schemas::KnownTypes();
  for (const std::string& type : request.types) {
    if (std::find(known.begin(), known.end(), type) != known.end()) continue;
    warnings << "certshare: warning: --type " << type
             << " is not a STIX 2.1 type; only records whose type is exactly " << type
             << " (a custom type) will match" << DidYouMean(type, known) << "\n";
  }
  return Status::Ok();
}

}  // namespace certshare::agent
