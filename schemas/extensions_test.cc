// Extensions: keys, extension_type, the predefined SCO extensions, custom
// extensions, and the Incident Core extension with its event, impact and
// task objects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

using test::Dump;
using test::Keys;
using test::KeysOf;
using test::MustParse;
using test::Set;
using test::SetJson;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kCore[] =
    "/extensions/extension-definition--ef765651-680c-498d-9894-99799f2fa126";

struct Case {
  const char* base;
  const char* pointer;
  const char* json;  // nullptr: remove
  Keys expected;
};

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    auto doc = MustParse(c.base);
    if (c.json == nullptr) {
      Set(doc, c.pointer, nullptr);
    } else {
      SetJson(doc, c.pointer, c.json);
    }
    Report report = Check(doc);
    EXPECT_EQ(KeysOf(report), c.expected)
        << c.pointer << " = " << (c.json ? c.json : "(removed)") << "\n"
        << Dump(report);
  }
}

std::string Core(const std::string& suffix) { return kCore + suffix; }

TEST(IncidentCore, ValidIncident) {
  Report report = Check(MustParse(test::kCoreIncident));
  ASSERT_TRUE(report.ok()) << Dump(report);
  auto doc = MustParse(test::kCoreIncident);
  SetJson(doc, Core("").c_str(), R"({
    "extension_type": "property-extension",
    "determination": "successful-attempt", "investigation_status": "closed",
    "criticality": 95, "recoverability": "supplemented",
    "impacted_entity_counts": {"individual": 100, "computers-server": 0},
    "impact_refs": ["impact--0c9511ac-e14b-4f48-9d49-54bfc93c9b34"],
    "scores": [{"name": "Acme exposure", "value": 7.5, "description": "x"}],
    "tasks": [{"task_ref": "task--93892778-2fd4-4d5e-b2fb-e2defecab0d3",
               "sequence_start": true,
               "next_steps": [{"task_ref": "task--8824b710-60eb-4e00-9e1e-e1b4a40c9a62",
                               "condition_type": "required",
                               "transition_type": "success"}]}],
    "events": [{"event_ref": "event--6e7ec24e-e3b2-498e-afb4-e14eab67b5d4"}]})");
  report = Check(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  // Both determinations of the pinned draft and the later "confirmed".
  for (const char* d :
       {"blocked", "confirmed", "failed-attempt", "false-positive", "low-value",
        "suspected", "successful-attempt"}) {
    Set(doc, Core("/determination").c_str(), d);
    EXPECT_TRUE(Check(doc).ok()) << d;
  }
}

TEST(IncidentCore, Rules) {
  ExpectCases({
      {test::kCoreIncident,
       Core("/determination").c_str(),
       nullptr,
       {{Core("/determination"), "required"}}},
      {test::kCoreIncident,
       Core("/investigation_status").c_str(),
       nullptr,
       {{Core("/investigation_status"), "required"}}},
      {test::kCoreIncident,
       Core("/determination").c_str(),
       R"("maybe")",
       {{Core("/determination"), "enum"}}},
      {test::kCoreIncident,
       Core("/criticality").c_str(),
       "101",
       {{Core("/criticality"), "range"}}},
      {test::kCoreIncident,
       Core("/criticality").c_str(),
       "\"high\"",
       {{Core("/criticality"), "value-type"}}},
      {test::kCoreIncident,
       Core("/detection_methods").c_str(),
       "[]",
       {{Core("/detection_methods"), "empty-list"}}},
      {test::kCoreIncident,
       Core("/recoverability").c_str(),
       R"("soon")",
       {{Core("/recoverability"), "enum"}}},
      {test::kCoreIncident,
       Core("/impacted_entity_counts").c_str(),
       R"({"individual": -1})",
       {{Core("/impacted_entity_counts/individual"), "range"}}},
      {test::kCoreIncident,
       Core("/impact_refs").c_str(),
       R"(["incident--0c9511ac-e14b-4f48-9d49-54bfc93c9b34"])",
       {{Core("/impact_refs/0"), "ref-type"}}},
      {test::kCoreIncident,
       Core("/tasks").c_str(),
       R"([{"task_ref": "event--6e7ec24e-e3b2-498e-afb4-e14eab67b5d4"}])",
       {{Core("/tasks/0/task_ref"), "ref-type"}}},
      {test::kCoreIncident,
       Core("/events").c_str(),
       R"([{}])",
       {{Core("/events/0/event_ref"), "required"}}},
      {test::kCoreIncident,
       Core("/scores").c_str(),
       R"([{"name": "x"}])",
       {{Core("/scores/0/value"), "required"}}},
      {test::kCoreIncident,
       Core("/extension_type").c_str(),
       nullptr,
       {{Core("/extension_type"), "required"}}},
      {test::kCoreIncident, Core("/x_acme_queue").c_str(), R"("tier-2")", {}},
  });
  // The Incident Core extension extends incidents only.
  auto doc = MustParse(test::kIndicator);
  SetJson(doc, kCore, R"({"extension_type": "property-extension",
    "determination": "suspected", "investigation_status": "new"})");
  EXPECT_THAT(KeysOf(Check(doc)), ElementsAre(Pair(kCore, "extension")));
}

constexpr char kEvent[] = R"({
  "type": "event", "spec_version": "2.1",
  "id": "event--6e7ec24e-e3b2-498e-afb4-e14eab67b5d4",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "status": "occurred", "start_time": "2026-03-02T06:00:00Z",
  "sighting_refs": ["sighting--6b3e5b0d-8c1f-4e60-9a4d-3b2c1d0e9f80"],
  "extensions": {"extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e":
                 {"extension_type": "new-sdo"}}
})";

constexpr char kTask[] = R"({
  "type": "task", "spec_version": "2.1",
  "id": "task--93892778-2fd4-4d5e-b2fb-e2defecab0d3",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "outcome": "ongoing", "priority": 80, "task_types": ["containment"],
  "extensions": {"extension-definition--2074a052-8be4-4932-849e-f5e7798e0030":
                 {"extension_type": "new-sdo"}}
})";

constexpr char kImpact[] = R"({
  "type": "impact", "spec_version": "2.1",
  "id": "impact--0c9511ac-e14b-4f48-9d49-54bfc93c9b34",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "impact_category": "availability", "criticality": 60,
  "extensions": {"extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9":
                 {"extension_type": "new-sdo"},
                 "availability-ext": {"availability_impact": 60}}
})";

TEST(IncidentCore, EventImpactTask) {
  for (const char* text : {kEvent, kTask, kImpact}) {
    EXPECT_TRUE(Check(MustParse(text)).ok()) << Dump(Check(MustParse(text)));
  }
  ExpectCases({
      {kEvent, "/status", nullptr, {{"/status", "required"}}},
      {kEvent, "/status", R"("done")", {{"/status", "enum"}}},
      {kEvent,
       "/sighting_refs",
       R"(["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])",
       {{"/sighting_refs/0", "ref-type"}}},
      {kEvent,
       "/end_time",
       R"("2026-03-01T00:00:00Z")",
       {{"/end_time", "time-order"}}},
      {kEvent, "/extensions", nullptr, {{"/extensions", "extension"}}},
      {kTask, "/outcome", nullptr, {{"/outcome", "required"}}},
      {kTask, "/priority", "101", {{"/priority", "range"}}},
      {kTask,
       "/extensions/extension-definition--2074a052-8be4-4932-849e-f5e7798e0030",
       R"({"extension_type": "property-extension"})",
       {{"/extensions/"
         "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030/"
         "extension_type",
         "extension"}}},
      {kImpact,
       "/impact_category",
       nullptr,
       {{"/impact_category", "required"}}},
      {kImpact,
       "/superseded_by_ref",
       R"("impact--dde347a5-e695-4b58-bc7e-00712abdc9a6")",
       {{"/superseded_by_ref", "property-dependency"}}},
      {kImpact, "/criticality", "-5", {{"/criticality", "range"}}},
  });
}

constexpr char kFile[] = R"({
  "type": "file", "spec_version": "2.1",
  "id": "file--1e2f3a4b-5c6d-5e7f-8a9b-0c1d2e3f4a5b",
  "created": "2026-03-03T12:00:00.000Z", "name": "invoice.zip",
  "extensions": {"archive-ext": {"contains_refs": ["file--2e2f3a4b-5c6d-5e7f-8a9b-0c1d2e3f4a5b"]}}
})";

TEST(Extensions, PredefinedObservableExtensions) {
  EXPECT_TRUE(Check(MustParse(kFile)).ok());
  ExpectCases({
      {kFile,
       "/extensions/archive-ext",
       R"({"comment": "x"})",
       {{"/extensions/archive-ext/contains_refs", "required"}}},
      {kFile,
       "/extensions/archive-ext",
       R"({})",
       {{"/extensions/archive-ext", "extension"}}},
      {kFile,
       "/extensions/archive-ext/contains_refs",
       R"(["url--2e2f3a4b-5c6d-5e7f-8a9b-0c1d2e3f4a5b"])",
       {{"/extensions/archive-ext/contains_refs/0", "ref-type"}}},
      {kFile, "/extensions/ntfs-ext", R"({"sid": "S-1-5-21"})", {}},
      {kFile,
       "/extensions/ntfs-ext",
       R"({"x_note": "nothing known"})",
       {{"/extensions/ntfs-ext", "property-dependency"}}},
      {kFile,
       "/extensions/windows-pebinary-ext",
       R"({"pe_type": "dll", "time_date_stamp": "2016-01-20T14:11:06Z",
           "sections": [{"name": ".text", "entropy": 6.2}]})",
       {}},
      {kFile,
       "/extensions/windows-pebinary-ext",
       R"({"pe_type": "dll", "time_date_stamp": "2016-01-20T14:11:06.5Z"})",
       {{"/extensions/windows-pebinary-ext/time_date_stamp", "timestamp"}}},
      {kFile,
       "/extensions/socket-ext",
       R"({"address_family": "AF_INET"})",
       {{"/extensions/socket-ext", "extension"}}},
      {kFile, "/extensions/x-acme-ext", R"({"colour": "blue"})", {}},
      {kFile,
       "/extensions/x-acme-ext",
       R"({"Colour": "blue"})",
       {{"/extensions/x-acme-ext/Colour", "property-name"}}},
      {kFile,
       "/extensions/monetary",
       R"({"currency": "usd"})",
       {{"/extensions/monetary", "extension-key"}}},
      {kFile,
       "/extensions/acme--ext",
       R"({"a": 1})",
       {{"/extensions/acme--ext", "extension-key"}}},
      {kFile, "/extensions", R"({})", {{"/extensions", "extension"}}},
      {kFile, "/extensions", R"([])", {{"/extensions", "value-type"}}},
  });
}

TEST(Extensions, ByExtensionDefinition) {
  constexpr char kKey[] =
      "/extensions/extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02";
  const std::string type = std::string(kKey) + "/extension_type";
  ExpectCases({
      {test::kIndicator,
       kKey,
       R"({"extension_type": "property-extension", "acme_score": 7})",
       {}},
      {test::kIndicator,
       kKey,
       R"({"extension_type": "toplevel-property-extension"})",
       {}},
      {test::kIndicator, kKey, R"({"acme_score": 7})", {{type, "required"}}},
      {test::kIndicator,
       kKey,
       R"({"extension_type": "sideways"})",
       {{type, "extension"}}},
      {test::kIndicator,
       kKey,
       R"({"extension_type": "new-sdo"})",
       {{type, "extension"}}},
      {test::kIndicator,
       "/extensions/extension-definition--8D5A7D2F-0E31-4A82-9C6F-5D4E3F2A1B02",
       R"({"extension_type": "property-extension"})",
       {{"/extensions/"
         "extension-definition--8D5A7D2F-0E31-4A82-9C6F-5D4E3F2A1B02",
         "extension-key"}}},
  });
  // An extension definition lists extension_properties only for top-level
  // property extensions.
  ExpectCases({
      {test::kExtensionDefinition,
       "/extension_properties",
       R"(["x_acme"])",
       {{"/extension_properties", "extension"}}},
      {test::kExtensionDefinition,
       "/extension_types",
       R"(["toplevel-property-extension"])",
       {}},
      {test::kExtensionDefinition,
       "/extension_types",
       R"(["new-thing"])",
       {{"/extension_types/0", "enum"}}},
  });
  auto doc = MustParse(test::kExtensionDefinition);
  SetJson(doc, "/extension_types", R"(["toplevel-property-extension"])");
  SetJson(doc, "/extension_properties", R"(["x_acme"])");
  EXPECT_TRUE(Check(doc).ok()) << Dump(Check(doc));
}

TEST(Extensions, NewObjectTypes) {
  // A custom object defined by an extension definition (new-sdo).
  constexpr char kWidget[] = R"({"type": "acme-widget", "spec_version": "2.1",
    "id": "acme-widget--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13",
    "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
    "colour": "blue",
    "extensions": {"extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02":
                   {"extension_type": "new-sdo"}}})";
  EXPECT_TRUE(Check(MustParse(kWidget)).ok());
  // A new-sro: a custom relationship object.
  auto sro = MustParse(kWidget);
  SetJson(
      sro,
      "/extensions/extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02",
      R"({"extension_type": "new-sro"})");
  EXPECT_TRUE(Check(sro).ok());
}

}  // namespace
}  // namespace certshare::schemas
