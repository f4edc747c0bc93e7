// certshare bench: one measurement as one JSON object on standard output,
// the same shape from every driver (scripts/bench.sh collects them into
// docs/performance/results.json):
//
//   {"system":"certshare","scenario":"ingest", ...settings...,
//    "rate":12345.6, ..., "latency_ms":{"p50":..,"p99":..,"p999":..,"count":N},
//    "server":{"rss_peak_mb":..,"cpu_percent":..,"busiest":[{"name":..,"cpu":..}]}}
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bench/process_stats.h"

namespace certshare::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class Report {
 public:
  Report(const std::string& system, const std::string& scenario);
  Report& Set(const char* key, double value);
  Report& Set(const char* key, const std::string& value);
  // p50, p99 and p99.9 (and the count) of `samples` in milliseconds.
  Report& Latency(std::vector<double> samples_ms);
  Report& Server(const ProcessStats& stats);
  // Prints the object as one line and flushes.
  void Print();

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> out_{buffer_};
};

}  // namespace certshare::bench
