// redis_bench: the Redis Streams side of scripts/bench.sh (bench/peer.h
// says what it runs), with hiredis (libhiredis-dev), each publisher and
// consumer on its own connection. Publishers XADD to the stream
// "certshare-bench", pipelined (at most `window` replies outstanding);
// under `appendonly yes` and `appendfsync always` Redis writes and fsyncs
// its AOF before it answers, so a reply means a synced write. Each
// consumer is its own consumer group (so each receives every message, as
// a durable queue would): XREADGROUP ... COUNT 500 BLOCK, then XACK.
//
// usage: redis_bench run|catchup --port P [options]   (bench/peer.h, PeerMain)
#include <hiredis/hiredis.h>
#include <poll.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/peer.h"

namespace certshare::bench {
namespace {

constexpr const char* kStream = "certshare-bench";

using Reply = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

class Redis final : public Peer {
 public:
  explicit Redis(int port) : port_(port) {}
  std::string name() const override { return "redis"; }

  Status Reset(std::size_t groups) override {
    Context c(nullptr, &redisFree);
    CERTSHARE_RETURN_IF_ERROR(Connect(&c));
    CERTSHARE_RETURN_IF_ERROR(Command(c, {"DEL", kStream}));
    for (std::size_t i = 0; i < groups; ++i) {
      CERTSHARE_RETURN_IF_ERROR(
          Command(c, {"XGROUP", "CREATE", kStream, Group(i), "0", "MKSTREAM"}));
    }
    return Status::Ok();
  }

  PublishStats Publish(std::size_t count, std::size_t window, double rate,
                       std::size_t bytes) override {
    PublishStats stats;
    Context c(nullptr, &redisFree);
    if (!(stats.status = Connect(&c)).ok()) return stats;
    std::string message = StampedMessage(bytes);
    Pacer pacer(rate);
    std::size_t sent = 0;
    while (stats.confirmed < count) {
      while (sent < count && sent - stats.confirmed < window && pacer.Due()) {
        Restamp(message);
        redisAppendCommand(c.get(), "XADD %s * m %b", kStream, message.data(), message.size());
        ++sent;
        pacer.Sent();
      }
      int done = 0;
      while (!done) {
        if (redisBufferWrite(c.get(), &done) != REDIS_OK) return Failed(&stats, c);
      }
      // Wait for a reply, or (paced) at most until the next send is due;
      // then take every reply that has arrived.
      if (sent < count && sent - stats.confirmed < window) {
        pollfd p{c.get()->fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(pacer.Wait().count())) > 0 &&
            redisBufferRead(c.get()) != REDIS_OK) {
          return Failed(&stats, c);
        }
      } else {
        void* raw = nullptr;
        if (redisGetReply(c.get(), &raw) != REDIS_OK) return Failed(&stats, c);
        if (!Confirmed(&stats, raw)) return stats;
      }
      while (true) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(c.get(), &raw) != REDIS_OK) return Failed(&stats, c);
        if (raw == nullptr) break;
        if (!Confirmed(&stats, raw)) return stats;
      }
    }
    return stats;
  }

  ConsumeStats Consume(std::size_t index, std::size_t expect) override {
    ConsumeStats stats;
    Context c(nullptr, &redisFree);
    if (!(stats.status = Connect(&c)).ok()) return stats;
    const std::string group = Group(index);
    while (stats.received < expect) {
      Reply reply(static_cast<redisReply*>(redisCommand(
                      c.get(), "XREADGROUP GROUP %s c COUNT 500 BLOCK 60000 STREAMS %s >",
                      group.c_str(), kStream)),
                  freeReplyObject);
      if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
        stats.status = Status(ErrorCode::kTimeout, "XREADGROUP: nothing for 60 s or an error");
        return stats;
      }
      const redisReply* entries = reply->element[0]->element[1];
      std::vector<std::string> ack = {"XACK", kStream, group};
      const Clock::time_point now = Clock::now();
      for (std::size_t i = 0; i < entries->elements; ++i) {
        const redisReply* entry = entries->element[i];
        const redisReply* value = entry->element[1]->element[1];
        stats.latency_ms.push_back(MillisSinceStamp(value->str, value->len, now));
        ack.emplace_back(entry->element[0]->str, entry->element[0]->len);
      }
      stats.received += entries->elements;
      stats.last = now;
      if (Status s = Command(c, ack); !s.ok()) {
        stats.status = s;
        return stats;
      }
    }
    return stats;
  }

 private:
  using Context = std::unique_ptr<redisContext, decltype(&redisFree)>;
  static std::string Group(std::size_t i) { return "g" + std::to_string(i); }

  Status Connect(Context* c) {
    c->reset(redisConnect("127.0.0.1", port_));
    if (*c == nullptr || (*c)->err) {
      return Status(ErrorCode::kUnreachable, "cannot connect to Redis on 127.0.0.1:" + std::to_string(port_));
    }
    return Status::Ok();
  }
  static Status Command(Context& c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply reply(static_cast<redisReply*>(redisCommandArgv(c.get(), static_cast<int>(argv.size()),
                                                          argv.data(), lens.data())),
                freeReplyObject);
    if (reply == nullptr) return Status(ErrorCode::kInternal, "Redis connection failed");
    if (reply->type == REDIS_REPLY_ERROR) {
      return Status(ErrorCode::kInternal, args[0] + ": " + reply->str);
    }
    return Status::Ok();
  }
  // Counts one XADD reply; false (and the status set) for an error.
  static bool Confirmed(PublishStats* stats, void* raw) {
    Reply reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (reply->type == REDIS_REPLY_ERROR) {
      stats->status = Status(ErrorCode::kInternal, std::string("XADD: ") + reply->str);
      return false;
    }
    ++stats->confirmed;
    stats->last = Clock::now();
    return true;
  }
  static PublishStats Failed(PublishStats* stats, Context& c) {
    stats->status = Status(ErrorCode::kInternal, std::string("Redis: ") + c->errstr);
    return *stats;
  }

  int port_;
};

}  // namespace
}  // namespace certshare::bench

int main(int argc, char** argv) {
  return certshare::bench::PeerMain(argc, argv, "redis",
                                    [](int port) { return std::make_unique<certshare::bench::Redis>(port); });
}
