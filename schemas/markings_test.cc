// Data markings: granular markings and selectors (the spec's lang-only
// granular marking included), TLP levels from object and granular
// markings, marking definitions (statement, TLP 1.0) and the TLP 2.0
// definitions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/base/json.h"
#include "common/base/testing.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

using test::Dump;
using test::KeysOf;
using test::MustParse;
using test::Set;
using test::SetJson;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// kIndicator with a description, labels and external references to select.
rapidjson::Document Marked(const char* granular_markings) {
  auto doc = MustParse(test::kIndicator);
  Set(doc, "/description", "Beacons every 300 seconds.");
  SetJson(doc, "/labels", R"(["loader", "c2"])");
  SetJson(doc, "/external_references",
          R"([{"source_name": "CERT-EE", "url": "https://cert.example/a"}])");
  SetJson(doc, "/granular_markings", granular_markings);
  return doc;
}

TEST(GranularMarkings, Valid) {
  auto doc = Marked(R"([
    {"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
     "selectors": ["description", "labels.[1]", "external_references.[0].url"]},
    {"lang": "et", "selectors": ["name"]},
    {"marking_ref": "marking-definition--8c7e6f5a-4b3c-4d2e-9f1a-0b9c8d7e6f5a",
     "selectors": ["pattern", "id"]}])");
  Report report = Check(doc);
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kGreen);  // TLP 1.0 GREEN, granular
}

// STIX 2.1 §7.2.3: a granular marking has marking_ref or lang, never both.
// The OASIS schema demands marking_ref, so it refuses the lang-only form
// the spec allows; certshare follows the spec (docs/records.md).
TEST(GranularMarkings, LangOnlyIsAcceptedBothOrNeitherIsNot) {
  EXPECT_TRUE(
      Check(Marked(R"([{"lang": "de", "selectors": ["description"]}])")).ok());
  EXPECT_THAT(KeysOf(Check(Marked(R"([{"lang": "de",
      "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "selectors": ["description"]}])"))),
              ElementsAre(Pair("/granular_markings/0", "granular-marking")));
  EXPECT_THAT(KeysOf(Check(Marked(R"([{"selectors": ["description"]}])"))),
              ElementsAre(Pair("/granular_markings/0", "granular-marking")));
}

TEST(GranularMarkings, Shape) {
  struct Case {
    const char* markings;
    test::Keys expected;
  };
  for (
      const Case& c : {
          Case{"[]", {{"/granular_markings", "empty-list"}}},
          Case{"{}", {{"/granular_markings", "value-type"}}},
          Case{"[7]", {{"/granular_markings/0", "value-type"}}},
          Case{R"([{"lang": "de"}])",
               {{"/granular_markings/0/selectors", "required"}}},
          Case{R"([{"lang": "de", "selectors": []}])",
               {{"/granular_markings/0/selectors", "granular-marking"}}},
          Case{R"([{"lang": "de", "selectors": "description"}])",
               {{"/granular_markings/0/selectors", "granular-marking"}}},
          Case{R"([{"lang": "Deutsch!", "selectors": ["description"]}])",
               {{"/granular_markings/0/lang", "format"}}},
          Case{
              R"([{"marking_ref": "identity--8c7e6f5a-4b3c-4d2e-9f1a-0b9c8d7e6f5a",
                     "selectors": ["description"]}])",
              {{"/granular_markings/0/marking_ref", "ref-type"}}},
          Case{R"([{"marking_ref": "marking-definition--nope",
                     "selectors": ["description"]}])",
               {{"/granular_markings/0/marking_ref", "ref-format"}}},
          Case{
              R"([{"lang": "de", "selectors": ["description"], "x_why": null}])",
              {{"/granular_markings/0/x_why", "null-value"}}},
      }) {
    EXPECT_EQ(KeysOf(Check(Marked(c.markings))), c.expected) << c.markings;
  }
}

TEST(GranularMarkings, SelectorsMustSelectSomething) {
  struct Case {
    const char* selector;
    bool ok;
  };
  for (const Case& c : {
           Case{"description", true},
           Case{"labels.[0]", true},
           Case{"labels.[1]", true},
           Case{"external_references.[0].source_name", true},
           Case{"labels.[2]", false},        // out of range
           Case{"labels.0", false},          // an index needs brackets
           Case{"labels[0]", false},         // and a dot before it
           Case{"[0]", false},               // the root is an object
           Case{"description.text", false},  // a string has no members
           Case{"external_references.url", false},
           Case{"confidence", false},  // absent
           Case{"", false},
           Case{"description.", false},
           Case{"a b", false},
           Case{"labels.[-1]", false},
           Case{"labels.[99999999999999]", false},
       }) {
    const std::string markings =
        std::string(R"([{"lang": "en", "selectors": [")") + c.selector +
        "\"]}]";
    Report report = Check(Marked(markings.c_str()));
    if (c.ok) {
      EXPECT_TRUE(report.ok()) << c.selector << "\n" << Dump(report);
    } else {
      EXPECT_THAT(
          KeysOf(report),
          ElementsAre(Pair("/granular_markings/0/selectors/0", "selector")))
          << c.selector;
    }
  }
}

TEST(Tlp, GranularTlpCountsForRouting) {
  // An object marked GREEN with its description marked RED routes as RED.
  auto doc = Marked(
      R"([{"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
                         "selectors": ["description"]}])");
  SetJson(doc, "/object_marking_refs",
          std::string("[\"") + test::kGreenMarking + "\"]");
  Report report = Check(doc);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kRed);
  // Granular levels different from the object's are no conflict.
  SetJson(doc, "/object_marking_refs",
          std::string("[\"") + test::kAmberMarking + "\"]");
  EXPECT_TRUE(Check(doc).ok());
}

// The four TLP 1.0 markings of STIX 2.1 §7.2.1.4 set the TLP as TLP 2.0
// ones do (MISP and OpenCTI still emit them); WHITE is CLEAR.
TEST(Tlp, Tlp1MarkingsSetTheTlp) {
  struct Case {
    const char* marking;
    Tlp tlp;
    const char* description;
  };
  for (const Case& c : {Case{test::kTlp1WhiteMarking, Tlp::kClear, "TLP:CLEAR by "
                             "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9 "
                             "(TLP 1.0 WHITE)"},
                        Case{test::kTlp1GreenMarking, Tlp::kGreen, "TLP:GREEN by "
                             "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da "
                             "(TLP 1.0 GREEN)"},
                        Case{test::kTlp1AmberMarking, Tlp::kAmber, "TLP:AMBER by "
                             "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 "
                             "(TLP 1.0 AMBER)"},
                        Case{test::kTlp1RedMarking, Tlp::kRed, "TLP:RED by "
                             "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed "
                             "(TLP 1.0 RED)"}}) {
    EXPECT_EQ(TlpOfMarking(c.marking), c.tlp) << c.marking;
    EXPECT_TRUE(IsTlp1Marking(c.marking));
    auto doc = MustParse(test::kIndicator);
    SetJson(doc, "/object_marking_refs", std::string("[\"") + c.marking + "\"]");
    Report report = Check(doc);
    ASSERT_TRUE(report.ok()) << Dump(report);
    EXPECT_EQ(report.summary.tlp, c.tlp) << c.marking;
    EXPECT_EQ(report.summary.tlp_object, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    EXPECT_EQ(report.summary.tlp_marking, c.marking);
    EXPECT_EQ(DescribeTlpMarking(report.summary),
              std::string("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f is marked ") +
                  c.description);
  }
  EXPECT_EQ(TlpOfMarking(test::kAmberMarking), Tlp::kAmber);
  EXPECT_FALSE(IsTlp1Marking(test::kAmberMarking));
  EXPECT_EQ(TlpOfMarking("marking-definition--0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40"),
            std::nullopt);
  EXPECT_EQ(DescribeTlpMarking(Summary{}), "");
}

// The strictest marking on any object decides, whichever TLP version it
// is and wherever it is: object markings, granular markings, any object
// of a bundle. The first object at that level is named.
TEST(Tlp, TheStrictestMarkingOfEitherVersionAnywhereDecides) {
  auto green = MustParse(test::kIndicator);
  SetJson(green, "/object_marking_refs", std::string("[\"") + test::kGreenMarking + "\"]");
  auto amber = MustParse(test::kRelationship);
  SetJson(amber, "/granular_markings",
          std::string(R"([{"marking_ref": ")") + test::kTlp1AmberMarking +
              R"(", "selectors": ["relationship_type"]}])");
  auto also_amber = MustParse(test::kSighting);
  SetJson(also_amber, "/object_marking_refs", std::string("[\"") + test::kAmberMarking + "\"]");
  Report report = CheckText(test::Bundle(json::Write(green) + "," + json::Write(amber) + "," +
                                         json::Write(also_amber)));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);
  EXPECT_EQ(report.summary.tlp_object, "relationship--5a3d4a9c-7b0e-4d5f-8f3c-2a1b0c9d8e7f");
  EXPECT_EQ(report.summary.tlp_marking, test::kTlp1AmberMarking);
  EXPECT_EQ(DescribeTlpMarking(report.summary),
            "relationship--5a3d4a9c-7b0e-4d5f-8f3c-2a1b0c9d8e7f is marked TLP:AMBER by "
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 (TLP 1.0 AMBER)");
  // A TLP 2.0 RED granular marking on the GREEN object goes above both.
  SetJson(green, "/granular_markings",
          std::string(R"([{"marking_ref": ")") + test::kRedMarking +
              R"(", "selectors": ["pattern"]}])");
  report = CheckText(test::Bundle(json::Write(amber) + "," + json::Write(green)));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kRed);
  EXPECT_EQ(report.summary.tlp_object, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_THAT(DescribeTlpMarking(report.summary), HasSubstr("(TLP 2.0 RED)"));
}

// A TLP marking definition a document contains marks the document, even
// when no object refers to it: a producer that ships TLP:AMBER with its
// content means AMBER (fail closed).
TEST(Tlp, AContainedTlpDefinitionMarksTheDocument) {
  Report report = CheckText(test::Bundle(std::string(test::kIndicator) + "," +
                                         test::kTlp1AmberDefinition));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);
  EXPECT_EQ(DescribeTlpMarking(report.summary),
            "the document contains the TLP:AMBER marking definition "
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 (TLP 1.0 AMBER)");
  report = CheckText(test::kRedDefinition);
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, Tlp::kRed);
  // Other marking definitions mark nothing.
  report = CheckText(test::Bundle(std::string(test::kIndicator) + R"(,
    {"type": "marking-definition", "spec_version": "2.1",
     "id": "marking-definition--0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40",
     "created": "2026-03-04T10:00:00.000Z", "definition_type": "statement",
     "definition": {"statement": "Copyright 2026 CERT-EE"}})"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.tlp, std::nullopt);
}

// One object carries one TLP level: the same level in both versions is
// fine, two levels are a conflict whichever versions name them.
TEST(Tlp, OneLevelPerObjectAcrossVersions) {
  struct Case {
    const char* a;
    const char* b;
    std::optional<Tlp> tlp;  // nullopt: tlp-conflict
  };
  for (const Case& c : {Case{test::kTlp1WhiteMarking,
                             "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
                        Case{test::kTlp1AmberMarking, test::kAmberMarking, Tlp::kAmber},
                        Case{test::kTlp1GreenMarking, test::kAmberMarking, std::nullopt},
                        Case{test::kTlp1RedMarking, test::kTlp1WhiteMarking, std::nullopt}}) {
    auto doc = MustParse(test::kIndicator);
    SetJson(doc, "/object_marking_refs",
            std::string("[\"") + c.a + "\", \"" + c.b + "\"]");
    Report report = Check(doc);
    if (c.tlp) {
      ASSERT_TRUE(report.ok()) << Dump(report);
      EXPECT_EQ(report.summary.tlp, c.tlp);
    } else {
      EXPECT_THAT(KeysOf(report), ElementsAre(Pair("/object_marking_refs", "tlp-conflict")))
          << c.a << " " << c.b;
    }
  }
}

TEST(MarkingDefinitions, Statement) {
  auto doc = MustParse(R"({"type": "marking-definition", "spec_version": "2.1",
    "id": "marking-definition--0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40",
    "created": "2026-03-04T10:00:00.000Z", "definition_type": "statement",
    "definition": {"statement": "Copyright 2026 CERT-EE"}})");
  EXPECT_TRUE(Check(doc).ok()) << Dump(Check(doc));
  SetJson(doc, "/definition", R"({"text": "Copyright"})");
  EXPECT_THAT(KeysOf(Check(doc)),
              ElementsAre(Pair("/definition/statement", "required")));
  SetJson(doc, "/definition", R"("Copyright")");
  EXPECT_THAT(KeysOf(Check(doc)),
              ElementsAre(Pair("/definition", "value-type")));
  Set(doc, "/definition", nullptr);
  EXPECT_THAT(KeysOf(Check(doc)),
              ElementsAre(Pair("/definition", "marking-definition")));
  Set(doc, "/definition_type", nullptr);
  SetJson(doc, "/definition", R"({"statement": "x"})");
  EXPECT_THAT(KeysOf(Check(doc)),
              ElementsAre(Pair("/definition_type", "marking-definition")));
  // A marking defined by an extension needs neither.
  auto extended = MustParse(test::kAmberDefinition);
  EXPECT_TRUE(Check(extended).ok());
}

TEST(MarkingDefinitions, Tlp1IsOnlyTheCanonicalObjects) {
  constexpr char kTlp1Red[] = R"({"type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
    "name": "TLP:RED", "definition": {"tlp": "red"}})";
  EXPECT_TRUE(Check(MustParse(kTlp1Red)).ok());
  struct Case {
    const char* pointer;
    const char* json;
    test::Keys expected;
  };
  for (const Case& c : {
           Case{"/definition",
                R"({"tlp": "green"})",
                {{"/definition", "marking-definition"}}},
           Case{"/definition",
                R"({"tlp": "purple"})",
                {{"/definition/tlp", "enum"}}},
           Case{"/name",
                R"("TLP:Red")",
                {{"/definition", "marking-definition"}}},
           Case{"/created",
                R"("2018-01-20T00:00:00.000Z")",
                {{"/definition", "marking-definition"}}},
           Case{"/id",
                R"("marking-definition--6e57c739-391a-4eb3-b6be-7d15ca92d5ed")",
                {{"/definition", "marking-definition"}}},
           Case{"/definition_type",
                R"("statement")",
                {{"/definition/statement", "required"},
                 {"/definition_type", "marking-definition"}}},
       }) {
    auto doc = MustParse(kTlp1Red);
    SetJson(doc, c.pointer, c.json);
    EXPECT_EQ(KeysOf(Check(doc)), c.expected) << c.pointer << " " << c.json;
  }
}

TEST(MarkingDefinitions, Tlp2IsRecognisedById) {
  for (const char* text : {test::kAmberDefinition, test::kRedDefinition}) {
    Report report = Check(MustParse(text));
    EXPECT_TRUE(report.ok()) << Dump(report);
    // A document that is a TLP definition is marked with it.
    EXPECT_EQ(report.summary.tlp, TlpOfMarking(report.summary.id));
  }
  auto doc = MustParse(test::kAmberDefinition);
  Set(doc,
      "/extensions/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d/"
      "tlp_2_0",
      "clear");
  Report report = Check(doc);
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair("/extensions", "tlp-definition")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("TLP:AMBER"));

  doc = MustParse(test::kAmberDefinition);
  Set(doc, "/name", "TLP:GREEN");
  EXPECT_THAT(KeysOf(Check(doc)),
              ElementsAre(Pair("/extensions", "tlp-definition")));

  // Another id claiming a TLP 2.0 level is a forgery routing would ignore.
  doc = MustParse(test::kAmberDefinition);
  Set(doc, "/id", "marking-definition--0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40");
  report = Check(doc);
  ASSERT_THAT(KeysOf(report),
              ElementsAre(Pair("/extensions", "tlp-definition")));
  EXPECT_THAT(
      report.problems[0].message,
      HasSubstr("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"));

  // The TLP 2.0 extension on anything but a marking definition.
  doc = MustParse(test::kIndicator);
  SetJson(doc, "/extensions",
          R"({"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
              {"extension_type": "property-extension", "tlp_2_0": "red"}})");
  EXPECT_THAT(
      KeysOf(Check(doc)),
      ElementsAre(Pair("/extensions/extension-definition--60a3c5c5-0d10-"
                       "413e-aab3-9e08dde9e88d",
                       "extension")));
}

}  // namespace
}  // namespace certshare::schemas
