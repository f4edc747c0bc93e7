#include "agent/link/probe.h"

namespace certshare::agent {

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

BrokerProbe ProbeBroker(const std::string& endpoint, const identity::Card& broker,
                        const identity::Identity& me, std::chrono::milliseconds connect_timeout,
                        std::chrono::milliseconds timeout) {
  BrokerProbe probe;
  auto client = BrokerClient::Connect(endpoint, broker, me, connect_timeout);
  if (!client.ok()) {
    probe.error = client.status();
    return probe;
  }
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  Status sent = (*client)->Ping();
  if (!sent.ok()) {
    probe.error = sent;
    return probe;
  }
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      probe.error = Status(ErrorCode::kTimeout, "no answer to a PING within " +
                                                    std::to_string(timeout.count() / 1000) +
                                                    " s");
      return probe;
    }
    auto msg = (*client)->Next(left);
    if (!msg.ok()) {
      if (msg.status().code() == ErrorCode::kTimeout) continue;
      probe.error = msg.status();
      return probe;
    }
    if (msg->msg.command == wire::Command::kPong) {
      probe.reachable = true;
      probe.round_trip =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      probe.positions = (*client)->Positions(timeout);
      return probe;
    }
  }
}

std::uint64_t Behind(std::uint64_t head, const wire::Position& p) {
  if (p.lag) return *p.lag;
  return head > p.acknowledged ? head - p.acknowledged : 0;
}

bool PositionRemoved(const SubscriptionPositions& s, const wire::Position& p) {
  return s.first != 0 && p.acknowledged + 1 < s.first;
}

}  // namespace certshare::agent
