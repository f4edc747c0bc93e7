#include "storage/db.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>

#include "storage/rocksdb_status.h"

namespace certshare::storage {

// What a WriteRequest carries to the Env that applies it.
struct WriteRequest::Batch {
  rocksdb::DB* db;
  rocksdb::WriteBatch* batch;
  std::string_view context;
};

// Env::Default(): writes with RocksDB.
class RocksDbEnv final : public Env {
 public:
  Status Write(const WriteRequest& request) override {
    rocksdb::WriteOptions options;
    options.sync = request.sync();
    const WriteRequest::Batch& b = *request.batch_;
    return FromRocksDb(b.db->Write(options, b.batch), b.context);
  }
};

Env* Env::Default() {
  static RocksDbEnv* const env = new RocksDbEnv;  // never destroyed: stores may outlive statics
  return env;
}

namespace {

bool HasDatabase(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir + "/CURRENT", ec);
}

Status Refuse(const DbSpec& spec, DbRefusal refusal) { return spec.explain(refusal); }

}  // namespace

Db::Db(DbSpec spec)
    : spec_(std::move(spec)), env_(spec_.env != nullptr ? spec_.env : Env::Default()) {}

Db::~Db() {
  if (!db_) return;
  // A clean close can leave the memtables in table files (checksummed) so
  // that the next open need not replay the write-ahead log. Best effort:
  // every write was in the WAL when it returned.
  if (spec_.flush_on_close && !spec_.read_only) {
    db_->Flush(rocksdb::FlushOptions(), handles_).PermitUncheckedError();
  }
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

Result<std::unique_ptr<Db>> Db::Open(DbSpec spec) {
  const auto give_up = std::chrono::steady_clock::now() + spec.lock_wait;
  while (true) {
    bool lock_held = false;
    Result<std::unique_ptr<Db>> db = TryOpen(spec, &lock_held);
    if (!lock_held) return db;
    if (std::chrono::steady_clock::now() >= give_up) {
      DbRefusal busy{DbRefusal::kBusy, "", std::nullopt, db.status(), ""};
      return Refuse(spec, std::move(busy));
    }
    // Listed again on the next try: the holder may have finished creating it.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::unique_ptr<Db>> Db::TryOpen(const DbSpec& spec, bool* lock_held) {
  std::unique_ptr<Db> db(new Db(spec));
  const bool existed = HasDatabase(spec.dir);
  if (!existed && (spec.read_only || !spec.create_if_missing)) {
    return Status(ErrorCode::kNotFound, "no database in " + Quoted(spec.dir));
  }
  bool repair = false;
  if (existed) CERTSHARE_RETURN_IF_ERROR(db->CheckFamilies(&repair));
  CERTSHARE_RETURN_IF_ERROR(db->OpenRocksDb(!existed || repair, lock_held));
  CERTSHARE_RETURN_IF_ERROR(db->CheckMarker());
  return db;
}

Status Db::CheckFamilies(bool* repair) {
  *repair = false;
  std::vector<std::string> present;
  const rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(spec_.options, spec_.dir, &present);
  if (listed.IsPathNotFound()) {
    // CURRENT is there but names a manifest that is not: damaged.
    return Refuse(spec_, {DbRefusal::kDamaged, "", std::nullopt,
                          FromRocksDb(listed, spec_.context.open), listed.ToString()});
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(listed, spec_.context.open));
  auto ours = [&](const std::string& name) {
    return std::any_of(spec_.families.begin(), spec_.families.end(),
                       [&](const DbSpec::Family& f) { return f.name == name; });
  };
  for (const std::string& name : present) {
    if (!ours(name)) return Refuse(spec_, {DbRefusal::kForeignFamily, name, std::nullopt, {}, ""});
  }
  std::string missing;
  for (const DbSpec::Family& f : spec_.families) {
    if (std::find(present.begin(), present.end(), f.name) == present.end()) {
      missing = f.name;
      break;
    }
  }
  if (missing.empty()) return Status::Ok();

  // Some of ours are missing. Look without changing anything: a database
  // holding nothing, not even a marker, is one whose creation stopped
  // between CURRENT and its families.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::optional<std::size_t> marker_index;
  for (const std::string& name : present) {
    if (name == spec_.families[spec_.marker_family].name) marker_index = descriptors.size();
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(spec_.options));
  }
  std::optional<std::string> marker;
  bool holds_nothing = false;
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  if (rocksdb::DB::OpenForReadOnly(spec_.options, spec_.dir, descriptors, &handles, &raw).ok()) {
    std::unique_ptr<rocksdb::DB> probe(raw);
    std::string value;
    if (marker_index &&
        probe->Get(rocksdb::ReadOptions(), handles[*marker_index], ToSlice(spec_.marker_key),
                   &value)
            .ok()) {
      marker = std::move(value);
    }
    holds_nothing = !marker;
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      if (holds_nothing) {
        std::unique_ptr<rocksdb::Iterator> it(probe->NewIterator(rocksdb::ReadOptions(), h));
        it->SeekToFirst();
        holds_nothing = !it->Valid() && it->status().ok();
      }
      probe->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    probe->Close().PermitUncheckedError();
  }
  if (holds_nothing && spec_.read_only) {
    return Refuse(spec_, {DbRefusal::kUnfinished, missing, std::nullopt, {}, ""});
  }
  if (holds_nothing && spec_.create_if_missing) {
    *repair = true;
    return Status::Ok();
  }
  return Refuse(spec_, {DbRefusal::kMissingFamily, missing, std::move(marker), {}, ""});
}

Status Db::OpenRocksDb(bool create, bool* lock_held) {
  rocksdb::Options options = spec_.options;
  options.create_if_missing = create;
  // Families are only ever created in a new database (or one whose
  // creation was interrupted); an existing one has them all (checked).
  options.create_missing_column_families = create;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const DbSpec::Family& f : spec_.families) descriptors.emplace_back(f.name, f.options);
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status s =
      spec_.read_only
          ? rocksdb::DB::OpenForReadOnly(options, spec_.dir, descriptors, &handles, &raw)
          : rocksdb::DB::Open(options, spec_.dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    *lock_held = IsLockHeld(s);
    return FromRocksDb(s, spec_.context.open);
  }
  db_.reset(raw);
  handles_ = std::move(handles);
  return Status::Ok();
}

Status Db::CheckMarker() {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[spec_.marker_family],
                                     ToSlice(spec_.marker_key), &value);
  if (s.ok()) {
    if (value == spec_.marker_value) return Status::Ok();
    return Refuse(spec_, {DbRefusal::kWrongFormat, "", std::move(value), {}, ""});
  }
  if (!s.IsNotFound()) return FromRocksDb(s, spec_.context.read_marker);

  // No marker. A database this Open created (or one whose first Open
  // stopped before writing the marker) holds nothing: create it. Anything
  // else is not ours.
  bool holds_nothing = false;
  if (spec_.create_if_missing || spec_.read_only) {
    CERTSHARE_ASSIGN_OR_RETURN(holds_nothing, HoldsNothing());
  }
  if (holds_nothing && spec_.read_only) {
    return Refuse(spec_, {DbRefusal::kUnfinished, "", std::nullopt, {}, ""});
  }
  if (!holds_nothing || spec_.read_only) {
    return Refuse(spec_, {DbRefusal::kNoFormat, "", std::nullopt, {}, ""});
  }
  rocksdb::WriteBatch batch;
  rocksdb::Status built = batch.Put(handles_[spec_.marker_family], ToSlice(spec_.marker_key),
                                    ToSlice(spec_.marker_value));
  for (const DbSpec::Entry& e : spec_.initial) {
    if (built.ok()) built = batch.Put(handles_[e.family], ToSlice(e.key), ToSlice(e.value));
  }
  CERTSHARE_RETURN_IF_ERROR(FromRocksDb(built, spec_.context.create));
  return Apply(&batch, /*sync=*/true, spec_.context.create);
}

Result<bool> Db::HoldsNothing() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToFirst();
    const bool empty = !it->Valid();
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), spec_.context.read));
    if (!empty) return false;
  }
  return true;
}

Status Db::CheckWritable() const {
  MutexLock lock(&failed_mu_);
  if (failed_.ok()) return Status::Ok();
  return Status(ErrorCode::kUnavailable, spec_.failed_name +
                                             " is in a failed state after a write error: " +
                                             failed_.ToString() + "; restart required");
}

Status Db::Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context) {
  Status written = Apply(batch, sync, context.empty() ? spec_.context.write : context);
  if (!written.ok()) {
    // The state on disk is unknown after a failed write: refuse every
    // later write until a reopen derives the state from disk again.
    MutexLock lock(&failed_mu_);
    if (failed_.ok()) failed_ = written;  // keep the first cause
  }
  return written;
}

Status Db::Apply(rocksdb::WriteBatch* batch, bool sync, std::string_view context) {
  const WriteRequest::Batch parts{db_.get(), batch, context};
  return env_->Write(WriteRequest(spec_.dir, sync, &parts));
}

}  // namespace certshare::storage
