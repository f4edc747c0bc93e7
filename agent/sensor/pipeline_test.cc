#include "agent/sensor/pipeline.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <thread>

#include "agent/sensor/eve_samples.h"
#include "agent/sensor/eve_stix.h"
#include "agent/sensor/jsonl.h"
#include "common/base/testing.h"
#include "schemas/stix_check.h"

namespace certshare::agent::sensor {
namespace {

using namespace std::chrono_literals;
using certshare::testing::TempDir;
using certshare::testing::WaitFor;

// Lines handed out in chunks; ended once all are read, unless `keep_open`.
class FakeSource final : public LineSource {
 public:
  explicit FakeSource(std::vector<std::string> lines, bool keep_open = false)
      : keep_open_(keep_open) {
    for (auto& l : lines) pending_.push_back(std::move(l));
  }
  Status Read(std::chrono::milliseconds timeout, std::size_t max_lines,
              std::vector<Line>* out) override {
    if (pending_.empty()) {
      std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(5)));
      return Status::Ok();
    }
    const std::size_t n = std::min<std::size_t>({max_lines, pending_.size(), 100});
    for (std::size_t i = 0; i < n; ++i) {
      out->push_back(Line{std::move(pending_.front()), ++number_, 0, false});
      pending_.pop_front();
    }
    return Status::Ok();
  }
  bool ended() const override { return !keep_open_ && pending_.empty(); }
  std::string name() const override { return "fake"; }
  void Add(std::string line) { pending_.push_back(std::move(line)); }

 private:
  std::deque<std::string> pending_;
  std::uint64_t number_ = 0;
  bool keep_open_;
};

// Keeps every batch; says "full" `full_times` times first.
class CollectingSink final : public RecordSink {
 public:
  Status Accept(std::span<const Bytes> records, std::span<const std::string> keys) override {
    if (full_times > 0) {
      --full_times;
      return Status(ErrorCode::kSpoolFull, "the spool is full");
    }
    std::lock_guard<std::mutex> lock(mu);
    batches.emplace_back(records.begin(), records.end());
    key_batches.emplace_back(keys.begin(), keys.end());
    return Status::Ok();
  }
  std::size_t BatchCount() {
    std::lock_guard<std::mutex> lock(mu);
    return batches.size();
  }
  int full_times = 0;
  std::mutex mu;
  std::vector<std::vector<Bytes>> batches;
  std::vector<std::vector<std::string>> key_batches;  // the keys given with each batch
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* org : {"CERT-EE", "CERT-UA", "CERT-EU", "CERT-XX"}) {
      auto files = identity::Generate(org, org, dir_.path());
      ASSERT_OK(files.status());
      auto id = identity::LoadIdentity(files->secret_path);
      ASSERT_OK(id.status());
      ASSERT_OK(registry_.Put(id->card));
      ids_.emplace(org, std::move(*id));
    }
  }

  const identity::Identity& Id(const std::string& org) { return ids_.at(org); }

  ComposeOptions AmberToUaAndEu() {
    ComposeOptions o;
    o.tlp = Tlp::kAmber;
    o.recipients = {"CERT-UA", "CERT-EU"};
    return o;
  }

  // Runs a pipeline over `source` to its end.
  PipelineStats RunAll(LineSource& source, EventMapper& mapper, const ComposeOptions& options,
                       RecordSink& sink, PipelineOptions popts = {}) {
    RouteCache routes(options, Id("CERT-EE"), registry_);
    envelope::Sealer sealer("CERT-EE", Id("CERT-EE").sign_secret, Id("CERT-EE").box_secret);
    Pipeline p(source, mapper, routes, sealer, sink, popts,
               [this](const std::string& m) { messages_.push_back(m); });
    std::atomic<bool> stop{false};
    EXPECT_OK(p.Run(stop));
    return p.stats();
  }

  // N distinct alert lines.
  static std::vector<std::string> Alerts(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      std::string line = samples::kTcpV4;
      char stamp[16];
      std::snprintf(stamp, sizeof stamp, "%06d", i);
      line.replace(line.find("123456"), 6, stamp);
      out.push_back(std::move(line));
    }
    return out;
  }

  TempDir dir_;
  identity::Registry registry_;
  std::map<std::string, identity::Identity> ids_;
  std::vector<std::string> messages_;
};

TEST_F(PipelineTest, BatchesShareOneSignatureYetEachRecordVerifiesAndOpensAlone) {
  std::vector<std::string> lines = Alerts(600);
  lines.insert(lines.begin() + 10, samples::kFlow);
  lines.insert(lines.begin() + 20, "{broken");
  lines.insert(lines.begin() + 30, samples::kDns);
  FakeSource source(lines);
  EveMapper mapper({"CERT-EE", "CERT-EE"}, Tlp::kAmber);
  CollectingSink sink;
  PipelineOptions popts;
  popts.batch_delay = std::chrono::hours(1);  // batches cut by size only, however slow the run
  PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink, popts);

  EXPECT_EQ(stats.lines, 603u);
  EXPECT_EQ(stats.published, 600u);
  EXPECT_EQ(stats.skipped, 2u);
  EXPECT_EQ(stats.bad, 1u);
  ASSERT_EQ(sink.batches.size(), 3u);  // 256 + 256 + 88
  EXPECT_EQ(sink.batches[0].size(), 256u);
  EXPECT_EQ(sink.batches[2].size(), 88u);
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0].rfind("fake line 21: MALFORMED_JSON", 0), 0u) << messages_[0];

  const identity::Card& ee = Id("CERT-EE").card;
  for (const auto& batch : sink.batches) {
    crypto::Signature first{};
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto record = envelope::Decode(batch[i]);
      ASSERT_OK(record.status());
      EXPECT_EQ(record->auth.leaf_index, i);
      EXPECT_EQ(record->auth.leaf_count, batch.size());
      if (i == 0) first = record->auth.signature;
      EXPECT_EQ(record->auth.signature, first) << "one signature per batch";
      ASSERT_OK(envelope::Verify(*record, ee.sign_key));  // alone, without the others
      EXPECT_EQ(record->header.tlp, Tlp::kAmber);
      EXPECT_TRUE(record->header.encrypted);
      EXPECT_EQ(record->header.recipients, (std::vector<std::string>{"CERT-UA", "CERT-EU"}));
      for (const char* org : {"CERT-UA", "CERT-EU"}) {
        auto text = envelope::Open(*record, org, Id(org).box_secret, ee.sign_key, ee.box_key);
        ASSERT_OK(text.status());
        auto summary = schemas::Summarise(*text);
        ASSERT_OK(summary.status());
        EXPECT_EQ(summary->id, record->header.stix_id);
        EXPECT_EQ(summary->modified, record->header.modified);
      }
      EXPECT_CODE(envelope::Open(*record, "CERT-XX", Id("CERT-XX").box_secret, ee.sign_key,
                                 ee.box_key)
                      .status(),
                  ErrorCode::kNotRecipient);
    }
  }
}

// The sink gets each record's dedupe key from the header the sealer made:
// the key a decoder of the record computes, so the spool decodes nothing.
TEST_F(PipelineTest, EachRecordReachesTheSinkWithTheKeyOfItsHeader) {
  FakeSource source(Alerts(300));
  EveMapper mapper({"CERT-EE", "CERT-EE"}, Tlp::kAmber);
  CollectingSink sink;
  PipelineOptions popts;
  popts.batch_delay = std::chrono::hours(1);
  RunAll(source, mapper, AmberToUaAndEu(), sink, popts);
  ASSERT_EQ(sink.batches.size(), 2u);  // 256 + 44
  ASSERT_EQ(sink.key_batches.size(), sink.batches.size());
  std::set<std::string> distinct;
  for (std::size_t b = 0; b < sink.batches.size(); ++b) {
    ASSERT_EQ(sink.key_batches[b].size(), sink.batches[b].size());
    for (std::size_t i = 0; i < sink.batches[b].size(); ++i) {
      auto decoded = DedupeKeyOf(sink.batches[b][i]);
      ASSERT_OK(decoded.status());
      EXPECT_EQ(sink.key_batches[b][i], *decoded);
      distinct.insert(sink.key_batches[b][i]);
    }
  }
  EXPECT_EQ(distinct.size(), 300u);
}

TEST_F(PipelineTest, AFullSpoolHoldsTheBatchNothingIsDropped) {
  FakeSource source(Alerts(10));
  EveMapper mapper({"CERT-EE", ""}, Tlp::kAmber);
  CollectingSink sink;
  sink.full_times = 3;
  PipelineOptions popts;
  popts.full_retry = 1ms;
  popts.batch_delay = std::chrono::hours(1);  // one batch, however slow the run
  PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink, popts);
  EXPECT_EQ(stats.published, 10u);
  ASSERT_EQ(sink.batches.size(), 1u);
  EXPECT_EQ(sink.batches[0].size(), 10u);
  ASSERT_EQ(messages_.size(), 2u);
  EXPECT_NE(messages_[0].find("SPOOL_FULL"), std::string::npos);
  EXPECT_NE(messages_[0].find("nothing is dropped"), std::string::npos);
  EXPECT_NE(messages_[1].find("room again"), std::string::npos);
}

TEST_F(PipelineTest, AQuietInputIsFlushedAfterTheBatchDelay) {
  FakeSource source(Alerts(3), /*keep_open=*/true);
  EveMapper mapper({"CERT-EE", ""}, Tlp::kAmber);
  CollectingSink sink;
  RouteCache routes(AmberToUaAndEu(), Id("CERT-EE"), registry_);
  envelope::Sealer sealer("CERT-EE", Id("CERT-EE").sign_secret, Id("CERT-EE").box_secret);
  PipelineOptions popts;
  popts.batch_delay = 20ms;
  Pipeline p(source, mapper, routes, sealer, sink, popts, [](const std::string&) {});
  std::atomic<bool> stop{false};
  Status run;
  std::thread t([&] { run = p.Run(stop); });
  EXPECT_TRUE(WaitFor([&] { return sink.BatchCount() == 1; }));
  stop = true;
  t.join();
  ASSERT_OK(run);
  EXPECT_EQ(sink.batches[0].size(), 3u);
}

TEST_F(PipelineTest, JsonLinesKeepTheirOwnMarkingWhichMustAgree) {
  const std::string base =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3)";
  auto line = [&](char last, const char* marking) {
    std::string s = base + last +
                    R"(","created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:00:00.000Z",)"
                    R"("pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix",)"
                    R"("valid_from":"2026-11-27T09:00:00Z")";
    if (marking != nullptr) s += std::string(",\"object_marking_refs\":[\"") + marking + "\"]";
    return s + "}";
  };
  FakeSource source({line('a', nullptr), line('b', std::string(TlpMarkingId(Tlp::kAmber)).c_str()),
                     line('c', std::string(TlpMarkingId(Tlp::kRed)).c_str()),
                     R"({"type":"incident","id":"incident--nope","spec_version":"2.0"})", "",
                     "\xC3\x28"});
  JsonlMapper mapper;
  CollectingSink sink;
  PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink);
  EXPECT_EQ(stats.published, 2u);
  EXPECT_EQ(stats.bad, 3u);
  EXPECT_EQ(stats.skipped, 1u);
  ASSERT_EQ(messages_.size(), 3u);
  EXPECT_NE(messages_[0].find("fake line 3"), std::string::npos) << messages_[0];
  // Marked RED, above the sensor's --tlp amber: never lowered.
  EXPECT_NE(messages_[0].find("is marked TLP:RED by"), std::string::npos) << messages_[0];
  EXPECT_NE(messages_[0].find("and --tlp amber would lower it"), std::string::npos)
      << messages_[0];
  EXPECT_NE(messages_[1].find("fake line 4: INVALID_STIX"), std::string::npos) << messages_[1];
  EXPECT_NE(messages_[2].find("fake line 6: MALFORMED_JSON"), std::string::npos) << messages_[2];
}

TEST_F(PipelineTest, BlankLinesAreSkippedNotBadInEveAndJsonLines) {
  const std::vector<std::string> alerts = Alerts(2);
  {
    FakeSource source({alerts[0], "", "   ", "\r", " \t ", alerts[1]});
    EveMapper mapper({"CERT-EE", ""}, Tlp::kAmber);
    CollectingSink sink;
    PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink);
    EXPECT_EQ(stats.lines, 6u);
    EXPECT_EQ(stats.published, 2u);
    EXPECT_EQ(stats.skipped, 4u);
    EXPECT_EQ(stats.bad, 0u);
  }
  {
    FakeSource source({"", "\r"});
    JsonlMapper mapper;
    CollectingSink sink;
    PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink);
    EXPECT_EQ(stats.skipped, 2u);
    EXPECT_EQ(stats.bad, 0u);
  }
  EXPECT_TRUE(messages_.empty()) << messages_[0];
}

// A honeypot's EVE without UTC offsets: every alert is bad (and the message
// names --assume-offset) until the offset to assume is given; then every
// alert is published, placed in UTC by that offset.
TEST_F(PipelineTest, AlertsWithoutUtcOffsetNeedAnAssumedOffset) {
  std::vector<std::string> lines = Alerts(44);
  for (std::string& line : lines) {
    line.replace(line.find("+0100\",\"flow_id\""), 5, "");
    line.replace(line.find("+0100\"}}"), 5, "");
  }
  {
    FakeSource source(lines);
    EveMapper mapper({"CERT-EE", ""}, Tlp::kAmber);
    CollectingSink sink;
    PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink);
    EXPECT_EQ(stats.published, 0u);
    EXPECT_EQ(stats.bad, 44u);
    ASSERT_FALSE(messages_.empty());
    EXPECT_NE(messages_[0].find("--assume-offset"), std::string::npos) << messages_[0];
  }
  messages_.clear();
  FakeSource source(lines);
  EveOptions eve;
  eve.assume_offset_minutes = 120;
  EveMapper mapper({"CERT-EE", ""}, Tlp::kAmber, eve);
  CollectingSink sink;
  PipelineStats stats = RunAll(source, mapper, AmberToUaAndEu(), sink);
  EXPECT_EQ(stats.published, 44u);
  EXPECT_EQ(stats.bad, 0u);
  EXPECT_TRUE(messages_.empty()) << messages_[0];
  ASSERT_FALSE(sink.batches.empty());
  auto record = envelope::Decode(sink.batches[0][0]);
  ASSERT_OK(record.status());
  const identity::Card& ee = Id("CERT-EE").card;
  auto text = envelope::Open(*record, "CERT-UA", Id("CERT-UA").box_secret, ee.sign_key,
                             ee.box_key);
  ASSERT_OK(text.status());
  // 10:00:00.000000 at +02:00 is 08:00 UTC.
  EXPECT_NE(text->find("\"first_seen\":\"2026-11-27T08:00:00.000000Z\""), std::string::npos)
      << *text;
}

TEST_F(PipelineTest, IntoTheRealSpool) {
  auto spool = Spool::Open(dir_.File("spool"));
  ASSERT_OK(spool.status());
  FakeSource source(Alerts(300));
  EveMapper mapper({"CERT-EE", ""}, Tlp::kGreen);
  SpoolSink sink(**spool);
  ComposeOptions options;
  options.tlp = Tlp::kGreen;  // to everyone in the registry
  PipelineStats stats = RunAll(source, mapper, options, sink);
  EXPECT_EQ(stats.published, 300u);
  EXPECT_EQ((*spool)->Depth(), 300u);
  auto pending = (*spool)->Pending(0, 1);
  ASSERT_OK(pending.status());
  auto record = envelope::Decode((*pending)[0].record);
  ASSERT_OK(record.status());
  EXPECT_EQ(record->header.recipients.size(), 3u);  // CERT-EE is not its own recipient

  // The same lines again: the spool keeps one record per id and modified.
  FakeSource again(Alerts(300));
  RunAll(again, mapper, options, sink);
  EXPECT_EQ((*spool)->Depth(), 300u);
}

}  // namespace
}  // namespace certshare::agent::sensor
