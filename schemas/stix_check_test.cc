// Check / CheckText / Summarise: each rule with a minimal bad object, several
// problems at once, bundles and the Summary.
#include "schemas/stix_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "schemas/rules.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

using test::Dump;
using test::KeysOf;
using test::kIndicator;
using test::MustParse;
using test::Set;
using test::SetJson;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Checks and also asserts that every rule id reported is a documented one.
Report CheckDoc(const rapidjson::Value& doc) {
  Report report = Check(doc);
  std::set<std::string_view> known;
  for (const RuleInfo& r : AllRules()) known.insert(r.id);
  std::set<std::string_view> warnings;
  for (const RuleInfo& r : AllRules()) {
    if (r.warning) warnings.insert(r.id);
  }
  for (const Problem& p : report.problems) {
    EXPECT_TRUE(known.count(p.rule)) << "undocumented rule " << p.rule;
    EXPECT_FALSE(warnings.count(p.rule)) << p.rule << " is a warning, reported as a problem";
    EXPECT_FALSE(p.message.empty());
  }
  for (const Problem& w : report.warnings) {
    EXPECT_TRUE(warnings.count(w.rule) || w.rule == rule::kTooManyProblems)
        << w.rule << " reported as a warning";
    EXPECT_FALSE(w.message.empty());
  }
  return report;
}

using test::Bundle;

TEST(Rules, IdsAreUniqueAndDescribed) {
  std::set<std::string_view> ids;
  for (const RuleInfo& r : AllRules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
  }
  EXPECT_EQ(ids.size(), 41u);
}

// docs/records.md has a table row ("| `rule-id` | ...") for every rule.
TEST(Rules, DocumentedInRecordsMd) {
  Result<std::string> doc = files::Read(CERTSHARE_RECORDS_DOC);
  ASSERT_OK(doc.status());
  std::set<std::string> documented;
  std::size_t at = 0;
  while ((at = doc->find("\n| `", at)) != std::string::npos) {
    at += 4;
    const std::size_t end = doc->find("` |", at);
    if (end == std::string::npos) break;
    const std::string id = doc->substr(at, end - at);
    if (id.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos) {
      documented.insert(id);
    }
  }
  std::set<std::string> rules;
  for (const RuleInfo& r : AllRules()) rules.insert(std::string(r.id));
  for (const std::string& id : rules) {
    EXPECT_TRUE(documented.count(id)) << id << " is not in docs/records.md";
  }
}

// Warnings: what STIX says SHOULD (not) be. They never make a document
// invalid; `certshare validate --strict` counts them.
TEST(Warnings, CustomPropertiesOfStixTypesStartWithX) {
  auto doc = MustParse(kIndicator);
  SetJson(doc, "/acme_score", "7");
  SetJson(doc, "/x_acme_queue", "\"tier-2\"");
  Report report = CheckDoc(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].pointer, "/acme_score");
  EXPECT_EQ(report.warnings[0].rule, "custom-prefix");
  EXPECT_THAT(report.warnings[0].message, HasSubstr("should start with \"x_\""));
  // Properties a toplevel-property-extension defines need no prefix.
  SetJson(doc, "/extensions", R"({"extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02":
                                  {"extension_type": "toplevel-property-extension"}})");
  report = CheckDoc(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_TRUE(report.warnings.empty());
  // A custom object's own properties are its definition, not custom ones.
  auto custom = MustParse(test::kCustomObject);
  SetJson(custom, "/colour", "\"blue\"");
  report = CheckDoc(custom);
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(Warnings, CustomTypesWithoutExtensionStartWithX) {
  auto doc = MustParse(test::kCustomObject);
  Set(doc, "/type", "acme-widget");
  Set(doc, "/id", "acme-widget--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13");
  Report report = CheckDoc(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].pointer, "/type");
  EXPECT_EQ(report.warnings[0].rule, "custom-prefix");
  // Defined by an extension (STIX 2.1's way): any name.
  SetJson(doc, "/extensions", R"({"extension-definition--8d5a7d2f-0e31-4a82-9c6f-5d4e3f2a1b02":
                                  {"extension_type": "new-sdo"}})");
  report = CheckDoc(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(Warnings, DeprecatedObservedDataObjects) {
  const char* observed = R"({"type": "observed-data", "spec_version": "2.1",
    "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
    "created": "2026-03-03T12:00:00.000Z", "modified": "2026-03-03T12:00:00.000Z",
    "first_observed": "2026-03-03T08:00:00Z", "last_observed": "2026-03-03T09:00:00Z",
    "number_observed": 2, "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}})";
  Report report = CheckDoc(MustParse(observed));
  EXPECT_TRUE(report.ok()) << Dump(report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].pointer, "/objects");
  EXPECT_EQ(report.warnings[0].rule, "deprecated");
  EXPECT_THAT(report.warnings[0].message, HasSubstr("object_refs"));
  // Summarise, which publish uses, ignores warnings.
  EXPECT_OK(Summarise(observed).status());
}

TEST(Warnings, AreBoundedLikeProblems) {
  auto doc = MustParse(kIndicator);
  for (std::size_t i = 0; i < kMaxProblems + 20; ++i) {
    SetJson(doc, ("/p" + std::to_string(1000 + i)).c_str(), "1");
  }
  Report report = CheckDoc(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  ASSERT_EQ(report.warnings.size(), kMaxProblems + 1);
  EXPECT_EQ(report.warnings.back().rule, "too-many-problems");
  EXPECT_THAT(report.warnings.back().message, HasSubstr("20 further warnings"));
}

TEST(Check, ValidIndicator) {
  auto doc = MustParse(kIndicator);
  Report report = CheckDoc(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "indicator");
  EXPECT_EQ(report.summary.id,
            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(report.summary.modified, "2026-03-03T11:02:10.000Z");
  EXPECT_EQ(report.summary.tlp, std::nullopt);
  EXPECT_EQ(report.summary.object_count, 1u);
}

TEST(Check, NotObject) {
  for (const char* text : {"[]", R"([{"type": "indicator"}])", "\"bundle\"",
                           "42", "null", "true"}) {
    Report report = CheckDoc(MustParse(text));
    EXPECT_THAT(KeysOf(report), ElementsAre(Pair("", "not-object"))) << text;
  }
}

TEST(Check, TypeMissing) {
  auto doc = MustParse(kIndicator);
  Set(doc, "/type", nullptr);
  Report report = CheckDoc(doc);
  // Without a type, neither the id's type nor the type's requirements can
  // be checked: only the id's form is.
  EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/type", "type")));
}

TEST(Check, TypeMissingOnWhatLooksLikeABundle) {
  Report report = CheckDoc(MustParse(
      R"({"id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": []})"));
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("/type", "type")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("\"type\": \"bundle\""));
}

TEST(Check, TypeMalformed) {
  for (const char* type : {R"("Indicator")", R"("ab")", R"("indicator-")",
                           R"("x_acme")", "7", "[\"indicator\"]", "null"}) {
    auto doc = MustParse(kIndicator);
    SetJson(doc, "/type", type);
    Report report = CheckDoc(doc);
    EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/type", "type")))
        << type << "\n"
        << Dump(report);
  }
}

TEST(Check, IdFormat) {
  struct Case {
    const char* id;
    const char* says;
  };
  for (const Case& c : {
           Case{"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "names type"},
           Case{"indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",
                "upper-case"},
           Case{"indicator--8e2e2d2b", "lower-case RFC 4122"},
           Case{"8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "lower-case RFC 4122"},
       }) {
    auto doc = MustParse(kIndicator);
    Set(doc, "/id", c.id);
    Report report = CheckDoc(doc);
    ASSERT_THAT(KeysOf(report), ElementsAre(Pair("/id", "id-format"))) << c.id;
    EXPECT_THAT(report.problems[0].message, HasSubstr(c.says));
  }
  auto doc = MustParse(kIndicator);
  Set(doc, "/id", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)), ElementsAre(Pair("/id", "id-format")));
  SetJson(doc, "/id", "123");
  EXPECT_THAT(KeysOf(CheckDoc(doc)), ElementsAre(Pair("/id", "id-format")));
}

TEST(Check, SpecVersion) {
  for (const char* version : {R"("2.0")", R"("2.1 ")", "2.1", "null"}) {
    auto doc = MustParse(kIndicator);
    SetJson(doc, "/spec_version", version);
    EXPECT_THAT(KeysOf(CheckDoc(doc)),
                ElementsAre(Pair("/spec_version", "spec-version")))
        << version;
  }
  auto doc = MustParse(kIndicator);
  Set(doc, "/spec_version", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/spec_version", "spec-version")));
}

TEST(Check, ObservablesMayOmitSpecVersionButNotGetItWrong) {
  auto ip = MustParse(test::kIpv4);
  Set(ip, "/spec_version", nullptr);
  auto doc = MustParse(Bundle(std::string(kIndicator) + "," + json::Write(ip)));
  EXPECT_TRUE(CheckDoc(doc).ok()) << Dump(CheckDoc(doc));

  Set(ip, "/spec_version", "2.0");
  doc = MustParse(Bundle(std::string(kIndicator) + "," + json::Write(ip)));
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/objects/1/spec_version", "spec-version")));
}

TEST(Check, CreatedAndModifiedRequiredOnDomainObjects) {
  auto doc = MustParse(kIndicator);
  Set(doc, "/created", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/created", "timestamp")));
  doc = MustParse(kIndicator);
  Set(doc, "/modified", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/modified", "timestamp")));
}

TEST(Check, RelationshipsAndMetaObjectsNeedBothTimestamps) {
  for (const char* text :
       {test::kRelationship, test::kSighting, test::kLanguageContent,
        test::kExtensionDefinition, test::kCustomObject}) {
    auto doc = MustParse(text);
    EXPECT_TRUE(CheckDoc(doc).ok()) << Dump(CheckDoc(doc));
    Set(doc, "/modified", nullptr);
    EXPECT_THAT(KeysOf(CheckDoc(doc)),
                ElementsAre(Pair("/modified", "timestamp")))
        << text;
  }
}

TEST(Check, MarkingDefinitionHasCreatedButNoModified) {
  auto doc = MustParse(test::kAmberDefinition);
  Report report = CheckDoc(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.modified, "2022-10-01T00:00:00.000Z");

  Set(doc, "/created", nullptr);
  report = CheckDoc(doc);
  EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/created", "timestamp")));
}

TEST(Check, TimestampFormat) {
  for (const char* ts :
       {"2026-03-03T11:02:10+00:00", "2026-03-03T11:02:10", "2026-03-03",
        "2025-02-29T00:00:00Z", "2026-03-03T11:02:10.000z"}) {
    auto doc = MustParse(kIndicator);
    Set(doc, "/created", ts);
    Set(doc, "/modified", ts);
    EXPECT_THAT(KeysOf(CheckDoc(doc)),
                ElementsAre(Pair("/created", "timestamp"),
                            Pair("/modified", "timestamp")))
        << ts;
  }
  auto doc = MustParse(kIndicator);
  SetJson(doc, "/created", "1772535730");
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/created", "timestamp")));
}

TEST(Check, ObservableTimestampsAreCheckedWhenPresent) {
  auto ip = MustParse(test::kIpv4);
  Set(ip, "/created", "yesterday");
  auto doc = MustParse(Bundle(std::string(kIndicator) + "," + json::Write(ip)));
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/objects/1/created", "timestamp")));
}

TEST(Check, ModifiedBeforeCreated) {
  struct Case {
    const char* created;
    const char* modified;
    bool problem;
  };
  for (const Case& c : {
           Case{"2026-03-03T11:02:10.000Z", "2026-03-03T11:02:09.999Z", true},
           Case{"2026-03-03T11:02:10.001Z", "2026-03-03T11:02:10.000Z", true},
           Case{"2026-03-03T11:02:10.500Z", "2026-03-03T11:02:10.499999Z",
                true},
           Case{"2026-03-03T11:02:10.000Z", "2025-12-31T23:59:59.000Z", true},
           Case{"2026-03-03T11:02:10.5000Z", "2026-03-03T11:02:10.500Z", false},
           Case{"2026-03-03T11:02:10.000Z", "2026-03-03T11:02:10.000000Z",
                false},
           Case{"2026-03-03T11:02:10.000Z", "2026-03-03T11:02:10.500Z", false},
           Case{"2026-03-03T11:02:10.900Z", "2026-03-03T11:02:10.1000Z", true},
       }) {
    auto doc = MustParse(kIndicator);
    Set(doc, "/created", c.created);
    Set(doc, "/modified", c.modified);
    Report report = CheckDoc(doc);
    if (c.problem) {
      EXPECT_THAT(KeysOf(report),
                  ElementsAre(Pair("/modified", "modified-before-created")))
          << c.created << " " << c.modified;
    } else {
      EXPECT_TRUE(report.ok())
          << c.created << " " << c.modified << Dump(report);
    }
  }
}

TEST(Check, MillisecondPrecisionForCreatedAndModified) {
  auto doc = MustParse(kIndicator);
  Set(doc, "/created", "2026-03-03T11:02:10Z");
  Set(doc, "/modified", "2026-03-03T11:02:10.12Z");
  Report report = CheckDoc(doc);
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("/created", "timestamp"),
                                          Pair("/modified", "timestamp")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("millisecond"));
  // Other timestamps need no fraction at all (valid_from is ...:00Z).
  EXPECT_TRUE(CheckDoc(MustParse(kIndicator)).ok());
}

TEST(Check, MarkingRefs) {
  {
    auto doc = MustParse(kIndicator);
    SetJson(doc, "/object_marking_refs", "null");
    EXPECT_THAT(KeysOf(CheckDoc(doc)),
                ElementsAre(Pair("/object_marking_refs", "null-value")));
  }
  for (const char* refs :
       {"[]", R"("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")",
        "{}"}) {
    auto doc = MustParse(kIndicator);
    SetJson(doc, "/object_marking_refs", refs);
    EXPECT_THAT(KeysOf(CheckDoc(doc)),
                ElementsAre(Pair("/object_marking_refs", "marking-refs")))
        << refs;
  }
  auto doc = MustParse(kIndicator);
  SetJson(doc, "/object_marking_refs",
          R"(["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
              "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", 7,
              "marking-definition--55D920B0-5E8B-4F79-9EE9-91F868D9B421"])");
  Report report = CheckDoc(doc);
  EXPECT_THAT(KeysOf(report),
              ElementsAre(Pair("/object_marking_refs/1", "marking-refs"),
                          Pair("/object_marking_refs/2", "marking-refs"),
                          Pair("/object_marking_refs/3", "marking-refs")));
}

TEST(Check, TlpOfASingleObject) {
  auto doc = MustParse(kIndicator);
  // The same level twice, and in both TLP versions, is one level.
  SetJson(doc, "/object_marking_refs",
          std::string("[\"") + test::kTlp1RedMarking + "\", \"" +
              test::kRedMarking + "\", \"" + test::kRedMarking + "\"]");
  Report report = CheckDoc(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kRed);
}

TEST(Check, Tlp1MarkingSetsTheTlp) {
  auto doc = MustParse(kIndicator);
  SetJson(doc, "/object_marking_refs",
          std::string("[\"") + test::kTlp1GreenMarking + "\"]");
  Report report = CheckDoc(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kGreen);
}

TEST(Check, TlpConflict) {
  auto doc = MustParse(kIndicator);
  SetJson(doc, "/object_marking_refs",
          std::string("[\"") + test::kGreenMarking + "\", \"" +
              test::kTlp1GreenMarking + "\", \"" + test::kAmberMarking + "\"]");
  Report report = CheckDoc(doc);
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair("/object_marking_refs", "tlp-conflict")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("TLP:GREEN and TLP:AMBER"));
}

TEST(Check, SingleObservableCannotBePublishedAlone) {
  Report report = CheckDoc(MustParse(test::kIpv4));
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("", "no-timestamp")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("bundle"));
}

TEST(Check, ReportsEveryProblemOfAnObject) {
  auto doc = MustParse(kIndicator);
  Set(doc, "/id", "indicator--8E2E2D2B-17d4-4cbf-938f-98ee46b3cd3f");
  Set(doc, "/spec_version", "2.0");
  Set(doc, "/created", "2026-03-03T11:02:10+01:00");
  Set(doc, "/modified", nullptr);
  SetJson(doc, "/object_marking_refs", "[]");
  EXPECT_THAT(
      KeysOf(CheckDoc(doc)),
      ElementsAre(Pair("/id", "id-format"),
                  Pair("/spec_version", "spec-version"),
                  Pair("/created", "timestamp"), Pair("/modified", "timestamp"),
                  Pair("/object_marking_refs", "marking-refs")));
}

// --- bundles ---------------------------------------------------------------

TEST(CheckBundle, Valid) {
  auto ip = MustParse(test::kIpv4);
  auto doc = MustParse(Bundle(std::string(kIndicator) + "," + json::Write(ip)));
  Report report = CheckDoc(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.id, "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d");
  EXPECT_EQ(report.summary.modified, "2026-03-03T11:02:10.000Z");
  EXPECT_EQ(report.summary.object_count, 2u);
  EXPECT_EQ(report.summary.tlp, std::nullopt);
}

TEST(CheckBundle, OwnId) {
  auto doc = MustParse(Bundle(kIndicator));
  Set(doc, "/id", "report--5d0092c5-5f74-4287-9642-33f4c354e56d");
  EXPECT_THAT(KeysOf(CheckDoc(doc)), ElementsAre(Pair("/id", "id-format")));
  Set(doc, "/id", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)), ElementsAre(Pair("/id", "id-format")));
}

TEST(CheckBundle, Objects) {
  for (const char* objects : {"[]", "{}", "null", R"("indicator")"}) {
    auto doc = MustParse(Bundle(kIndicator));
    SetJson(doc, "/objects", objects);
    Report report = CheckDoc(doc);
    EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/objects", "bundle-objects")))
        << objects;
    EXPECT_EQ(report.summary.object_count, 0u);
  }
  auto doc = MustParse(Bundle(kIndicator));
  Set(doc, "/objects", nullptr);
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/objects", "bundle-objects")));
}

TEST(CheckBundle, EntriesMustBeObjectsAndNotBundles) {
  auto doc = MustParse(
      Bundle(std::string(kIndicator) + R"(, 42, [], )" + Bundle(kIndicator)));
  EXPECT_THAT(KeysOf(CheckDoc(doc)),
              ElementsAre(Pair("/objects/1", "not-object"),
                          Pair("/objects/2", "not-object"),
                          Pair("/objects/3", "bundle-objects")));
}

TEST(CheckBundle, PointsIntoObjectsAndReportsAll) {
  auto bad = MustParse(kIndicator);
  Set(bad, "/modified", "2026-02-30T00:00:00Z");
  Set(bad, "/id", "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  auto worse = MustParse(kIndicator);
  Set(worse, "/created", "2026-03-04T00:00:00.000Z");
  auto doc = MustParse(Bundle(std::string(kIndicator) + "," + kIndicator + "," +
                              kIndicator + "," + json::Write(bad) + "," +
                              json::Write(worse)));
  Report report = CheckDoc(doc);
  EXPECT_THAT(
      KeysOf(report),
      ElementsAre(Pair("/objects/3/id", "id-format"),
                  Pair("/objects/3/modified", "timestamp"),
                  Pair("/objects/4/modified", "modified-before-created")));
  EXPECT_EQ(report.summary.object_count, 5u);
}

TEST(CheckBundle, ModifiedIsTheLatestInTime) {
  auto a = MustParse(kIndicator);
  Set(a, "/created", "2026-03-04T10:00:00.000Z");
  Set(a, "/modified", "2026-03-04T10:00:00.000Z");
  auto b = MustParse(kIndicator);  // later by half a second, shorter text
  Set(b, "/created", "2026-03-04T10:00:00.000Z");
  Set(b, "/modified", "2026-03-04T10:00:00.500Z");
  auto definition = MustParse(R"({"type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40",
    "created": "2026-03-04T10:00:00.25Z", "definition_type": "statement",
    "definition": {"statement": "Copyright 2026 CERT-EE"}})");
  const std::string marking = json::Write(definition);
  Report report = CheckDoc(
      MustParse(Bundle(json::Write(a) + "," + json::Write(b) + "," + marking)));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.modified, "2026-03-04T10:00:00.500Z");

  // A marking definition's `created` counts when it is the latest.
  Set(b, "/modified", "2026-03-04T10:00:00.100Z");
  report = CheckDoc(
      MustParse(Bundle(json::Write(a) + "," + json::Write(b) + "," + marking)));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.modified, "2026-03-04T10:00:00.25Z");
}

TEST(CheckBundle, NoTimestamp) {
  auto ip = MustParse(test::kIpv4);
  Report report =
      CheckDoc(MustParse(Bundle(json::Write(ip) + "," + json::Write(ip))));
  EXPECT_THAT(KeysOf(report), ElementsAre(Pair("", "bundle-no-timestamp")));
}

TEST(CheckBundle, TlpIsTheMostRestrictive) {
  auto green = MustParse(kIndicator);
  SetJson(green, "/object_marking_refs",
          std::string("[\"") + test::kGreenMarking + "\"]");
  auto amber = MustParse(kIndicator);
  SetJson(amber, "/object_marking_refs",
          std::string("[\"") + test::kAmberMarking + "\"]");
  auto unmarked = MustParse(test::kIpv4);
  Report report = CheckDoc(MustParse(
      Bundle(json::Write(green) + "," + json::Write(amber) + "," + json::Write(unmarked))));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);
  // A TLP:RED definition the bundle contains marks it RED, referred to or
  // not (docs/records.md, "TLP": fail closed).
  report = CheckDoc(MustParse(Bundle(json::Write(green) + "," + json::Write(amber) + "," +
                                     json::Write(unmarked) + "," + test::kRedDefinition)));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kRed);
}

TEST(CheckBundle, DifferentTlpOnDifferentObjectsIsNoConflict) {
  auto green = MustParse(kIndicator);
  SetJson(green, "/object_marking_refs",
          std::string("[\"") + test::kGreenMarking + "\"]");
  auto strict = MustParse(kIndicator);
  SetJson(strict, "/object_marking_refs",
          R"(["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"])");
  Report report = CheckDoc(
      MustParse(Bundle(json::Write(strict) + "," + json::Write(green))));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kAmberStrict);
}

// --- CheckText and Summarise -------------------------------------------------

TEST(CheckText, JsonErrorIsOneProblem) {
  Report report = CheckText(R"({"type": "indicator",})");
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("", "json")));
  EXPECT_THAT(report.problems[0].message,
              HasSubstr("invalid JSON at line 1, column 22 (byte 21)"));
  EXPECT_THAT(KeysOf(CheckText("")), ElementsAre(Pair("", "json")));
  // A byte order mark is refused with its own message (RFC 8259 §8.1).
  report = CheckText("\xEF\xBB\xBF" + std::string(kIndicator));
  ASSERT_THAT(KeysOf(report), ElementsAre(Pair("", "json")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("UTF-8 byte order mark"));
}

TEST(Summarise, Ok) {
  Result<Summary> summary = Summarise(kIndicator);
  ASSERT_OK(summary.status());
  EXPECT_EQ(summary->type, "indicator");
  EXPECT_EQ(summary->modified, "2026-03-03T11:02:10.000Z");
}

TEST(Summarise, InvalidStixListsEveryProblem) {
  auto doc = MustParse(kIndicator);
  Set(doc, "/spec_version", "2.0");
  Set(doc, "/modified", "2026-03-03T11:02:09.000Z");
  Result<Summary> summary = Summarise(json::Write(doc));
  EXPECT_CODE(summary.status(), ErrorCode::kInvalidStix);
  EXPECT_EQ(summary.status().message(),
            "/spec_version: `spec_version` must be \"2.1\", not \"2.0\" (only "
            "STIX 2.1 is accepted) [spec-version]\n"
            "/modified: `modified` 2026-03-03T11:02:09.000Z is earlier than "
            "`created` 2026-03-03T11:02:10.000Z [modified-before-created]");
}

TEST(Summarise, MalformedJson) {
  Result<Summary> summary = Summarise("{\"type\": ");
  EXPECT_CODE(summary.status(), ErrorCode::kMalformedJson);
  EXPECT_THAT(summary.status().message(), HasSubstr("[json]"));
}

}  // namespace
}  // namespace certshare::schemas
