#include "agent/stix/revise.h"

#include <gtest/gtest.h>

#include "agent/stix/builder_test_util.h"
#include "agent/stix/incident_builder.h"
#include "agent/stix/indicator_builder.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

using testing::ExpectValidStix;
using testing::OfType;
using testing::ParseOrDie;
using testing::S;

const Author kAuthor{"CERT-EE", "CERT-EE"};
constexpr StixMillis kBuilt = 1772431200123;  // 2026-03-02T06:00:00.123Z

std::string IncidentBundle() {
  IncidentSpec spec;
  spec.name = "Phishing";
  spec.rsit = *rsit::Find("fraud/phishing");
  spec.determination = "suspected";
  spec.investigation_status = "new";
  spec.tlp = Tlp::kAmber;
  spec.countries = {"EE"};
  Bundle bundle;
  EXPECT_TRUE(BuildIncident(spec, kAuthor, kBuilt, &bundle).ok());
  return bundle.ToJson();
}

ReviseOptions Options(StixMillis now) {
  ReviseOptions o;
  o.identity_id = OrganisationIdentityId("CERT-EE");
  o.now = now;
  return o;
}

// The incident of a built bundle, alone.
std::string IncidentAlone() {
  const auto doc = ParseOrDie(IncidentBundle());
  return json::Write(*OfType(doc, "incident").at(0));
}

TEST(ReviseTest, KeepsIdAndCreatedAndMovesModifiedForwardWhenTheClockHasNot) {
  const std::string before = IncidentAlone();
  auto revised = Revise(before, Options(kBuilt));  // same millisecond
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  ExpectValidStix(revised->json);
  const auto old_doc = ParseOrDie(before);
  const auto new_doc = ParseOrDie(revised->json);
  EXPECT_EQ(S(new_doc, "id"), S(old_doc, "id"));
  EXPECT_EQ(S(new_doc, "created"), "2026-03-02T06:00:00.123Z");
  EXPECT_EQ(S(new_doc, "modified"), "2026-03-02T06:00:00.124Z");
  ASSERT_EQ(revised->ids.size(), 1u);
  // A clock behind the old modified: still later.
  auto again = Revise(revised->json, Options(kBuilt - 60'000));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(S(ParseOrDie(again->json), "modified"), "2026-03-02T06:00:00.125Z");
}

TEST(ReviseTest, UsesTheClockWhenItHasMoved) {
  auto revised = Revise(IncidentAlone(), Options(kBuilt + 3'600'000));
  ASSERT_TRUE(revised.ok());
  EXPECT_EQ(S(ParseOrDie(revised->json), "modified"), "2026-03-02T07:00:00.123Z");
}

TEST(ReviseTest, BundleRevisesOnlyTheAuthorsVersionedObjects) {
  const std::string before = IncidentBundle();
  auto revised = Revise(before, Options(kBuilt + 1000));
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  ExpectValidStix(revised->json);
  const auto old_doc = ParseOrDie(before);
  const auto new_doc = ParseOrDie(revised->json);
  EXPECT_NE(S(new_doc, "id"), S(old_doc, "id"));  // a new bundle
  // Revised: incident and relationship. Unchanged: marking, identity, location.
  EXPECT_EQ(revised->ids.size(), 2u);
  EXPECT_EQ(revised->unchanged, 3u);
  const auto& objects = new_doc["objects"];
  ASSERT_EQ(objects.Size(), old_doc["objects"].Size());
  for (rapidjson::SizeType i = 0; i < objects.Size(); ++i) {
    const rapidjson::Value& o = objects[i];
    const rapidjson::Value& was = old_doc["objects"][i];
    EXPECT_EQ(S(o, "id"), S(was, "id"));
    EXPECT_EQ(S(o, "created"), S(was, "created"));
    if (S(o, "created_by_ref") == OrganisationIdentityId("CERT-EE")) {
      EXPECT_EQ(S(o, "modified"), "2026-03-02T06:00:01.123Z") << S(o, "id");
    } else {
      EXPECT_EQ(o, was) << S(o, "id");
    }
  }
}

TEST(ReviseTest, EditsIncidentsAndRevokes) {
  ReviseOptions o = Options(kBuilt + 1);
  o.investigation_status = "closed";
  o.determination = "confirmed";
  o.criticality = 40;
  auto revised = Revise(IncidentBundle(), o);
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  ExpectValidStix(revised->json);
  const auto doc = ParseOrDie(revised->json);
  const rapidjson::Value& core =
      (*OfType(doc, "incident").at(0))["extensions"][kIncidentCoreExtensionId.data()];
  EXPECT_EQ(S(core, "investigation_status"), "closed");
  EXPECT_EQ(S(core, "determination"), "confirmed");
  EXPECT_EQ(core["criticality"].GetInt(), 40);

  ReviseOptions revoke = Options(kBuilt + 2);
  revoke.revoke = true;
  auto revoked = Revise(IncidentAlone(), revoke);
  ASSERT_TRUE(revoked.ok());
  ExpectValidStix(revoked->json);
  EXPECT_TRUE(ParseOrDie(revoked->json)["revoked"].GetBool());
  // A revoked object cannot be revised.
  EXPECT_CODE(Revise(revoked->json, Options(kBuilt + 3)).status(), ErrorCode::kInvalidArgument);
}

TEST(ReviseTest, RefusesOtherOrganisationsObjects) {
  ReviseOptions other = Options(kBuilt + 1);
  other.identity_id = OrganisationIdentityId("CERT-UA");
  auto single = Revise(IncidentAlone(), other);
  EXPECT_CODE(single.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(single.status().message().find("creator"), std::string::npos);
  EXPECT_CODE(Revise(IncidentBundle(), other).status(), ErrorCode::kInvalidArgument);
}

TEST(ReviseTest, RefusesBadInputAndEdits) {
  EXPECT_CODE(Revise("{", Options(kBuilt)).status(), ErrorCode::kMalformedJson);
  EXPECT_CODE(Revise("[]", Options(kBuilt)).status(), ErrorCode::kInvalidStix);
  ReviseOptions o = Options(kBuilt);
  o.investigation_status = "done";
  EXPECT_CODE(Revise(IncidentAlone(), o).status(), ErrorCode::kInvalidArgument);
  // Edits need an incident to apply to.
  IndicatorSpec spec;
  spec.observables = {*ParseIpObservable("203.0.113.47")};
  Bundle bundle;
  ASSERT_TRUE(BuildIndicator(spec, kAuthor, kBuilt, &bundle).ok());
  ReviseOptions edit = Options(kBuilt);
  edit.determination = "confirmed";
  EXPECT_CODE(Revise(bundle.ToJson(), edit).status(), ErrorCode::kInvalidArgument);
  auto plain = Revise(bundle.ToJson(), Options(kBuilt));
  ASSERT_TRUE(plain.ok());
  ExpectValidStix(plain->json);
}

}  // namespace
}  // namespace certshare::agent
