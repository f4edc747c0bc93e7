// IngestPipeline against a real log: what one record's problem costs the
// other records of its group commit (issue 10: nothing).
#include "broker/ingest_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "common/base/testing.h"
#include "storage/log.h"

namespace certshare::broker {
namespace {

using certshare::testing::TempDir;
using certshare::testing::WaitFor;

constexpr int kJobs = 300;
constexpr int kOversizedEvery = 7;

std::string Body(int i) {
  return (i % kOversizedEvery == 3 ? "oversized-" : "good-") + std::to_string(i);
}

// A check that breaks its contract for "oversized-*" records: it gives them
// a dedupe key longer than the log can store. The first record's check
// waits until every other record is checked, so that the committer finds
// all of them ready at once and puts them in one group commit.
IngestPipeline::CheckFn KeyByBody(std::atomic<int>* checked) {
  return [checked](IngestJob& job) {
    const std::string body(AsChars(job.record));
    if (body == Body(0)) {
      EXPECT_TRUE(WaitFor([checked] { return checked->load() == kJobs - 1; }));
    } else {
      ++*checked;
    }
    job.dedupe_key = body.starts_with("oversized")
                         ? std::string(storage::kMaxKeyLength + 1, 'k')
                         : body;
    job.object_id = body;
    job.version_key = "2026-01-01T00:00:00.000000000Z";
    return Status::Ok();
  };
}

TEST(IngestPipelineTest, ARecordTheLogRefusesFailsAloneNotItsGroupCommit) {
  TempDir dir;
  auto log = storage::Log::Open(dir.File("log"));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::atomic<int> checked{0};
  IngestOptions options;
  options.workers = 2;
  {
    IngestPipeline pipeline(log->get(), KeyByBody(&checked), [] {}, nullptr, options);
    for (int i = 0; i < kJobs; ++i) {
      IngestJob job;
      job.org = "CERT-EE";
      job.correlation = static_cast<std::uint64_t>(i);
      const std::string body = Body(i);
      job.record.assign(body.begin(), body.end());
      pipeline.Submit(std::move(job));
    }
    pipeline.Drain();
    std::vector<IngestJob> done;
    pipeline.TakeCompleted(&done);
    ASSERT_EQ(done.size(), static_cast<std::size_t>(kJobs));

    std::uint64_t next_sequence = 1;
    for (int i = 0; i < kJobs; ++i) {
      const IngestJob& job = done[i];
      EXPECT_EQ(job.correlation, static_cast<std::uint64_t>(i));  // arrival order
      if (Body(i).starts_with("oversized")) {
        EXPECT_EQ(job.status.code(), ErrorCode::kInternal) << job.status.ToString();
        EXPECT_NE(job.status.message().find("dedupe key of 65536 bytes"), std::string::npos)
            << job.status.ToString();
        continue;
      }
      ASSERT_TRUE(job.status.ok()) << Body(i) << ": " << job.status.ToString();
      EXPECT_EQ(job.stored.sequence, next_sequence++);
      EXPECT_FALSE(job.stored.duplicate);
    }
  }
  std::uint64_t good = 0;
  for (int i = 0; i < kJobs; ++i) good += Body(i).starts_with("good") ? 1 : 0;
  EXPECT_EQ((*log)->LastSequence(), good);
  auto first = (*log)->Read(1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(std::string(AsChars(*first)), Body(0));
}

}  // namespace
}  // namespace certshare::broker
