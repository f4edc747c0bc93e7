#include "broker/options.h"

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/testing.h"

namespace certshare::broker {
namespace {

TEST(BrokerOptionsTest, ParsesAndResolvesRelativePaths) {
  auto o = ParseConfig(R"({"identity":"keys/b.secret.json","registry":"/etc/r.json",
                           "data_dir":"data","max_record_bytes":2048})",
                       "/srv/broker");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->identity, "/srv/broker/keys/b.secret.json");
  EXPECT_EQ(o->registry, "/etc/r.json");
  EXPECT_EQ(o->data_dir, "/srv/broker/data");
  EXPECT_EQ(o->max_record_bytes, 2048u);
  EXPECT_EQ(o->listen, "tcp://127.0.0.1:7700");
}

TEST(BrokerOptionsTest, ReportsEveryProblem) {
  auto o = ParseConfig(R"({"listen":"http://x","max_record_bytes":-1,"typo":1})", "");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), ErrorCode::kInvalidConfig);
  const std::string& m = o.status().message();
  for (const char* want : {"\"identity\" is required", "\"registry\" is required",
                           "\"data_dir\" is required", "max_record_bytes",
                           "unknown setting \"typo\"", "\"listen\""}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << " in " << m;
  }
}

TEST(BrokerOptionsTest, TheExampleConfigIsValid) {
  auto text = files::Read(CERTSHARE_EXAMPLE_CONFIG);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto o = ParseConfig(*text, "/etc/certshare");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->registry, "/etc/certshare/registry.json");
}

TEST(BrokerOptionsTest, RefusesNonJson) {
  EXPECT_EQ(ParseConfig("{", "").status().code(), ErrorCode::kInvalidConfig);
  EXPECT_EQ(ParseConfig("[]", "").status().code(), ErrorCode::kInvalidConfig);
}

TEST(BrokerOptionsTest, LogLevel) {
  const std::string base = R"({"identity":"i","registry":"r","data_dir":"d")";
  auto o = ParseConfig(base + "}", "/x");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->log_level, "info");
  o = ParseConfig(base + R"(,"log_level":"trace"})", "/x");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->log_level, "trace");
  o = ParseConfig(base + R"(,"log_level":"verbose"})", "/x");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("\"log_level\" must be trace, debug"), std::string::npos);
}

TEST(BrokerOptionsTest, MemoryLimitsAreReadAndCheckedTogether) {
  const std::string base = R"({"identity":"i","registry":"r","data_dir":"d")";
  auto o = ParseConfig(base + R"(,"max_buffered_bytes":67108864,"max_buffered_bytes_per_org":)"
                              R"(4194304,"max_connections_per_org":3,)"
                              R"("connection_queue_bytes":1048576,"fanout_tail_bytes":0})",
                       "/x");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->fanout_tail_bytes, 0u);
  EXPECT_EQ(o->max_buffered_bytes, 64u << 20);
  EXPECT_EQ(o->max_buffered_bytes_per_org, 4u << 20);
  EXPECT_EQ(o->max_connections_per_org, 3);
  EXPECT_EQ(o->connection_queue_bytes, 1u << 20);
  // An organisation's share must hold two records, the total one share,
  // and nobody may have no connection at all.
  o = ParseConfig(base + R"(,"max_record_bytes":4194304,"max_buffered_bytes_per_org":4194304,)"
                         R"("max_buffered_bytes":2097152,"max_connections_per_org":0,)"
                         R"("fanout_tail_bytes":-1})",
                  "/x");
  ASSERT_FALSE(o.ok());
  for (const char* want : {"\"max_buffered_bytes_per_org\" must be at least twice",
                           "\"max_buffered_bytes\" must be at least",
                           "\"max_connections_per_org\" must be a whole number from 1",
                           "\"fanout_tail_bytes\" must be a whole number from 0"}) {
    EXPECT_NE(o.status().message().find(want), std::string::npos)
        << want << " in " << o.status().message();
  }
}

TEST(BrokerOptionsTest, QueuesAreSizedInBytesFromTheLargestFrames) {
  Options o;  // the defaults: 1 MiB records, 16 MiB per connection
  ConnectionQueues q = QueuesFor(o);
  EXPECT_EQ(q.max_frame_bytes, (2 << 20) + 12);  // the record twice, and the prefix
  EXPECT_EQ(q.receive_hwm, 7 + 1);               // 7 frames, and libzmq's credential
  EXPECT_EQ(q.send_hwm, 15);                     // 15 DELIVERs of 1 MiB + 20
  // Small records: the margin is at least 64 KiB.
  o.max_record_bytes = 2048;
  o.connection_queue_bytes = 1 << 20;
  q = QueuesFor(o);
  EXPECT_EQ(q.max_frame_bytes, 2048 + (64 << 10) + 12);
  EXPECT_EQ(q.receive_hwm, static_cast<int>((1 << 20) / q.max_frame_bytes) + 1);
  EXPECT_EQ(q.send_hwm, (1 << 20) / (2048 + 20));
  // A queue smaller than one frame still takes one.
  o.max_record_bytes = 16u << 20;
  o.connection_queue_bytes = 64u << 10;
  q = QueuesFor(o);
  EXPECT_EQ(q.receive_hwm, 2);
  EXPECT_EQ(q.send_hwm, 1);
}

// Found by fuzzing: "\u0000" cut a path short to nothing.
TEST(BrokerOptionsTest, RefusesNulInStrings) {
  auto o = ParseConfig(R"({"identity":"\u0000keys","registry":"r","data_dir":"d"})", "/x");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(o.status().message().find("\"identity\" must not contain a NUL"), std::string::npos)
      << o.status().ToString();
  EXPECT_FALSE(
      ParseConfig(R"({"identity":"i","registry":"r","data_dir":"d","green_community":["A\u0000"]})",
                  "/x")
          .ok());
}

}  // namespace
}  // namespace certshare::broker
