// Who may receive a record, and which records a subscription asked for.
//
// TLP 2.0 as routing (docs/broker.md):
//   CLEAR            every registered organisation
//   GREEN            the community: every registered organisation, or the
//                    configured `green_community` list
//   AMBER, AMBER+STRICT, RED   the named recipients only
// A named recipient always may receive; an encrypted record (whatever its
// TLP) goes to its recipients only, since nobody else could open it. The
// filter then narrows what a subscriber gets; it never widens it.
//
// Thread-safety: pure functions.
#pragma once

#include <set>
#include <string>

#include "common/envelope/envelope.h"
#include "common/wire/frame.h"

namespace certshare::broker {

struct RoutingPolicy {
  // Organisations that form the TLP:GREEN community; empty = everyone
  // registered.
  std::set<std::string, std::less<>> green_community;
};

bool MayReceive(const RoutingPolicy& policy, const envelope::Header& header,
                std::string_view org);

bool MatchesFilter(const wire::SubscribeRequest& filter, const envelope::Header& header);

}  // namespace certshare::broker
