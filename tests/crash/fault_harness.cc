// fault_harness: the broker under storage faults, as a real process.
//
//   fault_harness <certshare-broker> <work-dir> disk-full
//     The broker's data directory is a small tmpfs (mounted here; needs
//     root). Records are published until the disk is full. The broker must
//     refuse with DISK_FULL, say why in its log, keep serving what it
//     stored, resume ingest by itself once space is back, and hold every
//     record it acknowledged across a restart.
//
//   fault_harness <certshare-broker> <work-dir> corrupt
//     A database is written, then damaged in three ways (a byte in the
//     middle of the write-ahead log, a truncated write-ahead log file, a
//     garbage CURRENT file). Each time the broker must refuse to start with
//     a clear error and never listen (a truncated log is caught by the
//     log's high-water mark, storage/high_water_mark.h).
//
// Exit 0 on success; the failing check is printed otherwise.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "common/base/file_util.h"
#include "tests/crash/harness_util.h"

namespace certshare::crash {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

#define CHECK_OR_FAIL(cond, what)                      \
  do {                                                 \
    if (!(cond)) {                                     \
      std::cerr << "FAIL: " << what << "\n";           \
      return 1;                                        \
    }                                                  \
  } while (0)

std::string Note(int n, std::size_t padding) {
  char uuid[48];
  std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", n);
  return R"({"type":"note","spec_version":"2.1","id":"note--)" + std::string(uuid) +
         R"(","created":"2026-11-01T10:00:00.000Z","modified":"2026-11-01T10:00:00.000Z",)"
         R"("content":")" + std::string(padding, 'x') + R"(","object_refs":["incident--)" +
         uuid + R"("],"object_marking_refs":[")" + std::string(TlpMarkingId(Tlp::kClear)) +
         R"("]})";
}

Bytes Sealed(const Federation& fed, int n, std::size_t padding) {
  const identity::Identity& ee = fed.ids.at("CERT-EE");
  envelope::Sealer sealer("CERT-EE", ee.sign_secret, ee.box_secret);
  auto composed = agent::Compose(Note(n, padding), {}, ee, fed.registry, sealer);
  if (!composed.ok()) throw std::runtime_error(composed.status().ToString());
  return composed->record;
}

std::set<std::uint64_t> StoredFor(const Federation& fed, const std::string& endpoint) {
  std::set<std::uint64_t> seqs;
  auto ua = agent::BrokerClient::Connect(endpoint, fed.ids.at("BROKER").card, fed.ids.at("CERT-UA"));
  wire::SubscribeRequest all;
  all.start = wire::StartKind::kSequence;
  all.start_value = 1;
  all.credit = 8192;
  if (!ua.ok() || !(*ua)->Subscribe(all, milliseconds(10000)).ok()) return seqs;
  while (true) {
    auto next = (*ua)->Next(milliseconds(10000));
    if (!next.ok() || next->msg.command == wire::Command::kCaughtUp) return seqs;
    if (next->msg.command == wire::Command::kDeliver) {
      seqs.insert(next->msg.sequence);
      (void)(*ua)->Acknowledge(next->msg.sequence, 1);
    }
  }
}

bool LogContains(const std::string& work, const std::string& text) {
  auto log = files::Read(work + "/broker.log");
  return log.ok() && log->find(text) != std::string::npos;
}

int DiskFull(const std::string& broker_bin, const std::string& work) {
  Federation fed = MakeFederation(work);
  std::string mnt = work + "/small-disk";
  fs::create_directories(mnt);
  CHECK_OR_FAIL(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=6m") == 0,
                "cannot mount a tmpfs (needs root): " << std::strerror(errno));
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};

  BrokerProcess broker(broker_bin, work);
  CHECK_OR_FAIL(broker.Start("tcp://127.0.0.1:*", mnt + "/data"), "the broker did not start");
  auto ee = agent::BrokerClient::Connect(broker.endpoint(), fed.ids.at("BROKER").card,
                                         fed.ids.at("CERT-EE"));
  CHECK_OR_FAIL(ee.ok(), ee.status().ToString());
  std::set<std::uint64_t> acked;
  Status refused;
  int n = 0;
  for (; n < 200 && refused.ok(); ++n) {
    auto ack = (*ee)->Publish(Sealed(fed, n, 200 * 1024), milliseconds(20000));
    if (ack.ok()) {
      acked.insert(ack->sequence);
    } else {
      refused = ack.status();
    }
  }
  std::cout << "disk full after " << acked.size() << " acknowledged records: "
            << refused.ToString() << "\n";
  CHECK_OR_FAIL(!refused.ok(), "the disk never filled up");
  CHECK_OR_FAIL(refused.code() == ErrorCode::kDiskFull,
                "unexpected refusal " << refused.ToString());
  // Another record of that size is refused too: nothing that would eat
  // into the reserve is written (a small one may still fit, by design).
  auto after = (*ee)->Publish(Sealed(fed, 1000, 200 * 1024), milliseconds(20000));
  CHECK_OR_FAIL(after.status().code() == ErrorCode::kDiskFull,
                "a publish while the disk is full was " << after.status().ToString());
  CHECK_OR_FAIL(LogContains(work, "disk full"), "the broker's log does not say why");
  // It keeps serving what it had.
  std::set<std::uint64_t> served = StoredFor(fed, broker.endpoint());
  CHECK_OR_FAIL(served == acked, "while the disk is full, the broker serves "
                                     << served.size() << " records, acknowledged " << acked.size());

  // Space comes back: ingest resumes by itself, no restart needed.
  CHECK_OR_FAIL(::mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=256m") == 0,
                "cannot grow the tmpfs: " << std::strerror(errno));
  auto resumed = (*ee)->Publish(Sealed(fed, 2000, 10), milliseconds(20000));
  CHECK_OR_FAIL(resumed.ok(), "publishing after space came back: " << resumed.status().ToString());
  acked.insert(resumed->sequence);

  // And nothing acknowledged is lost across a restart.
  broker.Kill(SIGTERM);
  CHECK_OR_FAIL(broker.Start("tcp://127.0.0.1:*", mnt + "/data"), "the broker did not restart");
  std::set<std::uint64_t> stored = StoredFor(fed, broker.endpoint());
  for (std::uint64_t seq : acked) {
    CHECK_OR_FAIL(stored.count(seq), "acknowledged record " << seq << " was lost");
  }
  std::cout << "PASS: " << acked.size() << " acknowledged records kept; ingest resumed at "
            << resumed->sequence << "\n";
  return 0;
}

// Writes a database with a few records, then stops the broker with `sig`
// (SIGKILL leaves them in the write-ahead log; SIGTERM lets RocksDB flush
// them to a table file).
bool MakeDatabase(const Federation& fed, BrokerProcess& broker, const std::string& data, int sig) {
  if (!broker.Start("tcp://127.0.0.1:*", data)) return false;
  auto ee = agent::BrokerClient::Connect(broker.endpoint(), fed.ids.at("BROKER").card,
                                         fed.ids.at("CERT-EE"));
  for (int n = 0; n < 20; ++n) {
    if (!ee.ok() || !(*ee)->Publish(Sealed(fed, n, 2000), milliseconds(20000)).ok()) return false;
  }
  broker.Kill(sig);
  return true;
}

// Flips one byte a third of the way into the newest file with `extension`.
bool FlipByte(const std::string& data, const std::string& extension) {
  fs::path target;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().extension() == extension && entry.file_size() > 0) target = entry.path();
  }
  if (target.empty()) return false;
  auto size = fs::file_size(target);
  std::fstream f(target, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(size / 3));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(size / 3));
  f.write(&c, 1);
  return static_cast<bool>(f);
}

fs::path NewestWal(const std::string& data) {
  fs::path newest;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) newest = entry.path();
  }
  return newest;
}

int Corrupt(const std::string& broker_bin, const std::string& work) {
  Federation fed = MakeFederation(work);
  BrokerProcess broker(broker_bin, work);
  struct Damage {
    const char* name;
    int stop_signal;
    std::function<bool(const std::string& data)> apply;
  };
  std::vector<Damage> damages = {
      {"a flipped byte in the middle of the write-ahead log", SIGKILL,
       [](const std::string& data) { return FlipByte(data, ".log"); }},
      {"a write-ahead log truncated to a third", SIGKILL,
       [](const std::string& data) {
         fs::path wal = NewestWal(data);
         if (wal.empty()) return false;
         fs::resize_file(wal, fs::file_size(wal) / 3);
         return true;
       }},
      {"a flipped byte in the middle of a table file", SIGTERM,
       [](const std::string& data) { return FlipByte(data, ".sst"); }},
      {"a garbage CURRENT file", SIGTERM,
       [](const std::string& data) {
         std::ofstream(data + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
         return true;
       }},
  };
  int case_number = 0;
  for (const auto& damage : damages) {
    std::string data = work + "/data-" + std::to_string(case_number++);
    CHECK_OR_FAIL(MakeDatabase(fed, broker, data, damage.stop_signal),
                  "could not write a database to damage");
    std::ofstream(work + "/broker.log", std::ios::trunc).flush();
    CHECK_OR_FAIL(damage.apply(data), "could not apply: " << damage.name);
    bool started = broker.Start("tcp://127.0.0.1:*", data);
    if (started) broker.Kill(SIGTERM);
    CHECK_OR_FAIL(!started, "the broker served a database with " << damage.name);
    CHECK_OR_FAIL(LogContains(work, "CORRUPTION") || LogContains(work, "Corruption") ||
                      LogContains(work, "corrupt"),
                  "no clear corruption error for " << damage.name);
    std::cout << "ok   " << damage.name << ": refused at start with a corruption error\n";
  }
  std::cout << "PASS\n";
  return 0;
}

}  // namespace
}  // namespace certshare::crash

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: fault_harness <certshare-broker> <work-dir> disk-full|corrupt\n";
    return 2;
  }
  if (!certshare::crypto::Init().ok()) return 2;
  std::string mode = argv[3];
  try {
    if (mode == "disk-full") return certshare::crash::DiskFull(argv[1], argv[2]);
    if (mode == "corrupt") return certshare::crash::Corrupt(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "fault_harness: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
