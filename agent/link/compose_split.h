// certshare::agent::ComposeSplit — `certshare publish --split`: one record
// per object of a bundle, so that
// a 10,000-object export becomes 10,000 records that recipients receive,
// deduplicate and filter one by one (docs/agent.md, "Publishing a large
// bundle").
//
// Rules:
//  - Each object is checked and sealed exactly as `publish` seals a single
//    object (agent::Compose), with the command's --to and
//    --plaintext-green.
//  - An object's TLP is its own marking (TLP 1.0 or 2.0), raised to --tlp
//    when that is stricter; an object marked above --tlp keeps its own
//    level; --tlp is the level of the objects that carry none. An unmarked
//    object without --tlp is an error: certshare never guesses a TLP.
//  - The nine TLP marking definitions (five TLP 2.0, four TLP 1.0) are not
//    sent as records: they are fixed, published by FIRST and OASIS, and
//    every STIX consumer knows them.
//  - All or nothing: if any object fails, nothing is spooled, and the error
//    names the object (its position and id).
//  - A document that is not a bundle gives one record, as without --split.
//
// Thread-safety: as Compose (the Sealer is the caller's, one thread at a
// time).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/link/compose.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

struct SplitRecords {
  std::vector<Composed> records;
  std::string source_id;          // the bundle's (or the single object's) id
  std::size_t skipped_markings = 0;
};

// The records of `text` as the rules above say, sealed by `me` with
// `registry` (as Compose). Errors: Compose's, with the object named; and
// kInvalidStix for a bundle without objects, kInvalidArgument for one
// holding only TLP marking definitions.
Result<SplitRecords> ComposeSplit(std::string_view text, const ComposeOptions& options,
                                  const identity::Identity& me,
                                  const identity::Registry& registry, envelope::Sealer& sealer);

}  // namespace certshare::agent
