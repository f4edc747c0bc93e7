#include "common/wire/frame.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::wire {
namespace {

TEST(FrameTest, EveryCommandRoundTrips) {
  Bytes record = {1, 2, 3, 4};
  Message m;
  Bytes publish = EncodePublish(7, record);  // m.record points into it
  ASSERT_OK(Decode(publish, &m));
  EXPECT_EQ(m.command, Command::kPublish);
  EXPECT_EQ(m.correlation, 7u);
  EXPECT_EQ(Bytes(m.record.begin(), m.record.end()), record);

  ASSERT_OK(Decode(EncodeAck(8, 42, true), &m));
  EXPECT_EQ(m.command, Command::kAck);
  EXPECT_EQ(m.sequence, 42u);
  EXPECT_TRUE(m.duplicate);

  ASSERT_OK(Decode(EncodeError(9, ErrorCode::kOriginMismatch, "not yours"), &m));
  EXPECT_EQ(m.error, ErrorCode::kOriginMismatch);
  EXPECT_EQ(m.text, "not yours");

  SubscribeRequest req;
  req.name = "feed";
  req.start = StartKind::kTime;
  req.start_value = 1700000000000ULL;
  req.credit = 64;
  req.types = {"incident", "indicator"};
  req.origins = {"CERT-EE"};
  req.tlp_min = 1;
  req.tlp_max = 3;
  req.topics = {"sector:energy"};
  ASSERT_OK(Decode(EncodeSubscribe(10, req), &m));
  EXPECT_EQ(m.command, Command::kSubscribe);
  EXPECT_EQ(m.subscribe.name, "feed");
  EXPECT_EQ(m.subscribe.start, StartKind::kTime);
  EXPECT_EQ(m.subscribe.start_value, 1700000000000ULL);
  EXPECT_EQ(m.subscribe.credit, 64u);
  EXPECT_EQ(m.subscribe.types, req.types);
  EXPECT_EQ(m.subscribe.origins, req.origins);
  EXPECT_EQ(m.subscribe.tlp_min, 1);
  EXPECT_EQ(m.subscribe.tlp_max, 3);
  EXPECT_EQ(m.subscribe.topics, req.topics);

  ASSERT_OK(Decode(EncodeSubscribed(13, 4, 9, 2), &m));
  EXPECT_EQ(m.command, Command::kSubscribed);
  EXPECT_EQ(m.sequence, 4u);
  EXPECT_EQ(m.head, 9u);
  EXPECT_EQ(m.first, 2u);
  ASSERT_OK(Decode(EncodeConsumed(14, 8), &m));
  EXPECT_EQ(m.command, Command::kConsumed);
  EXPECT_EQ(m.sequence, 8u);
  ASSERT_OK(Decode(EncodeCredit(15, 100), &m));
  EXPECT_EQ(m.credit, 100u);
  ASSERT_OK(Decode(EncodePing(16), &m));
  EXPECT_EQ(m.command, Command::kPing);
  ASSERT_OK(Decode(EncodePong(17), &m));
  EXPECT_EQ(m.command, Command::kPong);

  Bytes deliver = EncodeDeliver(11, 6, record);
  ASSERT_OK(Decode(deliver, &m));
  EXPECT_EQ(m.command, Command::kDeliver);
  EXPECT_EQ(m.sequence, 6u);
  EXPECT_EQ(m.record.size(), 4u);

  ASSERT_OK(Decode(EncodeCaughtUp(12, 99), &m));
  EXPECT_EQ(m.command, Command::kCaughtUp);
  EXPECT_EQ(m.sequence, 99u);
}

TEST(FrameTest, EveryTruncationIsRefusedWithoutCrashing) {
  for (const Bytes& full : {EncodeAck(1, 2, false), EncodeError(1, ErrorCode::kTimeout, "x"),
                            EncodeSubscribe(1, SubscribeRequest{"n", StartKind::kSequence, 2, 5,
                                                                {"incident"}, {}, 0, 4, {"t"}}),
                            EncodeCaughtUp(1, 3), EncodeSubscribed(1, 2, 3, 1),
                            EncodeCredit(1, 4), EncodeConsumed(1, 9)}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      Message m;
      Status s = Decode(ByteView(full.data(), n), &m);
      EXPECT_EQ(s.code(), ErrorCode::kMalformedFrame) << "length " << n;
    }
  }
}

TEST(FrameTest, RefusesBadMagicVersionCommandAndTrailingBytes) {
  Message m;
  Bytes f = EncodeCaughtUp(1, 2);
  f[0] = 'X';
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  f = EncodeCaughtUp(1, 2);
  f[2] = 9;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kUnsupportedVersion);
  f = EncodeCaughtUp(1, 2);
  f[3] = 0x7f;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kUnknownCommand);
  EXPECT_EQ(m.correlation, 1u);  // still known, so the error can name it
  f = EncodeCaughtUp(1, 2);
  f.push_back(0);
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  f = EncodeAck(1, 2, false);
  f.back() = 0x80;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  EXPECT_CODE(Decode(EncodePublish(1, {}), &m), ErrorCode::kMalformedFrame);
}

TEST(FrameTest, RefusesBadSubscribeFilters) {
  Message m;
  SubscribeRequest bad_range;
  bad_range.tlp_min = 3;
  bad_range.tlp_max = 1;
  EXPECT_CODE(Decode(EncodeSubscribe(1, bad_range), &m), ErrorCode::kMalformedFrame);
  SubscribeRequest empty_entry;
  empty_entry.types = {""};
  EXPECT_CODE(Decode(EncodeSubscribe(1, empty_entry), &m), ErrorCode::kMalformedFrame);
  SubscribeRequest too_many;
  too_many.origins.assign(kMaxFilterEntries + 1, "CERT-EE");
  EXPECT_CODE(Decode(EncodeSubscribe(1, too_many), &m), ErrorCode::kMalformedFrame);
  Bytes f = EncodeSubscribe(1, SubscribeRequest{});
  f[12 + 1] = 7;  // start kind after the empty name
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
}

TEST(FrameTest, UnknownErrorCodeReadsAsInternal) {
  Bytes f = EncodeError(1, ErrorCode::kTimeout, "");
  f[12] = 0xFF;
  f[13] = 0xFE;
  Message m;
  ASSERT_OK(Decode(f, &m));
  EXPECT_EQ(m.error, ErrorCode::kInternal);
}

TEST(FrameTest, AdminRoundTripsAndIsBounded) {
  AdminSignature sig;
  for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = static_cast<std::uint8_t>(i);
  std::string command = R"({"command":"show"})";
  Message m;
  ASSERT_OK(Decode(EncodeAdmin(21, command, sig), &m));
  EXPECT_EQ(m.command, Command::kAdmin);
  EXPECT_EQ(m.correlation, 21u);
  EXPECT_EQ(m.admin, command);
  EXPECT_EQ(m.admin_signature, sig);
  ASSERT_OK(Decode(EncodeAdminOk(22, R"({"done":"x"})"), &m));
  EXPECT_EQ(m.command, Command::kAdminOk);
  EXPECT_EQ(m.admin, R"({"done":"x"})");
  ASSERT_OK(Decode(EncodeAdminOk(23, ""), &m));
  EXPECT_EQ(m.admin, "");

  // The layout: prefix, u32 length, command, 64-byte signature.
  Bytes f = EncodeAdmin(1, "ab", sig);
  ASSERT_EQ(f.size(), 12u + 4 + 2 + 64);
  EXPECT_EQ(f[3], 0x30);
  EXPECT_EQ(f[15], 2);
  EXPECT_EQ(f[16], 'a');
  EXPECT_EQ(f[18], 0);  // the signature's first byte

  for (const Bytes& full : {EncodeAdmin(1, command, sig), EncodeAdminOk(1, "{}")}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      EXPECT_EQ(Decode(ByteView(full.data(), n), &m).code(), ErrorCode::kMalformedFrame)
          << "length " << n;
    }
    Bytes longer = full;
    longer.push_back(0);
    EXPECT_CODE(Decode(longer, &m), ErrorCode::kMalformedFrame);
  }
  EXPECT_CODE(Decode(EncodeAdmin(1, "", sig), &m), ErrorCode::kMalformedFrame);
  std::string big(kMaxAdminCommandBytes + 1, 'x');
  EXPECT_CODE(Decode(EncodeAdmin(1, big, sig), &m), ErrorCode::kMalformedFrame);
  big.pop_back();
  EXPECT_OK(Decode(EncodeAdmin(1, big, sig), &m));
  // A length running past the end of the frame.
  f = EncodeAdmin(1, "ab", sig);
  f[12] = 0x7f;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
}

TEST(FrameTest, PositionsRoundTrip) {
  Message m;
  Bytes ask = EncodePositions(31);
  ASSERT_EQ(ask.size(), 12u);  // no body
  ASSERT_OK(Decode(ask, &m));
  EXPECT_EQ(m.command, Command::kPositions);
  EXPECT_EQ(m.correlation, 31u);

  const std::vector<Position> positions = {
      {"eu-feed", 120, true}, {"nightly", 0, false}, {std::string(255, 'n'), UINT64_MAX, false}};
  Bytes ok = EncodePositionsOk(32, 150, 3, positions);
  ASSERT_OK(Decode(ok, &m));
  EXPECT_EQ(m.command, Command::kPositionsOk);
  EXPECT_EQ(m.correlation, 32u);
  EXPECT_EQ(m.head, 150u);
  EXPECT_EQ(m.first, 3u);
  EXPECT_EQ(m.positions, positions);
  // Canonical: decoding and encoding again gives the same bytes.
  EXPECT_EQ(EncodePositionsOk(m.correlation, m.head, m.first, m.positions), ok);

  // The layout: prefix, head, first, count, then name, acknowledged, connected.
  Bytes one = EncodePositionsOk(1, 2, 1, {{"ab", 5, true}});
  ASSERT_EQ(one.size(), 12u + 8 + 8 + 2 + 1 + 2 + 8 + 1);
  EXPECT_EQ(one[3], 0x17);
  EXPECT_EQ(one[29], 1);  // count, big-endian
  EXPECT_EQ(one[30], 2);  // name length
  EXPECT_EQ(one.back(), 1);

  ASSERT_OK(Decode(EncodePositionsOk(33, 0, 0, {}), &m));
  EXPECT_TRUE(m.positions.empty());
  EXPECT_EQ(m.head, 0u);

  std::vector<Position> most(kMaxPositions, Position{"feed", 1, false});
  ASSERT_OK(Decode(EncodePositionsOk(34, 1, 1, most), &m));
  EXPECT_EQ(m.positions.size(), kMaxPositions);
}

TEST(FrameTest, PositionsTruncatedOversizedAndTrailingAreRefused) {
  Message m;
  for (const Bytes& full :
       {EncodePositions(1), EncodePositionsOk(1, 9, 2, {}),
        EncodePositionsOk(1, 9, 2, {{"eu-feed", 7, true}, {"x", 9, false}})}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      EXPECT_EQ(Decode(ByteView(full.data(), n), &m).code(), ErrorCode::kMalformedFrame)
          << "length " << n;
    }
    Bytes longer = full;
    longer.push_back(0);
    EXPECT_CODE(Decode(longer, &m), ErrorCode::kMalformedFrame);
  }
  // More entries than kMaxPositions, even if they are all there.
  std::vector<Position> too_many(kMaxPositions + 1, Position{"feed", 1, false});
  EXPECT_CODE(Decode(EncodePositionsOk(1, 1, 1, too_many), &m), ErrorCode::kMalformedFrame);
  // A count larger than what follows.
  Bytes f = EncodePositionsOk(1, 1, 1, {{"a", 1, false}});
  f[29] = 2;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  // A state byte with an unknown bit would not encode back the same.
  f = EncodePositionsOk(1, 1, 1, {{"a", 1, true}});
  f.back() = 4 | kPositionConnected;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  // The lag bit without the lag.
  f.back() = kPositionHasLag;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  // An empty name.
  EXPECT_CODE(Decode(EncodePositionsOk(1, 1, 1, {{"", 1, false}}), &m),
              ErrorCode::kMalformedFrame);
}

TEST(FrameTest, SubscribeTakeOverIsAnOptionalFlagsByte) {
  SubscribeRequest req;
  req.name = "eu-feed";
  req.credit = 8;
  Bytes plain = EncodeSubscribe(1, req);
  // Without take-over: the original layout, no flags byte (it ends with
  // the empty topic list).
  ASSERT_EQ(plain.size(), 12u + 1 + 7 + 1 + 8 + 4 + 2 + 2 + 1 + 1 + 2);
  Message m;
  ASSERT_OK(Decode(plain, &m));
  EXPECT_FALSE(m.subscribe.take_over);

  req.take_over = true;
  Bytes taking = EncodeSubscribe(2, req);
  ASSERT_EQ(taking.size(), plain.size() + 1);
  EXPECT_EQ(taking.back(), kSubscribeTakeOver);
  ASSERT_OK(Decode(taking, &m));
  EXPECT_TRUE(m.subscribe.take_over);
  EXPECT_EQ(m.subscribe.name, "eu-feed");
  EXPECT_EQ(EncodeSubscribe(2, m.subscribe), taking);

  // A flags byte of 0 (absent means 0), an unknown bit, a byte after it.
  for (std::uint8_t bad : {0x00, 0x02, 0x81}) {
    Bytes f = plain;
    f.push_back(bad);
    EXPECT_EQ(Decode(f, &m).code(), ErrorCode::kMalformedFrame) << int(bad);
  }
  Bytes longer = taking;
  longer.push_back(0x01);
  EXPECT_CODE(Decode(longer, &m), ErrorCode::kMalformedFrame);
}

TEST(FrameTest, PositionsMayAskForTheLagAndEntriesMayCarryIt) {
  Message m;
  Bytes ask = EncodePositions(7, true);
  ASSERT_EQ(ask.size(), 13u);
  EXPECT_EQ(ask.back(), kPositionsWithLag);
  ASSERT_OK(Decode(ask, &m));
  EXPECT_TRUE(m.positions_with_lag);
  ASSERT_OK(Decode(EncodePositions(7), &m));
  EXPECT_FALSE(m.positions_with_lag);
  for (std::uint8_t bad : {0x00, 0x02}) {
    Bytes f = EncodePositions(7);
    f.push_back(bad);
    EXPECT_EQ(Decode(f, &m).code(), ErrorCode::kMalformedFrame) << int(bad);
  }

  const std::vector<Position> positions = {{"eu-feed", 120, true, 0},
                                           {"live", 5, true, UINT64_MAX},
                                           {"nightly", 150, false, std::nullopt}};
  Bytes ok = EncodePositionsOk(8, 3012, 1, positions);
  ASSERT_OK(Decode(ok, &m));
  EXPECT_EQ(m.positions, positions);
  EXPECT_EQ(EncodePositionsOk(m.correlation, m.head, m.first, m.positions), ok);
  // The layout of one entry with a lag: name, acknowledged, state, lag.
  Bytes one = EncodePositionsOk(1, 2, 1, {{"ab", 5, true, 3}});
  ASSERT_EQ(one.size(), 12u + 8 + 8 + 2 + 1 + 2 + 8 + 1 + 8);
  EXPECT_EQ(one[12 + 8 + 8 + 2 + 1 + 2 + 8], kPositionConnected | kPositionHasLag);
  EXPECT_EQ(one.back(), 3);
  for (std::size_t n = 0; n < one.size(); ++n) {
    EXPECT_EQ(Decode(ByteView(one.data(), n), &m).code(), ErrorCode::kMalformedFrame) << n;
  }
}

TEST(FrameTest, AdminSignedMessageIsDomainSeparated) {
  Bytes signed_message = AdminSignedMessage("{}");
  std::string expected = std::string("certshare/admin/v1") + '\0' + "{}";
  EXPECT_EQ(std::string(AsChars(signed_message)), expected);
}

// Agents drop any frame larger than kMaxBrokerFrameBytes (their sockets'
// maximum message size), so every frame a broker may legitimately send must
// fit: the largest of each kind, built here, does.
TEST(FrameTest, EveryFrameABrokerSendsFitsTheAgentsMaximum) {
  const Bytes largest_record(kMaxRecordBytes, 'r');
  EXPECT_EQ(EncodeDeliver(1, 2, largest_record).size(), kMaxBrokerFrameBytes);
  EXPECT_LE(EncodeAdminOk(1, std::string(kMaxAdminResultBytes, 'a')).size(),
            kMaxBrokerFrameBytes);
  std::vector<Position> most(kMaxPositions,
                             Position{std::string(255, 'n'), UINT64_MAX, true, UINT64_MAX});
  EXPECT_LE(EncodePositionsOk(1, 2, 3, most).size(), kMaxBrokerFrameBytes);
  EXPECT_LE(EncodeError(1, ErrorCode::kBusy, std::string(1u << 20, 'e')).size(),
            kMaxBrokerFrameBytes);
}

TEST(FrameTest, TrustFramesRoundTrip) {
  Message m;
  ASSERT_OK(Decode(EncodeTrustGet(21, 1, 7), &m));
  EXPECT_EQ(m.command, Command::kTrustGet);
  EXPECT_EQ(m.correlation, 21u);
  EXPECT_EQ(m.root_version, 1u);
  EXPECT_EQ(m.registry_version, 7u);

  TrustFiles files;
  files.latest_root = 2;
  files.latest_registry = 9;
  files.roots = {"root-2"};
  files.registries = {"registry-8", "registry-9"};
  files.timestamp = "timestamp";
  const Bytes trust = EncodeTrust(22, files);
  EXPECT_EQ(trust.size(), TrustFrameBytes(files));
  ASSERT_OK(Decode(trust, &m));
  EXPECT_EQ(m.command, Command::kTrust);
  EXPECT_EQ(m.correlation, 22u);
  EXPECT_EQ(m.trust, files);

  TrustFiles nothing_new;  // no file and no timestamp: all counts 0
  nothing_new.latest_root = 1;
  ASSERT_OK(Decode(EncodeTrust(23, nothing_new), &m));
  EXPECT_EQ(m.trust, nothing_new);
  EXPECT_EQ(EncodeTrust(23, nothing_new).size(), TrustFrameBytes(nothing_new));

  ASSERT_OK(Decode(EncodeTrustNotice(2, 9, 1764233247000), &m));
  EXPECT_EQ(m.command, Command::kTrustNotice);
  EXPECT_EQ(m.correlation, 0u);
  EXPECT_EQ(m.root_version, 2u);
  EXPECT_EQ(m.registry_version, 9u);
  EXPECT_EQ(m.timestamp_issued_ms, 1764233247000u);
}

TEST(FrameTest, TrustFramesTruncatedEmptyFilesAndTrailingBytesAreRefused) {
  TrustFiles files;
  files.roots = {"r"};
  files.registries = {"g"};
  files.timestamp = "t";
  for (const Bytes& full :
       {EncodeTrustGet(1, 2, 3), EncodeTrust(1, files), EncodeTrustNotice(1, 2, 3)}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      Message m;
      EXPECT_EQ(Decode(ByteView(full.data(), n), &m).code(), ErrorCode::kMalformedFrame)
          << "length " << n;
    }
    Bytes longer = full;
    longer.push_back(0);
    Message m;
    EXPECT_CODE(Decode(longer, &m), ErrorCode::kMalformedFrame);
  }
  TrustFiles empty_file;
  empty_file.registries = {""};
  Message m;
  EXPECT_CODE(Decode(EncodeTrust(1, empty_file), &m), ErrorCode::kMalformedFrame);
  // More than kMaxTrustFiles roots: the count alone says so.
  Bytes many = EncodeTrust(1, TrustFiles{});
  many[kPrefixBytes + 16] = 0xff;
  many[kPrefixBytes + 17] = 0xff;
  EXPECT_CODE(Decode(many, &m), ErrorCode::kMalformedFrame);
  // A notice is a push: any correlation but 0 is refused (one encoding).
  Bytes notice = EncodeTrustNotice(1, 2, 3);
  notice[11] = 1;
  EXPECT_CODE(Decode(notice, &m), ErrorCode::kMalformedFrame);
}

}  // namespace
}  // namespace certshare::wire
