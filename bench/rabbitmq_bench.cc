// rabbitmq_bench: the RabbitMQ side of scripts/bench.sh (bench/peer.h says
// what it runs), with rabbitmq-c (librabbitmq-dev), each publisher and
// consumer on its own connection. Topology: a durable fanout exchange
// "certshare-bench" to durable classic queues "certshare-bench-<i>" (4, or
// one per consumer when there are more). Messages are persistent and
// published with publisher confirms, so a confirm means RabbitMQ wrote the
// message to every queue's disk (it confirms persistent messages to
// durable queues after its fsync). Consumers acknowledge (prefetch 1,000,
// acknowledging 100 at a time).
//
// usage: rabbitmq_bench run|catchup --port P [options]   (bench/peer.h, PeerMain)
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <memory>
#include <string>

#include "bench/peer.h"

namespace certshare::bench {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr const char* kExchange = "certshare-bench";
constexpr std::size_t kMaxQueues = 64;

std::string QueueName(std::size_t i) { return std::string(kExchange) + "-" + std::to_string(i); }

timeval Timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// One AMQP connection with channel 1 open.
class Connection {
 public:
  ~Connection() {
    if (conn_ == nullptr) return;
    amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn_);
  }
  Status Open(int port) {
    conn_ = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (socket == nullptr || amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK) {
      return Status(ErrorCode::kUnreachable, "cannot connect to RabbitMQ on 127.0.0.1:" + std::to_string(port));
    }
    CERTSHARE_RETURN_IF_ERROR(Check(amqp_login(conn_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
                                               "guest", "guest"), "login"));
    amqp_channel_open(conn_, kChannel);
    return Check("channel.open");
  }
  // Whether the last synchronous call succeeded.
  Status Check(const char* what) { return Check(amqp_get_rpc_reply(conn_), what); }
  Status Check(amqp_rpc_reply_t reply, const char* what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return Status::Ok();
    std::string why = "refused by the server";
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
      why = amqp_error_string2(reply.library_error);
    } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      const auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
      why = std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
    } else if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      const auto* close = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
      why = std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
    }
    return Status(ErrorCode::kInternal, std::string("RabbitMQ ") + what + " failed (" + why + ")");
  }
  amqp_connection_state_t get() { return conn_; }

 private:
  amqp_connection_state_t conn_ = nullptr;
};

class RabbitMq final : public Peer {
 public:
  explicit RabbitMq(int port) : port_(port) {}
  std::string name() const override { return "rabbitmq"; }

  Status Reset(std::size_t queues) override {
    Connection c;
    CERTSHARE_RETURN_IF_ERROR(c.Open(port_));
    amqp_exchange_declare(c.get(), kChannel, amqp_cstring_bytes(kExchange),
                          amqp_cstring_bytes("fanout"), 0, 1, 0, 0, amqp_empty_table);
    CERTSHARE_RETURN_IF_ERROR(c.Check("exchange.declare"));
    for (std::size_t i = 0; i < kMaxQueues; ++i) {
      const std::string name = QueueName(i);
      amqp_queue_delete(c.get(), kChannel, amqp_cstring_bytes(name.c_str()), 0, 0);
      CERTSHARE_RETURN_IF_ERROR(c.Check("queue.delete"));
    }
    for (std::size_t i = 0; i < queues; ++i) {
      const std::string name = QueueName(i);
      const amqp_bytes_t q = amqp_cstring_bytes(name.c_str());
      amqp_queue_declare(c.get(), kChannel, q, 0, 1, 0, 0, amqp_empty_table);
      CERTSHARE_RETURN_IF_ERROR(c.Check("queue.declare"));
      amqp_queue_bind(c.get(), kChannel, q, amqp_cstring_bytes(kExchange), amqp_empty_bytes,
                      amqp_empty_table);
      CERTSHARE_RETURN_IF_ERROR(c.Check("queue.bind"));
    }
    return Status::Ok();
  }

  PublishStats Publish(std::size_t count, std::size_t window, double rate,
                       std::size_t bytes) override {
    PublishStats stats;
    Connection c;
    if ((stats.status = c.Open(port_)).ok()) {
      amqp_confirm_select(c.get(), kChannel);
      stats.status = c.Check("confirm.select");
    }
    if (!stats.status.ok()) return stats;
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    std::string message = StampedMessage(bytes);
    Pacer pacer(rate);
    std::size_t sent = 0;
    while (stats.confirmed < count) {
      while (sent < count && sent - stats.confirmed < window && pacer.Due()) {
        Restamp(message);
        const amqp_bytes_t body{message.size(), message.data()};
        if (amqp_basic_publish(c.get(), kChannel, amqp_cstring_bytes(kExchange), amqp_empty_bytes,
                               0, 0, &props, body) != AMQP_STATUS_OK) {
          stats.status = Status(ErrorCode::kInternal, "basic.publish failed");
          return stats;
        }
        ++sent;
        pacer.Sent();
      }
      // Confirms (delivery tags count the messages sent, from 1).
      const bool waiting_for_pacer = sent < count && sent - stats.confirmed < window;
      const timeval tv = Timeval(waiting_for_pacer ? pacer.Wait() : std::chrono::milliseconds(60000));
      amqp_frame_t frame;
      const int got = amqp_simple_wait_frame_noblock(c.get(), &frame, &tv);
      if (got == AMQP_STATUS_TIMEOUT && waiting_for_pacer) continue;
      if (got != AMQP_STATUS_OK) {
        stats.status = Status(ErrorCode::kTimeout, std::string("waiting for confirms: ") + amqp_error_string2(got));
        return stats;
      }
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
        stats.status = Status(ErrorCode::kInternal, "RabbitMQ refused (nack) a message");
        return stats;
      }
      if (frame.payload.method.id != AMQP_BASIC_ACK_METHOD) continue;
      const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
      stats.confirmed = ack->multiple ? ack->delivery_tag : stats.confirmed + 1;
      stats.last = Clock::now();
    }
    return stats;
  }

  ConsumeStats Consume(std::size_t index, std::size_t expect) override {
    ConsumeStats stats;
    Connection c;
    if (!(stats.status = c.Open(port_)).ok()) return stats;
    amqp_basic_qos(c.get(), kChannel, 0, 1000, 0);
    const std::string queue = QueueName(index);
    amqp_basic_consume(c.get(), kChannel, amqp_cstring_bytes(queue.c_str()),
                       amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    if (!(stats.status = c.Check("basic.consume")).ok()) return stats;
    const timeval tv = Timeval(std::chrono::milliseconds(60000));
    while (stats.received < expect) {
      amqp_maybe_release_buffers(c.get());
      amqp_envelope_t envelope;
      const amqp_rpc_reply_t reply = amqp_consume_message(c.get(), &envelope, &tv, 0);
      if (!(stats.status = c.Check(reply, "consuming")).ok()) return stats;
      stats.last = Clock::now();
      stats.latency_ms.push_back(MillisSinceStamp(envelope.message.body.bytes,
                                                  envelope.message.body.len, stats.last));
      ++stats.received;
      if (stats.received % 100 == 0 || stats.received == expect) {
        amqp_basic_ack(c.get(), kChannel, envelope.delivery_tag, 1);
      }
      amqp_destroy_envelope(&envelope);
    }
    return stats;
  }

 private:
  int port_;
};

}  // namespace
}  // namespace certshare::bench

int main(int argc, char** argv) {
  return certshare::bench::PeerMain(argc, argv, "rabbitmq",
                                    [](int port) { return std::make_unique<certshare::bench::RabbitMq>(port); });
}
