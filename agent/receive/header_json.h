// What a record's routing header says, as members of a JSON object: the
// one spelling of a header in the subscriber's output (render.h: each JSON
// line) and in the quarantine's description of a refused record
// (quarantine.h: "claimed").
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/envelope/envelope.h"

namespace certshare::agent {

// Writes "origin", "tlp", "type", "id", "modified" and "recipients" (in
// that order) into the object `w` is inside.
void WriteHeaderMembers(rapidjson::Writer<rapidjson::StringBuffer>& w,
                        const envelope::Header& h);

}  // namespace certshare::agent
