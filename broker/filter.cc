#include "broker/filter.h"

#include <algorithm>

namespace certshare::broker {

namespace {
bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

bool MatchesFilter(const wire::SubscribeRequest& filter, const envelope::Header& header) {
  auto tlp = static_cast<std::uint8_t>(header.tlp);
  if (tlp < filter.tlp_min || tlp > filter.tlp_max) return false;
  if (!filter.types.empty() && !Contains(filter.types, header.stix_type)) return false;
  if (!filter.origins.empty() && !Contains(filter.origins, header.origin)) return false;
  if (!filter.topics.empty()) {
    bool any = std::any_of(header.topics.begin(), header.topics.end(),
                           [&](const std::string& t) { return Contains(filter.topics, t); });
    if (!any) return false;
  }
  return true;
}

}  // namespace certshare::broker
