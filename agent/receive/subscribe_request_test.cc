// The SUBSCRIBE request from what to receive (subscribe_request.h): where
// it starts, the TLP range, and the filter names checked against the
// registry.
#include "agent/receive/subscribe_request.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/base/testing.h"
#include "common/base/tlp.h"
#include "common/identity/identity.h"

namespace certshare::agent {
namespace {

TEST(SubscribeRequestTest, WithoutFromOrSinceItResumesOverEveryTlp) {
  SubscriptionOptions options;
  options.name = "eu-feed";
  auto request = BuildSubscribeRequest(options);
  ASSERT_OK(request.status());
  EXPECT_EQ(request->name, "eu-feed");
  EXPECT_EQ(request->start, wire::StartKind::kResume);
  EXPECT_EQ(request->tlp_min, static_cast<std::uint8_t>(Tlp::kClear));
  EXPECT_EQ(request->tlp_max, static_cast<std::uint8_t>(Tlp::kRed));
  EXPECT_EQ(request->credit, 256u);
}

TEST(SubscribeRequestTest, FromIsASequenceAndSinceATimeInMilliseconds) {
  SubscriptionOptions from;
  from.from = 42;
  auto by_sequence = BuildSubscribeRequest(from);
  ASSERT_OK(by_sequence.status());
  EXPECT_EQ(by_sequence->start, wire::StartKind::kSequence);
  EXPECT_EQ(by_sequence->start_value, 42u);

  SubscriptionOptions since;
  since.since = "2026-11-01T10:00:00.5Z";
  auto by_time = BuildSubscribeRequest(since);
  ASSERT_OK(by_time.status());
  EXPECT_EQ(by_time->start, wire::StartKind::kTime);
  EXPECT_EQ(by_time->start_value, 1793527200500u);

  // Fraction digits beyond the millisecond are cut, not rounded.
  since.since = "2028-02-29T00:00:00.123999Z";
  by_time = BuildSubscribeRequest(since);
  ASSERT_OK(by_time.status());
  EXPECT_EQ(by_time->start_value, 1835395200123u);
  since.since = "1970-01-01T00:00:00Z";
  by_time = BuildSubscribeRequest(since);
  ASSERT_OK(by_time.status());
  EXPECT_EQ(by_time->start_value, 0u);
}

TEST(SubscribeRequestTest, RefusesWhatDoesNotGoTogether) {
  SubscriptionOptions both;
  both.from = 1;
  both.since = "2026-11-01T10:00:00Z";
  EXPECT_EQ(BuildSubscribeRequest(both).status().code(), ErrorCode::kInvalidArgument);

  SubscriptionOptions range;
  range.min_tlp = "red";
  range.max_tlp = "green";
  EXPECT_EQ(BuildSubscribeRequest(range).status().code(), ErrorCode::kInvalidArgument);
  range.min_tlp = "purple";
  EXPECT_EQ(BuildSubscribeRequest(range).status().code(), ErrorCode::kInvalidArgument);

  // Only the form the docs give: no bare date, offset, one-digit field or
  // date that does not exist (which strptime and timegm let through once).
  for (const char* bad : {"2026-11-01", "2026-11-01T10:00:00+01:00", "yesterday",
                          "2026-1-1T10:00:00Z", "2026-02-30T10:00:00Z",
                          "2026-11-01T24:00:00Z", "2026-11-01T10:00:00.Z",
                          "1969-12-31T23:59:59Z"}) {
    SubscriptionOptions since;
    since.since = bad;
    EXPECT_EQ(BuildSubscribeRequest(since).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(SubscribeRequestTest, OriginsMustBeRegisteredAndUnknownTypesAreWarnedAbout) {
  testing::TempDir dir;
  identity::Registry registry;
  auto files = identity::Generate("CERT-EE", "", dir.path());
  ASSERT_OK(files.status());
  auto ee = identity::LoadIdentity(files->secret_path);
  ASSERT_OK(ee.status());
  ASSERT_OK(registry.Put(ee->card));

  wire::SubscribeRequest request;
  request.origins = {"CERT-EE"};
  request.types = {"indicator"};
  std::ostringstream warnings;
  EXPECT_OK(CheckFilterNames(request, registry, warnings));
  EXPECT_EQ(warnings.str(), "");

  request.types = {"indicatr"};
  EXPECT_OK(CheckFilterNames(request, registry, warnings));
  EXPECT_NE(warnings.str().find("--type indicatr is not a STIX 2.1 type"), std::string::npos)
      << warnings.str();

  request.origins = {"CERT-XX"};
  EXPECT_EQ(CheckFilterNames(request, registry, warnings).code(),
            ErrorCode::kUnknownOrganisation);
}

}  // namespace
}  // namespace certshare::agent
