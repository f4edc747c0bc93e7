// certshare::agent::DirectoryOutput — a directory of STIX 2.1 bundle files
// for another tool (a TIP, a SIEM collector) to pick up.
//
// Each file is one valid STIX 2.1 bundle holding the objects of the records
// committed together: a record that is a bundle contributes its objects, a
// single object itself. Within a file each version of an object appears
// once (same `id` and `modified`, or `created` for objects without
// `modified`); two *different* objects claiming the same id and version
// never share a file: the second record starts a new file (Fits).
//
// A file holds records of one TLP level only, named in its file name:
//   certshare-<tlp>-<first sequence>-<last sequence>.json
// with sequences zero-padded to 12 digits, so names sort in the order the
// broker stored the records (a name already taken gets "-2", "-3", ...).
// Objects keep exactly the markings their origin gave them; the file name
// tells a tool the level the origin signed for records whose objects carry
// no TLP marking themselves.
//
// Rolling: a file is committed when it holds `roll_count` records, or when
// its first record has waited `roll_seconds`, whichever comes first (and
// when the subscriber stops).
//
// Writing (Commit): the bundle is written to ".<name>.tmp" in the same
// directory (a dot file: tools that take "*.json" do not see it), fsynced;
// the journal records the records' keys with the redo action
// "dir-rename\t<name>"; the file is renamed to <name> (never replacing a
// file) and the directory fsynced. Recover renames any temporary file a
// journal names and deletes the others (batches never journaled). So after
// any crash a record is either in exactly one published file and known to
// the duplicate check, or in neither and delivered again.
//
// Thread-safety: one thread per DirectoryOutput.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "agent/receive/file_env.h"
#include "agent/receive/output.h"

namespace certshare::agent {

struct DirectoryOutputOptions {
  // The directory files appear in; created if missing. Required.
  std::string dir;
  // Commit a file once it holds this many records. Default 1000; lower it
  // for a tool that wants records sooner, raise it for fewer files. >= 1.
  std::size_t roll_count = 1000;
  // Commit a file once its first record is this old. Default 60 s; 0
  // rolls by count only (and at exit).
  std::chrono::seconds roll_seconds{60};
  // Mode of the files (before the umask). Default 0640: the tool reading
  // them runs in the subscriber's group; TLP:AMBER and above must not be
  // world-readable.
  int file_mode = 0640;
  // What the output writes its files through (file_env.h): each bundle's
  // temporary file, and its rename to the final name in Commit and
  // Recover. Not owned; it must outlive the output. Default
  // FileEnv::Default(), the file system itself; tests pass a
  // FileEnvWrapper that fails a write or the rename (a simulated crash
  // between the journal and the rename leaves the temporary file).
  FileEnv* env = FileEnv::Default();
};

class DirectoryOutput final : public Output {
 public:
  // Creates the directory if missing.
  static Result<std::unique_ptr<DirectoryOutput>> Open(DirectoryOutputOptions options);

  Status Recover(const std::vector<std::string>& redo) override;
  bool Fits(const Verified& record) const override;
  Status Write(const Verified& record) override;
  bool CommitDue(OutputClock::time_point now) const override;
  std::optional<OutputClock::time_point> CommitDeadline() const override;
  Status Commit(const Journal& journal) override;
  std::string Describe() const override { return "directory " + options_.dir; }

 private:
  explicit DirectoryOutput(DirectoryOutputOptions options);
  void Reset();
  std::string FreeName() const;
  Status RenameFromRedo(const std::string& name);

  DirectoryOutputOptions options_;
  // The file being assembled.
  rapidjson::Document objects_;  // a JSON array
  std::unordered_map<std::string, rapidjson::SizeType> index_;  // id + '\n' + version
  std::size_t records_ = 0;
  std::string tlp_;
  std::uint64_t first_sequence_ = 0;
  std::uint64_t last_sequence_ = 0;
  OutputClock::time_point first_at_;
};

}  // namespace certshare::agent
