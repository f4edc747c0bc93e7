// The Feed: verified records passed on once, across a crash between
// writing and acknowledging; failures quarantined and acknowledged; output
// failures never acknowledged.
#include "agent/receive/feed.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <map>

#include "agent/link/compose.h"
#include "agent/receive/directory_output.h"
#include "agent/receive/exec_output.h"
#include "agent/receive/fault_file_env.h"
#include "agent/receive/json_lines_output.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {
namespace {

using certshare::testing::TempDir;
namespace fs = std::filesystem;

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string Incident(int n) {
  return R"({"type":"incident","spec_version":"2.1","id":"incident--)" + Uuid(n) +
         R"(","created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
         R"("name":"Phishing wave","object_marking_refs":[")" +
         std::string(TlpMarkingId(Tlp::kAmber)) + R"("]})";
}

class FeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(crypto::Init());
    for (const char* org : {"CERT-EE", "CERT-UA"}) {
      auto files = identity::Generate(org, "", dir_.File("keys"));
      ASSERT_TRUE(files.ok()) << files.status().ToString();
      auto id = identity::LoadIdentity(files->secret_path);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ASSERT_OK(registry_.Put(id->card));
      ids_[org] = std::make_unique<identity::Identity>(std::move(*id));
    }
  }

  const identity::Identity& Me() { return *ids_["CERT-UA"]; }

  // An AMBER incident from CERT-EE to CERT-UA.
  Bytes Record(int n) {
    const identity::Identity& ee = *ids_["CERT-EE"];
    envelope::Sealer sealer("CERT-EE", ee.sign_secret, ee.box_secret);
    ComposeOptions options;
    options.recipients = {"CERT-UA"};
    auto composed = Compose(Incident(n), options, ee, registry_, sealer);
    EXPECT_TRUE(composed.ok()) << composed.status().ToString();
    return composed.ok() ? composed->record : Bytes{};
  }

  // Correctly signed and encrypted, but the header names another object
  // than the payload holds.
  Bytes ForgedRecord(int n) {
    const identity::Identity& ee = *ids_["CERT-EE"];
    envelope::Sealer sealer("CERT-EE", ee.sign_secret, ee.box_secret);
    envelope::Draft draft;
    draft.stix_type = "incident";
    draft.stix_id = "incident--" + Uuid(n + 1000);
    draft.modified = "2026-11-01T10:00:00.000Z";
    draft.tlp = Tlp::kAmber;
    draft.recipients = {{"CERT-UA", ids_["CERT-UA"]->card.box_key}};
    draft.payload = Incident(n);
    auto sealed = sealer.Seal(draft);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed.ok() ? sealed->record : Bytes{};
  }

  std::unique_ptr<Feed> OpenDirectoryFeed(std::size_t roll_count,
                                          FileEnv* env = FileEnv::Default()) {
    DirectoryOutputOptions options;
    options.dir = dir_.File("feed");
    options.roll_count = roll_count;
    options.roll_seconds = std::chrono::seconds(0);
    options.env = env;
    auto output = DirectoryOutput::Open(options);
    EXPECT_TRUE(output.ok());
    FeedParts parts;
    parts.output = std::move(*output);
    return OpenWith(std::move(parts));
  }

  std::unique_ptr<Feed> OpenWith(FeedParts parts) {
    auto seen = storage::SeenStore::Open(dir_.File("state/seen"));
    EXPECT_TRUE(seen.ok()) << seen.status().ToString();
    parts.seen = std::move(*seen);
    auto q = Quarantine::Open(dir_.File("state/quarantine"));
    EXPECT_TRUE(q.ok());
    parts.quarantine = std::move(*q);
    auto feed = Feed::Open(std::move(parts), Me(), registry_);
    EXPECT_TRUE(feed.ok()) << feed.status().ToString();
    return feed.ok() ? std::move(*feed) : nullptr;
  }

  Taken::What Take(Feed& feed, std::uint64_t sequence, const Bytes& record) {
    auto taken = feed.Take(sequence, record);
    EXPECT_TRUE(taken.ok()) << taken.status().ToString();
    return taken.ok() ? taken->what : Taken::What::kQuarantined;
  }

  // Every object id in every published bundle file, in file-name order.
  std::vector<std::string> PublishedIds() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_.File("feed"))) {
      names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> ids;
    for (const auto& name : names) {
      EXPECT_EQ(name[0], 'c') << "unexpected file " << name;
      auto text = files::Read(dir_.File("feed/" + name));
      rapidjson::Document doc;
      EXPECT_OK(json::Parse(*text, &doc));
      for (const auto& o : doc["objects"].GetArray()) ids.push_back(o["id"].GetString());
    }
    return ids;
  }

  static std::vector<std::string> IdsOf(std::initializer_list<int> ns) {
    std::vector<std::string> ids;
    for (int n : ns) ids.push_back("incident--" + Uuid(n));
    return ids;
  }

  TempDir dir_;
  identity::Registry registry_;
  std::map<std::string, std::unique_ptr<identity::Identity>> ids_;
};

TEST_F(FeedTest, NothingIsAcknowledgedBeforeItsFileIsCommitted) {
  auto feed = OpenDirectoryFeed(/*roll_count=*/2);
  EXPECT_EQ(Take(*feed, 4, Record(1)), Taken::What::kWritten);
  EXPECT_EQ(feed->DoneThrough(), 3u);  // 4 is only in the file being assembled
  EXPECT_EQ(Take(*feed, 7, Record(2)), Taken::What::kWritten);
  EXPECT_EQ(feed->DoneThrough(), 3u);
  ASSERT_TRUE(feed->CommitDue(OutputClock::now()));
  ASSERT_OK(feed->Commit());
  EXPECT_EQ(feed->DoneThrough(), 7u);
  EXPECT_EQ(PublishedIds(), IdsOf({1, 2}));
}

TEST_F(FeedTest, ACrashBetweenWritingAndAcknowledgingOutputsNothingTwice) {
  {
    auto feed = OpenDirectoryFeed(2);
    EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
    EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kWritten);
    ASSERT_OK(feed->Commit());
    EXPECT_EQ(Take(*feed, 3, Record(3)), Taken::What::kWritten);  // never committed
    // The process dies here: nothing was acknowledged.
  }
  // The broker delivers everything again after the last acknowledgement.
  auto feed = OpenDirectoryFeed(2);
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kDuplicate);
  EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kDuplicate);
  EXPECT_EQ(feed->DoneThrough(), 2u);
  EXPECT_EQ(Take(*feed, 3, Record(3)), Taken::What::kWritten);
  EXPECT_EQ(Take(*feed, 4, Record(4)), Taken::What::kWritten);
  ASSERT_OK(feed->Commit());
  EXPECT_EQ(feed->DoneThrough(), 4u);
  EXPECT_EQ(PublishedIds(), IdsOf({1, 2, 3, 4}));
}

TEST_F(FeedTest, ACrashInsideTheCommitIsFinishedOnTheNextStart) {
  {
    FaultFileEnv killed;
    killed.FailPublish(Status(ErrorCode::kInternal, "killed"));
    auto feed = OpenDirectoryFeed(2, &killed);
    EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
    EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kWritten);
    EXPECT_EQ(feed->Commit().code(), ErrorCode::kInternal);  // after the journal
    EXPECT_EQ(feed->DoneThrough(), 0u);
  }
  auto feed = OpenDirectoryFeed(2);
  EXPECT_EQ(PublishedIds(), IdsOf({1, 2}));  // renamed by recovery
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kDuplicate);
  EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kDuplicate);
  EXPECT_EQ(feed->DoneThrough(), 2u);
  EXPECT_EQ(PublishedIds(), IdsOf({1, 2}));
}

TEST_F(FeedTest, ARecordDeliveredAgainWithinARunIsSkipped) {
  auto feed = OpenDirectoryFeed(10);
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
  EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kWritten);
  // Subscribed again from the last acknowledgement: 1 and 2 come again
  // while still in the file being assembled.
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kDuplicate);
  EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kDuplicate);
  ASSERT_OK(feed->Commit());
  EXPECT_EQ(PublishedIds(), IdsOf({1, 2}));
}

TEST_F(FeedTest, AFailingRecordIsQuarantinedAcknowledgedAndNeverOutput) {
  auto feed = OpenDirectoryFeed(10);
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
  ASSERT_OK(feed->Commit());
  auto taken = feed->Take(2, ForgedRecord(2));
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kQuarantined);
  EXPECT_EQ(taken->why.code(), ErrorCode::kInvalidStix);
  EXPECT_NE(taken->why.message().find("is not what the signed header names"), std::string::npos);
  EXPECT_EQ(feed->DoneThrough(), 2u);

  Bytes tampered = Record(3);
  tampered[tampered.size() - 1] ^= 1;  // the signature
  taken = feed->Take(3, tampered);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->what, Taken::What::kQuarantined);
  EXPECT_EQ(taken->why.code(), ErrorCode::kBadSignature);

  ASSERT_OK(feed->Commit());
  EXPECT_EQ(PublishedIds(), IdsOf({1}));
  // Both in the quarantine, each as bytes and reason.
  std::vector<std::string> reasons;
  for (const auto& e : fs::directory_iterator(dir_.File("state/quarantine"))) {
    if (e.path().extension() == ".json") reasons.push_back(*files::Read(e.path()));
  }
  ASSERT_EQ(reasons.size(), 2u);
  std::sort(reasons.begin(), reasons.end());
  EXPECT_NE(reasons[0].find("\"error\":\"INVALID_STIX\""), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[0].find("\"claimed\""), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[1].find("\"error\":\"BAD_SIGNATURE\""), std::string::npos) << reasons[1];
}

TEST_F(FeedTest, JsonLinesAreWrittenOnceAcrossARestart) {
  const std::string out_path = dir_.File("out.jsonl");
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  {
    FeedParts parts;
    parts.output = std::make_unique<JsonLinesOutput>(fd, "a file");
    auto feed = OpenWith(std::move(parts));
    EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
    ASSERT_OK(feed->Commit());
    // Not acknowledged: the process dies.
  }
  {
    FeedParts parts;
    parts.output = std::make_unique<JsonLinesOutput>(fd, "a file");
    auto feed = OpenWith(std::move(parts));
    EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kDuplicate);
    EXPECT_EQ(Take(*feed, 2, Record(2)), Taken::What::kWritten);
    ASSERT_OK(feed->Commit());
  }
  ::close(fd);
  std::string text = *files::Read(out_path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find(R"("sequence":1,)"), std::string::npos);
  EXPECT_NE(text.find(R"("sequence":2,)"), std::string::npos);
}

TEST_F(FeedTest, AFailingCommandLeavesItsRecordUnacknowledged) {
  ExecOutputOptions options;
  options.command = "exit 1";
  options.retries = 1;
  options.sleep = [](std::chrono::milliseconds) {};
  options.warn = [](const std::string&) {};
  FeedParts parts;
  parts.output = std::make_unique<ExecOutput>(options);
  auto feed = OpenWith(std::move(parts));
  auto taken = feed->Take(5, Record(5));
  EXPECT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(feed->DoneThrough(), 0u);
}

TEST_F(FeedTest, ACommandThatSucceedsIsNotRunAgainForARedeliveredRecord) {
  const std::string log = dir_.File("ran");
  auto open = [&] {
    ExecOutputOptions options;
    options.command = "cat >> '" + log + "'";
    FeedParts parts;
    parts.output = std::make_unique<ExecOutput>(options);
    return OpenWith(std::move(parts));
  };
  {
    auto feed = open();
    EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kWritten);
    ASSERT_OK(feed->Commit());
  }
  auto feed = open();
  EXPECT_EQ(Take(*feed, 1, Record(1)), Taken::What::kDuplicate);
  std::string text = *files::Read(log);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

}  // namespace
}  // namespace certshare::agent
