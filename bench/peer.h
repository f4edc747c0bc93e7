// certshare bench: what the peers' drivers (rabbitmq_bench.cc,
// redis_bench.cc) share, so that both run the same scenarios the same way
// as certshare_loadgen:
//
//   run      N publishers (each its own connection, at most `window`
//            messages unconfirmed, optionally at a fixed total rate) and C
//            consumers that each receive every message (a queue or a
//            consumer group each), started before the first message;
//   catchup  N messages stored with nobody reading, then one consumer
//            reads them all.
//
// A message is `bytes` long; its first 8 bytes are the steady-clock time
// it was sent, so a consumer in the same process knows its latency. A
// message counts as published only once the peer has confirmed it after a
// synced write (RabbitMQ: publisher confirms of persistent messages to
// durable queues; Redis: XADD under appendfsync always).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/result.h"
#include "common/base/status.h"

namespace certshare::bench {

struct PeerOptions {
  std::string scenario;
  bool catchup = false;
  std::size_t publishers = 1, messages = 10000, bytes = 3500, consumers = 0;
  std::size_t window = 256;  // per publisher
  double rate = 0;           // messages/s in total; 0: as fast as confirmed
  pid_t server_pid = 0;
};

struct PublishStats {
  Status status;
  std::size_t confirmed = 0;
  Clock::time_point last{};
};

struct ConsumeStats {
  Status status;
  std::size_t received = 0;
  Clock::time_point last{};
  std::vector<double> latency_ms;
};

// A message of `bytes` stamped now, and its age at `now`.
std::string StampedMessage(std::size_t bytes);
void Restamp(std::string& message);
double MillisSinceStamp(const void* data, std::size_t size, Clock::time_point now);

// Sends on a fixed schedule: Due() says whether the next send is due,
// Sent() moves the schedule on, Wait() is how long until the next one.
class Pacer {
 public:
  explicit Pacer(double rate);
  bool Due() const;
  void Sent();
  std::chrono::milliseconds Wait() const;

 private:
  Clock::duration interval_;
  Clock::time_point next_;
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;
  // Empties the peer's queues or stream and makes `queues` queues or
  // consumer groups that each receive every message.
  virtual Status Reset(std::size_t queues) = 0;
  // One publisher, on its own connection.
  virtual PublishStats Publish(std::size_t count, std::size_t window, double rate,
                               std::size_t bytes) = 0;
  // One consumer of queue or group `index`, on its own connection, until
  // `expect` messages.
  virtual ConsumeStats Consume(std::size_t index, std::size_t expect) = 0;
};

// Runs options.catchup ? catchup : run, and prints the result.
int RunPeer(Peer& peer, const PeerOptions& options);

// A driver's main(): parses its flags (`run|catchup --port P
// [--server-pid PID] [--scenario S] [--publishers N] [--messages N]
// [--bytes N] [--consumers N] [--window N] [--rate R]`) and runs RunPeer on
// the peer `make` returns for the port.
int PeerMain(int argc, char** argv, const std::string& name,
             const std::function<std::unique_ptr<Peer>(int port)>& make);

}  // namespace certshare::bench
