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

inline constexpr char kAmberMarking[] =
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
inline constexpr char kGreenMarking[] =
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
inline constexpr char kRedMarking[] =
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
// TLP 1.0 GREEN, from the STIX 2.1 specification: not a TLP 2.0 marking.
inline constexpr char kTlp1GreenMarking[] =
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";

}  // namespace certshare::schemas::test
