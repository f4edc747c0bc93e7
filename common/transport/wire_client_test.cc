// The one request/reply loop (WireClient) against a scripted Client: what
// it skips, what it answers, how a refusal and a missing reply come back.
#include "common/transport/wire_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "common/base/testing.h"

namespace certshare::transport {
namespace {

using std::chrono::milliseconds;

// A Client whose broker is a script: Receive hands out the queued frames
// in order, then kTimeout (as the real one after its timeout); Send
// records what was sent.
class ScriptedClient final : public Client {
 public:
  ScriptedClient(std::deque<Bytes>* incoming, std::vector<Bytes>* sent)
      : incoming_(incoming), sent_(sent) {}
  Status Send(ByteView frame, milliseconds) override {
    sent_->emplace_back(frame.begin(), frame.end());
    return Status::Ok();
  }
  Result<Bytes> Receive(milliseconds) override {
    if (incoming_->empty()) return Status(ErrorCode::kTimeout, "no answer from the broker");
    Bytes frame = std::move(incoming_->front());
    incoming_->pop_front();
    return frame;
  }

 private:
  std::deque<Bytes>* incoming_;
  std::vector<Bytes>* sent_;
};

class WireClientTest : public ::testing::Test {
 protected:
  WireClient client_{std::make_unique<ScriptedClient>(&incoming_, &sent_)};
  std::deque<Bytes> incoming_;
  std::vector<Bytes> sent_;
  static constexpr Reply kAckReply{wire::Command::kAck, "the broker refused the record",
                                   "no acknowledgement"};
};

wire::Message Decoded(const Bytes& frame) {
  wire::Message msg;
  EXPECT_OK(wire::Decode(frame, &msg));
  return msg;
}

TEST_F(WireClientTest, CorrelationsAreFreshFromOne) {
  EXPECT_EQ(client_.NewCorrelation(), 1u);
  EXPECT_EQ(client_.NewCorrelation(), 2u);
  EXPECT_EQ(client_.NewCorrelation(), 3u);
}

TEST_F(WireClientTest, SkipsOtherMessagesAndReturnsTheReplyNamingTheRequest) {
  std::uint64_t c = client_.NewCorrelation();
  incoming_.push_back(wire::EncodeAck(c + 7, 99, false));      // a stale answer
  incoming_.push_back(wire::EncodeDeliver(0, 5, Bytes{1, 2}));  // a push
  incoming_.push_back(wire::EncodeCaughtUp(c, 3));              // names it, but not an answer
  incoming_.push_back(wire::EncodeAck(c, 42, true));
  auto r = client_.Request(c, wire::EncodePublish(c, Bytes{9}), kAckReply, milliseconds(5000));
  ASSERT_OK(r.status());
  EXPECT_EQ(r->msg.command, wire::Command::kAck);
  EXPECT_EQ(r->msg.sequence, 42u);
  EXPECT_TRUE(r->msg.duplicate);
  EXPECT_TRUE(incoming_.empty());
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(Decoded(sent_[0]).command, wire::Command::kPublish);
  EXPECT_EQ(Decoded(sent_[0]).correlation, c);
}

TEST_F(WireClientTest, AnErrorNamingTheRequestIsTheBrokersRefusal) {
  std::uint64_t c = client_.NewCorrelation();
  incoming_.push_back(wire::EncodeError(c + 1, ErrorCode::kBadSignature, "not this one"));
  incoming_.push_back(wire::EncodeError(c, ErrorCode::kUnknownOrganisation, "CERT-ZZ"));
  auto r = client_.Request(c, wire::EncodePublish(c, Bytes{9}), kAckReply, milliseconds(5000));
  EXPECT_EQ(r.status().code(), ErrorCode::kUnknownOrganisation);
  EXPECT_EQ(r.status().message(), "the broker refused the record: CERT-ZZ");
}

TEST_F(WireClientTest, AwaitHandsTheErrorToTheCaller) {
  std::uint64_t c = client_.NewCorrelation();
  incoming_.push_back(wire::EncodeError(c, ErrorCode::kMalformedFrame, "flags"));
  auto r = client_.Await(c, wire::Command::kPositionsOk,
                         std::chrono::steady_clock::now() + milliseconds(5000), "none");
  ASSERT_OK(r.status());
  EXPECT_EQ(r->msg.command, wire::Command::kError);
  EXPECT_EQ(r->msg.error, ErrorCode::kMalformedFrame);
  EXPECT_EQ(Refusal(r->msg, "refused").message(), "refused: flags");
}

TEST_F(WireClientTest, PingsAreAnsweredWhileWaiting) {
  std::uint64_t c = client_.NewCorrelation();
  incoming_.push_back(wire::EncodePing(77));
  incoming_.push_back(wire::EncodeAck(c, 1, false));
  ASSERT_OK(client_.Request(c, wire::EncodePublish(c, Bytes{9}), kAckReply, milliseconds(5000))
                .status());
  ASSERT_EQ(sent_.size(), 2u);
  wire::Message pong = Decoded(sent_[1]);
  EXPECT_EQ(pong.command, wire::Command::kPong);
  EXPECT_EQ(pong.correlation, 77u);
}

TEST_F(WireClientTest, NoReplyIsATimeout) {
  std::uint64_t c = client_.NewCorrelation();
  // Nothing at all arrives: the connection's own timeout.
  auto r = client_.Request(c, wire::EncodePublish(c, Bytes{9}), kAckReply, milliseconds(5000));
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout);
  // The deadline passes while other messages arrive: the caller's message.
  incoming_.push_back(wire::EncodeAck(c + 1, 1, false));
  auto awaited = client_.Await(c, wire::Command::kAck, std::chrono::steady_clock::now(),
                               "no acknowledgement within 0 ms");
  EXPECT_EQ(awaited.status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(awaited.status().message(), "no acknowledgement within 0 ms");
}

TEST_F(WireClientTest, AFrameThatDoesNotDecodeIsReportedWithItsCode) {
  std::uint64_t c = client_.NewCorrelation();
  incoming_.push_back(Bytes{'X', 'Y', 1, 2});
  auto r = client_.Request(c, wire::EncodePublish(c, Bytes{9}), kAckReply, milliseconds(5000));
  EXPECT_EQ(r.status().code(), ErrorCode::kMalformedFrame);
  EXPECT_NE(r.status().message().find("a message from the broker"), std::string::npos);
}

TEST(BrokerNotReachedTest, ConnectionFailuresButNotAnswers) {
  for (ErrorCode code : {ErrorCode::kTimeout, ErrorCode::kTransportError, ErrorCode::kUnreachable,
                         ErrorCode::kUnauthenticated}) {
    EXPECT_TRUE(BrokerNotReached(Status(code, "x"))) << static_cast<int>(code);
  }
  for (ErrorCode code : {ErrorCode::kRevoked, ErrorCode::kUnknownOrganisation,
                         ErrorCode::kMalformedFrame, ErrorCode::kOk}) {
    EXPECT_FALSE(BrokerNotReached(Status(code, "x"))) << static_cast<int>(code);
  }
}

}  // namespace
}  // namespace certshare::transport
