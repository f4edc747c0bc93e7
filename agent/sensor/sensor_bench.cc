// sensor_bench: how many Suricata EVE alerts per second `certshare sensor`
// turns into spooled records on this machine, through the same code:
//
//   parse (json::Parse) -> map to STIX (EveMapper) -> check
//   (schemas::Check) -> route -> seal in batches (Sealer::SealBatch, one
//   signature per batch) -> Spool::Add (one synced write per batch)
//
// and the cost of each stage alone. Not a test: it prints figures.
//
// usage: sensor_bench [events (default 200000)] [batch (256)] [recipients (3)]
//                     [--no-spool] [--no-stages]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <string>

#include "agent/sensor/eve_stix.h"
#include "agent/sensor/pipeline.h"
#include "common/crypto/keys.h"

using namespace certshare;
using namespace certshare::agent::sensor;
using Clock = std::chrono::steady_clock;

namespace {

// A realistic alert (the documented example with flow and app_proto),
// varied per event so ids, addresses and ports differ.
std::string Alert(int i) {
  char line[1024];
  std::snprintf(
      line, sizeof line,
      R"({"timestamp":"2026-11-27T10:%02d:%02d.%06d+0100","flow_id":%d,"in_iface":"eth0",)"
      R"("event_type":"alert","src_ip":"10.%d.%d.%d","src_port":%d,"dest_ip":"198.51.100.%d",)"
      R"("dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,)"
      R"("rev":4,"signature":"ET POLICY Suspicious outbound TLS to rare domain %d",)"
      R"("category":"Potentially Bad Traffic","severity":2},"app_proto":"tls",)"
      R"("flow":{"pkts_toserver":5,"pkts_toclient":4,"bytes_toserver":900,)"
      R"("bytes_toclient":3100,"start":"2026-11-27T09:59:59.000001+0100"}})",
      (i / 60000) % 60, (i / 1000) % 60, (i % 1000) * 1000 + 7, 100000 + i, (i >> 16) & 255,
      (i >> 8) & 255, i & 255, 1024 + i % 60000, i % 200, 2030000 + i % 50, i % 50);
  return line;
}

class VectorSource final : public LineSource {
 public:
  explicit VectorSource(const std::vector<std::string>& lines) : lines_(lines) {}
  Status Read(std::chrono::milliseconds, std::size_t max_lines, std::vector<Line>* out) override {
    for (std::size_t n = 0; n < max_lines && next_ < lines_.size(); ++n, ++next_) {
      out->push_back(Line{lines_[next_], next_ + 1, 0, false});
    }
    return Status::Ok();
  }
  bool ended() const override { return next_ >= lines_.size(); }
  std::string name() const override { return "synthetic"; }

 private:
  const std::vector<std::string>& lines_;
  std::size_t next_ = 0;
};

// A scratch folder for the identities and the spool, removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sensor-bench.XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class NullSink final : public RecordSink {
 public:
  Status Accept(std::span<const Bytes> records, std::span<const std::string>) override {
    for (const Bytes& r : records) bytes += r.size();
    return Status::Ok();
  }
  std::uint64_t bytes = 0;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds this process has used (user + system, every thread). On a
// shared machine the wall clock measures the neighbours too; CPU time says
// what the work costs a core.
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string LoadAverage() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "?";
  char buf[64] = {};
  const char* ok = std::fgets(buf, sizeof buf, f);
  std::fclose(f);
  std::string s = ok ? buf : "?";
  return s.substr(0, s.find(' '));
}

}  // namespace

int main(int argc, char** argv) {
  int events = 200000;
  std::size_t batch = 256;
  int recipients = 3;
  bool spool = true;
  bool stages = true;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-spool") == 0) {
      spool = false;
    } else if (std::strcmp(argv[i], "--no-stages") == 0) {
      stages = false;
    } else if (positional == 0) {
      events = std::atoi(argv[i]), ++positional;
    } else if (positional == 1) {
      batch = static_cast<std::size_t>(std::atoi(argv[i])), ++positional;
    } else {
      recipients = std::atoi(argv[i]);
    }
  }
  if (!crypto::Init().ok() || events <= 0 || batch == 0 || recipients < 1) {
    std::cerr << "usage: sensor_bench [events] [batch] [recipients] [--no-spool]\n";
    return 2;
  }

  ScratchDir dir;
  if (!dir.ok()) {
    std::cerr << "cannot make a scratch folder\n";
    return 1;
  }
  identity::Registry registry;
  identity::Identity me;
  for (int i = 0; i <= recipients; ++i) {
    const std::string org = i == 0 ? "CERT-EE" : "CERT-R" + std::to_string(i);
    auto files = identity::Generate(org, org, dir.path());
    auto id = files.ok() ? identity::LoadIdentity(files->secret_path)
                         : Result<identity::Identity>(files.status());
    if (!id.ok()) {
      std::cerr << id.status().ToString() << "\n";
      return 1;
    }
    if (!registry.Put(id->card).ok()) return 1;
    if (i == 0) me = std::move(*id);
  }
  agent::ComposeOptions options;
  options.tlp = Tlp::kAmber;
  for (int i = 1; i <= recipients; ++i) options.recipients.push_back("CERT-R" + std::to_string(i));

  std::vector<std::string> lines;
  lines.reserve(events);
  std::size_t line_bytes = 0;
  for (int i = 0; i < events; ++i) {
    lines.push_back(Alert(i));
    line_bytes += lines.back().size();
  }
  std::printf("%d synthetic EVE alerts (%.0f bytes each), batches of %zu, TLP:AMBER to %d "
              "recipients\n",
              events, static_cast<double>(line_bytes) / events, batch, recipients);

  // Stage costs, each alone, on a sample.
  const int sample = stages ? std::min(events, 20000) : 0;
  EveMapper mapper({"CERT-EE", "CERT Estonia"}, Tlp::kAmber);
  std::vector<SensorEvent> mapped;
  mapped.reserve(sample);
  auto t0 = Clock::now();
  for (int i = 0; i < sample; ++i) (void)ParseEve(lines[i]);
  const double parse_us = Seconds(t0) * 1e6 / sample;
  t0 = Clock::now();
  for (int i = 0; i < sample; ++i) mapped.push_back(std::move(**mapper.Map(lines[i])));
  const double map_us = Seconds(t0) * 1e6 / sample;
  std::size_t payload_bytes = 0;
  for (const auto& m : mapped) payload_bytes += m.payload.size();
  RouteCache routes(options, me, registry);
  const agent::Routing* routing = *routes.For(std::nullopt);
  envelope::Sealer sealer("CERT-EE", me.sign_secret, me.box_secret);
  std::vector<envelope::Draft> drafts;
  for (int i = 0; i < sample; ++i) {
    envelope::Draft d;
    d.stix_type = mapped[i].stix_type;
    d.stix_id = mapped[i].stix_id;
    d.modified = mapped[i].modified;
    d.tlp = routing->tlp;
    d.encrypt = routing->encrypt;
    d.recipients = routing->recipients;
    d.payload = mapped[i].payload;
    drafts.push_back(std::move(d));
  }
  t0 = Clock::now();
  std::vector<Bytes> sealed;
  for (std::size_t i = 0; i < drafts.size(); i += batch) {
    std::vector<envelope::Draft> one(drafts.begin() + i,
                                     drafts.begin() + std::min(drafts.size(), i + batch));
    auto r = sealer.SealBatch(one);
    for (auto& b : *r) sealed.push_back(std::move(b.record));
  }
  const double seal_us = Seconds(t0) * 1e6 / sample;
  t0 = Clock::now();
  for (const auto& d : drafts) (void)sealer.Seal(d);
  const double seal_alone_us = Seconds(t0) * 1e6 / sample;
  if (stages) std::printf("per event: parse %.1f us, parse+map+check %.1f us (%.0f-byte bundles), "
              "seal in batches %.1f us (alone, one signature each: %.1f us)\n",
              parse_us, map_us, static_cast<double>(payload_bytes) / sample, seal_us,
              seal_alone_us);

  // The whole pipeline, as `certshare sensor` runs it.
  VectorSource source(lines);
  NullSink null_sink;
  std::unique_ptr<agent::Spool> the_spool;
  std::unique_ptr<RecordSink> sink;
  if (spool) {
    agent::SpoolOptions spool_options;
    spool_options.max_bytes = std::uint64_t{16} << 30;
    spool_options.max_records = 100'000'000;
    auto s = agent::Spool::Open(dir.File("spool"), spool_options);
    if (!s.ok()) {
      std::cerr << s.status().ToString() << "\n";
      return 1;
    }
    the_spool = std::move(*s);
    sink = std::make_unique<SpoolSink>(*the_spool);
  }
  PipelineOptions popts;
  popts.batch_events = batch;
  std::uint64_t reports = 0;
  Pipeline pipeline(source, mapper, routes, sealer, sink ? *sink : null_sink, popts,
                    [&reports](const std::string&) { ++reports; });
  std::atomic<bool> stop{false};
  t0 = Clock::now();
  const double cpu0 = CpuSeconds();
  Status run = pipeline.Run(stop);
  const double secs = Seconds(t0);
  const double cpu = CpuSeconds() - cpu0;
  if (!run.ok() || pipeline.stats().published != static_cast<std::uint64_t>(events)) {
    std::cerr << "pipeline: " << run.ToString() << ", " << pipeline.stats().published
              << " published, " << reports << " reports\n";
    return 1;
  }
  std::printf("pipeline (%s): %d events in %.2f s = %.0f events/s (%llu batches); "
              "%.2f CPU s = %.0f events per CPU second; load average %s on %ld cores\n",
              spool ? "into the spool, one synced write per batch" : "no spool", events, secs,
              events / secs, static_cast<unsigned long long>(pipeline.stats().batches), cpu,
              events / cpu, LoadAverage().c_str(), ::sysconf(_SC_NPROCESSORS_ONLN));
  return 0;
}
