#include "agent/receive/open_feed.h"

#include <sys/stat.h>

#include <filesystem>
#include <unistd.h>

#include "agent/receive/directory_output.h"
#include "agent/receive/exec_output.h"
#include "agent/receive/json_lines_output.h"
#include "common/base/file_util.h"

namespace certshare::agent {

std::string DefaultStateDir(const FeedOptions& f) {
  if (f.output_dir.empty()) return "";
  std::filesystem::path dir = std::filesystem::absolute(f.output_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "feed/" -> "feed"
  if (!dir.has_filename() || dir == dir.root_path()) return "";
  return dir.string() + ".state";
}

namespace {

Result<std::unique_ptr<Output>> MakeOutput(const FeedOptions& f) {
  if (!f.output_dir.empty()) {
    DirectoryOutputOptions options;
    options.dir = f.output_dir;
    options.roll_count = f.roll_count;
    options.roll_seconds = std::chrono::seconds(f.roll_seconds);
    CERTSHARE_ASSIGN_OR_RETURN(auto output, DirectoryOutput::Open(std::move(options)));
    return std::unique_ptr<Output>(std::move(output));
  }
  if (!f.exec.empty()) {
    ExecOutputOptions options;
    options.command = f.exec;
    options.retries = f.exec_retries;
    return std::unique_ptr<Output>(new ExecOutput(std::move(options)));
  }
  return std::unique_ptr<Output>(new JsonLinesOutput(STDOUT_FILENO));
}

}  // namespace

Result<OpenedFeed> OpenFeed(const FeedOptions& f, const identity::Identity& me,
                            const identity::Registry& registry) {
  OpenedFeed opened;
  opened.state_dir = f.state_dir.empty() ? DefaultStateDir(f) : f.state_dir;
  if (!f.exec.empty() && opened.state_dir.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "--exec needs --state-dir DIR: where certshare remembers which records the "
                  "command has taken, so that a restart never runs it twice for one record");
  }
  if (!f.output_dir.empty() && opened.state_dir.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "give --state-dir for --output-dir " + f.output_dir);
  }
  if (!f.output_dir.empty()) {
    namespace fs = std::filesystem;
    auto normal = [](const std::string& p) {
      fs::path n = fs::absolute(p).lexically_normal();
      return n.has_filename() ? n : n.parent_path();
    };
    if (normal(f.output_dir) == normal(opened.state_dir)) {
      return Status(ErrorCode::kInvalidArgument,
                    "--state-dir must not be the --output-dir: the directory is for the "
                    "bundle files only");
    }
  }
  FeedParts parts;
  parts.verify.accept_previous_keys = f.accept_previous_keys;
  CERTSHARE_ASSIGN_OR_RETURN(parts.output, MakeOutput(f));
  if (!opened.state_dir.empty()) {
    CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(opened.state_dir));
    ::chmod(opened.state_dir.c_str(), 0700);
    auto seen = storage::SeenStore::Open(opened.state_dir + "/seen");
    if (!seen.ok() && seen.status().code() == ErrorCode::kInUse) {
      return Status(ErrorCode::kInUse,
                    "the state directory " + opened.state_dir +
                        " is in use by another subscriber (a certshare subscribe with the same "
                        "--state-dir, or with the same --output-dir and its default state "
                        "directory): stop that one, or give this one its own --state-dir");
    }
    if (!seen.ok()) return seen.status();
    parts.seen = std::move(*seen);
  }
  opened.quarantine = !f.quarantine.empty()       ? f.quarantine
                      : !opened.state_dir.empty() ? opened.state_dir + "/quarantine"
                                                  : "";
  if (!opened.quarantine.empty()) {
    CERTSHARE_ASSIGN_OR_RETURN(parts.quarantine, Quarantine::Open(opened.quarantine));
  }
  CERTSHARE_ASSIGN_OR_RETURN(opened.feed, Feed::Open(std::move(parts), me, registry));
  return opened;
}

}  // namespace certshare::agent
