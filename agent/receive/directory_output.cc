#include "agent/receive/directory_output.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "agent/receive/atomic_file.h"
#include "agent/stix/bundle.h"
#include "agent/stix/uuid.h"
#include "common/base/file_util.h"
#include "common/base/json.h"

namespace certshare::agent {

namespace {

constexpr std::string_view kRedoKind = "dir-rename\t";
constexpr std::string_view kPrefix = "certshare-";

std::string Padded(std::uint64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(sequence));
  return buf;
}

std::string TempName(const std::string& name) { return "." + name + ".tmp"; }

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::symlink_status(path, ec));
}

// The objects a record contributes: a bundle's objects, or the object.
Status ParseObjects(const Verified& record, rapidjson::Document* doc,
                    const rapidjson::Value** list) {
  CERTSHARE_RETURN_IF_ERROR(json::Parse(record.object, doc));
  const rapidjson::Value* objects = json::Member(*doc, "objects");
  std::string type;
  if (json::GetString(*doc, "type", &type) && type == "bundle") {
    *list = (objects != nullptr && objects->IsArray()) ? objects : nullptr;
  } else {
    *list = nullptr;
  }
  return Status::Ok();
}

// Calls `fn` on each object a record contributes (a bundle's objects, or
// the object itself).
template <typename Fn>
void ForEachObject(rapidjson::Document& doc, const rapidjson::Value* list, Fn fn) {
  if (list != nullptr) {
    for (auto& o : const_cast<rapidjson::Value*>(list)->GetArray()) fn(o);
  } else {
    std::string type;
    if (!(json::GetString(doc, "type", &type) && type == "bundle")) fn(doc);
  }
}

std::string KeyOf(const rapidjson::Value& object) {
  std::string id;
  json::GetString(object, "id", &id);
  return id + "\n" + VersionOf(object);
}

}  // namespace

DirectoryOutput::DirectoryOutput(DirectoryOutputOptions options)
    : options_(std::move(options)) {
  Reset();
}

Result<std::unique_ptr<DirectoryOutput>> DirectoryOutput::Open(DirectoryOutputOptions options) {
  if (options.dir.empty()) {
    return Status(ErrorCode::kInvalidArgument, "the output directory is not set");
  }
  if (options.roll_count == 0) {
    return Status(ErrorCode::kInvalidArgument, "--roll-count must be at least 1");
  }
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(options.dir));
  if (::access(options.dir.c_str(), W_OK | X_OK) != 0) {
    return Status(ErrorCode::kIoError, "cannot write to the output directory " + options.dir);
  }
  return std::unique_ptr<DirectoryOutput>(new DirectoryOutput(std::move(options)));
}

void DirectoryOutput::Reset() {
  objects_.SetArray();
  objects_.GetAllocator().Clear();
  objects_.SetArray();
  index_.clear();
  records_ = 0;
  tlp_.clear();
  first_sequence_ = 0;
  last_sequence_ = 0;
}

Status DirectoryOutput::RenameFromRedo(const std::string& name) {
  const std::string tmp = options_.dir + "/" + TempName(name);
  if (!Exists(tmp)) return Status::Ok();  // renamed before the crash
  std::string target = name;
  for (int n = 2;; ++n) {
    Status s = options_.env->Publish(tmp, options_.dir + "/" + target);
    if (s.code() != ErrorCode::kAlreadyExists) return s;
    // Someone else took the name meanwhile: never replace their file.
    target = name.substr(0, name.size() - 5) + "-" + std::to_string(n) + ".json";
  }
}

Status DirectoryOutput::Recover(const std::vector<std::string>& redo) {
  for (const std::string& action : redo) {
    if (action.rfind(kRedoKind, 0) != 0) {
      return Status(ErrorCode::kInvalidConfig,
                    "the state directory holds an unfinished action of another output (" +
                        action + "); use the state directory with the output that wrote it");
    }
    std::string name = action.substr(kRedoKind.size());
    if (name.find('/') != std::string::npos || name.size() < 6) {
      return Status(ErrorCode::kCorruption, "a bad redo action in the state directory: " + action);
    }
    CERTSHARE_RETURN_IF_ERROR(RenameFromRedo(name).WithContext("finishing an interrupted commit"));
  }
  // Temporary files no journal names: batches that were never committed
  // (their records were not acknowledged and will come again).
  std::error_code ec;
  bool removed = false;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("." + std::string(kPrefix), 0) == 0 && file.size() > 4 &&
        file.compare(file.size() - 4, 4, ".tmp") == 0) {
      std::filesystem::remove(entry.path(), ec);
      removed = true;
    }
  }
  if (ec) {
    return Status(ErrorCode::kIoError,
                  "listing the output directory " + options_.dir + ": " + ec.message());
  }
  if (removed) CERTSHARE_RETURN_IF_ERROR(atomic_file::SyncDirectory(options_.dir));
  return Status::Ok();
}

bool DirectoryOutput::Fits(const Verified& record) const {
  if (records_ == 0) return true;
  if (record.tlp != tlp_) return false;
  rapidjson::Document doc;
  const rapidjson::Value* list = nullptr;
  if (!ParseObjects(record, &doc, &list).ok()) return true;  // Write reports it
  bool fits = true;
  ForEachObject(doc, list, [&](const rapidjson::Value& o) {
    auto it = index_.find(KeyOf(o));
    if (it != index_.end() && !(objects_[it->second] == o)) fits = false;
  });
  return fits;
}

Status DirectoryOutput::Write(const Verified& record) {
  rapidjson::Document doc;
  const rapidjson::Value* list = nullptr;
  CERTSHARE_RETURN_IF_ERROR(ParseObjects(record, &doc, &list));
  if (records_ == 0) {
    tlp_ = record.tlp;
    first_sequence_ = record.sequence;
    first_at_ = OutputClock::now();
  }
  ForEachObject(doc, list, [&](rapidjson::Value& o) {
    std::string key = KeyOf(o);
    // The same version again: once per file. A different object claiming
    // the same version inside one record keeps the first (Fits keeps
    // records from conflicting with each other).
    if (index_.count(key) != 0) return;
    index_.emplace(std::move(key), objects_.Size());
    rapidjson::Value copy(o, objects_.GetAllocator());
    objects_.PushBack(copy, objects_.GetAllocator());
  });
  ++records_;
  last_sequence_ = record.sequence;
  return Status::Ok();
}

bool DirectoryOutput::CommitDue(OutputClock::time_point now) const {
  if (records_ == 0) return false;
  if (records_ >= options_.roll_count) return true;
  auto deadline = CommitDeadline();
  return deadline && now >= *deadline;
}

std::optional<OutputClock::time_point> DirectoryOutput::CommitDeadline() const {
  if (records_ == 0 || options_.roll_seconds.count() == 0) return std::nullopt;
  return first_at_ + options_.roll_seconds;
}

std::string DirectoryOutput::FreeName() const {
  std::string base = std::string(kPrefix) + tlp_ + "-" + Padded(first_sequence_) + "-" +
                     Padded(last_sequence_);
  std::string name = base + ".json";
  for (int n = 2; Exists(options_.dir + "/" + name) ||
                  Exists(options_.dir + "/" + TempName(name));
       ++n) {
    name = base + "-" + std::to_string(n) + ".json";
  }
  return name;
}

Status DirectoryOutput::Commit(const Journal& journal) {
  if (records_ == 0) return journal("");
  rapidjson::Document bundle;
  auto& a = bundle.GetAllocator();
  bundle.SetObject();
  bundle.AddMember("type", "bundle", a);
  bundle.AddMember("id", rapidjson::Value(NewStixId("bundle").c_str(), a), a);
  bundle.AddMember("objects", rapidjson::Value(objects_, a), a);
  std::string text = json::Write(bundle);
  text.push_back('\n');

  const std::string name = FreeName();
  const std::string tmp = options_.dir + "/" + TempName(name);
  CERTSHARE_RETURN_IF_ERROR(options_.env->WriteTemporary(tmp, text, options_.file_mode));
  Status journaled = journal(std::string(kRedoKind) + name);
  if (!journaled.ok()) {
    ::unlink(tmp.c_str());
    return journaled;
  }
  // From here the batch is committed: a failure leaves the temporary file
  // for Recover to rename on the next start.
  CERTSHARE_RETURN_IF_ERROR(RenameFromRedo(name));
  Reset();
  return Status::Ok();
}

}  // namespace certshare::agent
