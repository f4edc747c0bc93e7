// A small fake broker for the agent's federation mode tests
// (federation_agent_test, live_trust_test): a CURVE ROUTER, no storage.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/base/mutex.h"
#include "common/crypto/keys.h"
#include "common/identity/identity.h"
#include "common/transport/transport.h"
#include "common/wire/frame.h"

namespace certshare::testing {

// A broker that serves the trust files set last, takes every PUBLISH (ACK),
// answers SUBSCRIBE and delivers the records a test hands it, and pushes
// TRUST_NOTICE to every connection that sent TRUST_GET when asked to.
// With `noise`, each ACK and DELIVER is preceded by frames the link did
// not ask for: a TRUST_NOTICE, a TRUST answering no request, and an ERROR
// answering the link's last TRUST_GET again (as a late answer to a request
// it gave up on would).
class FakeBroker {
 public:
  FakeBroker() : keys_(crypto::GenerateBoxKeyPair()) {
    transport::ServerOptions options;
    options.endpoint = "tcp://127.0.0.1:*";
    options.public_key = keys_.public_key;
    options.secret_key = &keys_.secret_key;
    options.authorize = [](const crypto::BoxPublicKey&) -> Result<std::string> {
      return std::string("CERT-EE");
    };
    auto server = transport::Server::Bind(options);
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeBroker() {
    stop_ = true;
    thread_.join();
  }

  // Serves `files` from now on; with `notify`, pushes TRUST_NOTICE.
  void Serve(wire::TrustFiles files, bool notify = false) {
    MutexLock lock(&mu_);
    files_ = std::move(files);
    notify_ = notify_ || notify;
  }
  void Deliver(Bytes record) {
    MutexLock lock(&mu_);
    deliveries_.push_back(std::move(record));
  }
  void Noise(bool on) { noise_ = on; }
  int trust_gets() const {
    MutexLock lock(&mu_);
    return trust_gets_;
  }
  std::size_t published() const {
    MutexLock lock(&mu_);
    return published_;
  }
  identity::Card card() const {
    identity::Card c;
    c.org = "broker";
    c.transport_key = keys_.public_key;
    return c;
  }
  const std::string& endpoint() const { return server_->endpoint(); }

 private:
  void Send(const std::string& peer, const Bytes& frame) { (void)server_->Send(peer, frame); }
  void SendNoise(const std::string& peer) {
    if (!noise_) return;
    Send(peer, wire::EncodeTrustNotice(0, 0, 0));
    Send(peer, wire::EncodeTrust(1'000'000, wire::TrustFiles{}));
    auto last = last_trust_get_.find(peer);
    if (last != last_trust_get_.end()) {
      Send(peer, wire::EncodeError(last->second, ErrorCode::kUnavailable, "a late answer"));
    }
  }

  // Sends what the test queued: notices, deliveries.
  void Push() {
    std::deque<Bytes> deliveries;
    bool notify = false;
    wire::TrustFiles files;
    {
      MutexLock lock(&mu_);
      deliveries.swap(deliveries_);
      std::swap(notify, notify_);
      files = files_;
    }
    if (notify) {
      for (const std::string& peer : registered_) {
        Send(peer, wire::EncodeTrustNotice(files.latest_root, files.latest_registry, 1));
      }
    }
    for (const Bytes& record : deliveries) {
      if (subscriber_.empty()) continue;
      SendNoise(subscriber_);
      Send(subscriber_, wire::EncodeDeliver(subscribe_correlation_, ++sequence_, record));
    }
  }

  void Loop() {
    while (!stop_) {
      Push();
      auto in = server_->Receive(std::chrono::milliseconds(10));
      if (!in.ok() || !in->has_value()) continue;
      const std::string& peer = (*in)->peer;
      wire::Message msg;
      if (!wire::Decode((*in)->frame, &msg).ok()) continue;
      switch (msg.command) {
        case wire::Command::kTrustGet: {
          wire::TrustFiles files;
          {
            MutexLock lock(&mu_);
            ++trust_gets_;
            files = files_;
          }
          registered_.insert(peer);
          last_trust_get_[peer] = msg.correlation;
          Send(peer, wire::EncodeTrust(msg.correlation, files));
          break;
        }
        case wire::Command::kSubscribe:
          subscriber_ = peer;
          subscribe_correlation_ = msg.correlation;
          Send(peer, wire::EncodeSubscribed(msg.correlation, sequence_ + 1, sequence_, 1));
          break;
        case wire::Command::kPublish: {
          SendNoise(peer);
          std::uint64_t sequence = 0;
          {
            MutexLock lock(&mu_);
            sequence = ++published_;
          }
          Send(peer, wire::EncodeAck(msg.correlation, sequence, false));
          break;
        }
        case wire::Command::kPing:
          Send(peer, wire::EncodePong(msg.correlation));
          break;
        default:
          break;
      }
    }
  }

  crypto::BoxKeyPair keys_;
  std::unique_ptr<transport::Server> server_;
  mutable Mutex mu_;
  wire::TrustFiles files_ GUARDED_BY(mu_);
  bool notify_ GUARDED_BY(mu_) = false;
  std::deque<Bytes> deliveries_ GUARDED_BY(mu_);
  int trust_gets_ GUARDED_BY(mu_) = 0;
  std::size_t published_ GUARDED_BY(mu_) = 0;
  std::atomic<bool> noise_{false};
  // The serving thread's own.
  std::set<std::string> registered_;
  std::map<std::string, std::uint64_t> last_trust_get_;
  std::string subscriber_;
  std::uint64_t subscribe_correlation_ = 0;
  std::uint64_t sequence_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A new identity with fresh keys (no files).
inline identity::Identity MakeIdentity(const std::string& org) {
  identity::Identity id;
  crypto::SigningKeyPair sign = crypto::GenerateSigningKeyPair();
  crypto::BoxKeyPair box = crypto::GenerateBoxKeyPair();
  crypto::BoxKeyPair transport = crypto::GenerateBoxKeyPair();
  id.card.org = org;
  id.card.name = org;
  id.card.sign_key = sign.public_key;
  id.card.box_key = box.public_key;
  id.card.transport_key = transport.public_key;
  id.sign_secret = std::move(sign.secret_key);
  id.box_secret = std::move(box.secret_key);
  id.transport_secret = std::move(transport.secret_key);
  return id;
}

}  // namespace certshare::testing
