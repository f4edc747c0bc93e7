// Hostile input against a real broker (docs/errors.md, "Catalogue of bad
// inputs"; issue 6). One TEST per catalogue entry, each over loopback
// against an in-process broker (CURVE, ZAP, RocksDB), each asserting:
//   (a) what the sender gets back: the exact error code, or, where the
//       transport refuses before any reply, that no reply and no admission
//       happen;
//   (b) what was stored: the broker's log is watched directly
//       (Log::LastSequence), and is unchanged unless the catalogue says
//       otherwise (a replay: acknowledged with the original sequence; a
//       payload the broker cannot read: stored, refused by subscribers);
//   (c) that the broker keeps serving others: afterwards a well-behaved
//       publisher gets an ACK and a live subscriber, connected before the
//       hostile input, receives the new record.
// Waits are bounded polls (kWait), never fixed sleeps, and nothing asserts
// speed.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include <map>
#include <set>

#include "agent/receive/render.h"
#include "broker/admin_command.h"
#include "common/base/file_util.h"
#include "common/envelope/envelope_test_util.h"
#include "common/transport/transport.h"
#include "common/wire/frame.h"
#include "storage/log.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(20000);
constexpr const char* kModified = "2026-11-01T10:00:00.000Z";

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The correlation a frame's 12-byte prefix carries (bytes 4-11, big-endian),
// or 0 when it is shorter: what an ERROR about it must echo.
std::uint64_t PrefixCorrelation(ByteView frame) {
  if (frame.size() < 12) return 0;
  std::uint64_t c = 0;
  for (std::size_t i = 4; i < 12; ++i) c = (c << 8) | frame[i];
  return c;
}

class HostileInputTest : public BrokerFixture {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    if (HasFatalFailure()) return;
    Restart(DefaultOptions());
  }

  void TearDown() override {
    live_.reset();
    StopBroker();
    log_ = nullptr;
    BrokerFixture::TearDown();
  }

  // (Re)starts the broker with `options` on a log this test can watch, and
  // connects the live subscriber (CERT-UA, from after what is stored).
  void Restart(broker::Options options) {
    live_.reset();
    StopBroker();
    log_ = nullptr;
    // The live subscriber is read only in StillServing(): while a test sends
    // hostile input it does not answer the broker's PINGs, so a slow run must
    // not have its subscription closed as silent (heartbeat_timeout_ms).
    options.heartbeat_timeout_ms = std::max(options.heartbeat_timeout_ms, 120000);
    auto log = storage::Log::Open(options.data_dir);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = log->get();
    StartBroker(options, std::move(*log));
    ASSERT_NE(broker_, nullptr);
    live_ = Connect("CERT-UA");
    ASSERT_NE(live_, nullptr);
    auto sub = live_->Subscribe(FromSequence(Stored() + 1), kWait);
    ASSERT_TRUE(sub.ok()) << sub.status().ToString();
    EXPECT_TRUE(UntilCaughtUp(*live_).empty());
  }

  // The broker with admin enabled (an operator), for revocation and ADMIN.
  void RestartWithAdmin() {
    broker::Options options = AdminOptions();
    ASSERT_OK(files::WriteAtomic(RegistryFile(), registry_.ToJson()));
    Restart(options);
  }

  // The highest sequence the broker's log holds.
  std::uint64_t Stored() const { return log_ == nullptr ? 0 : log_->LastSequence(); }

  // One sample of the broker's metrics (docs/operations.md, "Metrics"), e.g.
  // "certshare_records_received_total" or
  // "certshare_records_refused_total{code=\"MALFORMED_FRAME\"}".
  std::uint64_t Metric(const std::string& sample) const {
    std::string text = broker_->metrics().RenderPrometheus();
    std::string key = "\n" + sample + " ";
    auto at = text.find(key);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no metric " << sample;
      return 0;
    }
    return std::stoull(text.substr(at + key.size()));
  }

  Status PublishStatus(const std::string& org, ByteView record) {
    auto c = Connect(org);
    if (c == nullptr) return Status(ErrorCode::kInternal, "no connection");
    return c->Publish(record, kWait).status();
  }

  Result<agent::Ack> PublishAs(const std::string& org, ByteView record) {
    auto c = Connect(org);
    if (c == nullptr) return Status(ErrorCode::kInternal, "no connection");
    return c->Publish(record, kWait);
  }

  // A raw connection: frames as they are, no client-side checks.
  std::unique_ptr<transport::Client> Raw(const identity::Identity& id) {
    transport::ClientOptions options;
    options.endpoint = endpoint_;
    options.server_key = Id("BROKER").card.transport_key;
    options.public_key = id.card.transport_key;
    options.secret_key = &id.transport_secret;
    auto raw = transport::Client::Connect(options);
    EXPECT_TRUE(raw.ok()) << raw.status().ToString();
    return raw.ok() ? std::move(*raw) : nullptr;
  }

  // The broker's next answer on a raw connection, decoded.
  agent::Received Answer(transport::Client& c) {
    agent::Received r;
    auto frame = c.Receive(kWait);
    if (!frame.ok()) {
      ADD_FAILURE() << "no answer: " << frame.status().ToString();
      return r;
    }
    r.frame = std::move(*frame);
    Status decoded = wire::Decode(r.frame, &r.msg);
    EXPECT_TRUE(decoded.ok()) << "the broker's answer does not decode: " << decoded.ToString();
    return r;
  }

  // Sends `frame` and expects an ERROR with `code` and `correlation`.
  void ExpectRefused(transport::Client& c, const Bytes& frame, ErrorCode code,
                     std::uint64_t correlation, const std::string& what) {
    ASSERT_OK(c.Send(frame, kWait));
    agent::Received r = Answer(c);
    EXPECT_EQ(r.msg.command, wire::Command::kError) << what;
    EXPECT_EQ(r.msg.error, code) << what << ": " << ErrorCodeName(r.msg.error) << ": "
                                 << r.msg.text;
    EXPECT_EQ(r.msg.correlation, correlation) << what;
  }

  // A good record from CERT-EE to CERT-UA, fresh each call.
  Bytes GoodRecord() { return Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(next_uuid_++)); }

  // A bare ZeroMQ DEALER with CURVE as `org` (not connected yet), to send
  // what BrokerClient never would.
  zmq::socket_t RawSocket(zmq::context_t& ctx, const std::string& org) {
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::curve_serverkey,
          zmq::const_buffer(Id("BROKER").card.transport_key.data(), 32));
    s.set(zmq::sockopt::curve_publickey, zmq::const_buffer(Id(org).card.transport_key.data(), 32));
    s.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(Id(org).transport_secret.data(), 32));
    return s;
  }

  // (c): a well-behaved publisher gets an ACK for a new record, stored as
  // the next sequence, and the live subscriber receives it and can read it.
  // Returns the sequences the live subscriber was sent before it (what the
  // hostile input got stored and delivered, normally nothing).
  std::vector<std::uint64_t> StillServing() {
    std::vector<std::uint64_t> before_it;
    std::uint64_t stored = Stored();
    auto ack = PublishAs("CERT-EE", GoodRecord());
    EXPECT_TRUE(ack.ok()) << "a good publisher was refused: " << ack.status().ToString();
    if (!ack.ok()) return before_it;
    EXPECT_EQ(ack->sequence, stored + 1);
    EXPECT_FALSE(ack->duplicate);
    EXPECT_EQ(Stored(), stored + 1);
    if (live_ == nullptr) return before_it;
    while (true) {
      auto next = live_->Next(kWait);
      if (!next.ok()) {
        ADD_FAILURE() << "the live subscriber got nothing: " << next.status().ToString();
        return before_it;
      }
      const wire::Message& m = next->msg;
      if (m.command == wire::Command::kPing || m.command == wire::Command::kPong) continue;
      if (m.command != wire::Command::kDeliver) {
        ADD_FAILURE() << "the live subscriber got command " << static_cast<int>(m.command)
                      << " " << ErrorCodeName(m.error) << ": " << m.text;
        return before_it;
      }
      if (m.sequence == ack->sequence) {
        auto line = agent::Render(m.sequence, m.record, Id("CERT-UA"), registry_);
        EXPECT_TRUE(line.ok()) << line.status().ToString();
        return before_it;
      }
      before_it.push_back(m.sequence);
    }
  }

  envelope::Record DecodeOk(ByteView bytes) {
    auto record = envelope::Decode(bytes);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? std::move(*record) : envelope::Record{};
  }

  // A CLEAR plaintext draft from CERT-EE with `payload`, bypassing the
  // agent's checks (what a broken or hostile origin can send).
  envelope::Draft ClearDraft(std::string payload, const std::string& uuid) {
    envelope::Draft draft;
    draft.stix_type = "incident";
    draft.stix_id = "incident--" + uuid;
    draft.modified = kModified;
    draft.tlp = Tlp::kClear;
    draft.encrypt = false;
    draft.payload = std::move(payload);
    return draft;
  }

  // An ADMIN frame with the exact JSON `command`, signed by the operator.
  Bytes SignedAdmin(std::uint64_t correlation, const std::string& command) {
    return wire::EncodeAdmin(correlation, command,
                             broker::SignAdminCommand(command, Id("OPERATOR").sign_secret));
  }

  // One JSON-family entry (deep nesting, invalid UTF-8, duplicate keys):
  // `document` is a STIX incident carrying the defect, `admin` an admin
  // command carrying it. Checks the three places JSON is read.
  void CheckBadJson(const std::string& document, const std::string& admin) {
    // 1. The sender's agent refuses the document: nothing is sent.
    agent::ComposeOptions to_ua;
    to_ua.recipients = {"CERT-UA"};
    envelope::Sealer sealer = SealerFor("CERT-EE");
    auto composed = agent::Compose(document, to_ua, Id("CERT-EE"), registry_, sealer);
    EXPECT_EQ(composed.status().code(), ErrorCode::kMalformedJson)
        << composed.status().ToString();

    // 2. The broker reads JSON from the wire only in ADMIN (the operator's
    // signed command): refused, nothing applied.
    RestartWithAdmin();
    if (HasFatalFailure()) return;
    auto before = files::Read(RegistryFile());
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    auto op = Raw(Id("OPERATOR"));
    ASSERT_NE(op, nullptr);
    ExpectRefused(*op, SignedAdmin(7, admin), ErrorCode::kMalformedJson, 7, "admin command");
    auto after = files::Read(RegistryFile());
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(*after, *before);

    // 3. A record carrying it, sealed by a registered origin without the
    // agent: the broker never reads payloads (it cannot read encrypted
    // ones), so it stores it; every subscriber refuses it.
    std::uint64_t stored = Stored();
    envelope::Sealer raw_sealer = SealerFor("CERT-EE");
    auto forged = raw_sealer.Seal(ClearDraft(document, Uuid(900)));
    ASSERT_TRUE(forged.ok()) << forged.status().ToString();
    auto ack = PublishAs("CERT-EE", forged->record);
    ASSERT_TRUE(ack.ok()) << ack.status().ToString();
    EXPECT_EQ(ack->sequence, stored + 1);
    EXPECT_EQ(Stored(), stored + 1);
    EXPECT_EQ(
        agent::Render(ack->sequence, forged->record, Id("CERT-UA"), registry_).status().code(),
        ErrorCode::kMalformedJson);
    // The live subscriber is sent it (CLEAR) and must refuse it itself.
    EXPECT_EQ(StillServing(), std::vector<std::uint64_t>{ack->sequence});
  }

  // A STIX incident whose text is `before_close` + "}" (for defects).
  std::string IncidentWith(const std::string& extra_members) {
    std::string doc = Incident(Uuid(800), kModified, Tlp::kAmber);
    doc.pop_back();  // the closing brace
    return doc + extra_members + "}";
  }

  std::string AdminWith(const std::string& extra_members) {
    broker::AdminCommand command =
        broker::NewAdminCommand(broker::AdminKind::kShow, Id("BROKER").card.transport_key);
    std::string json = broker::AdminCommandToJson(command);
    json.pop_back();
    return json + extra_members + "}";
  }

  storage::Log* log_ = nullptr;  // owned by broker_
  std::unique_ptr<agent::BrokerClient> live_;
  int next_uuid_ = 1;
};

// ---------------------------------------------------------------------------
// Frames

TEST_F(HostileInputTest, MalformedFrameGetsMalformedFrame) {
  auto ee = Raw(Id("CERT-EE"));
  ASSERT_NE(ee, nullptr);
  std::uint64_t received = Metric("certshare_records_received_total");
  Bytes http = ToBytes("GET / HTTP/1.1\r\n\r\n");
  ExpectRefused(*ee, http, ErrorCode::kMalformedFrame, PrefixCorrelation(http), "HTTP request");
  ExpectRefused(*ee, Bytes{}, ErrorCode::kMalformedFrame, 0, "empty frame");
  ExpectRefused(*ee, ToBytes("CS"), ErrorCode::kMalformedFrame, 0, "magic only");
  Bytes bad_magic = wire::EncodePing(42);
  bad_magic[0] = 'X';
  ExpectRefused(*ee, bad_magic, ErrorCode::kMalformedFrame, 42, "bad magic");
  Bytes trailing = wire::EncodePing(43);
  trailing.push_back(0);
  ExpectRefused(*ee, trailing, ErrorCode::kMalformedFrame, 43, "trailing byte after PING");
  Bytes consumed = wire::EncodeConsumed(44, 1);
  consumed.push_back(0);
  ExpectRefused(*ee, consumed, ErrorCode::kMalformedFrame, 44, "trailing byte after CONSUMED");
  wire::SubscribeRequest bad_range = FromSequence(1);
  bad_range.tlp_min = 4;
  bad_range.tlp_max = 1;
  ExpectRefused(*ee, wire::EncodeSubscribe(45, bad_range), ErrorCode::kMalformedFrame, 45,
                "SUBSCRIBE with min > max TLP");
  wire::SubscribeRequest too_many = FromSequence(1);
  too_many.types.assign(wire::kMaxFilterEntries + 1, "incident");
  ExpectRefused(*ee, wire::EncodeSubscribe(46, too_many), ErrorCode::kMalformedFrame, 46,
                "SUBSCRIBE with 257 filter entries");
  // None of it was a record, none of it was stored; the same connection
  // still works.
  EXPECT_EQ(Metric("certshare_records_received_total"), received);
  EXPECT_EQ(Stored(), 0u);
  ASSERT_OK(ee->Send(wire::EncodePing(47), kWait));
  agent::Received pong = Answer(*ee);
  EXPECT_EQ(pong.msg.command, wire::Command::kPong);
  EXPECT_EQ(pong.msg.correlation, 47u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, EveryTruncatedFrameGetsMalformedFrame) {
  auto ee = Raw(Id("CERT-EE"));
  ASSERT_NE(ee, nullptr);
  wire::SubscribeRequest req = FromSequence(1);
  req.name = "feed";
  req.types = {"incident", "indicator"};
  req.origins = {"CERT-EE"};
  req.topics = {"sector:energy"};
  Bytes subscribe = wire::EncodeSubscribe(0x5151, req);
  // Every proper prefix of a SUBSCRIBE, of a CONSUMED and of a CREDIT,
  // sent back to back; each answered in order with MALFORMED_FRAME and, once
  // the 12-byte prefix is there, the request's correlation.
  std::vector<Bytes> frames;
  for (const Bytes& whole :
       {subscribe, wire::EncodeConsumed(0x5252, 9), wire::EncodeCredit(0x5353, 9)}) {
    for (std::size_t n = 0; n < whole.size(); ++n) {
      frames.emplace_back(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  // A PUBLISH that is only its prefix: no record.
  frames.push_back(wire::EncodePublish(0x5454, ToBytes("x")));
  frames.back().pop_back();
  for (const Bytes& f : frames) ASSERT_OK(ee->Send(f, kWait));
  for (const Bytes& f : frames) {
    agent::Received r = Answer(*ee);
    std::uint64_t correlation = PrefixCorrelation(f);
    EXPECT_EQ(r.msg.command, wire::Command::kError) << f.size() << " bytes";
    EXPECT_EQ(r.msg.error, ErrorCode::kMalformedFrame) << f.size() << " bytes: " << r.msg.text;
    EXPECT_EQ(r.msg.correlation, correlation) << f.size() << " bytes";
  }
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"MALFORMED_FRAME\"}"),
            frames.size());
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, UnknownCommandGetsUnknownCommand) {
  auto ee = Raw(Id("CERT-EE"));
  ASSERT_NE(ee, nullptr);
  Bytes unknown = wire::EncodePing(60);
  unknown[3] = 0x7f;
  ExpectRefused(*ee, unknown, ErrorCode::kUnknownCommand, 60, "command byte 0x7f");
  // Known commands that only the broker sends.
  ExpectRefused(*ee, wire::EncodeAck(61, 1, false), ErrorCode::kUnknownCommand, 61, "ACK");
  ExpectRefused(*ee, wire::EncodeError(62, ErrorCode::kInternal, "x"),
                ErrorCode::kUnknownCommand, 62, "ERROR");
  ExpectRefused(*ee, wire::EncodeDeliver(63, 1, GoodRecord()), ErrorCode::kUnknownCommand, 63,
                "DELIVER (with a valid record in it)");
  ExpectRefused(*ee, wire::EncodeCaughtUp(64, 1), ErrorCode::kUnknownCommand, 64, "CAUGHT_UP");
  ExpectRefused(*ee, wire::EncodeSubscribed(65, 1, 1, 1), ErrorCode::kUnknownCommand, 65,
                "SUBSCRIBED");
  ExpectRefused(*ee, wire::EncodeAdminOk(66, "{}"), ErrorCode::kUnknownCommand, 66, "ADMIN_OK");
  // ADMIN from an organisation (this broker has no operator at all).
  ExpectRefused(*ee, wire::EncodeAdmin(67, "{}", wire::AdminSignature{}),
                ErrorCode::kNotAuthorized, 67, "ADMIN from CERT-EE");
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, UnknownWireAndEnvelopeVersionsGetUnsupportedVersion) {
  auto ee = Raw(Id("CERT-EE"));
  ASSERT_NE(ee, nullptr);
  // Wire version 2 (frame byte 2): refused before the command is read.
  Bytes v2 = wire::EncodePublish(70, GoodRecord());
  v2[2] = 2;
  ExpectRefused(*ee, v2, ErrorCode::kUnsupportedVersion, 70, "wire version 2");
  Bytes v0 = wire::EncodePing(71);
  v0[2] = 0;
  ExpectRefused(*ee, v0, ErrorCode::kUnsupportedVersion, 71, "wire version 0");
  // Envelope version 2 (routing header byte 4 = record byte 12), in a
  // correct frame.
  Bytes record = GoodRecord();
  ASSERT_EQ(record[12], envelope::kVersion);
  record[12] = 2;
  EXPECT_CODE(PublishStatus("CERT-EE", record), ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

// ---------------------------------------------------------------------------
// Records

TEST_F(HostileInputTest, MalformedAndTruncatedRecordsGetMalformedRecordOrHeader) {
  Bytes good = GoodRecord();
  auto ee = Connect("CERT-EE");
  ASSERT_NE(ee, nullptr);
  // Truncations of a valid record (every length up to 160 bytes, then every
  // 61st, and the record minus its last byte), pipelined: each refused with
  // MALFORMED_RECORD (the record's framing is checked first).
  std::map<std::uint64_t, std::size_t> length_by_correlation;
  for (std::size_t n = 1; n < good.size(); n += (n < 160 ? 1 : 61)) {
    auto c = ee->SendPublish(ByteView(good.data(), n));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    length_by_correlation[*c] = n;
  }
  auto c = ee->SendPublish(ByteView(good.data(), good.size() - 1));
  ASSERT_TRUE(c.ok());
  length_by_correlation[*c] = good.size() - 1;
  std::size_t answered = 0;
  while (answered < length_by_correlation.size()) {
    auto next = ee->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (next->msg.command == wire::Command::kPing || next->msg.command == wire::Command::kPong) {
      continue;
    }
    ++answered;
    ASSERT_EQ(next->msg.command, wire::Command::kError);
    EXPECT_EQ(next->msg.error, ErrorCode::kMalformedRecord)
        << length_by_correlation[next->msg.correlation] << " bytes: " << next->msg.text;
  }
  // Not a record at all; a bad header magic inside a correct record framing.
  EXPECT_CODE(PublishStatus("CERT-EE", ToBytes("not a record")), ErrorCode::kMalformedRecord);
  Bytes bad_header = good;
  bad_header[8] = 'X';  // "CSRH" -> "XSRH"
  EXPECT_CODE(PublishStatus("CERT-EE", bad_header), ErrorCode::kMalformedHeader);
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_CODE(PublishStatus("CERT-EE", trailing), ErrorCode::kMalformedRecord);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

// Issue 10, item 1: one organisation's record must never refuse another's.
// CERT-XX, registered, signs records whose stix_id is as long as its str16
// prefix allows (65,535 bytes: no storage key could hold it) and sends them
// interleaved with CERT-EE's 1,000 pipelined AMBER records. Each of
// CERT-XX's is refused alone with MALFORMED_HEADER on the ingest worker,
// before it joins a group commit; every one of CERT-EE's is acknowledged
// and stored, and CERT-EE is sent no refusal. (Before the fix the envelope
// accepted such a stix_id and the log refused the whole group commit that
// held one, CERT-EE's records with it, with INVALID_ARGUMENT.)
TEST_F(HostileInputTest, OversizedHeaderFieldsFromOneOrganisationNeverCostAnotherItsRecords) {
  constexpr int kVictimRecords = 1000;
  constexpr int kVictimPerHostile = 4;
  envelope::Header hostile;
  hostile.tlp = Tlp::kClear;
  hostile.encrypted = false;
  hostile.stix_type = "indicator";
  hostile.modified = kModified;
  hostile.origin = "CERT-XX";
  const std::string payload = "{}";
  std::vector<Bytes> victim_records;
  for (int i = 0; i < kVictimRecords; ++i) {
    victim_records.push_back(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(10000 + i)));
  }
  const std::uint64_t stored = Stored();
  const std::uint64_t refused_before =
      Metric("certshare_records_refused_total{code=\"MALFORMED_HEADER\"}");

  auto victim = Connect("CERT-EE");
  auto xx = Connect("CERT-XX");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(xx, nullptr);
  std::set<std::uint64_t> victim_sent;
  std::size_t hostile_sent = 0;
  for (int i = 0; i < kVictimRecords; ++i) {
    auto c = victim->SendPublish(victim_records[i]);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    victim_sent.insert(*c);
    if (i % kVictimPerHostile == 0) {
      // As long as the str16 prefix allows: with the origin and `modified`
      // its dedupe key would be 65,568 bytes, more than a storage key holds.
      hostile.stix_id = "indicator--" + std::to_string(i);
      hostile.stix_id.resize(65535, 'a');
      Bytes forged = envelope::testing::Assemble(hostile, AsBytes(payload), {},
                                                 &Id("CERT-XX").sign_secret);
      ASSERT_TRUE(xx->SendPublish(forged).ok());
      ++hostile_sent;
    }
  }

  // Every one of CERT-EE's records: an ACK, each to its own PUBLISH.
  std::set<std::uint64_t> victim_acked;
  std::set<std::uint64_t> sequences;
  while (victim_acked.size() < victim_sent.size()) {
    auto next = victim->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString() << " after " << victim_acked.size()
                           << " ACKs";
    const wire::Message& m = next->msg;
    if (m.command == wire::Command::kPing || m.command == wire::Command::kPong) continue;
    ASSERT_EQ(m.command, wire::Command::kAck)
        << "CERT-EE's record " << m.correlation << " was refused: " << ErrorCodeName(m.error)
        << ": " << m.text;
    EXPECT_EQ(victim_sent.count(m.correlation), 1u);
    EXPECT_TRUE(victim_acked.insert(m.correlation).second);
    EXPECT_FALSE(m.duplicate);
    sequences.insert(m.sequence);
  }
  EXPECT_EQ(victim_acked, victim_sent);
  EXPECT_EQ(sequences.size(), static_cast<std::size_t>(kVictimRecords));

  // Every one of CERT-XX's: MALFORMED_HEADER, naming the field.
  for (std::size_t answered = 0; answered < hostile_sent;) {
    auto next = xx->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    const wire::Message& m = next->msg;
    if (m.command == wire::Command::kPing || m.command == wire::Command::kPong) continue;
    ++answered;
    ASSERT_EQ(m.command, wire::Command::kError);
    EXPECT_EQ(m.error, ErrorCode::kMalformedHeader) << ErrorCodeName(m.error) << ": " << m.text;
    EXPECT_NE(m.text.find("stix_id of 65535 bytes"), std::string::npos) << m.text;
  }
  EXPECT_EQ(Stored(), stored + kVictimRecords);
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"MALFORMED_HEADER\"}"),
            refused_before + hostile_sent);
  // The live subscriber (CERT-UA) was sent exactly CERT-EE's records.
  std::vector<std::uint64_t> delivered = StillServing();
  EXPECT_EQ(std::set<std::uint64_t>(delivered.begin(), delivered.end()), sequences);
}

// Issue 10, item 5: the broker checks the timestamps it indexes, and keys
// versions by instant. A header `modified` that is not a STIX timestamp is
// refused with MALFORMED_HEADER (even signed by its origin); "…:05Z" and
// "…:05.000Z" are one version (a duplicate, with the original sequence);
// a subscriber accepts a header that names the payload's `modified` in
// another spelling; the newest version is found by time, not by text.
TEST_F(HostileInputTest, HeaderTimestampsAreCheckedAndOneInstantIsOneVersion) {
  envelope::Header forged;
  forged.tlp = Tlp::kClear;
  forged.encrypted = false;
  forged.stix_type = "incident";
  forged.stix_id = "incident--" + Uuid(720);
  forged.origin = "CERT-EE";
  const std::string payload = Incident(Uuid(720), kModified, Tlp::kClear);
  for (const char* bad : {"garbage", "2026-13-45T99:99:99Z", "2026-11-01T10:00:00+01:00",
                          "2026-11-01T10:00:00", "2026-02-29T10:00:00.000Z"}) {
    forged.modified = bad;
    Status s = PublishStatus("CERT-EE", envelope::testing::Assemble(forged, AsBytes(payload), {},
                                                                    &Id("CERT-EE").sign_secret));
    EXPECT_EQ(s.code(), ErrorCode::kMalformedHeader) << bad << ": " << s.ToString();
    EXPECT_NE(s.message().find("modified"), std::string::npos) << s.ToString();
  }
  EXPECT_EQ(Stored(), 0u);

  // One object, sealed by its origin with `modified` spelled several ways.
  // To CERT-EU: the live subscriber (CERT-UA) may receive none of it.
  const std::string uuid = Uuid(721);
  const std::string object_id = "CERT-EE\nincident--" + uuid;
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto publish = [&](const std::string& header_modified, const std::string& payload_modified) {
    envelope::Draft d;
    d.stix_type = "incident";
    d.stix_id = "incident--" + uuid;
    d.modified = header_modified;
    d.tlp = Tlp::kAmber;
    d.recipients = {{"CERT-EU", Id("CERT-EU").card.box_key}};
    d.payload = Incident(uuid, payload_modified, Tlp::kAmber);
    auto sealed = sealer.Seal(d);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    if (!sealed.ok()) return std::make_pair(Bytes{}, agent::Ack{});
    auto ack = PublishAs("CERT-EE", sealed->record);
    EXPECT_TRUE(ack.ok()) << header_modified << ": " << ack.status().ToString();
    return std::make_pair(sealed->record, ack.ok() ? *ack : agent::Ack{});
  };
  agent::Ack first_ack = publish("2026-11-01T10:00:05.000Z", "2026-11-01T10:00:05.000Z").second;
  EXPECT_EQ(first_ack.sequence, 1u);
  EXPECT_FALSE(first_ack.duplicate);
  for (const char* same : {"2026-11-01T10:00:05Z", "2026-11-01T10:00:05.0Z",
                           "2026-11-01T10:00:05.000000Z"}) {
    auto [record, ack] = publish(same, "2026-11-01T10:00:05.000Z");
    EXPECT_EQ(ack.sequence, 1u) << same;
    EXPECT_TRUE(ack.duplicate) << same;
    // The subscriber compares the header's `modified` with the payload's
    // as instants too.
    auto line = agent::Render(ack.sequence, record, Id("CERT-EU"), registry_);
    EXPECT_TRUE(line.ok()) << same << ": " << line.status().ToString();
  }
  EXPECT_EQ(Stored(), 1u);
  EXPECT_EQ(*log_->Latest(object_id), 1u);

  // Later instants are new versions, and the newest is found by time:
  // "…:05.5Z" is later than "…:05.100Z" although it sorts before it as text.
  agent::Ack v2_ack = publish("2026-11-01T10:00:05.100Z", "2026-11-01T10:00:05.100Z").second;
  EXPECT_EQ(v2_ack.sequence, 2u);
  EXPECT_EQ(*log_->Latest(object_id), 2u);
  agent::Ack v3_ack = publish("2026-11-01T10:00:05.5Z", "2026-11-01T10:00:05.500Z").second;
  EXPECT_EQ(v3_ack.sequence, 3u);
  EXPECT_FALSE(v3_ack.duplicate);
  EXPECT_EQ(*log_->Latest(object_id), 3u);
  agent::Ack older_ack = publish("2026-11-01T10:00:05.2Z", "2026-11-01T10:00:05.200Z").second;
  EXPECT_EQ(older_ack.sequence, 4u);  // history: stored, never the newest
  EXPECT_EQ(*log_->Latest(object_id), 3u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, OversizedRecordGetsRecordTooLargeAndAHugeFrameIsDropped) {
  broker::Options options = DefaultOptions();
  options.max_record_bytes = 2048;
  Restart(options);
  ASSERT_FALSE(HasFatalFailure());
  // Above the broker's limit: RECORD_TOO_LARGE, nothing read further.
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto big = sealer.Seal(
      ClearDraft(std::string(4096, ' ') + Incident(Uuid(500), kModified, Tlp::kClear), Uuid(500)));
  ASSERT_TRUE(big.ok());
  EXPECT_CODE(PublishStatus("CERT-EE", big->record), ErrorCode::kRecordTooLarge);
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"RECORD_TOO_LARGE\"}"), 1u);
  // Far above it (more than 2048 bytes and a margin of 64 KiB:
  // broker::QueuesFor): ZeroMQ drops the frame before the broker allocates
  // it and closes the connection; the sender gets no answer at all (its
  // agent reports TIMEOUT).
  auto ee = Raw(Id("CERT-EE"));
  ASSERT_NE(ee, nullptr);
  Bytes huge = wire::EncodePublish(80, Bytes(2u << 20, 'A'));
  ASSERT_OK(ee->Send(huge, kWait));
  auto answer = ee->Receive(milliseconds(3000));
  EXPECT_EQ(answer.status().code(), ErrorCode::kTimeout) << answer.status().ToString();
  EXPECT_EQ(Metric("certshare_records_received_total"), 1u);  // only the first
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, DeeplyNestedJsonGetsMalformedJson) {
  std::string deep = std::string(65, '[') + std::string(65, ']');
  CheckBadJson(IncidentWith(R"(,"x_deep":)" + deep),
               AdminWith(R"(,"x_deep":)" + std::string(9, '[') + std::string(9, ']')));
}

TEST_F(HostileInputTest, InvalidUtf8GetsMalformedJson) {
  CheckBadJson(IncidentWith(",\"x_note\":\"caf\xc3\x28 \xff\""),
               AdminWith(",\"x_note\":\"caf\xc3\x28 \xff\""));
}

TEST_F(HostileInputTest, DuplicateJsonKeysGetMalformedJson) {
  // The second "name" would win in a lenient parser: a reader and a
  // validator could see two different objects.
  CheckBadJson(IncidentWith(R"(,"name":"something else")"),
               AdminWith(R"(,"command":"revoke","org":"CERT-EU")"));
}

// ---------------------------------------------------------------------------
// Signatures and origins

TEST_F(HostileInputTest, BadOrMissingSignatureGetsBadSignatureOrMalformedRecord) {
  Bytes good = GoodRecord();
  // One bit of the signature flipped.
  Bytes flipped = good;
  flipped.back() ^= 0x01;
  EXPECT_CODE(PublishStatus("CERT-EE", flipped), ErrorCode::kBadSignature);
  // An all-zero signature.
  Bytes zero = good;
  std::fill(zero.end() - 64, zero.end(), 0);
  EXPECT_CODE(PublishStatus("CERT-EE", zero), ErrorCode::kBadSignature);
  // No signature: the auth section cut off (a truncated record), and a
  // record whose 64 signature bytes are missing.
  envelope::Record decoded = DecodeOk(good);
  Bytes unsigned_record(good.begin(), good.end() - 64);
  EXPECT_CODE(PublishStatus("CERT-EE", unsigned_record), ErrorCode::kMalformedRecord);
  std::size_t auth_start = 4 + 4 + decoded.header_bytes.size() + 4 + decoded.payload.size();
  Bytes no_auth(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(auth_start));
  EXPECT_CODE(PublishStatus("CERT-EE", no_auth), ErrorCode::kMalformedRecord);
  // A proof that does not fold to the signed root (a tree of two claimed).
  envelope::Auth wrong_tree = decoded.auth;
  wrong_tree.leaf_count = 2;
  wrong_tree.proof.push_back(crypto::Hash256{});
  Bytes bad_proof = envelope::testing::AssembleRaw(decoded.header_bytes, decoded.payload,
                                                   wrong_tree);
  EXPECT_CODE(PublishStatus("CERT-EE", bad_proof), ErrorCode::kBadSignature);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, SignatureByAnotherOrganisationGetsBadSignature) {
  // CERT-UA's signing key, CERT-EE's name, sent over CERT-EE's connection
  // (e.g. an agent holding the wrong identity file, or a forger who stole
  // CERT-EE's transport key but not its signing key).
  envelope::Sealer forger("CERT-EE", Id("CERT-UA").sign_secret, Id("CERT-UA").box_secret);
  auto forged = forger.Seal(ClearDraft(Incident(Uuid(600), kModified, Tlp::kClear), Uuid(600)));
  ASSERT_TRUE(forged.ok());
  EXPECT_CODE(PublishStatus("CERT-EE", forged->record), ErrorCode::kBadSignature);
  // The same for an encrypted record with key slots.
  envelope::Record good = DecodeOk(GoodRecord());
  Bytes resigned = envelope::testing::AssembleRaw(good.header_bytes, good.payload, {},
                                                  &Id("CERT-UA").sign_secret);
  EXPECT_CODE(PublishStatus("CERT-EE", resigned), ErrorCode::kBadSignature);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, HeaderOriginNotTheSenderGetsOriginMismatch) {
  // CERT-UA relays a record CERT-EE signed (valid signature, wrong sender).
  Bytes from_ee = GoodRecord();
  Status relayed = PublishStatus("CERT-UA", from_ee);
  EXPECT_EQ(relayed.code(), ErrorCode::kOriginMismatch) << relayed.ToString();
  EXPECT_NE(relayed.message().find("origin is CERT-EE but it was sent by CERT-UA"),
            std::string::npos)
      << relayed.ToString();
  // CERT-UA seals in CERT-EE's name with its own keys, over its own
  // connection: refused on the origin before any signature is checked.
  envelope::Sealer impostor("CERT-EE", Id("CERT-UA").sign_secret, Id("CERT-UA").box_secret);
  auto forged = impostor.Seal(ClearDraft(Incident(Uuid(601), kModified, Tlp::kClear), Uuid(601)));
  ASSERT_TRUE(forged.ok());
  EXPECT_CODE(PublishStatus("CERT-UA", forged->record), ErrorCode::kOriginMismatch);
  // An unregistered organisation's name as origin.
  envelope::Sealer ghost("CERT-ZZ", Id("CERT-UA").sign_secret, Id("CERT-UA").box_secret);
  auto ghostly = ghost.Seal(ClearDraft(Incident(Uuid(602), kModified, Tlp::kClear), Uuid(602)));
  ASSERT_TRUE(ghostly.ok());
  EXPECT_CODE(PublishStatus("CERT-UA", ghostly->record), ErrorCode::kOriginMismatch);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, ReplayedRecordIsAcknowledgedWithTheOriginalSequenceAndStoredOnce) {
  // Not an error: a replay is idempotent. The same bytes again, the same
  // object resealed (new signature, same id and modified), and the same
  // bytes after a restart are acknowledged with the original sequence and
  // the duplicate flag; the log holds the record once and subscribers get
  // it once.
  Bytes record = Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(700));
  auto first = PublishAs("CERT-EE", record);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->sequence, 1u);
  EXPECT_FALSE(first->duplicate);
  for (int i = 0; i < 3; ++i) {
    auto again = PublishAs("CERT-EE", record);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->sequence, 1u);
    EXPECT_TRUE(again->duplicate);
  }
  auto resealed = PublishAs("CERT-EE", Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, Uuid(700)));
  ASSERT_TRUE(resealed.ok());
  EXPECT_EQ(resealed->sequence, 1u);
  EXPECT_TRUE(resealed->duplicate);
  // Replayed by someone else: that is a relay, refused.
  EXPECT_CODE(PublishStatus("CERT-UA", record), ErrorCode::kOriginMismatch);
  EXPECT_EQ(Stored(), 1u);
  EXPECT_EQ(Metric("certshare_records_duplicate_total"), 4u);
  EXPECT_EQ(StillServing(), std::vector<std::uint64_t>{1});

  // After a restart the dedupe index still knows it.
  Restart(DefaultOptions());
  ASSERT_FALSE(HasFatalFailure());
  auto later = PublishAs("CERT-EE", record);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(later->sequence, 1u);
  EXPECT_TRUE(later->duplicate);
  EXPECT_EQ(Stored(), 2u);  // the record and StillServing's
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, RecordToAnUnknownOrganisationGetsUnknownOrganisation) {
  // CERT-EE addresses STRANGER, whom only its own registry copy knows.
  identity::Registry with_stranger = registry_;
  ASSERT_OK(with_stranger.Put(Id("STRANGER").card));
  agent::ComposeOptions options;
  options.recipients = {"CERT-UA", "STRANGER"};
  Bytes record = RecordWith(Id("CERT-EE"), options, with_stranger, Tlp::kAmber, Uuid(710));
  Status s = PublishStatus("CERT-EE", record);
  EXPECT_EQ(s.code(), ErrorCode::kUnknownOrganisation) << s.ToString();
  EXPECT_NE(s.message().find("STRANGER"), std::string::npos) << s.ToString();
  // A GREEN plaintext record naming an unknown organisation only for
  // routing is refused the same way.
  options.recipients = {"STRANGER"};
  options.encrypt_green = false;
  Bytes green = RecordWith(Id("CERT-EE"), options, with_stranger, Tlp::kGreen, Uuid(711));
  EXPECT_CODE(PublishStatus("CERT-EE", green), ErrorCode::kUnknownOrganisation);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, KeySlotForANonRecipientGetsBadKeySlots) {
  // The origin itself (valid signature) adds a slot for CERT-XX, which the
  // recipient list does not name.
  envelope::Record good = DecodeOk(GoodRecord());
  ASSERT_EQ(good.header.slots.size(), 1u);
  envelope::Header extra = good.header;
  envelope::KeySlot slot = extra.slots[0];
  slot.org = "CERT-XX";
  extra.slots.push_back(slot);
  Bytes with_extra =
      envelope::testing::Assemble(extra, good.payload, {}, &Id("CERT-EE").sign_secret);
  EXPECT_CODE(PublishStatus("CERT-EE", with_extra), ErrorCode::kBadKeySlots);
  // The recipient's slot renamed to CERT-XX (a slot for a non-recipient and
  // none for the recipient).
  envelope::Header renamed = good.header;
  renamed.slots[0].org = "CERT-XX";
  Bytes swapped =
      envelope::testing::Assemble(renamed, good.payload, {}, &Id("CERT-EE").sign_secret);
  EXPECT_CODE(PublishStatus("CERT-EE", swapped), ErrorCode::kBadKeySlots);
  // A plaintext record carrying a slot.
  envelope::Sealer sealer = SealerFor("CERT-EE");
  auto clear = sealer.Seal(ClearDraft(Incident(Uuid(720), kModified, Tlp::kClear), Uuid(720)));
  ASSERT_TRUE(clear.ok());
  envelope::Record plain = DecodeOk(clear->record);
  plain.header.recipients = {"CERT-XX"};
  plain.header.slots = {slot};
  Bytes slotted =
      envelope::testing::Assemble(plain.header, plain.payload, {}, &Id("CERT-EE").sign_secret);
  EXPECT_CODE(PublishStatus("CERT-EE", slotted), ErrorCode::kBadKeySlots);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, TamperedCiphertextGetsBadSignatureAndForgedCiphertextFailsToDecrypt) {
  // In transit (anyone but the origin): the signature covers the payload,
  // so the broker refuses it.
  Bytes good = GoodRecord();
  envelope::Record decoded = DecodeOk(good);
  Bytes payload = decoded.payload;
  payload[payload.size() / 2] ^= 0x01;
  Bytes tampered = envelope::testing::AssembleRaw(decoded.header_bytes, payload, decoded.auth);
  EXPECT_CODE(PublishStatus("CERT-EE", tampered), ErrorCode::kBadSignature);
  // A tampered key slot: the header changes, so does the signed leaf.
  envelope::Header slot_flipped = decoded.header;
  slot_flipped.slots[0].wrapped.box.back() ^= 0x01;
  Bytes bad_slot = envelope::testing::Assemble(slot_flipped, decoded.payload, decoded.auth);
  EXPECT_CODE(PublishStatus("CERT-EE", bad_slot), ErrorCode::kBadSignature);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());

  // By the origin itself (signed garbage): the broker cannot tell, since it
  // never holds a decryption key; it stores the record and its recipient
  // refuses it with DECRYPT_FAILED.
  Bytes resigned = envelope::testing::AssembleRaw(decoded.header_bytes, payload, {},
                                                  &Id("CERT-EE").sign_secret);
  auto ack = PublishAs("CERT-EE", resigned);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(agent::Render(ack->sequence, resigned, Id("CERT-UA"), registry_).status().code(),
            ErrorCode::kDecryptFailed);
  EXPECT_EQ(StillServing(), std::vector<std::uint64_t>{ack->sequence});
}

// ---------------------------------------------------------------------------
// Keys

TEST_F(HostileInputTest, UnregisteredKeyIsNeverAdmitted) {
  // STRANGER's transport key is in no registry: the CURVE handshake fails
  // (ZAP status 400), no frame reaches the broker, no reply comes back; the
  // client learns it from the failed handshake (UNAUTHENTICATED).
  auto stranger = Raw(Id("STRANGER"));
  ASSERT_NE(stranger, nullptr);
  // Depending on timing, the refusal is seen when sending (the handshake
  // failed before the first send: nothing to queue on, TIMEOUT) or when
  // waiting for the answer (UNAUTHENTICATED); never is anything admitted.
  Status sent = stranger->Send(wire::EncodePublish(90, GoodRecord()), kWait);
  if (sent.ok()) sent = stranger->Send(wire::EncodePing(91), kWait);
  if (sent.ok()) {
    auto answer = stranger->Receive(kWait);
    EXPECT_EQ(answer.status().code(), ErrorCode::kUnauthenticated) << answer.status().ToString();
  } else {
    EXPECT_TRUE(sent.code() == ErrorCode::kTimeout || sent.code() == ErrorCode::kUnauthenticated)
        << sent.ToString();
  }
  // And through the agent's client.
  auto agent_client = Connect("STRANGER");
  ASSERT_NE(agent_client, nullptr);
  EXPECT_CODE(agent_client->Publish(GoodRecord(), kWait).status(),
              ErrorCode::kUnauthenticated);
  EXPECT_EQ(Metric("certshare_records_received_total"), 0u);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

TEST_F(HostileInputTest, RevokedKeyGetsRevokedOrIsNeverAdmitted) {
  RestartWithAdmin();
  ASSERT_FALSE(HasFatalFailure());
  // CERT-XX connects before it is revoked.
  auto xx = Connect("CERT-XX");
  ASSERT_NE(xx, nullptr);
  ASSERT_OK(xx->Ping());
  auto revoked = Admin(broker::AdminKind::kRevoke, nullptr, "CERT-XX");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  identity::Registry before_revocation = registry_;
  registry_ = revoked->registry;
  // Its open connection: every message answered with REVOKED.
  auto own = xx->Publish(Record("CERT-XX", {}, Tlp::kClear, Uuid(730)), kWait);
  EXPECT_EQ(own.status().code(), ErrorCode::kRevoked) << own.status().ToString();
  EXPECT_EQ(xx->Subscribe(FromSequence(1), kWait).status().code(), ErrorCode::kRevoked);
  // A new connection: refused at the handshake, and told it is revoked
  // (ZAP status 500).
  auto again = Connect("CERT-XX");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Publish(Record("CERT-XX", {}, Tlp::kClear, Uuid(731)), kWait).status().code(),
            ErrorCode::kRevoked);
  // A record addressed to it, from a publisher whose registry copy is old.
  agent::ComposeOptions to_xx;
  to_xx.recipients = {"CERT-UA", "CERT-XX"};
  Bytes to_revoked =
      RecordWith(Id("CERT-EE"), to_xx, before_revocation, Tlp::kAmber, Uuid(732));
  EXPECT_CODE(PublishStatus("CERT-EE", to_revoked), ErrorCode::kRevoked);
  EXPECT_EQ(Stored(), 0u);
  EXPECT_TRUE(StillServing().empty());
}

// ---------------------------------------------------------------------------
// Subscriptions

TEST_F(HostileInputTest, SubscriptionForAnotherOrganisationsDataGetsOnlyItsOwn) {
  // CERT-UA has a durable subscription "feed" with a cursor, and AMBER
  // records addressed only to it are stored.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(PublishAs("CERT-EE", GoodRecord()).ok());
  EXPECT_EQ(StillServing().size(), 3u);  // the live subscriber had them too
  std::uint64_t stored = Stored();
  auto ua = Connect("CERT-UA");
  wire::SubscribeRequest feed;
  feed.name = "feed";
  feed.credit = 100;
  ASSERT_TRUE(ua->Subscribe(feed, kWait).ok());
  auto delivered = UntilCaughtUp(*ua);
  ASSERT_EQ(delivered.size(), stored);
  ASSERT_OK(ua->Acknowledge(2, 0));
  ASSERT_OK(ua->Ping());  // the broker has handled the CONSUMED once it answers
  for (;;) {
    auto next = ua->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (next->msg.command == wire::Command::kPong) break;
  }
  auto cursor = log_->GetCursor("CERT-UA/feed");
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  EXPECT_EQ(*cursor, 2u);

  // CERT-XX asks for the same name: it gets a subscription of its own (its
  // own cursor, from the start) that sees none of CERT-UA's AMBER records,
  // and CERT-UA's subscription is neither taken over nor moved.
  auto xx = Connect("CERT-XX");
  ASSERT_TRUE(xx->Subscribe(feed, kWait).ok());
  EXPECT_TRUE(UntilCaughtUp(*xx).empty());
  // A filter naming CERT-EE and AMBER and above: still nothing.
  wire::SubscribeRequest targeted = FromSequence(1);
  targeted.origins = {"CERT-EE"};
  targeted.tlp_min = static_cast<std::uint8_t>(Tlp::kAmber);
  auto xx2 = Connect("CERT-XX");
  ASSERT_TRUE(xx2->Subscribe(targeted, kWait).ok());
  EXPECT_TRUE(UntilCaughtUp(*xx2).empty());
  // A name that tries to reach another organisation's cursor.
  auto xx3 = Connect("CERT-XX");
  wire::SubscribeRequest theirs = feed;
  theirs.name = "CERT-UA/feed";
  EXPECT_EQ(xx3->Subscribe(theirs, kWait).status().code(), ErrorCode::kBadSubscription);
  // Acknowledging or granting credit without a subscription.
  auto xx4 = Raw(Id("CERT-XX"));
  ExpectRefused(*xx4, wire::EncodeConsumed(95, 1000), ErrorCode::kBadSubscription, 95,
                "CONSUMED without a subscription");
  ExpectRefused(*xx4, wire::EncodeCredit(96, 1000), ErrorCode::kBadSubscription, 96,
                "CREDIT without a subscription");

  cursor = log_->GetCursor("CERT-UA/feed");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, 2u);
  EXPECT_EQ(Stored(), stored);
  // CERT-UA's durable subscription still gets new records.
  std::vector<std::uint64_t> none = StillServing();
  EXPECT_TRUE(none.empty());
  bool got_it = false;
  for (int i = 0; i < 10 && !got_it; ++i) {
    auto next = ua->Next(kWait);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    got_it = next->msg.command == wire::Command::kDeliver && next->msg.sequence == stored + 1;
  }
  EXPECT_TRUE(got_it);
}

// ---------------------------------------------------------------------------
// Floods

TEST_F(HostileInputTest, FloodOfConnectionsAndRequestsDoesNotStopService) {
  // The broker logs every refusal: 10,000 of them are noise here.
  auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::err);

  // 200 connections at once with an unregistered key, each with a PUBLISH
  // queued; libzmq retries each refused handshake, so they keep knocking
  // throughout the test.
  std::vector<std::unique_ptr<transport::Client>> strangers;
  for (int i = 0; i < 200; ++i) {
    strangers.push_back(Raw(Id("STRANGER")));
    ASSERT_NE(strangers.back(), nullptr);
    (void)strangers.back()->Send(wire::EncodePublish(1000 + i, GoodRecord()), milliseconds(0));
  }
  // A registered organisation floods: 5,000 PINGs and 5,000 bad frames,
  // back to back, reading nothing.
  constexpr int kFlood = 5000;
  auto flooder = Raw(Id("CERT-XX"));
  ASSERT_NE(flooder, nullptr);
  Bytes junk = ToBytes("not a certshare frame");
  for (int i = 0; i < kFlood; ++i) {
    ASSERT_OK(flooder->Send(wire::EncodePing(i + 1), kWait));
    ASSERT_OK(flooder->Send(junk, kWait));
  }

  // Meanwhile a well-behaved publisher is served, record by record, and the
  // live subscriber receives each.
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(StillServing().empty()) << "record " << i;
    if (HasFailure()) break;
  }
  EXPECT_EQ(Stored(), 20u);

  // Every flooding request was answered, in order, nothing dropped.
  int pongs = 0, errors = 0;
  for (int i = 0; i < 2 * kFlood; ++i) {
    auto frame = flooder->Receive(kWait);
    ASSERT_TRUE(frame.ok()) << "after " << i << " answers: " << frame.status().ToString();
    wire::Message m;
    ASSERT_OK(wire::Decode(*frame, &m));
    if (m.command == wire::Command::kPong) {
      ++pongs;
    } else if (m.command == wire::Command::kError && m.error == ErrorCode::kMalformedFrame) {
      ++errors;
    } else {
      ADD_FAILURE() << "unexpected answer " << static_cast<int>(m.command);
    }
  }
  EXPECT_EQ(pongs, kFlood);
  EXPECT_EQ(errors, kFlood);
  EXPECT_EQ(Metric("certshare_records_refused_total{code=\"MALFORMED_FRAME\"}"),
            static_cast<std::uint64_t>(kFlood));
  // None of the strangers was admitted: each learns it from its failed
  // handshake, and the broker never received a message from one.
  for (auto& s : strangers) {
    auto answer = s->Receive(kWait);
    EXPECT_EQ(answer.status().code(), ErrorCode::kUnauthenticated)
        << answer.status().ToString();
  }
  EXPECT_EQ(Metric("certshare_records_received_total"), 20u);
  EXPECT_EQ(Stored(), 20u);
  strangers.clear();
  EXPECT_TRUE(StillServing().empty());
  spdlog::set_level(level);
}

// A certshare message is one ZeroMQ frame. A multi-part message from a
// registered organisation is answered MALFORMED_FRAME; nothing is stored
// and the broker keeps serving. (It used to stop the broker: reading the
// sender's identity from a fresh message threw; common/transport/server.cc.)
TEST_F(HostileInputTest, MultipartMessageGetsMalformedFrame) {
  const std::uint64_t stored = Stored();
  zmq::context_t ctx;
  zmq::socket_t s = RawSocket(ctx, "CERT-EE");
  s.set(zmq::sockopt::rcvtimeo, 10000);
  s.connect(endpoint_);
  const Bytes ping = wire::EncodePing(5);
  const Bytes record = GoodRecord();
  for (const Bytes* second : {&ping, &record}) {
    s.send(zmq::buffer(ping), zmq::send_flags::sndmore);
    s.send(zmq::buffer(*second), zmq::send_flags::none);
    zmq::message_t reply;
    ASSERT_TRUE(s.recv(reply).has_value()) << "no answer to a two-part message";
    const auto* d = static_cast<const std::uint8_t*>(reply.data());
    wire::Message m;
    ASSERT_OK(wire::Decode(Bytes(d, d + reply.size()), &m));
    EXPECT_EQ(m.command, wire::Command::kError);
    EXPECT_EQ(m.error, ErrorCode::kMalformedFrame) << m.text;
  }
  EXPECT_EQ(Stored(), stored);
  EXPECT_TRUE(StillServing().empty());
}

// A registered peer that sends and never reads its replies: the broker
// queues them only up to connection_queue_bytes (beyond what ZeroMQ's
// queues hold) and drops the rest, counted; memory stays bounded and
// others — its own organisation's other connections too — are served.
// (Before, the queue grew without limit.)
TEST_F(HostileInputTest, RepliesAPeerNeverReadsAreBoundedNotHeldForever) {
  broker::Options options = DefaultOptions();
  options.connection_queue_bytes = 1u << 20;
  Restart(options);
  ASSERT_FALSE(HasFatalFailure());
  // What the outbox holds of 12-byte PONGs.
  const std::size_t kQueued =
      options.connection_queue_bytes / broker::Broker::ReplyCost(12);
  zmq::context_t ctx;
  zmq::socket_t s = RawSocket(ctx, "CERT-EE");
  s.set(zmq::sockopt::sndtimeo, 30000);
  // Small kernel buffers on our side, so that the replies pile up at the
  // broker rather than in TCP buffers (on loopback those hold megabytes).
  s.set(zmq::sockopt::rcvbuf, 4096);
  s.set(zmq::sockopt::rcvhwm, 100);
  s.connect(endpoint_);
  const std::size_t kPings = kQueued + 100'000;
  const Bytes ping = wire::EncodePing(7);
  for (std::size_t i = 0; i < kPings; ++i) {
    ASSERT_TRUE(s.send(zmq::buffer(ping), zmq::send_flags::none).has_value()) << i;
  }
  ASSERT_TRUE(WaitFor([&] { return broker_->metrics().replies_dropped() > 0; },
                      std::chrono::seconds(60)))
      << "no reply was dropped";
  EXPECT_NE(broker_->metrics().RenderPrometheus().find("certshare_replies_dropped_total "),
            std::string::npos);
  EXPECT_TRUE(StillServing().empty());
  // What the peer can still read: the queued replies, never all of them.
  s.set(zmq::sockopt::rcvtimeo, 2000);
  std::size_t replies = 0;
  for (zmq::message_t reply; s.recv(reply).has_value();) ++replies;
  EXPECT_GT(replies, kQueued / 2);
  EXPECT_LT(replies, kPings);
  EXPECT_EQ(replies + broker_->metrics().replies_dropped(), kPings);
}

}  // namespace
}  // namespace certshare::testing
