// Conformance: certshare against the OASIS schemas, object by object.
//
// 1. Every example under ${CERTSHARE_SHARED_DIR}/stix/examples: each object
//    the OASIS schemas reject, certshare rejects (with the rule ids listed
//    here); each object they accept, certshare accepts — but for the
//    certshare-only rejections listed, each with its reason. What the OASIS
//    schemas say was taken from ../shared/tools/validate-stix when these
//    tables were written (the test does not run it); SOURCES.md lists the
//    upstream defects. Skipped (reported so by ctest) when the examples
//    are absent: they are not part of the repository.
// 2. testdata/beyond_schemas.json: objects the OASIS schemas accept (run
//    `validate-stix schemas/testdata/beyond_schemas.json`: all but the last
//    pass) although the STIX 2.1 specification forbids them; certshare
//    rejects each with the rule given here. The last object is the reverse:
//    a lang-only granular marking, which the spec allows and the schema
//    refuses; certshare follows the spec.
// 3. Each example file as a whole document (what `certshare publish` sees).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "schemas/object_checker.h"
#include "schemas/stix_check.h"
#include "schemas/test_util.h"

namespace certshare::schemas {
namespace {

namespace fs = std::filesystem;
using test::Dump;
using test::Keys;
using test::KeysOf;
using ::testing::IsEmpty;

const fs::path kExamples = fs::path(CERTSHARE_SHARED_DIR) / "stix" / "examples";
const fs::path kBeyondSchemas =
    fs::path(CERTSHARE_SCHEMAS_TESTDATA) / "beyond_schemas.json";

using RuleIds = std::set<std::string>;

struct FileExpectation {
  FileExpectation(std::size_t n, std::map<std::size_t, RuleIds> r = {},
                  std::set<std::size_t> o = {})
      : objects(n), rejected(std::move(r)), oasis_rejected(std::move(o)) {}
  std::size_t objects;
  // Objects (by index in the file's bundle or array) certshare rejects, with
  // the distinct rule ids of their problems.
  std::map<std::size_t, RuleIds> rejected;
  // Objects the OASIS schemas reject (validate-stix).
  std::set<std::size_t> oasis_rejected;
};

// Every example file. Files not marked otherwise are accepted whole by both.
const std::map<std::string, FileExpectation>& Examples() {
  static const auto* examples = new std::map<std::string, FileExpectation>{
      {"cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json",
       {26}},
      {"cti-documentation/identifying-a-threat-actor-profile.json", {3}},
      {"cti-documentation/indicator-for-malicious-url.json", {3}},
      {"cti-documentation/malware-indicator-for-file-hash.json", {3}},
      {"cti-documentation/sighting-of-an-indicator.json", {4}},
      {"cti-documentation/sighting-of-observed-data.json", {8}},
      {"cti-documentation/"
       "threat-actor-leveraging-attack-patterns-and-malware.json",
       {7}},
      {"cti-documentation/using-granular-markings.json", {4}},
      {"cti-documentation/using-marking-definitions.json", {4}},
      // SOURCES.md: three artifacts whose payload_bin ends in " ..."
      // (truncated upstream), which is not base64.
      {"cti-python-stix2/sco-examples-bundle.json",
       {82, {{6, {"format"}}, {7, {"format"}}, {20, {"format"}}}, {6, 7, 20}}},
      {"cti-python-stix2/stix2_data_v21/attack-pattern/"
       "attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22/"
       "20170531213019735010.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/course-of-action/"
       "course-of-action--95ddb356-7ba0-4bd9-a889-247262b8946f/"
       "20170531213026495974.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/directory/"
       "directory--572827aa-e0cd-44fd-afd5-a717a7585f39.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/identity/"
       "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5/"
       "20170601000000000000.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/identity/"
       "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5/"
       "20181101232448446000.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/intrusion-set/"
       "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064/"
       "20170531213149412497.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/malware/"
       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/malware/"
       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/"
       "20170531213258226477.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/malware/"
       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/"
       "20181101232448456000.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/malware/"
       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/"
       "20181101232448457000.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/marking-definition/"
       "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/relationship/"
       "relationship--0d4a7788-7f3b-4df8-a498-31a38003c883/"
       "20170531213327182784.json",
       {1}},
      {"cti-python-stix2/stix2_data_v21/tool/"
       "tool--03342581-f790-4f03-ba41-e82e67392e23/20170531213231601148.json",
       {1}},
      {"cti-stix-common-objects/incident-core/"
       "extension-definition--ef765651-680c-498d-9894-99799f2fa126.json",
       {1}},
      {"cti-stix-common-objects/incident-core/incident_observables.json", {8}},
      // SOURCES.md: the impacts key their details "monetary", neither an
      // extension-definition id nor "*-ext". The first also names a
      // superseding impact without the `end_time` the extension then
      // requires (which the schemas cannot see).
      {"cti-stix-common-objects/incident-core/paid_ransom.json",
       {3,
        {{0, {"extension-key", "property-dependency"}}, {1, {"extension-key"}}},
        {0, 1}}},
      // SOURCES.md: the object is wrapped in {"id": "bundle--…", "objects":
      // […]} without "type": "bundle".
      {"cti-stix-common-objects/tlp-2.0/"
       "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json",
       {1, {{0, {"type"}}}, {0}}},
      {"cti-stix-common-objects/tlp-2.0/"
       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json",
       {1}},
      {"cti-stix-common-objects/tlp-2.0/"
       "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1.json",
       {1}},
      {"cti-stix-common-objects/tlp-2.0/tlp-amber+strict.json", {1}},
      {"cti-stix-common-objects/tlp-2.0/tlp-amber.json", {1}},
      {"cti-stix-common-objects/tlp-2.0/tlp-clear.json", {1}},
      {"cti-stix2-json-schemas/indicator-for-c2-ip-address.json", {1}},
      {"cti-stix2-json-schemas/indicator-to-campaign-relationship.json", {3}},
      {"cti-stix2-json-schemas/indicators-for-C2-with-COA.json", {8}},
      // certshare only: the relationship's id
      // "relationship--81f12913-1372-4c96-85ec-E9034ac98aba" has an
      // upper-case hex digit; the OASIS identifier pattern allows [A-F],
      // STIX ids are lower-case (RFC 4122 output form).
      {"cti-stix2-json-schemas/infrastructure.json",
       {10, {{8, {"id-format"}}}, {}}},
      {"cti-stix2-json-schemas/interop-objectmarking-test.json", {1}},
      {"cti-stix2-json-schemas/malicious-email-indicator-with-attachment.json",
       {6}},
      {"cti-stix2-json-schemas/threat-reports/apt1.json", {76}},
      {"cti-stix2-json-schemas/threat-reports/poisonivy.json", {155}},
  };
  return *examples;
}

std::string Read(const fs::path& path) {
  Result<std::string> text = files::Read(path.string());
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

// The objects of a file: a bundle's `objects`, an array's entries, or the
// document itself.
std::vector<const rapidjson::Value*> ObjectsOf(const rapidjson::Value& doc) {
  std::vector<const rapidjson::Value*> out;
  const rapidjson::Value* objects = json::Member(doc, "objects");
  std::string type;
  if (json::GetString(doc, "type", &type) && type == "bundle" && objects &&
      objects->IsArray()) {
    for (const auto& o : objects->GetArray()) out.push_back(&o);
  } else if (doc.IsArray()) {
    for (const auto& o : doc.GetArray()) out.push_back(&o);
  } else {
    out.push_back(&doc);
  }
  return out;
}

// The distinct rule ids certshare reports for one object, checked as a
// member of a bundle (so without the rules about publishing it alone).
RuleIds RulesFor(const rapidjson::Value& object, std::string* dump) {
  std::vector<Problem> problems;
  ProblemSink sink(&problems, nullptr);
  if (!object.IsObject()) return {"not-object"};
  CheckObject(object, "", sink, 2);
  RuleIds ids;
  for (const Problem& p : problems) {
    ids.insert(p.rule);
    *dump += "    " + p.pointer + ": " + p.message + " [" + p.rule + "]\n";
  }
  return ids;
}

std::vector<fs::path> JsonFilesUnder(const fs::path& root) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The tests that read the OASIS examples skip (never pass) without them.
#define SKIP_WITHOUT_EXAMPLES() SKIP_WITHOUT_OASIS_MATERIAL(CERTSHARE_SHARED_DIR, kExamples)

TEST(Conformance, EveryExampleObject) {
  SKIP_WITHOUT_EXAMPLES();
  std::size_t total = 0, oasis_accepted = 0, accepted = 0;
  std::set<std::string> seen;
  for (const fs::path& path : JsonFilesUnder(kExamples)) {
    const std::string name = fs::relative(path, kExamples).generic_string();
    SCOPED_TRACE(name);
    seen.insert(name);
    auto expected = Examples().find(name);
    ASSERT_NE(expected, Examples().end()) << "a new example: add it here";
    const rapidjson::Document doc = test::MustParse(Read(path));
    const std::vector<const rapidjson::Value*> objects = ObjectsOf(doc);
    EXPECT_EQ(objects.size(), expected->second.objects);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      std::string dump;
      const RuleIds ids = RulesFor(*objects[i], &dump);
      auto rejected = expected->second.rejected.find(i);
      if (rejected == expected->second.rejected.end()) {
        EXPECT_THAT(ids, IsEmpty()) << "object " << i << "\n" << dump;
      } else {
        EXPECT_EQ(ids, rejected->second) << "object " << i << "\n" << dump;
      }
      // Whatever the OASIS schemas reject, certshare rejects.
      if (expected->second.oasis_rejected.count(i)) {
        EXPECT_FALSE(ids.empty()) << "object " << i;
      } else {
        ++oasis_accepted;
      }
      accepted += ids.empty();
      ++total;
    }
  }
  EXPECT_EQ(seen.size(), Examples().size());
  // validate-stix: 435 objects, 429 pass.
  EXPECT_EQ(total, 435u);
  EXPECT_EQ(oasis_accepted, 429u);
  // certshare: the 429 but the upper-case relationship id.
  EXPECT_EQ(accepted, 428u);
}

TEST(Conformance, WhatTheSpecForbidsAndTheSchemasCannotSee) {
  // Index in testdata/beyond_schemas.json -> the one rule certshare reports.
  const std::vector<std::string> expected = {
      "modified-before-created",  // 0: modified earlier than created
      "ref-type",                 // 1: created_by_ref to a tool
      "id-format",                // 2: upper-case UUID
      "pattern",                  // 3: unclosed '[' in a STIX pattern
      "time-order",               // 4: valid_until before valid_from
      "ref-type",                 // 5: malware sample_refs to an identity
      "time-order",               // 6: relationship stop_time before start_time
      "time-order",               // 7: campaign last_seen before first_seen
      "hashes",                   // 8: "sha256" instead of "SHA-256"
      "granular-marking",         // 9: both marking_ref and lang
      "selector",                 // 10: selector of an absent property
      "tlp-definition",           // 11: TLP:CLEAR's id declaring tlp_2_0 red
      "marking-refs",             // 12: object_marking_refs naming an identity
      "required",                 // 13: Incident Core without determination
      "range",                    // 14: Incident Core criticality 150
      "extension",                // 15: an event without its new-sdo extension
      "time-order",               // 16: network-traffic end before start
      "number-precision",         // 17: an integer beyond 2^53
      "format",                   // 18: lang not an RFC 5646 tag
      "extension",                // 19: Incident Core declared as new-sdo
      "spec-version",             // 20: spec_version 2.0 (the schemas allow it)
      "tlp-conflict",             // 21: TLP:GREEN and TLP:RED at once
      "time-order",               // 22: sighting last_seen before first_seen
      "enum",                     // 23: task outcome not in task-outcome-enum
      "ref-type",                 // 24: domain-name resolving to a url
      "",                         // 25: lang-only granular marking: accepted
  };
  const rapidjson::Document doc = test::MustParse(Read(kBeyondSchemas));
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), expected.size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    std::string dump;
    const RuleIds ids = RulesFor(doc[i], &dump);
    if (expected[i].empty()) {
      EXPECT_THAT(ids, IsEmpty()) << "object " << i << "\n" << dump;
    } else {
      EXPECT_EQ(ids, RuleIds{expected[i]}) << "object " << i << "\n" << dump;
    }
  }
}

// The files as documents, as `certshare publish` would see them.
TEST(Conformance, ExampleFilesAsDocuments) {
  SKIP_WITHOUT_EXAMPLES();
  const std::map<std::string, Keys> failures = {
      // A bare JSON array of 82 observables, not a bundle (SOURCES.md).
      {"cti-python-stix2/sco-examples-bundle.json", {{"", "not-object"}}},
      // A lone cyber observable: valid STIX, but it has no date to be
      // versioned by, so certshare does not publish it on its own.
      {"cti-python-stix2/stix2_data_v21/directory/"
       "directory--572827aa-e0cd-44fd-afd5-a717a7585f39.json",
       {{"", "no-timestamp"}}},
      {"cti-stix-common-objects/incident-core/paid_ransom.json",
       {{"/objects/0/extensions/monetary", "extension-key"},
        {"/objects/0/superseded_by_ref", "property-dependency"},
        {"/objects/1/extensions/monetary", "extension-key"}}},
      {"cti-stix-common-objects/tlp-2.0/"
       "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json",
       {{"/type", "type"}}},
      {"cti-stix2-json-schemas/infrastructure.json",
       {{"/objects/8/id", "id-format"}}},
  };
  // The TLP of the examples that carry one: TLP 1.0 markings (the
  // strictest, granular ones included) and the TLP marking definitions
  // the files are.
  const std::map<std::string, Tlp> marked = {
      {"cti-documentation/using-granular-markings.json", Tlp::kRed},
      {"cti-documentation/using-marking-definitions.json", Tlp::kAmber},
      {"cti-stix2-json-schemas/interop-objectmarking-test.json", Tlp::kRed},
      {"cti-stix-common-objects/tlp-2.0/"
       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json",
       Tlp::kGreen},
      {"cti-stix-common-objects/tlp-2.0/"
       "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1.json",
       Tlp::kRed},
      {"cti-stix-common-objects/tlp-2.0/tlp-amber+strict.json", Tlp::kAmberStrict},
      {"cti-stix-common-objects/tlp-2.0/tlp-amber.json", Tlp::kAmber},
      {"cti-stix-common-objects/tlp-2.0/tlp-clear.json", Tlp::kClear},
  };
  for (const fs::path& path : JsonFilesUnder(kExamples)) {
    const std::string name = fs::relative(path, kExamples).generic_string();
    SCOPED_TRACE(name);
    Report report = CheckText(Read(path));
    auto expected = failures.find(name);
    if (expected == failures.end()) {
      EXPECT_THAT(KeysOf(report), IsEmpty()) << Dump(report);
      EXPECT_TRUE(IsStixTimestamp(report.summary.modified));
      auto tlp = marked.find(name);
      EXPECT_EQ(report.summary.tlp,
                tlp == marked.end() ? std::nullopt : std::optional<Tlp>(tlp->second));
    } else {
      EXPECT_EQ(KeysOf(report), expected->second) << Dump(report);
    }
  }
}

TEST(Conformance, Summaries) {
  SKIP_WITHOUT_EXAMPLES();
  Report report = CheckText(
      Read(kExamples / "cti-stix2-json-schemas/threat-reports/apt1.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "bundle");
  EXPECT_EQ(report.summary.object_count, 76u);

  report = CheckText(
      Read(kExamples / "cti-stix-common-objects/tlp-2.0/tlp-amber.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.id, "bundle--63ab8e67-acac-4817-845a-d09f0e86954c");
  EXPECT_EQ(report.summary.modified, "2022-10-01T00:00:00.000Z");
  EXPECT_EQ(report.summary.object_count, 1u);
  EXPECT_EQ(report.summary.tlp, Tlp::kAmber);  // a TLP definition marks its document

  // A single object, four versions of which are kept upstream.
  report = CheckText(
      Read(kExamples / "cti-python-stix2/stix2_data_v21/malware/"
                       "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38/"
                       "20181101232448457000.json"));
  ASSERT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.summary.type, "malware");
  EXPECT_EQ(report.summary.id, "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38");
  EXPECT_EQ(report.summary.object_count, 1u);
}

// The python-stix2 store keeps several versions of one malware (one of them
// inside a bundle): the single objects order by `modified` as versions.
TEST(Conformance, VersionsOfOneObjectOrderByModified) {
  SKIP_WITHOUT_EXAMPLES();
  const fs::path dir = kExamples / "cti-python-stix2/stix2_data_v21/malware";
  std::vector<Summary> versions;
  for (const fs::path& path : JsonFilesUnder(dir)) {
    Result<Summary> s = Summarise(Read(path));
    ASSERT_OK(s.status());
    if (s->type == "bundle") continue;
    EXPECT_EQ(CompareVersions(*s, *s), VersionOrder::kSame);
    versions.push_back(*s);
  }
  ASSERT_EQ(versions.size(), 3u);
  std::sort(versions.begin(), versions.end(),
            [](const Summary& a, const Summary& b) {
              return CompareVersions(a, b) == VersionOrder::kOlder;
            });
  for (std::size_t i = 1; i < versions.size(); ++i) {
    EXPECT_EQ(CompareVersions(versions[i], versions[i - 1]),
              VersionOrder::kNewer);
  }
}

}  // namespace
}  // namespace certshare::schemas
