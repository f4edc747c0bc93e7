// The subscriber session (agent/receive/subscriber_session.h) driven
// directly against an in-process broker: a durable feed into a directory of
// bundle files, and the subscriber killed between writing a file and
// acknowledging its records. What a crash can do there is the reason for
// the seen store (agent/receive/feed.h): the records come again and must
// not be output twice, and nothing may be lost. The kill is a wrapper
// around the output and the connection (no hook in the session): after
// the output's first commit that held records, nothing more reaches the
// disk or the broker, as after SIGKILL.
#include "agent/receive/subscriber_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/receive/directory_output.h"
#include "agent/receive/open_feed.h"
#include "agent/receive/quarantine.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "storage/seen_store.h"
#include "tests/broker_fixture.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;
constexpr auto kWait = milliseconds(10000);

Status Killed() { return Status(ErrorCode::kInternal, "the subscriber was killed (test)"); }

// An output that dies right after its first commit that held records: the
// commit is complete (the file is in place and the seen store holds the
// records' keys), and every later call fails, so nothing more is written.
class KilledAfterFirstCommit : public agent::Output {
 public:
  explicit KilledAfterFirstCommit(std::unique_ptr<agent::Output> output)
      : output_(std::move(output)) {}
  bool killed() const { return killed_; }

  Status Recover(const std::vector<std::string>& redo) override {
    return output_->Recover(redo);
  }
  bool Fits(const agent::Verified& record) const override { return output_->Fits(record); }
  Status Write(const agent::Verified& record) override {
    if (killed_) return Killed();
    ++written_;
    return output_->Write(record);
  }
  bool CommitDue(agent::OutputClock::time_point now) const override {
    return output_->CommitDue(now);
  }
  std::optional<agent::OutputClock::time_point> CommitDeadline() const override {
    return output_->CommitDeadline();
  }
  Status Commit(const agent::Journal& journal) override {
    if (killed_) return Killed();
    CERTSHARE_RETURN_IF_ERROR(output_->Commit(journal));
    killed_ = written_ > 0;
    written_ = 0;
    return Status::Ok();
  }
  std::string Describe() const override { return output_->Describe(); }

 private:
  std::unique_ptr<agent::Output> output_;
  std::size_t written_ = 0;
  bool killed_ = false;
};

// The broker connection of the same subscriber: once the output is dead,
// nothing more reaches the broker (in particular not the acknowledgement
// of what was just committed).
class KilledConnection : public agent::SubscriberConnection {
 public:
  KilledConnection(agent::BrokerClient& client, const KilledAfterFirstCommit& output)
      : real_(client), output_(output) {}
  Result<wire::Message> Subscribe(const wire::SubscribeRequest& request,
                                  milliseconds timeout) override {
    if (output_.killed()) return Killed();
    return real_.Subscribe(request, timeout);
  }
  Status Acknowledge(std::uint64_t sequence, std::uint32_t credit) override {
    if (output_.killed()) return Killed();
    return real_.Acknowledge(sequence, credit);
  }
  Status Ping() override {
    if (output_.killed()) return Killed();
    return real_.Ping();
  }
  Result<agent::Received> Next(milliseconds timeout) override {
    if (output_.killed()) return Killed();
    return real_.Next(timeout);
  }

 private:
  agent::BrokerConnection real_;
  const KilledAfterFirstCommit& output_;
};

// The broker connection handing the session every message up to
// CAUGHT_UP back to back, as when the broker is ahead of the subscriber,
// or (`spaced`) with nothing coming after each DELIVER (the session's next
// wait times out); it records the
// credit each acknowledgement grants.
class RecordingConnection : public agent::SubscriberConnection {
 public:
  RecordingConnection(agent::BrokerClient& client, bool spaced) : real_(client), spaced_(spaced) {}
  const std::vector<std::uint32_t>& grants() const { return grants_; }

  Result<wire::Message> Subscribe(const wire::SubscribeRequest& request,
                                  milliseconds timeout) override {
    return real_.Subscribe(request, timeout);
  }
  Status Acknowledge(std::uint64_t sequence, std::uint32_t credit) override {
    if (credit > 0) grants_.push_back(credit);
    return real_.Acknowledge(sequence, credit);
  }
  Status Ping() override { return real_.Ping(); }
  Result<agent::Received> Next(milliseconds timeout) override {
    while (!filled_) {
      CERTSHARE_ASSIGN_OR_RETURN(agent::Received r, real_.Next(kWait));
      filled_ = r.msg.command == wire::Command::kCaughtUp;
      waiting_.push_back(std::move(r));
    }
    if (waiting_.empty()) return real_.Next(timeout);
    if (pause_) {
      pause_ = false;
      return Status(ErrorCode::kTimeout, "nothing waiting (test)");
    }
    agent::Received next = std::move(waiting_.front());
    waiting_.pop_front();
    pause_ = spaced_ && next.msg.command == wire::Command::kDeliver;
    return next;
  }

 private:
  agent::BrokerConnection real_;
  const bool spaced_;
  bool filled_ = false;
  bool pause_ = false;
  std::deque<agent::Received> waiting_;
  std::vector<std::uint32_t> grants_;
};

class SubscriberSessionTest : public BrokerFixture {
 protected:
  // CERT-EE publishes `n` new TLP:AMBER incidents to CERT-UA.
  void Publish(int n) {
    auto ee = Connect("CERT-EE");
    for (int i = 0; i < n; ++i) {
      char uuid[40];
      std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", ++published_);
      published_ids_.push_back("incident--" + std::string(uuid));
      auto ack = ee->Publish(Record("CERT-EE", {"CERT-UA"}, Tlp::kAmber, uuid), kWait);
      ASSERT_TRUE(ack.ok()) << ack.status().ToString();
    }
  }

  // `certshare subscribe --name dir-feed --output-dir FEED --roll-count 2`.
  agent::FeedOptions FeedOptions() const {
    agent::FeedOptions options;
    options.output_dir = feed_dir_;
    options.roll_count = 2;
    options.state_dir = state_dir_;
    return options;
  }
  static wire::SubscribeRequest Request() {
    wire::SubscribeRequest request;
    request.name = "dir-feed";
    request.start = wire::StartKind::kResume;
    request.credit = 256;
    return request;
  }

  // Subscribes as CERT-UA; SUBSCRIPTION_HELD is retried for a while (the
  // broker may not yet have seen a killed subscriber's connection close).
  wire::Message Subscribe(agent::BrokerClient& client) {
    Result<wire::Message> subscribed = Status(ErrorCode::kInternal, "not subscribed");
    EXPECT_TRUE(WaitFor([&] {
      subscribed = client.Subscribe(Request(), kWait);
      return subscribed.ok() || subscribed.status().code() != ErrorCode::kSubscriptionHeld;
    }));
    EXPECT_TRUE(subscribed.ok()) << subscribed.status().ToString();
    return subscribed.ok() ? *subscribed : wire::Message{};
  }

  // One run with --until-caught-up --timeout 30 on `connection`; what it
  // said is appended to said_.
  agent::SessionEnd Run(agent::SubscriberConnection& connection,
                        const wire::Message& subscribed, agent::Feed& feed) {
    agent::SessionOptions options;
    options.until_caught_up = true;
    options.timeout_seconds = 30;
    options.say = [this](const std::string& line) { said_ += line + "\n"; };
    return agent::RunSubscriberSession(connection, Request(), subscribed, feed, options);
  }

  // A normal run, as `certshare subscribe` makes it.
  agent::SessionEnd RunFeed() {
    auto opened = agent::OpenFeed(FeedOptions(), Id("CERT-UA"), registry_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return {};
    auto client = Connect("CERT-UA");
    wire::Message subscribed = Subscribe(*client);
    agent::BrokerConnection connection(*client);
    return Run(connection, subscribed, *opened->feed);
  }

  // The bundle files of the feed directory.
  std::vector<std::string> Files() const {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(feed_dir_)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // Every file is a valid bundle with each (id, version) once, and no
  // temporary file is left; the incident ids of all files, sorted (so a
  // duplicate across files shows).
  std::vector<std::string> BundledIds() const {
    std::vector<std::string> ids;
    for (const auto& entry : std::filesystem::directory_iterator(feed_dir_)) {
      const std::string name = entry.path().filename().string();
      EXPECT_NE(name[0], '.') << "a temporary file is left in the feed directory: " << name;
      auto text = files::Read(entry.path().string());
      EXPECT_TRUE(text.ok()) << text.status().ToString();
      if (!text.ok()) continue;
      rapidjson::Document bundle;
      EXPECT_TRUE(json::Parse(*text, &bundle).ok()) << name;
      std::string type, id;
      EXPECT_TRUE(json::GetString(bundle, "type", &type) && type == "bundle") << name;
      EXPECT_TRUE(json::GetString(bundle, "id", &id) && id.rfind("bundle--", 0) == 0) << name;
      const rapidjson::Value* objects = json::Member(bundle, "objects");
      if (objects == nullptr || !objects->IsArray()) {
        ADD_FAILURE() << name << " has no objects";
        continue;
      }
      std::vector<std::string> versions;
      for (const rapidjson::Value& o : objects->GetArray()) {
        std::string object_id, modified;
        json::GetString(o, "id", &object_id);
        json::GetString(o, "modified", &modified);
        versions.push_back(object_id + " " + modified);
        if (json::GetString(o, "type", &type) && type == "incident") ids.push_back(object_id);
      }
      std::sort(versions.begin(), versions.end());
      EXPECT_EQ(std::adjacent_find(versions.begin(), versions.end()), versions.end())
          << name << " holds an object version twice";
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::vector<std::string> PublishedIds() const {
    std::vector<std::string> ids = published_ids_;
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string feed_dir_ = dir_.File("feed");
  std::string state_dir_ = dir_.File("feed.state");
  int published_ = 0;
  std::vector<std::string> published_ids_;
  std::string said_;
};

// tests/subscribe_outputs_test.sh's feed, then the crash: records 6 and 7
// are in a file and the seen store when the subscriber dies, before the
// broker hears that they are done. The next run receives them again,
// skips them as already output, and writes the rest.
TEST_F(SubscriberSessionTest, ACrashBetweenWritingAFileAndAcknowledgingItLosesAndRepeatsNothing) {
  Publish(5);
  agent::SessionEnd first = RunFeed();
  EXPECT_EQ(first.why, agent::SessionEnd::Why::kDone) << first.status.ToString() << said_;
  ASSERT_EQ(Files().size(), 3u) << "5 records by 2 should make 3 files";
  EXPECT_EQ(std::filesystem::path(Files()[0]).filename(),
            "certshare-amber-000000000001-000000000002.json");
  EXPECT_EQ(BundledIds(), PublishedIds());
  // Resuming the durable subscription: nothing new, nothing again.
  EXPECT_EQ(RunFeed().why, agent::SessionEnd::Why::kDone) << said_;
  EXPECT_EQ(Files().size(), 3u) << "a resumed subscription wrote again";

  // The run that is killed: the feed as OpenFeed makes it, its output
  // wrapped.
  Publish(4);
  {
    agent::DirectoryOutputOptions options;
    options.dir = feed_dir_;
    options.roll_count = FeedOptions().roll_count;
    options.roll_seconds = std::chrono::seconds(FeedOptions().roll_seconds);
    auto output = agent::DirectoryOutput::Open(std::move(options));
    ASSERT_OK(output.status());
    auto killed = std::make_unique<KilledAfterFirstCommit>(std::move(*output));
    const KilledAfterFirstCommit& watch = *killed;
    agent::FeedParts parts;
    parts.output = std::move(killed);
    auto seen = storage::SeenStore::Open(state_dir_ + "/seen");
    ASSERT_OK(seen.status());
    parts.seen = std::move(*seen);
    auto quarantine = agent::Quarantine::Open(state_dir_ + "/quarantine");
    ASSERT_OK(quarantine.status());
    parts.quarantine = std::move(*quarantine);
    auto feed = agent::Feed::Open(std::move(parts), Id("CERT-UA"), registry_);
    ASSERT_OK(feed.status());
    auto client = Connect("CERT-UA");
    wire::Message subscribed = Subscribe(*client);
    KilledConnection connection(*client, watch);
    agent::SessionEnd end = Run(connection, subscribed, **feed);
    EXPECT_TRUE(watch.killed()) << "the output never committed records";
    EXPECT_NE(end.why, agent::SessionEnd::Why::kDone) << "the killed run ended normally";
  }
  EXPECT_EQ(Files().size(), 4u) << "the file before the crash is missing";

  said_.clear();
  agent::SessionEnd after = RunFeed();
  EXPECT_EQ(after.why, agent::SessionEnd::Why::kDone) << after.status.ToString() << said_;
  EXPECT_NE(said_.find("was already output; skipped"), std::string::npos) << said_;
  EXPECT_EQ(BundledIds(), PublishedIds()) << "after the crash the feed lost or repeated records";
}

// Credit comes back in quarters of the window while records wait (two
// frames for the broker per 64 records at credit 256, not two per record),
// and for a record with nothing behind it once the wait for more times out;
// either way the cursor ends after the last record output.
TEST_F(SubscriberSessionTest, CreditIsGrantedPerQuarterWindowInABurstAndAtOnceWhenNothingWaits) {
  Publish(100);
  for (bool spaced : {false, true}) {
    SCOPED_TRACE(spaced ? "one record at a time" : "a burst");
    std::filesystem::remove_all(feed_dir_);
    std::filesystem::remove_all(state_dir_);
    auto opened = agent::OpenFeed(FeedOptions(), Id("CERT-UA"), registry_);
    ASSERT_OK(opened.status());
    auto client = Connect("CERT-UA");
    wire::SubscribeRequest request = Request();
    request.start = wire::StartKind::kSequence;
    request.start_value = 1;
    // The previous run's connection may still hold the subscription.
    Result<wire::Message> subscribed = Status(ErrorCode::kInternal, "not subscribed");
    ASSERT_TRUE(WaitFor([&] {
      subscribed = client->Subscribe(request, kWait);
      return subscribed.ok() || subscribed.status().code() != ErrorCode::kSubscriptionHeld;
    }));
    ASSERT_OK(subscribed.status());
    RecordingConnection connection(*client, spaced);
    agent::SessionOptions options;
    options.until_caught_up = true;
    options.timeout_seconds = 30;
    options.say = [this](const std::string& line) { said_ += line + "\n"; };
    agent::SessionEnd end =
        agent::RunSubscriberSession(connection, request, *subscribed, *opened->feed, options);
    EXPECT_EQ(end.why, agent::SessionEnd::Why::kDone) << end.status.ToString() << said_;
    EXPECT_EQ(end.passed, 100u);
    if (spaced) {
      EXPECT_EQ(connection.grants(), std::vector<std::uint32_t>(100, 1));
    } else {
      // 100 records: one grant at 64; the last 36 are owed when CAUGHT_UP
      // ends the session.
      EXPECT_EQ(connection.grants(), std::vector<std::uint32_t>{64});
    }
    EXPECT_EQ(BundledIds(), PublishedIds());
  }
  // The last run's final acknowledgement moved the durable cursor to the
  // end: resuming is given nothing, not even records already output.
  said_.clear();
  EXPECT_EQ(RunFeed().why, agent::SessionEnd::Why::kDone) << said_;
  EXPECT_EQ(said_.find("already output"), std::string::npos) << said_;
}

}  // namespace
}  // namespace certshare::testing
