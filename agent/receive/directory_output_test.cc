// The directory output: valid bundle files, rolled by count and time,
// published atomically, recovered after a crash inside a commit.
#include "agent/receive/directory_output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>

#include "agent/receive/fault_file_env.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"
#include "common/crypto/keys.h"

namespace certshare::agent {
namespace {

using certshare::testing::TempDir;
namespace fs = std::filesystem;

std::string Incident(int n, const std::string& name = "Phishing wave") {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", n);
  return std::string(R"({"type":"incident","spec_version":"2.1","id":"incident--)") + uuid +
         R"(","created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
         R"("name":")" + name + R"("})";
}

Verified Record(std::uint64_t sequence, const std::string& object,
                const std::string& tlp = "amber") {
  Verified v;
  v.sequence = sequence;
  v.origin = "CERT-EE";
  v.tlp = tlp;
  v.object = object;
  v.dedupe_key = "CERT-EE\n" + std::to_string(sequence);
  v.line = "{}";
  return v;
}

std::string BundleOf(const std::vector<std::string>& objects) {
  std::string out = R"({"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000999","objects":[)";
  for (std::size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

// Every regular file in `dir`, by name.
std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// The ids of the objects of a bundle file (checks it is a bundle).
std::vector<std::string> IdsIn(const std::string& path) {
  auto text = files::Read(path);
  EXPECT_TRUE(text.ok());
  rapidjson::Document doc;
  EXPECT_OK(json::Parse(*text, &doc));
  std::vector<std::string> ids;
  EXPECT_EQ(std::string(doc["type"].GetString()), "bundle");
  EXPECT_EQ(std::string(doc["id"].GetString()).rfind("bundle--", 0), 0u);
  for (const auto& o : doc["objects"].GetArray()) ids.push_back(o["id"].GetString());
  return ids;
}

Journal Accept(std::vector<std::string>* redo) {
  return [redo](std::string_view r) {
    redo->emplace_back(r);
    return Status::Ok();
  };
}

class DirectoryOutputTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(crypto::Init()); }
  std::unique_ptr<DirectoryOutput> Open(std::size_t roll_count = 3, int roll_seconds = 0) {
    DirectoryOutputOptions options;
    options.dir = dir_.File("feed");
    options.roll_count = roll_count;
    options.roll_seconds = std::chrono::seconds(roll_seconds);
    options.env = &env_;
    auto out = DirectoryOutput::Open(options);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? std::move(*out) : nullptr;
  }
  FaultFileEnv env_;  // outlives every output a test opens
  TempDir dir_;
};

TEST_F(DirectoryOutputTest, RollsByCountIntoAtomicallyPublishedBundles) {
  auto out = Open(/*roll_count=*/2);
  ASSERT_OK(out->Recover({}));
  auto now = OutputClock::now();
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  EXPECT_FALSE(out->CommitDue(now));
  ASSERT_OK(out->Write(Record(2, Incident(2))));
  EXPECT_TRUE(out->CommitDue(now));
  std::vector<std::string> redo;
  ASSERT_OK(out->Commit(Accept(&redo)));
  ASSERT_EQ(redo.size(), 1u);
  EXPECT_EQ(redo[0], "dir-rename\tcertshare-amber-000000000001-000000000002.json");
  // Only the published file: no temporary left behind.
  EXPECT_EQ(Files(dir_.File("feed")),
            (std::vector<std::string>{"certshare-amber-000000000001-000000000002.json"}));
  EXPECT_EQ(IdsIn(dir_.File("feed/certshare-amber-000000000001-000000000002.json")),
            (std::vector<std::string>{"incident--00000000-0000-4000-8000-000000000001",
                                      "incident--00000000-0000-4000-8000-000000000002"}));
  EXPECT_EQ(fs::status(dir_.File("feed/certshare-amber-000000000001-000000000002.json"))
                    .permissions() &
                fs::perms::others_all,
            fs::perms::none);
  // The next batch starts a new file.
  EXPECT_FALSE(out->CommitDue(now));
  ASSERT_OK(out->Write(Record(5, Incident(5))));
  ASSERT_OK(out->Commit(Accept(&redo)));
  EXPECT_EQ(Files(dir_.File("feed")).size(), 2u);
}

TEST_F(DirectoryOutputTest, RollsByTimeFromTheFirstRecord) {
  auto out = Open(/*roll_count=*/1000, /*roll_seconds=*/30);
  EXPECT_FALSE(out->CommitDeadline().has_value());
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  auto deadline = out->CommitDeadline();
  ASSERT_TRUE(deadline.has_value());
  EXPECT_FALSE(out->CommitDue(*deadline - std::chrono::seconds(1)));
  EXPECT_TRUE(out->CommitDue(*deadline));
}

TEST_F(DirectoryOutputTest, FlattensBundlesAndKeepsEachVersionOncePerFile) {
  auto out = Open();
  ASSERT_OK(out->Write(Record(1, BundleOf({Incident(1), Incident(2)}))));
  ASSERT_OK(out->Write(Record(2, Incident(2))));  // the same version again
  ASSERT_OK(out->Write(Record(3, BundleOf({Incident(3), Incident(1)}))));
  std::vector<std::string> redo;
  ASSERT_OK(out->Commit(Accept(&redo)));
  auto files = Files(dir_.File("feed"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(IdsIn(dir_.File("feed/" + files[0])),
            (std::vector<std::string>{"incident--00000000-0000-4000-8000-000000000001",
                                      "incident--00000000-0000-4000-8000-000000000002",
                                      "incident--00000000-0000-4000-8000-000000000003"}));
}

TEST_F(DirectoryOutputTest, AConflictingVersionOrAnotherTlpNeedsANewFile) {
  auto out = Open(10);
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  EXPECT_TRUE(out->Fits(Record(2, Incident(1))));                   // same object
  EXPECT_FALSE(out->Fits(Record(2, Incident(1, "Changed name"))));  // same version, different
  EXPECT_FALSE(out->Fits(Record(2, Incident(2), "red")));
  EXPECT_TRUE(out->Fits(Record(2, Incident(2))));
}

TEST_F(DirectoryOutputTest, NothingWrittenWhenTheJournalFails) {
  auto out = Open();
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  Status s = out->Commit([](std::string_view) { return Status(ErrorCode::kIoError, "disk"); });
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_TRUE(Files(dir_.File("feed")).empty());
}

TEST_F(DirectoryOutputTest, NothingJournaledWhenTheFileCannotBeWritten) {
  env_.FailWriteTemporary(Status(ErrorCode::kDiskFull, "no space"));
  auto out = Open();
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  std::vector<std::string> redo;
  EXPECT_EQ(out->Commit(Accept(&redo)).code(), ErrorCode::kDiskFull);
  EXPECT_TRUE(redo.empty());
  EXPECT_TRUE(Files(dir_.File("feed")).empty());
}

TEST_F(DirectoryOutputTest, RecoverFinishesACommitInterruptedBeforeTheRename) {
  env_.FailPublish(Status(ErrorCode::kInternal, "crash before the rename"));
  std::vector<std::string> redo;
  {
    auto out = Open();
    ASSERT_OK(out->Write(Record(1, Incident(1))));
    ASSERT_OK(out->Write(Record(2, Incident(2))));
    EXPECT_EQ(out->Commit(Accept(&redo)).code(), ErrorCode::kInternal);
  }
  ASSERT_EQ(redo.size(), 1u);
  // Journaled, not yet visible: only the dot file is there.
  EXPECT_EQ(Files(dir_.File("feed")),
            (std::vector<std::string>{".certshare-amber-000000000001-000000000002.json.tmp"}));
  env_.FailPublish(Status::Ok());
  auto out = Open();
  ASSERT_OK(out->Recover(redo));
  EXPECT_EQ(Files(dir_.File("feed")),
            (std::vector<std::string>{"certshare-amber-000000000001-000000000002.json"}));
  EXPECT_EQ(IdsIn(dir_.File("feed/certshare-amber-000000000001-000000000002.json")).size(), 2u);
  // Finishing it again (the redo was not cleared before a second crash) is
  // harmless.
  ASSERT_OK(out->Recover(redo));
  EXPECT_EQ(Files(dir_.File("feed")).size(), 1u);
}

TEST_F(DirectoryOutputTest, RecoverRemovesTemporaryFilesNoJournalNames) {
  ASSERT_OK(files::MakeDirs(dir_.File("feed")));
  ASSERT_OK(files::WriteNew(dir_.File("feed/.certshare-amber-000000000007-000000000009.json.tmp"),
                            "{", 0600));
  ASSERT_OK(files::WriteNew(dir_.File("feed/someone-elses.json"), "{}", 0600));
  auto out = Open();
  ASSERT_OK(out->Recover({}));
  EXPECT_EQ(Files(dir_.File("feed")), (std::vector<std::string>{"someone-elses.json"}));
  EXPECT_EQ(out->Recover({"other-kind\tx"}).code(), ErrorCode::kInvalidConfig);
}

TEST_F(DirectoryOutputTest, NeverReplacesAFileWithTheSameName) {
  ASSERT_OK(files::MakeDirs(dir_.File("feed")));
  ASSERT_OK(files::WriteNew(dir_.File("feed/certshare-amber-000000000001-000000000001.json"),
                            "theirs", 0600));
  auto out = Open();
  ASSERT_OK(out->Write(Record(1, Incident(1))));
  std::vector<std::string> redo;
  ASSERT_OK(out->Commit(Accept(&redo)));
  EXPECT_EQ(*files::Read(dir_.File("feed/certshare-amber-000000000001-000000000001.json")),
            "theirs");
  EXPECT_EQ(IdsIn(dir_.File("feed/certshare-amber-000000000001-000000000001-2.json")).size(),
            1u);
}

}  // namespace
}  // namespace certshare::agent
