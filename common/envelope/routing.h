// certshare::envelope routing — who may receive a record: the one rule the
// broker delivers by, and the one the tests and fuzzers check
// (docs/broker.md, "Who receives what").
//
// TLP 2.0 as routing:
//   CLEAR            every registered organisation
//   GREEN            the community: every registered organisation, or the
//                    configured `green_community` list
//   AMBER, AMBER+STRICT, RED   the named recipients only
// A named recipient always may receive; an encrypted record (whatever its
// TLP) goes to its recipients only, since nobody else could open it.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "common/envelope/envelope.h"

namespace certshare::envelope {

struct RoutingPolicy {
  // Organisations that form the TLP:GREEN community; empty = everyone
  // registered.
  std::set<std::string, std::less<>> green_community;
};

// Whether `org` may receive a record with this header under `policy`.
bool MayReceive(const RoutingPolicy& policy, const Header& header, std::string_view org);

}  // namespace certshare::envelope
