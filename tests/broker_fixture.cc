#include "tests/broker_fixture.h"

#include "agent/link/compose.h"
#include "common/base/file_util.h"

namespace certshare::testing {

void BrokerFixture::SetUp() {
  ASSERT_OK(crypto::Init());
  for (const char* org : {"BROKER", "CERT-EE", "CERT-UA", "CERT-EU", "CERT-XX", "STRANGER"}) {
    auto files = identity::Generate(org, "", dir_.File("keys"));
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    auto id = identity::LoadIdentity(files->secret_path);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (std::string(org) != "BROKER" && std::string(org) != "STRANGER") {
      ASSERT_OK(registry_.Put(id->card));
    }
    ids_[org] = std::make_unique<identity::Identity>(std::move(*id));
  }
  StartBroker();
}

void BrokerFixture::TearDown() { StopBroker(); }

wire::SubscribeRequest FromSequence(std::uint64_t from, std::uint32_t credit) {
  wire::SubscribeRequest req;
  req.start = wire::StartKind::kSequence;
  req.start_value = from;
  req.credit = credit;
  return req;
}

broker::Options BrokerFixture::DefaultOptions() {
  broker::Options options;
  options.listen = "tcp://127.0.0.1:*";
  options.data_dir = dir_.File("data");
  return options;
}

void BrokerFixture::StartBroker(std::size_t max_record_bytes) {
  broker::Options options = DefaultOptions();
  options.max_record_bytes = max_record_bytes;
  StartBroker(options);
}

void BrokerFixture::StartBroker(broker::Options options, std::unique_ptr<storage::Log> log) {
  StopBroker();
  const identity::Identity& b = Id("BROKER");
  identity::Identity copy{b.card, b.sign_secret.Clone(), b.box_secret.Clone(),
                          b.transport_secret.Clone()};
  auto broker = broker::Broker::Open(options, std::move(copy), registry_, std::move(log));
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  broker_ = std::move(*broker);
  endpoint_ = broker_->endpoint();
  stop_ = false;
  thread_ = std::thread([this] { EXPECT_OK(broker_->Run(stop_)); });
}

void BrokerFixture::StopBroker() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  broker_.reset();
}

std::unique_ptr<agent::BrokerClient> BrokerFixture::Connect(const std::string& org) {
  auto client = agent::BrokerClient::Connect(endpoint_, Id("BROKER").card, Id(org));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

envelope::Sealer BrokerFixture::SealerFor(const std::string& org) {
  return envelope::Sealer(org, Id(org).sign_secret, Id(org).box_secret);
}

std::string BrokerFixture::Incident(const std::string& uuid, const std::string& modified,
                                    Tlp tlp) {
  return R"({"type":"incident","spec_version":"2.1","id":"incident--)" + uuid +
         R"(","created":"2026-11-01T10:00:00.000Z","modified":")" + modified +
         R"(","name":"Phishing wave against ministry mail","object_marking_refs":[")" +
         std::string(TlpMarkingId(tlp)) + R"("]})";
}

Bytes BrokerFixture::Record(const std::string& origin, const std::vector<std::string>& to,
                            Tlp tlp, const std::string& uuid, const std::string& modified) {
  agent::ComposeOptions options;
  options.recipients = to;
  envelope::Sealer sealer = SealerFor(origin);
  auto composed =
      agent::Compose(Incident(uuid, modified, tlp), options, Id(origin), registry_, sealer);
  EXPECT_TRUE(composed.ok()) << composed.status().ToString();
  return composed.ok() ? composed->record : Bytes{};
}

std::unique_ptr<identity::Identity> BrokerFixture::NewIdentity(const std::string& org,
                                                               const std::string& subdir) {
  auto files = identity::Generate(org, "", dir_.File(subdir));
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  if (!files.ok()) return nullptr;
  auto id = identity::LoadIdentity(files->secret_path);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? std::make_unique<identity::Identity>(std::move(*id)) : nullptr;
}

std::unique_ptr<agent::BrokerClient> BrokerFixture::ConnectAs(const identity::Identity& id) {
  auto client = agent::BrokerClient::Connect(endpoint_, Id("BROKER").card, id);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

broker::Options BrokerFixture::AdminOptions() {
  if (ids_.count("OPERATOR") == 0) ids_["OPERATOR"] = NewIdentity("OPERATOR", "operator");
  broker::Options options = DefaultOptions();
  options.registry = RegistryFile();
  options.operator_card = dir_.File("operator/OPERATOR.card.json");
  return options;
}

void BrokerFixture::StartAdminBroker() {
  broker::Options options = AdminOptions();
  ASSERT_OK(files::WriteAtomic(RegistryFile(), registry_.ToJson()));
  StartBroker(options);
}

std::unique_ptr<broker::AdminClient> BrokerFixture::ConnectAdmin(const std::string& org) {
  auto client = broker::AdminClient::Connect(endpoint_, Id("BROKER").card, Id(org));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

Result<broker::AdminAnswer> BrokerFixture::Admin(broker::AdminKind kind,
                                                 const identity::Card* card,
                                                 const std::string& org,
                                                 std::optional<bool> keep_previous) {
  auto client = ConnectAdmin();
  if (client == nullptr) return Status(ErrorCode::kInternal, "no admin connection");
  broker::AdminCommand command = broker::NewAdminCommand(kind, Id("BROKER").card.transport_key);
  if (card != nullptr) command.card = *card;
  command.org = org;
  command.keep_previous_keys = keep_previous;
  return client->Send(command, std::chrono::seconds(10));
}

std::vector<BrokerFixture::Delivery> BrokerFixture::UntilCaughtUp(agent::BrokerClient& client,
                                                                  bool ack) {
  std::vector<Delivery> got;
  while (true) {
    auto next = client.Next(std::chrono::seconds(10));
    if (!next.ok()) {
      ADD_FAILURE() << "waiting for CAUGHT_UP: " << next.status().ToString();
      return got;
    }
    const wire::Message& m = next->msg;
    if (m.command == wire::Command::kCaughtUp) return got;
    if (m.command == wire::Command::kDeliver) {
      got.push_back({m.sequence, Bytes(m.record.begin(), m.record.end())});
      if (ack) EXPECT_OK(client.Acknowledge(m.sequence, 1));
      continue;
    }
    if (m.command == wire::Command::kError) {
      ADD_FAILURE() << "waiting for CAUGHT_UP: " << ErrorCodeName(m.error) << ": " << m.text;
      return got;
    }
  }
}

Bytes BrokerFixture::RecordWith(const identity::Identity& origin,
                                const agent::ComposeOptions& options,
                                const identity::Registry& registry, Tlp tlp,
                                const std::string& uuid, const std::string& modified) {
  envelope::Sealer sealer(origin.card.org, origin.sign_secret, origin.box_secret);
  auto composed =
      agent::Compose(Incident(uuid, modified, tlp), options, origin, registry, sealer);
  EXPECT_TRUE(composed.ok()) << composed.status().ToString();
  return composed.ok() ? composed->record : Bytes{};
}

}  // namespace certshare::testing
