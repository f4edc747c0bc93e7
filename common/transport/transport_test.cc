#include "common/transport/transport.h"

#include <gtest/gtest.h>

#include <map>

#include "common/base/testing.h"

namespace certshare::transport {
namespace {

using std::chrono::milliseconds;

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(crypto::Init());
    server_keys_ = crypto::GenerateBoxKeyPair();
    client_keys_ = crypto::GenerateBoxKeyPair();
    ServerOptions options;
    options.endpoint = "tcp://127.0.0.1:*";
    options.public_key = server_keys_.public_key;
    options.secret_key = &server_keys_.secret_key;
    crypto::BoxPublicKey known = client_keys_.public_key;
    revoked_keys_ = crypto::GenerateBoxKeyPair();
    crypto::BoxPublicKey revoked = revoked_keys_.public_key;
    options.authorize = [known, revoked](const crypto::BoxPublicKey& key) -> Result<std::string> {
      if (key == known) return std::string("ORG-A");
      if (key == revoked) return Status(ErrorCode::kRevoked, "ORG-R was revoked");
      return Status(ErrorCode::kUnauthenticated, "not registered");
    };
    auto server = Server::Bind(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }

  std::unique_ptr<Client> Connect(const crypto::BoxKeyPair& keys,
                                  const crypto::BoxPublicKey& server_key) {
    ClientOptions options;
    options.endpoint = server_->endpoint();
    options.server_key = server_key;
    options.public_key = keys.public_key;
    options.secret_key = &keys.secret_key;
    auto client = Client::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // Sends a frame and waits for an answer: the error either reports (the
  // send's, when the handshake was refused before it, else the receive's).
  static Status SendAndReceive(Client& client) {
    Bytes hello = {'h', 'i'};
    CERTSHARE_RETURN_IF_ERROR(client.Send(hello, milliseconds(1000)));
    return client.Receive(milliseconds(5000)).status();
  }

  // Receives on the server until a message arrives or ~5 s pass.
  std::optional<Incoming> ServerReceive() {
    for (int i = 0; i < 50; ++i) {
      auto in = server_->Receive(milliseconds(100));
      if (!in.ok()) return std::nullopt;
      if (in->has_value()) return std::move(*in);
    }
    return std::nullopt;
  }

  crypto::BoxKeyPair server_keys_;
  crypto::BoxKeyPair client_keys_;
  crypto::BoxKeyPair revoked_keys_;  // admitted by no one: "revoked"
  std::unique_ptr<Server> server_;
};

// Item 4 of issue 10: the server learns within a poll that a connection
// closed (not a heartbeat timeout later), names the right peer, and a new
// connection is not mistaken for the closed one.
TEST_F(TransportTest, AClosedConnectionIsNamedPromptlyAndOnlyOnce) {
  auto first = Connect(client_keys_, server_keys_.public_key);
  auto second = Connect(client_keys_, server_keys_.public_key);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->Send(Bytes{'1'}, milliseconds(1000)));
  ASSERT_OK(second->Send(Bytes{'2'}, milliseconds(1000)));
  std::map<Bytes, Incoming> by_frame;
  for (int i = 0; i < 2; ++i) {
    auto in = ServerReceive();
    ASSERT_TRUE(in.has_value());
    by_frame[in->frame] = *in;
  }
  ASSERT_EQ(by_frame.size(), 2u);
  const Incoming& one = by_frame[Bytes{'1'}];
  const Incoming& two = by_frame[Bytes{'2'}];
  EXPECT_NE(one.peer, two.peer);
  // Where each comes from: loopback, each its own port.
  EXPECT_EQ(one.peer_address.rfind("127.0.0.1:", 0), 0u) << one.peer_address;
  EXPECT_EQ(two.peer_address.rfind("127.0.0.1:", 0), 0u) << two.peer_address;
  EXPECT_NE(one.peer_address, two.peer_address);
  EXPECT_TRUE(server_->TakeClosedPeers().empty());

  const auto closed_at = std::chrono::steady_clock::now();
  first.reset();
  std::vector<std::string> closed;
  while (closed.empty() && std::chrono::steady_clock::now() - closed_at < milliseconds(5000)) {
    auto in = server_->Receive(milliseconds(1000));
    ASSERT_TRUE(in.ok());
    closed = server_->TakeClosedPeers();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - closed_at, milliseconds(1000));
  ASSERT_EQ(closed, std::vector<std::string>{one.peer});

  // A new connection (which may reuse the closed descriptor) is not
  // reported closed, and the open one is still served.
  auto third = Connect(client_keys_, server_keys_.public_key);
  ASSERT_NE(third, nullptr);
  ASSERT_OK(third->Send(Bytes{'3'}, milliseconds(1000)));
  auto in = ServerReceive();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->frame, Bytes{'3'});
  EXPECT_TRUE(server_->TakeClosedPeers().empty());
  EXPECT_EQ(server_->Send(two.peer, Bytes{'k'}), SendOutcome::kSent);
  auto got = second->Receive(milliseconds(5000));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
}

TEST_F(TransportTest, BindsAnEphemeralLoopbackPort) {
  EXPECT_EQ(server_->endpoint().rfind("tcp://127.0.0.1:", 0), 0u);
  EXPECT_EQ(server_->endpoint().find('*'), std::string::npos);
}

TEST_F(TransportTest, RegisteredClientIsAuthenticatedAsItsOrganisation) {
  auto client = Connect(client_keys_, server_keys_.public_key);
  ASSERT_NE(client, nullptr);
  Bytes hello = {'h', 'i'};
  ASSERT_OK(client->Send(hello, milliseconds(1000)));
  auto in = ServerReceive();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->org, "ORG-A");
  EXPECT_EQ(in->client_key, client_keys_.public_key);  // the key ZAP admitted
  EXPECT_EQ(in->frame, hello);

  Bytes reply = {'o', 'k'};
  EXPECT_EQ(server_->Send(in->peer, reply), SendOutcome::kSent);
  auto got = client->Receive(milliseconds(5000));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, reply);
}

TEST_F(TransportTest, UnregisteredKeyIsRefusedAndToldSo) {
  crypto::BoxKeyPair stranger = crypto::GenerateBoxKeyPair();
  auto client = Connect(stranger, server_keys_.public_key);
  ASSERT_NE(client, nullptr);
  const Status got = SendAndReceive(*client);
  EXPECT_EQ(got.code(), ErrorCode::kUnauthenticated) << got.ToString();
  // Nothing reached the server.
  auto in = server_->Receive(milliseconds(200));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->has_value());
}

TEST_F(TransportTest, RevokedKeyIsRefusedAndToldItIsRevoked) {
  auto client = Connect(revoked_keys_, server_keys_.public_key);
  ASSERT_NE(client, nullptr);
  const Status got = SendAndReceive(*client);
  EXPECT_EQ(got.code(), ErrorCode::kRevoked) << got.ToString();
  EXPECT_NE(got.message().find("revoked"), std::string::npos) << got.ToString();
  auto in = server_->Receive(milliseconds(200));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->has_value());
}

// Nothing listens on a port that was just bound and closed: the client
// says so after connect_timeout instead of waiting for the whole receive
// timeout.
TEST(TransportClientTest, RefusedConnectionIsReportedAfterConnectTimeout) {
  std::string endpoint;
  {
    crypto::BoxKeyPair keys = crypto::GenerateBoxKeyPair();
    ServerOptions options;
    options.endpoint = "tcp://127.0.0.1:*";
    options.public_key = keys.public_key;
    options.secret_key = &keys.secret_key;
    options.authorize = [](const crypto::BoxPublicKey&) -> Result<std::string> {
      return std::string("ORG-A");
    };
    auto server = Server::Bind(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    endpoint = (*server)->endpoint();
  }  // closed: the port now refuses connections
  crypto::BoxKeyPair server_keys = crypto::GenerateBoxKeyPair();
  crypto::BoxKeyPair keys = crypto::GenerateBoxKeyPair();
  ClientOptions options;
  options.endpoint = endpoint;
  options.server_key = server_keys.public_key;
  options.public_key = keys.public_key;
  options.secret_key = &keys.secret_key;
  options.connect_timeout = milliseconds(300);
  auto client = Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  Bytes hello = {'h', 'i'};
  ASSERT_OK((*client)->Send(hello, milliseconds(1000)));
  const auto start = std::chrono::steady_clock::now();
  auto got = (*client)->Receive(milliseconds(20000));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(got.status().code(), ErrorCode::kUnreachable) << got.status().ToString();
  EXPECT_NE(got.status().message().find(endpoint), std::string::npos)
      << got.status().ToString();
  // 300 ms asked; well under the 20 s receive timeout even on a loaded machine.
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(10000));
}

// A send after the broker has refused the handshake cannot be queued
// (libzmq drops the connection for good): it reports the refusal at once,
// not a timeout, and so does every later call.
TEST_F(TransportTest, ARefusedHandshakeIsTheAnswerToEveryLaterCall) {
  crypto::BoxKeyPair stranger = crypto::GenerateBoxKeyPair();
  auto client = Connect(stranger, server_keys_.public_key);
  ASSERT_NE(client, nullptr);
  // Nothing sent: the refusal comes from the handshake alone.
  auto got = client->Receive(milliseconds(5000));
  ASSERT_EQ(got.status().code(), ErrorCode::kUnauthenticated) << got.status().ToString();
  Bytes hello = {'h', 'i'};
  const Status sent = client->Send(hello, milliseconds(3000));
  EXPECT_EQ(sent.code(), ErrorCode::kUnauthenticated) << sent.ToString();
  EXPECT_EQ(client->Receive(milliseconds(100)).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(TransportTest, WrongServerKeyNeverDelivers) {
  crypto::BoxKeyPair impostor = crypto::GenerateBoxKeyPair();
  auto client = Connect(client_keys_, impostor.public_key);
  ASSERT_NE(client, nullptr);
  Bytes hello = {'h', 'i'};
  // Queued, or (the handshake already failed) refused: never delivered.
  (void)client->Send(hello, milliseconds(1000));
  auto in = server_->Receive(milliseconds(500));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->has_value());
  auto got = client->Receive(milliseconds(500));
  EXPECT_FALSE(got.ok());
}

TEST_F(TransportTest, SendToUnknownPeerReportsGone) {
  Bytes frame = {1};
  EXPECT_EQ(server_->Send("no-such-peer", frame), SendOutcome::kGone);
}

}  // namespace
}  // namespace certshare::transport
