#include "agent/receive/exec_output.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

namespace certshare::agent {

namespace {

// What the command may see of certshare's environment: what a shell
// command needs to find programs and read text, nothing else.
constexpr const char* kPassedThrough[] = {"PATH", "HOME", "USER",  "LOGNAME", "LANG",
                                          "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"};

std::vector<std::string> Environment(const Verified& record) {
  std::vector<std::string> env;
  for (const char* name : kPassedThrough) {
    const char* value = std::getenv(name);
    if (value != nullptr) env.push_back(std::string(name) + "=" + value);
  }
  if (std::getenv("PATH") == nullptr) env.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  env.push_back("CERTSHARE_SEQUENCE=" + std::to_string(record.sequence));
  env.push_back("CERTSHARE_ORIGIN=" + record.origin);
  env.push_back("CERTSHARE_TLP=" + record.tlp);
  env.push_back("CERTSHARE_TYPE=" + record.type);
  env.push_back("CERTSHARE_ID=" + record.id);
  env.push_back("CERTSHARE_MODIFIED=" + record.modified);
  return env;
}

Status SystemError(std::string_view what) {
  return Status(ErrorCode::kIoError, std::string(what) + ": " + std::strerror(errno));
}

// Writes everything, or stops quietly when the command closed its input
// (EPIPE: it did not want more; its exit status decides).
Status FeedInput(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return Status::Ok();
      return SystemError("writing the record to the command");
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

std::string DescribeWait(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

std::string Seconds(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

ExecOutput::ExecOutput(ExecOutputOptions options) : options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  if (!options_.warn) {
    options_.warn = [](const std::string& text) { std::cerr << "certshare: " << text << "\n"; };
  }
  // A command that exits without reading its input must not kill certshare
  // with SIGPIPE (the child gets the default disposition back, below).
  ::signal(SIGPIPE, SIG_IGN);
}

Status ExecOutput::Recover(const std::vector<std::string>& redo) {
  if (!redo.empty()) {
    return Status(ErrorCode::kInvalidConfig,
                  "the state directory holds an unfinished commit of a directory output (" +
                      redo.front() + "); run with that --output-dir once to finish it");
  }
  return Status::Ok();
}

Status ExecOutput::RunOnce(const Verified& record) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return SystemError("creating a pipe for the command");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  // Nothing of certshare's but standard input, output and error: not the
  // broker connection, not the state database.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env = Environment(record);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", command = options_.command;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};

  pid_t pid = 0;
  int spawned = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[0]);
  if (spawned != 0) {
    ::close(fds[1]);
    errno = spawned;
    return SystemError("starting /bin/sh");
  }
  Status fed = FeedInput(fds[1], record.line + "\n");
  ::close(fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return SystemError("waiting for the command");
  }
  CERTSHARE_RETURN_IF_ERROR(fed);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status(ErrorCode::kUnavailable, DescribeWait(status));
}

Status ExecOutput::Write(const Verified& record) {
  auto backoff = options_.first_backoff;
  const int runs = std::max(0, options_.retries) + 1;
  Status last;
  for (int run = 1; run <= runs; ++run) {
    last = RunOnce(record);
    if (last.ok()) return last;
    if (run == runs) break;
    options_.warn("the --exec command failed for record " + std::to_string(record.sequence) +
                  " (" + last.message() + "); running it again in " + Seconds(backoff) +
                  " (" + std::to_string(runs - run) + " more " +
                  (runs - run == 1 ? "try" : "tries") + ")");
    options_.sleep(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return Status(ErrorCode::kUnavailable,
                "the --exec command failed for record " + std::to_string(record.sequence) +
                    " (" + record.id + ") " + std::to_string(runs) + " times, last with " +
                    last.message() +
                    "; the record is not acknowledged: fix the command and run subscribe "
                    "again, it starts with this record");
}

}  // namespace certshare::agent
