// The one spelling of a routing header in JSON (JSON lines, quarantine).
#include "agent/receive/header_json.h"

#include <gtest/gtest.h>

#include "common/base/json.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

TEST(HeaderJsonTest, WritesTheHeaderMembersInOrder) {
  envelope::Header h;
  h.origin = "CERT-UA";
  h.tlp = Tlp::kAmberStrict;
  h.stix_type = "indicator";
  h.stix_id = "indicator--0b8f7b5a-6e5b-4f3e-9d0c-0c5a1b2c3d4e";
  h.modified = "2026-03-01T10:00:00.000Z";
  h.recipients = {"CERT-EE", "CERT-EU"};
  h.topics = {"sector:energy"};  // not a member: the JSON line writes topics itself

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteHeaderMembers(w, h);
  w.EndObject();
  EXPECT_EQ(std::string(buffer.GetString(), buffer.GetSize()),
            "{\"origin\":\"CERT-UA\",\"tlp\":\"amber+strict\",\"type\":\"indicator\","
            "\"id\":\"indicator--0b8f7b5a-6e5b-4f3e-9d0c-0c5a1b2c3d4e\","
            "\"modified\":\"2026-03-01T10:00:00.000Z\",\"recipients\":[\"CERT-EE\",\"CERT-EU\"]}");
}

TEST(HeaderJsonTest, ValuesAreEscaped) {
  envelope::Header h;
  h.origin = "CERT-\"X\"";
  h.tlp = Tlp::kClear;
  h.stix_id = "x--\n";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteHeaderMembers(w, h);
  w.EndObject();
  rapidjson::Document doc;
  ASSERT_OK(json::Parse(std::string_view(buffer.GetString(), buffer.GetSize()), &doc));
  EXPECT_EQ(std::string(doc["origin"].GetString()), "CERT-\"X\"");
  EXPECT_EQ(std::string(doc["id"].GetString()), "x--\n");
  EXPECT_EQ(std::string(doc["tlp"].GetString()), "clear");
  EXPECT_TRUE(doc["recipients"].GetArray().Empty());
}

}  // namespace
}  // namespace certshare::agent
