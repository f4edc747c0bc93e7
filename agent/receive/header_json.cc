#include "agent/receive/header_json.h"

#include <string>

#include "common/base/tlp.h"

namespace certshare::agent {

void WriteHeaderMembers(rapidjson::Writer<rapidjson::StringBuffer>& w,
                        const envelope::Header& h) {
  w.Key("origin");
  w.String(h.origin);
  w.Key("tlp");
  w.String(std::string(TlpName(h.tlp)));
  w.Key("type");
  w.String(h.stix_type);
  w.Key("id");
  w.String(h.stix_id);
  w.Key("modified");
  w.String(h.modified);
  w.Key("recipients");
  w.StartArray();
  for (const auto& r : h.recipients) w.String(r);
  w.EndArray();
}

}  // namespace certshare::agent
