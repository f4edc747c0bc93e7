// Helpers for the builder tests: checking output with schemas::Check and
// picking objects out of a built bundle.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/base/json.h"
#include "schemas/stix_check.h"

namespace certshare::agent::testing {

// Fails the test, listing every problem, unless certshare accepts `text`.
inline void ExpectValidStix(const std::string& text) {
  const schemas::Report r = schemas::CheckText(text);
  for (const schemas::Problem& p : r.problems) {
    ADD_FAILURE() << p.pointer << ": " << p.message << " [" << p.rule << "]\n" << text;
  }
}

inline rapidjson::Document ParseOrDie(const std::string& text) {
  rapidjson::Document doc;
  const Status s = json::Parse(text, &doc);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return doc;
}

// The objects of a bundle document with this type.
inline std::vector<const rapidjson::Value*> OfType(const rapidjson::Value& bundle,
                                                    std::string_view type) {
  std::vector<const rapidjson::Value*> out;
  for (const auto& o : bundle["objects"].GetArray()) {
    if (std::string_view(o["type"].GetString()) == type) out.push_back(&o);
  }
  return out;
}

inline std::string S(const rapidjson::Value& obj, const char* name) {
  std::string out;
  json::GetString(obj, name, &out);
  return out;
}

}  // namespace certshare::agent::testing
