// Helpers for schemas_test only.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/json.h"
#include "schemas/stix_check.h"

namespace certshare::schemas::test {

// (pointer, rule) of each problem, in report order.
using Keys = std::vector<std::pair<std::string, std::string>>;

inline Keys KeysOf(const Report& report) {
  Keys keys;
  for (const Problem& p : report.problems) keys.emplace_back(p.pointer, p.rule);
  return keys;
}

// Every problem, one per line, for failure messages.
inline std::string Dump(const Report& report) {
  std::string out;
  for (const Problem& p : report.problems) {
    out += "  " + p.pointer + ": " + p.message + " [" + p.rule + "]\n";
  }
  return out;
}

inline rapidjson::Document MustParse(std::string_view text) {
  rapidjson::Document doc;
  Status s = json::Parse(text, &doc);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << text;
  return doc;
}

// Sets (or, with nullptr, removes) the value at a JSON Pointer.
inline void Set(rapidjson::Document& doc, const char* pointer,
                const char* value) {
  if (value == nullptr) {
    rapidjson::Pointer(pointer).Erase(doc);
  } else {
    rapidjson::Pointer(pointer).Set(doc, value);
  }
}

// Replaces the value at a JSON Pointer by parsed JSON text.
inline void SetJson(rapidjson::Document& doc, const char* pointer,
                    std::string_view json_text) {
  rapidjson::Document value = MustParse(json_text);
  rapidjson::Value copy(value, doc.GetAllocator());
  rapidjson::Pointer(pointer).Set(doc, copy);
}

inline constexpr char kIndicator[] = R"({
  "type": "indicator",
  "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-03-03T11:02:10.000Z",
  "modified": "2026-03-03T11:02:10.000Z",
  "name": "Loader C2",
  "pattern": "[ipv4-addr:value = '198.51.100.23']",
  "pattern_type": "stix",
  "valid_from": "2026-03-02T00:00:00Z"
})";

inline constexpr char kIpv4[] = R"({
  "type": "ipv4-addr",
  "spec_version": "2.1",
  "id": "ipv4-addr--4b4b9a0e-7a53-4d07-9f1c-0f8b3f0b4a11",
  "value": "198.51.100.23"
})";

// A valid object of each kind the tests vary, all dated 2026-03-03.
inline constexpr char kRelationship[] = R"({
  "type": "relationship", "spec_version": "2.1",
  "id": "relationship--5a3d4a9c-7b0e-4d5f-8f3c-2a1b0c9d8e7f",
  "created": "2026-03-03T11:05:44.000Z", "modified": "2026-03-03T11:05:44.000Z",
  "relationship_type": "indicates",
  "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "target_ref": "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26"
})";

inline constexpr char kSighting[] = R"({
  "type": "sighting", "spec_version": "2.1",
  "id": "sighting--6b3e5b0d-8c1f-4e60-9a4d-3b2c1d0e9f80",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "count": 3, "first_seen": "2026-03-03T08:00:00Z",
  "last_seen": "2026-03-03T10:00:00Z",
  "where_sighted_refs": ["identity--bbd6aa74-a810-4ed1-a420-4c8ee8901df0"]
})";

inline constexpr char kLanguageContent[] = R"({
  "type": "language-content", "spec_version": "2.1",
  "id": "language-content--7c4f6c1e-9d20-4f71-8b5e-4c3d2e1f0a91",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "object_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "object_modified": "2026-03-03T11:02:10.000Z",
  "contents": {"et": {"name": "Laaduri C2"}}
})";

inline constexpr char kExtensionDefinition[] = R"({
  "type": "extension-definition", "spec_version": "2.1",
  "id": "extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "created_by_ref": "identity--bbd6aa74-a810-4ed1-a420-4c8ee8901df0",
  "name": "Acme widget", "schema": "https://acme.example/widget",
  "version": "1.0.0", "extension_types": ["new-sdo"]
})";

// A custom (STIX 2.0 style) object: an unknown type with `created`.
inline constexpr char kCustomObject[] = R"({
  "type": "x-acme-widget", "spec_version": "2.1",
  "id": "x-acme-widget--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13",
  "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
  "x_acme_colour": "blue"
})";

// The official TLP 2.0 AMBER and RED marking definitions.
inline constexpr char kAmberDefinition[] = R"({
  "type": "marking-definition", "spec_version": "2.1",
  "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "created": "2022-10-01T00:00:00.000Z", "name": "TLP:AMBER",
  "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
    {"extension_type": "property-extension", "tlp_2_0": "amber"}}
})";
inline constexpr char kRedDefinition[] = R"({
  "type": "marking-definition", "spec_version": "2.1",
  "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
  "created": "2022-10-01T00:00:00.000Z", "name": "TLP:RED",
  "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
    {"extension_type": "property-extension", "tlp_2_0": "red"}}
})";

// An incident with the Incident Core extension.
inline constexpr char kCoreIncident[] = R"({
  "type": "incident", "spec_version": "2.1",
  "id": "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26",
  "created": "2026-03-03T09:14:27.000Z", "modified": "2026-03-04T16:40:05.000Z",
  "name": "Tax-refund phishing",
  "extensions": {"extension-definition--ef765651-680c-498d-9894-99799f2fa126": {
    "extension_type": "property-extension",
    "determination": "suspected", "investigation_status": "open",
    "criticality": 40, "detection_methods": ["user-reporting"],
    "incident_types": ["dissemination-phishing-emails"]}}
})";

// `objects` (JSON text of comma-separated objects) in a bundle.
inline std::string Bundle(std::string_view objects) {
  return R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)" +
         std::string(objects) + "]}";
}

inline constexpr char kAmberMarking[] =
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
inline constexpr char kGreenMarking[] =
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
inline constexpr char kRedMarking[] =
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
// The TLP 1.0 markings of the STIX 2.1 specification (§7.2.1.4).
inline constexpr char kTlp1WhiteMarking[] =
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
inline constexpr char kTlp1GreenMarking[] =
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
inline constexpr char kTlp1AmberMarking[] =
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
inline constexpr char kTlp1RedMarking[] =
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
// The canonical TLP 1.0 AMBER marking definition.
inline constexpr char kTlp1AmberDefinition[] = R"({
  "type": "marking-definition", "spec_version": "2.1",
  "id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
  "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
  "name": "TLP:AMBER", "definition": {"tlp": "amber"}
})";

}  // namespace certshare::schemas::test
