// Liveness: a connection that closes is forgotten at once (the transport
// names it: transport::Server::TakeClosedPeers). For what a closed
// connection does not show (a peer that hangs, a network that drops
// packets without closing anything), every message from a peer counts as
// a heartbeat: the broker PINGs subscribers it has not heard from for
// heartbeat_interval_ms and closes the subscription of one silent for
// heartbeat_timeout_ms, so a dead subscriber's resources are released
// within that time.

#include "broker/broker.h"
#include "broker/logger.h"

namespace certshare::broker {

void Broker::NotePeer(const transport::Incoming& in) {
  Peer& peer = peers_[in.peer];
  peer.org = in.org;
  peer.client_key = in.client_key;
  peer.last_heard = Clock::now();
}

void Broker::ForgetClosedConnections() {
  std::vector<std::string> closed = server_->TakeClosedPeers();
  if (closed.empty()) return;
  for (const std::string& peer : closed) {
    CloseSubscription(peer, "connection closed");
    outbox_.erase(peer);
    peers_.erase(peer);
    trust_listeners_.erase(peer);
  }
  metrics_.SetConnectedPeers(peers_.size());
}

void Broker::CheckPeers() {
  auto now = Clock::now();
  if (now < next_peer_check_) return;
  auto interval = std::chrono::milliseconds(options_.heartbeat_interval_ms);
  auto timeout = std::chrono::milliseconds(options_.heartbeat_timeout_ms);
  next_peer_check_ = now + std::min(interval, timeout - interval) / 2;
  for (auto it = peers_.begin(); it != peers_.end();) {
    Peer& peer = it->second;
    bool subscribed = subscriptions_.count(it->first) > 0;
    if (now - peer.last_heard > timeout) {
      if (subscribed) {
        Logger()->info("{}: no heartbeat for {} ms", peer.org, options_.heartbeat_timeout_ms);
        CloseSubscription(it->first, "peer silent");
      }
      outbox_.erase(it->first);
      it = peers_.erase(it);
      continue;
    }
    if (subscribed && now - peer.last_heard > interval && now - peer.last_pinged > interval) {
      peer.last_pinged = now;
      SendTo(it->first, wire::EncodePing(0));
    }
    ++it;
  }
  metrics_.SetConnectedPeers(peers_.size());
}

}  // namespace certshare::broker
