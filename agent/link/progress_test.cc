// agent::FormatProgress and ProgressBar: what a terminal shows while a
// large bundle is published, and nothing at all when it is not a terminal.
#include "agent/link/progress.h"

#include <sstream>

#include "common/base/testing.h"

namespace certshare::testing {
namespace {

using std::chrono::milliseconds;

TEST(ProgressTest, ShowsCountPercentageRateAndRemainingTime) {
  std::string line = agent::FormatProgress(4210, 10000, milliseconds(2000), 10);
  EXPECT_EQ(line, "[####------]  4210/10000  42%  2105/s  ETA 0:03");
}

TEST(ProgressTest, NoRateBeforeASecondOrBeforeAnything) {
  EXPECT_EQ(agent::FormatProgress(0, 100, milliseconds(5000), 4), "[----]  0/100  0%");
  EXPECT_EQ(agent::FormatProgress(10, 100, milliseconds(500), 4), "[----]  10/100  10%");
}

TEST(ProgressTest, LongEtasHaveHours) {
  std::string line = agent::FormatProgress(1, 10000, milliseconds(1000), 4);
  EXPECT_NE(line.find("ETA 2:46:39"), std::string::npos) << line;
}

TEST(ProgressTest, CompleteAndOverfull) {
  EXPECT_EQ(agent::FormatProgress(12, 10, milliseconds(0), 4), "[####]  10/10  100%");
  EXPECT_EQ(agent::FormatProgress(0, 0, milliseconds(0), 4), "[####]  0/0  100%");
}

TEST(ProgressTest, ADisabledBarWritesNothing) {
  std::ostringstream out;
  {
    agent::ProgressBar bar(out, "publishing", 10, false);
    bar.Update(5);
    bar.Finish();
  }
  EXPECT_TRUE(out.str().empty());
}

TEST(ProgressTest, AnEnabledBarRedrawsInPlaceAndClearsAtTheEnd) {
  std::ostringstream out;
  agent::ProgressBar bar(out, "publishing", 10, true);
  bar.Update(10);
  bar.Finish();
  EXPECT_NE(out.str().find("\r\033[Kpublishing ["), std::string::npos);
  EXPECT_NE(out.str().find("10/10"), std::string::npos);
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\033[K");
}

}  // namespace
}  // namespace certshare::testing
