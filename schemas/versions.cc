// Version order of STIX content (STIX 2.1 §3.6 Versioning).
#include "schemas/formats.h"
#include "schemas/stix_check.h"

namespace certshare::schemas {

VersionOrder CompareVersions(std::string_view id_a, std::string_view modified_a,
                             std::string_view id_b,
                             std::string_view modified_b) {
  if (id_a != id_b) return VersionOrder::kUnrelated;
  const bool valid_a = IsStixTimestamp(modified_a);
  const bool valid_b = IsStixTimestamp(modified_b);
  int order;
  if (valid_a && valid_b) {
    order = CompareStixTimestamps(modified_a, modified_b);
  } else if (valid_a != valid_b) {
    order = valid_a ? 1 : -1;
  } else {
    order = modified_a.compare(modified_b);
  }
  return order < 0    ? VersionOrder::kOlder
         : order == 0 ? VersionOrder::kSame
                      : VersionOrder::kNewer;
}

VersionOrder CompareVersions(const Summary& a, const Summary& b) {
  return CompareVersions(a.id, a.modified, b.id, b.modified);
}

std::string_view VersionOrderName(VersionOrder order) {
  switch (order) {
    case VersionOrder::kUnrelated:
      return "unrelated";
    case VersionOrder::kOlder:
      return "older";
    case VersionOrder::kSame:
      return "same";
    case VersionOrder::kNewer:
      return "newer";
  }
  return "unrelated";
}

}  // namespace certshare::schemas
