#include "broker/broker.h"

#include <spdlog/spdlog.h>

#include "common/base/file_util.h"

namespace certshare::broker {

namespace {
// How long the loop may block when nothing is pending: bounds how late a
// stop request is noticed.
constexpr auto kIdleWait = std::chrono::milliseconds(100);
// Messages handled per loop turn before subscribers get their turn.
constexpr int kReceiveBurst = 256;
}  // namespace

Broker::Broker(Options options, identity::Identity identity,
               identity::Registry registry)
    : options_(std::move(options)),
      identity_(std::move(identity)),
      registry_(std::make_shared<const identity::Registry>(std::move(registry))) {}

Broker::~Broker() = default;

Result<std::unique_ptr<Broker>> Broker::Open(const Options& options,
                                             identity::Identity identity,
                                             identity::Registry registry) {
  std::unique_ptr<Broker> broker(
      new Broker(options, std::move(identity), std::move(registry)));

  auto log = storage::Log::Open(options.data_dir);
  if (!log.ok()) return log.status().WithContext("opening " + options.data_dir);
  broker->log_ = std::move(*log);

  transport::ServerOptions server_options;
  server_options.endpoint = options.listen;
  server_options.public_key = broker->identity_.card.transport_key;
  server_options.secret_key = &broker->identity_.transport_secret;
  std::shared_ptr<const identity::Registry> registry_ref = broker->registry_;
  server_options.authorize =
      [registry_ref](const crypto::BoxPublicKey& key) -> std::optional<std::string> {
    const identity::Card* card = registry_ref->FindByTransportKey(key);
    if (card == nullptr) return std::nullopt;
    return card->org;
  };
  server_options.max_frame_bytes =
      static_cast<std::int64_t>(options.max_record_bytes) * 2 + (1 << 20);
  auto server = transport::Server::Bind(server_options);
  if (!server.ok()) return server.status();
  broker->server_ = std::move(*server);

  if (!options.endpoint_file.empty()) {
    CERTSHARE_RETURN_IF_ERROR(
        files::WriteAtomic(options.endpoint_file, broker->endpoint() + "\n"));
  }
  spdlog::info("listening on {} with CURVE; {} organisations registered; {} records stored",
               broker->endpoint(), broker->registry_->cards().size(),
               broker->log_->LastSequence());
  return broker;
}

const std::string& Broker::endpoint() const { return server_->endpoint(); }

Status Broker::Run(const std::atomic<bool>& stop) {
  auto wait = kIdleWait;
  while (!stop.load()) {
    for (int i = 0; i < kReceiveBurst; ++i) {
      auto in = server_->Receive(i == 0 ? wait : std::chrono::milliseconds(0));
      if (!in.ok()) return in.status();
      if (!in->has_value()) break;
      HandleMessage(**in);
    }
    wait = PumpSubscribers();
  }
  spdlog::info("stopping: {} records stored", log_->LastSequence());
  return Status::Ok();
}

void Broker::HandleMessage(const transport::Incoming& in) {
  wire::Message msg;
  Status decoded = wire::Decode(in.frame, &msg);
  if (!decoded.ok()) {
    Refuse(in, msg.correlation, decoded);
    return;
  }
  switch (msg.command) {
    case wire::Command::kPublish:
      HandlePublish(in, msg);
      return;
    case wire::Command::kSubscribe:
      HandleSubscribe(in, msg);
      return;
    default:
      Refuse(in, msg.correlation,
             Status(ErrorCode::kUnknownCommand, "the broker does not accept this command"));
  }
}

void Broker::Refuse(const transport::Incoming& in, std::uint64_t correlation,
                    const Status& why) {
  spdlog::warn("refused request {} from {}: {}", correlation, in.org, why.ToString());
  server_->Send(in.peer, wire::EncodeError(correlation, why.code(), why.message()));
}

}  // namespace certshare::broker
