// log_bench: append throughput of storage::Log with sync, one record per
// write versus group commit in batches of 64; then the rate at which Trim
// removes the same records again.
//
//   log_bench [--records N] [--dir PATH]
//
// Each run uses a fresh log (under PATH, default $TMPDIR) that is removed
// afterwards. Records are 2 KiB, each with an object id and version key as
// the broker sends them (so the latest-version index is written too).
// Prints records/second for each mode.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/log.h"

namespace {

using certshare::Bytes;
using certshare::storage::Entry;
using certshare::storage::Log;

constexpr std::size_t kRecordSize = 2048;
constexpr std::size_t kBatchSize = 64;

struct Run {
  const char* name;
  std::size_t batch;
};

std::string MakeTempDir(const std::string& base) {
  std::string path = base + "/log_bench-XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) return "";
  return path;
}

// Appends `count` records in writes of `batch`; returns records/second or
// a negative number on error. Then trims them all and sets *trim_rate to
// records removed per second.
double Measure(const std::string& dir, std::size_t count, std::size_t batch,
               double* trim_rate) {
  auto opened = Log::Open(dir);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return -1;
  }
  std::unique_ptr<Log> log = std::move(opened).value();
  Bytes record(kRecordSize);
  for (std::size_t i = 0; i < record.size(); ++i)
    record[i] = static_cast<std::uint8_t>(i);

  const std::string modified = "2024-01-01T00:00:00.000Z";
  std::vector<std::string> ids(count), keys(count);
  for (std::size_t i = 0; i < count; ++i) {
    ids[i] = "indicator--" + std::to_string(i);
    keys[i] = ids[i] + "|" + modified;
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < count; i += batch) {
    entries.clear();
    for (std::size_t j = i; j < std::min(count, i + batch); ++j) {
      entries.push_back({.dedupe_key = keys[j],
                         .record = record,
                         .object_id = ids[j],
                         .version_key = modified});
    }
    auto result = log->AppendBatch(entries);
    if (!result.ok()) {
      std::fprintf(stderr, "append: %s\n", result.status().ToString().c_str());
      return -1;
    }
  }
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;

  const auto trim_start = std::chrono::steady_clock::now();
  auto trimmed = log->Trim(log->LastSequence() + 1);
  if (!trimmed.ok()) {
    std::fprintf(stderr, "trim: %s\n", trimmed.status().ToString().c_str());
    return -1;
  }
  const std::chrono::duration<double> trim_elapsed =
      std::chrono::steady_clock::now() - trim_start;
  *trim_rate = static_cast<double>(*trimmed) / trim_elapsed.count();
  return static_cast<double>(count) / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 2000;
  std::string base = std::filesystem::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      base = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--records N] [--dir PATH]\n", argv[0]);
      return 2;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "--records must be positive\n");
    return 2;
  }

  std::printf("%zu records of %zu bytes, sync on, dir %s\n", count, kRecordSize,
              base.c_str());
  int rc = 0;
  for (const Run& run : {Run{"single", 1}, Run{"batch64", kBatchSize}}) {
    const std::string dir = MakeTempDir(base);
    if (dir.empty()) {
      std::fprintf(stderr, "cannot create a directory under %s\n",
                   base.c_str());
      return 1;
    }
    double trim_rate = 0;
    const double rate = Measure(dir, count, run.batch, &trim_rate);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (rate < 0) {
      rc = 1;
      continue;
    }
    std::printf("%-8s %12.0f records/s  %8.1f MiB/s   trim %10.0f records/s\n",
                run.name, rate, rate * kRecordSize / (1024.0 * 1024.0),
                trim_rate);
  }
  return rc;
}
