#include "common/envelope/routing.h"

#include <algorithm>

namespace certshare::envelope {

bool MayReceive(const RoutingPolicy& policy, const Header& header, std::string_view org) {
  if (std::find(header.recipients.begin(), header.recipients.end(), org) !=
      header.recipients.end()) {
    return true;
  }
  // An encrypted record is useless to anyone without a key slot.
  if (header.encrypted) return false;
  switch (header.tlp) {
    case Tlp::kClear:
      return true;
    case Tlp::kGreen:
      return policy.green_community.empty() || policy.green_community.count(org) > 0;
    default:
      return false;
  }
}

}  // namespace certshare::envelope
