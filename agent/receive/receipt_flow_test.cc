// Receipts between a recipient's Feed and the origin's (docs/receipts.md):
// which records get a receipt and which state, how they are sealed, and
// which receipts the origin keeps or ignores (forged ones: BAD_RECEIPT).
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "agent/link/record_test_util.h"
#include "agent/receive/feed.h"
#include "agent/receive/json_lines_output.h"
#include "agent/receive/receipt_batcher.h"
#include "agent/receive/receipt_keeper.h"
#include "agent/receive/receipts_only_output.h"
#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"
#include "storage/receipt_store.h"

namespace certshare::agent {
namespace {

using test::Federation;

constexpr char kOtherIndicator[] = "indicator--0c9511ac-e14b-4f48-9d49-54bfc93c9b34";

class ReceiptFlowTest : public ::testing::Test {
 protected:
  void SetUp() override { null_fd_ = ::open("/dev/null", O_WRONLY); }
  void TearDown() override { ::close(null_fd_); }

  // `from` seals `stix` (an indicator) to `to` at AMBER.
  envelope::Sealed Seal(const std::string& from, const std::string& stix,
                        const std::vector<std::string>& to, const std::string& id) {
    const identity::Identity& me = fed_.Id(from);
    envelope::Sealer sealer(from, me.sign_secret, me.box_secret);
    envelope::Draft d;
    d.stix_type = "indicator";
    d.stix_id = id;
    d.modified = "2026-11-27T09:30:00.000Z";
    d.tlp = Tlp::kAmber;
    for (const std::string& org : to) d.recipients.push_back({org, fed_.Id(org).card.box_key});
    d.payload = stix;
    auto sealed = sealer.Seal(d);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return *sealed;
  }

  // A Feed for `org` sending receipts into `spooled_` (or none).
  std::unique_ptr<Feed> RecipientFeed(const std::string& org, bool receipts = true) {
    FeedParts parts;
    parts.output = std::make_unique<JsonLinesOutput>(null_fd_);
    if (receipts) {
      ReceiptBatcherOptions o;
      o.spool = [this](const std::vector<envelope::Sealed>& batch) {
        spooled_.push_back(batch);
        return Status::Ok();
      };
      parts.receipts_out = std::make_unique<ReceiptBatcher>(fed_.Id(org), fed_.registry(), o);
    }
    auto feed = Feed::Open(std::move(parts), fed_.Id(org), fed_.registry());
    EXPECT_TRUE(feed.ok()) << feed.status().ToString();
    return std::move(*feed);
  }

  // The origin's keeper: its notes are `published_`, its store in dir_.
  ReceiptKeeperOptions KeeperOptions() {
    ReceiptKeeperOptions o;
    o.store_dir = dir_.File("receipts");
    o.published = [this](const std::string& key) -> Result<std::optional<PublishedRecord>> {
      auto it = published_.find(key);
      if (it == published_.end()) return std::optional<PublishedRecord>();
      return std::optional<PublishedRecord>(it->second);
    };
    o.warn = [this](const std::string& line) { warnings_.push_back(line); };
    return o;
  }
  // What publish would have noted of `sealed`.
  void Note(const envelope::Sealed& sealed) {
    published_[envelope::EncodeRecordKey(envelope::RecordKeyOf(sealed.header))] =
        PublishedRecord{sealed.leaf, sealed.header.recipients};
  }
  std::vector<storage::StoredReceipt> Kept(const crypto::Hash256& leaf) {
    auto store = storage::ReceiptStore::Open(dir_.File("receipts"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    auto kept = (*store)->ForLeaf(std::string(AsChars(leaf)));
    EXPECT_TRUE(kept.ok());
    return *kept;
  }
  // `signer` seals `receipt` as a receipt record to `to` (as a
  // ReceiptBatcher does, but with whatever the receipt says).
  Bytes ReceiptRecord(const std::string& signer, const Receipt& receipt,
                      const std::string& to = "CERT-EE") {
    const identity::Identity& me = fed_.Id(signer);
    envelope::Sealer sealer(signer, me.sign_secret, me.box_secret);
    envelope::Draft d;
    d.stix_type = std::string(kReceiptType);
    d.stix_id = "certshare-receipt--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13";
    d.modified = FormatTimestamp(receipt.time_ms);
    d.tlp = Tlp::kAmberStrict;
    d.recipients = {{to, fed_.Id(to).card.box_key}};
    d.payload = ToStix(receipt, d.stix_id);
    auto sealed = sealer.Seal(d);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed->record;
  }
  Receipt SignedReceipt(const std::string& key_of, const std::string& recipient,
                        const envelope::Sealed& about) {
    Receipt r;
    r.origin = "CERT-EE";
    r.recipient = recipient;
    r.leaf = about.leaf;
    r.time_ms = 1'790'000'000'000;
    r.record_id = about.header.stix_id;
    r.record_modified = about.header.modified;
    SignReceipt(&r, fed_.Id(key_of).sign_secret);
    return r;
  }

  Federation fed_;
  certshare::testing::TempDir dir_;
  int null_fd_ = -1;
  std::vector<std::vector<envelope::Sealed>> spooled_;
  std::map<std::string, PublishedRecord> published_;
  std::vector<std::string> warnings_;
};

TEST_F(ReceiptFlowTest, ProcessedAndRejectedReceiptsReachTheOriginsStore) {
  // A: fine. B: claims CERT-UA as its creator, so CERT-UA quarantines it
  // (ORIGIN_MISMATCH) after its origin's signature verified.
  envelope::Sealed a = Seal("CERT-EE", test::Indicator(), {"CERT-UA", "CERT-XX"},
                            test::kIndicatorId);
  std::string b_text = test::CreatedBy("CERT-UA");
  b_text.replace(b_text.find(test::kIndicatorId), std::string(test::kIndicatorId).size(),
                 kOtherIndicator);
  envelope::Sealed b = Seal("CERT-EE", b_text, {"CERT-UA"}, kOtherIndicator);
  Note(a);
  Note(b);

  auto ua = RecipientFeed("CERT-UA");
  auto taken = ua->Take(1, a.record);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kWritten);
  // Not processed before the output is committed.
  ASSERT_OK(ua->FlushReceipts(OutputClock::now(), true));
  EXPECT_TRUE(spooled_.empty());
  taken = ua->Take(2, b.record);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kQuarantined);
  EXPECT_EQ(taken->why.code(), ErrorCode::kOriginMismatch);
  ASSERT_OK(ua->Commit());
  // Both wait for their batch (max_wait) ...
  EXPECT_TRUE(spooled_.empty());
  ASSERT_TRUE(ua->CommitDeadline().has_value());
  // ... and go as one batch: one record signature, AMBER+STRICT, to CERT-EE only.
  ASSERT_OK(ua->FlushReceipts(OutputClock::now() + std::chrono::seconds(2), false));
  ASSERT_EQ(spooled_.size(), 1u);
  ASSERT_EQ(spooled_[0].size(), 2u);
  std::vector<Bytes> records;
  for (const envelope::Sealed& s : spooled_[0]) {
    EXPECT_EQ(s.header.origin, "CERT-UA");
    EXPECT_EQ(s.header.tlp, Tlp::kAmberStrict);
    EXPECT_TRUE(s.header.encrypted);
    EXPECT_EQ(s.header.recipients, std::vector<std::string>{"CERT-EE"});
    EXPECT_EQ(s.header.stix_type, kReceiptType);
    auto decoded = envelope::Decode(s.record);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->auth.leaf_count, 2u);
    records.push_back(s.record);
  }
  // The broker and CERT-XX cannot read them: only CERT-EE has a key slot.
  auto decoded = envelope::Decode(records[0]);
  EXPECT_EQ(envelope::Open(*decoded, "CERT-XX", fed_.Id("CERT-XX").box_secret,
                           fed_.Id("CERT-UA").card.sign_key, fed_.Id("CERT-UA").card.box_key)
                .status()
                .code(),
            ErrorCode::kNotRecipient);

  // The origin's feed keeps them, never outputs them.
  FeedParts parts;
  parts.output = std::make_unique<ReceiptsOnlyOutput>();
  parts.receipts_in =
      std::make_unique<ReceiptKeeper>(fed_.Id("CERT-EE"), fed_.registry(), KeeperOptions());
  auto ee = Feed::Open(std::move(parts), fed_.Id("CERT-EE"), fed_.registry());
  ASSERT_TRUE(ee.ok());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto kept = (*ee)->Take(10 + i, records[i]);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(kept->what, Taken::What::kReceipt);
    EXPECT_EQ(kept->kept, 1u);
  }
  EXPECT_EQ((*ee)->DoneThrough(), 11u);
  EXPECT_TRUE(warnings_.empty()) << warnings_[0];
  auto kept_a = Kept(a.leaf);
  ASSERT_EQ(kept_a.size(), 1u);
  EXPECT_EQ(kept_a[0].recipient, "CERT-UA");
  auto receipt_a = DecodeKeptReceipt(kept_a[0].value);
  ASSERT_TRUE(receipt_a.has_value());
  EXPECT_EQ(receipt_a->state, ReceiptState::kProcessed);
  auto kept_b = Kept(b.leaf);
  ASSERT_EQ(kept_b.size(), 1u);
  auto receipt_b = DecodeKeptReceipt(kept_b[0].value);
  ASSERT_TRUE(receipt_b.has_value());
  EXPECT_EQ(receipt_b->state, ReceiptState::kRejected);
  EXPECT_EQ(receipt_b->code, ErrorCode::kOriginMismatch);
}

TEST_F(ReceiptFlowTest, NoReceiptForWhatDidNotVerifyForReceiptsOrWithReceiptsNone) {
  envelope::Sealed a = Seal("CERT-EE", test::Indicator(), {"CERT-UA"}, test::kIndicatorId);
  auto ua = RecipientFeed("CERT-UA");
  // A bad signature: quarantined, no receipt (it is nobody's record).
  Bytes tampered = a.record;
  tampered[tampered.size() - 1] ^= 1;
  auto taken = ua->Take(1, tampered);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kQuarantined);
  EXPECT_EQ(taken->why.code(), ErrorCode::kBadSignature);
  // A receipt record (CERT-EE's receipt to CERT-UA): kept by nobody here,
  // never answered with a receipt.
  Receipt r;
  r.origin = "CERT-UA";
  r.recipient = "CERT-EE";
  r.time_ms = 1'790'000'000'000;
  r.record_id = test::kIndicatorId;
  r.record_modified = "2026-11-27T09:30:00.000Z";
  SignReceipt(&r, fed_.Id("CERT-EE").sign_secret);
  taken = ua->Take(2, ReceiptRecord("CERT-EE", r, "CERT-UA"));
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kReceipt);
  ASSERT_OK(ua->Commit());
  ASSERT_OK(ua->FlushReceipts(OutputClock::now(), true));
  EXPECT_TRUE(spooled_.empty());
  // --receipts none: the record is output, no receipt.
  auto quiet = RecipientFeed("CERT-UA", /*receipts=*/false);
  taken = quiet->Take(1, a.record);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kWritten);
  ASSERT_OK(quiet->Commit());
  ASSERT_OK(quiet->FlushReceipts(OutputClock::now(), true));
  EXPECT_TRUE(spooled_.empty());
  // Its own records: never a receipt (the batcher refuses to make one).
  ReceiptBatcherOptions o;
  o.spool = [this](const std::vector<envelope::Sealed>& b) {
    spooled_.push_back(b);
    return Status::Ok();
  };
  ReceiptBatcher own(fed_.Id("CERT-EE"), fed_.registry(), o);
  ASSERT_OK(own.Add({"CERT-EE", a.leaf, a.header.stix_id, a.header.modified},
                    ReceiptState::kProcessed));
  EXPECT_EQ(own.queued(), 0u);
}

TEST_F(ReceiptFlowTest, ForgedReceiptsAreIgnoredWithAWarningAndNotCounted) {
  envelope::Sealed a = Seal("CERT-EE", test::Indicator(), {"CERT-UA"}, test::kIndicatorId);
  envelope::Sealed never_sent =
      Seal("CERT-EE", test::Indicator(), {"CERT-UA"}, test::kIndicatorId);  // another leaf
  Note(a);
  ReceiptKeeper keeper(fed_.Id("CERT-EE"), fed_.registry(), KeeperOptions());
  struct Case {
    const char* what;
    std::string sender;  // who seals the receipt record
    Receipt receipt;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"signed by the wrong key", "CERT-UA", SignedReceipt("CERT-XX", "CERT-UA", a),
       "the signature is not CERT-UA's"},
      {"about a leaf the origin never sent", "CERT-UA", SignedReceipt("CERT-UA", "CERT-UA", never_sent),
       "never sent"},
      {"by a non-recipient", "CERT-XX", SignedReceipt("CERT-XX", "CERT-XX", a),
       "CERT-XX is not a recipient"},
      {"sent on behalf of another", "CERT-XX", SignedReceipt("CERT-UA", "CERT-UA", a),
       "a recipient sends only its own"},
  };
  for (const Case& c : cases) {
    warnings_.clear();
    auto verified = Verify(1, ReceiptRecord(c.sender, c.receipt), fed_.Id("CERT-EE"),
                           fed_.registry());
    ASSERT_TRUE(verified.ok()) << c.what << ": " << verified.status().ToString();
    auto kept = keeper.Keep(*verified);
    ASSERT_TRUE(kept.ok()) << c.what;
    EXPECT_EQ(*kept, 0u) << c.what;
    ASSERT_EQ(warnings_.size(), 1u) << c.what;
    EXPECT_NE(warnings_[0].find("BAD_RECEIPT (223)"), std::string::npos) << warnings_[0];
    EXPECT_NE(warnings_[0].find(c.says), std::string::npos) << c.what << ": " << warnings_[0];
  }
  EXPECT_TRUE(Kept(a.leaf).empty());
  EXPECT_TRUE(Kept(never_sent.leaf).empty());
  // The genuine one is kept.
  auto verified = Verify(1, ReceiptRecord("CERT-UA", SignedReceipt("CERT-UA", "CERT-UA", a)),
                         fed_.Id("CERT-EE"), fed_.registry());
  ASSERT_TRUE(verified.ok());
  auto kept = keeper.Keep(*verified);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, 1u);
  EXPECT_EQ(Kept(a.leaf).size(), 1u);
}

// A receipt about a record the origin keeps no note of (a sensor's
// records are not noted): not kept, and said once, however many come.
TEST_F(ReceiptFlowTest, ReceiptsAboutUnnotedRecordsAreSaidOnceNotPerReceipt) {
  envelope::Sealed a = Seal("CERT-EE", test::Indicator(), {"CERT-UA"}, test::kIndicatorId);
  ReceiptKeeper keeper(fed_.Id("CERT-EE"), fed_.registry(), KeeperOptions());
  Receipt unknown = SignedReceipt("CERT-UA", "CERT-UA", a);
  unknown.record_id = kOtherIndicator;
  SignReceipt(&unknown, fed_.Id("CERT-UA").sign_secret);
  warnings_.clear();
  for (int i = 0; i < 3; ++i) {
    auto verified = Verify(1, ReceiptRecord("CERT-UA", unknown), fed_.Id("CERT-EE"),
                           fed_.registry());
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    auto kept = keeper.Keep(*verified);
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(*kept, 0u);
  }
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("no note of publishing"), std::string::npos) << warnings_[0];
  EXPECT_NE(warnings_[0].find("said once"), std::string::npos) << warnings_[0];
  EXPECT_EQ(warnings_[0].find("BAD_RECEIPT"), std::string::npos) << warnings_[0];
}

}  // namespace
}  // namespace certshare::agent
