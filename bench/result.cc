#include "bench/result.h"

#include <algorithm>
#include <cstdio>

namespace certshare::bench {

Report::Report(const std::string& system, const std::string& scenario) {
  out_.StartObject();
  Set("system", system);
  Set("scenario", scenario);
}

Report& Report::Set(const char* key, double value) {
  out_.Key(key);
  out_.Double(value);
  return *this;
}

Report& Report::Set(const char* key, const std::string& value) {
  out_.Key(key);
  out_.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  return *this;
}

Report& Report::Latency(std::vector<double> samples_ms) {
  std::sort(samples_ms.begin(), samples_ms.end());
  auto at = [&](double q) {
    if (samples_ms.empty()) return 0.0;
    return samples_ms[std::min(samples_ms.size() - 1,
                               static_cast<std::size_t>(q * static_cast<double>(samples_ms.size())))];
  };
  out_.Key("latency_ms");
  out_.StartObject();
  out_.Key("p50");
  out_.Double(at(0.50));
  out_.Key("p99");
  out_.Double(at(0.99));
  out_.Key("p999");
  out_.Double(at(0.999));
  out_.Key("max");
  out_.Double(samples_ms.empty() ? 0.0 : samples_ms.back());
  out_.Key("count");
  out_.Uint64(samples_ms.size());
  out_.EndObject();
  return *this;
}

Report& Report::Server(const ProcessStats& stats) {
  out_.Key("server");
  out_.StartObject();
  out_.Key("rss_peak_mb");
  out_.Double(static_cast<double>(stats.rss_peak_bytes) / (1 << 20));
  out_.Key("rss_end_mb");
  out_.Double(static_cast<double>(stats.rss_end_bytes) / (1 << 20));
  out_.Key("cpu_percent");
  out_.Double(stats.cpu_percent);
  out_.Key("busiest");
  out_.StartArray();
  for (const ThreadCpu& t : stats.busiest) {
    out_.StartObject();
    out_.Key("name");
    out_.String(t.name.c_str());
    out_.Key("tid");
    out_.Int(t.tid);
    out_.Key("cpu");
    out_.Double(t.cpu_percent);
    out_.EndObject();
  }
  out_.EndArray();
  out_.EndObject();
  return *this;
}

void Report::Print() {
  out_.EndObject();
  std::printf("%s\n", buffer_.GetString());
  std::fflush(stdout);
}

}  // namespace certshare::bench
