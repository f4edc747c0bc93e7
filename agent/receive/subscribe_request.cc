#include "agent/receive/subscribe_request.h"

#include <time.h>

#include <algorithm>
#include <ostream>

#include "agent/link/compose.h"
#include "common/base/suggest.h"
#include "common/base/tlp.h"
#include "schemas/stix_check.h"

namespace certshare::agent {

namespace {

// RFC 3339 UTC ("2026-11-01T10:00:00Z", fraction allowed) to milliseconds
// since the Unix epoch.
Result<std::uint64_t> ParseUtcMillis(const std::string& text) {
  struct tm tm = {};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::uint64_t millis = 0;
  if (rest != nullptr && *rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 3) millis = millis * 10 + static_cast<std::uint64_t>(*rest - '0');
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (rest == nullptr || std::string(rest) != "Z") {
    return Status(ErrorCode::kInvalidArgument,
                  "--since must be an RFC 3339 UTC time such as 2026-11-01T10:00:00Z");
  }
  time_t seconds = timegm(&tm);
  if (seconds < 0) return Status(ErrorCode::kInvalidArgument, "--since is before 1970");
  return static_cast<std::uint64_t>(seconds) * 1000 + millis;
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
    CERTSHARE_ASSIGN_OR_RETURN(req.start_value, ParseUtcMillis(f.since));
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
