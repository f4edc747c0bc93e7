// The --exec output: the record on the command's standard input, success
// on exit 0, reruns with backoff, then a clear failure; a clean
// environment.
#include "agent/receive/exec_output.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include "common/base/file_util.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

using certshare::testing::TempDir;
using std::chrono::milliseconds;

Verified Record(std::uint64_t sequence) {
  Verified v;
  v.sequence = sequence;
  v.origin = "CERT-EE";
  v.tlp = "amber";
  v.type = "incident";
  v.id = "incident--00000000-0000-4000-8000-000000000001";
  v.modified = "2026-11-01T10:00:00.000Z";
  v.line = R"({"sequence":)" + std::to_string(sequence) + R"(,"origin":"CERT-EE"})";
  return v;
}

class ExecOutputTest : public ::testing::Test {
 protected:
  ExecOutput Make(const std::string& command, int retries = 3) {
    ExecOutputOptions options;
    options.command = command;
    options.retries = retries;
    options.sleep = [this](milliseconds d) { waits_.push_back(d); };
    options.warn = [this](const std::string& w) { warnings_.push_back(w); };
    return ExecOutput(std::move(options));
  }
  std::string Path(const std::string& name) { return dir_.File(name); }
  std::string Read(const std::string& name) {
    auto text = files::Read(Path(name));
    return text.ok() ? *text : "<missing>";
  }
  TempDir dir_;
  std::vector<milliseconds> waits_;
  std::vector<std::string> warnings_;
};

TEST_F(ExecOutputTest, TheCommandReceivesTheLineOnItsStandardInput) {
  ExecOutput out = Make("cat >> '" + Path("got") + "'");
  ASSERT_OK(out.Write(Record(1)));
  ASSERT_OK(out.Write(Record(2)));
  EXPECT_EQ(Read("got"), Record(1).line + "\n" + Record(2).line + "\n");
  EXPECT_TRUE(waits_.empty());
}

TEST_F(ExecOutputTest, AFailureIsRunAgainWithBackoffUntilItSucceeds) {
  // Fails on its first run, succeeds on the second.
  std::string script = "if [ -e '" + Path("ran") + "' ]; then cat > '" + Path("got") +
                       "'; else touch '" + Path("ran") + "'; exit 7; fi";
  ExecOutput out = Make(script);
  ASSERT_OK(out.Write(Record(3)));
  EXPECT_EQ(Read("got"), Record(3).line + "\n");
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(1000)}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("exit status 7"), std::string::npos) << warnings_[0];
}

TEST_F(ExecOutputTest, GivesUpAfterTheRetriesWithAClearError) {
  ExecOutput out = Make("echo run >> '" + Path("runs") + "'; exit 3", /*retries=*/3);
  Status s = out.Write(Record(4));
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.message().find("failed for record 4"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("4 times"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("exit status 3"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("not acknowledged"), std::string::npos) << s.ToString();
  EXPECT_EQ(Read("runs"), "run\nrun\nrun\nrun\n");
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000),
                                               milliseconds(4000)}));
}

TEST_F(ExecOutputTest, AKilledCommandIsAFailure) {
  ExecOutput out = Make("kill -9 $$", /*retries=*/0);
  Status s = out.Write(Record(5));
  EXPECT_NE(s.message().find("killed by signal 9"), std::string::npos) << s.ToString();
}

TEST_F(ExecOutputTest, ACommandThatIgnoresItsInputIsJudgedByItsExitStatus) {
  ExecOutput out = Make("exit 0");
  Verified big = Record(6);
  big.line.assign(1 << 20, 'x');  // far more than a pipe holds
  ASSERT_OK(out.Write(big));
}

TEST_F(ExecOutputTest, TheEnvironmentHoldsTheRecordAndNoSecrets) {
  ::setenv("CERTSHARE_PASSPHRASE", "correct horse battery staple", 1);
  ::setenv("CERTSHARE_IDENTITY", "/etc/certshare/CERT-UA.secret.json", 1);
  ExecOutput out = Make("env > '" + Path("env") + "'");
  ASSERT_OK(out.Write(Record(7)));
  ::unsetenv("CERTSHARE_PASSPHRASE");
  ::unsetenv("CERTSHARE_IDENTITY");
  std::string env = Read("env");
  EXPECT_NE(env.find("CERTSHARE_SEQUENCE=7\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CERTSHARE_ORIGIN=CERT-EE\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CERTSHARE_ID=incident--00000000-0000-4000-8000-000000000001\n"),
            std::string::npos);
  EXPECT_NE(env.find("PATH="), std::string::npos);
  EXPECT_EQ(env.find("battery"), std::string::npos) << env;
  EXPECT_EQ(env.find("secret.json"), std::string::npos) << env;
}

TEST_F(ExecOutputTest, TheCommandInheritsNoOtherFileDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // not close-on-exec on purpose
  ExecOutput out = Make("ls /proc/self/fd > '" + Path("fds") + "'");
  ASSERT_OK(out.Write(Record(8)));
  ::close(fds[0]);
  ::close(fds[1]);
  // 0, 1, 2 and the one ls opens to list the directory.
  std::string listed = Read("fds");
  EXPECT_EQ(std::count(listed.begin(), listed.end(), '\n'), 4) << listed;
}

}  // namespace
}  // namespace certshare::agent
