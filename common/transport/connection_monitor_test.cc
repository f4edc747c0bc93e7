// ConnectionMonitor's bookkeeping, fed events by hand (OnEvent) as Drain
// feeds them from the socket monitor. Descriptors here are numbers that
// name no socket: their addresses are unknown ("").
#include "common/transport/connection_monitor.h"

#include <gtest/gtest.h>

namespace certshare::transport {
namespace {

using Closed = std::vector<std::string>;

TEST(ConnectionMonitorTest, AConnectionCountsFromItsFirstMessageUntilItCloses) {
  ConnectionTable table(2);
  ConnectionMonitor monitor(&table);
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  EXPECT_EQ(table.Open("CERT-XX"), 0);  // accepted, not yet spoken
  EXPECT_FALSE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_FALSE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_EQ(table.Open("CERT-XX"), 1);  // once, however many messages
  EXPECT_TRUE(monitor.TakeClosed().empty());
  monitor.OnEvent(ZMQ_EVENT_DISCONNECTED, 1005);
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  EXPECT_EQ(monitor.TakeClosed(), Closed{"peer-5"});
  EXPECT_TRUE(monitor.TakeClosed().empty());  // named once
}

TEST(ConnectionMonitorTest, AConnectionThatNeverSpokeIsNotNamedWhenItCloses) {
  ConnectionTable table(2);
  ConnectionMonitor monitor(&table);
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1007);
  monitor.OnEvent(ZMQ_EVENT_DISCONNECTED, 1007);
  EXPECT_TRUE(monitor.TakeClosed().empty());
  EXPECT_EQ(table.Open("CERT-XX"), 0);
}

TEST(ConnectionMonitorTest, MessagesOfAClosedOrUnknownConnectionCountNothing) {
  ConnectionTable table(1);
  ConnectionMonitor monitor(&table);
  // No descriptor, or one never accepted.
  EXPECT_FALSE(monitor.Note(-1, "peer-9", "CERT-XX").beyond_limit);
  EXPECT_FALSE(monitor.Note(1009, "peer-9", "CERT-XX").beyond_limit);
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  // Its last messages, read after the monitor reported it closed.
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  monitor.Note(1005, "peer-5", "CERT-XX");
  monitor.OnEvent(ZMQ_EVENT_DISCONNECTED, 1005);
  EXPECT_FALSE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  EXPECT_EQ(monitor.TakeClosed(), Closed{"peer-5"});
  // The descriptor reused by a new connection: a late message of the old
  // one (another routing id) neither takes its place nor counts.
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  EXPECT_FALSE(monitor.Note(1005, "peer-new", "CERT-XX").beyond_limit);
  EXPECT_FALSE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  monitor.OnEvent(ZMQ_EVENT_DISCONNECTED, 1005);
  EXPECT_EQ(monitor.TakeClosed(), Closed{"peer-new"});
  EXPECT_EQ(table.Open("CERT-XX"), 0);
}

TEST(ConnectionMonitorTest, AConnectionBeyondTheLimitIsFlaggedAtEveryMessageAndNeverCounted) {
  ConnectionTable table(1);
  ConnectionMonitor monitor(&table);
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1006);
  EXPECT_FALSE(monitor.Note(1006, "peer-6", "CERT-XX").beyond_limit);
  EXPECT_TRUE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_TRUE(monitor.Note(1005, "peer-5", "CERT-XX").beyond_limit);
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  // Its closing releases nothing it was not counted for.
  monitor.OnEvent(ZMQ_EVENT_DISCONNECTED, 1005);
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  EXPECT_EQ(monitor.TakeClosed(), Closed{"peer-5"});
  // Another organisation is counted on its own.
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1007);
  EXPECT_FALSE(monitor.Note(1007, "peer-7", "CERT-EE").beyond_limit);
  EXPECT_EQ(table.Open("CERT-EE"), 1);
}

TEST(ConnectionMonitorTest, AnAcceptedDescriptorStillOpenClosesTheConnectionBefore) {
  ConnectionTable table(1);
  ConnectionMonitor monitor(&table);
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  monitor.Note(1005, "peer-5", "CERT-XX");
  // Its DISCONNECTED never came; the number is accepted again.
  monitor.OnEvent(ZMQ_EVENT_ACCEPTED, 1005);
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  EXPECT_EQ(monitor.TakeClosed(), Closed{"peer-5"});
}

}  // namespace
}  // namespace certshare::transport
