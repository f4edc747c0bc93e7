#include "broker/tools/metrics_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/timestamp.h"

namespace certshare::broker {

namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

bool ParseDouble(std::string_view text, double* out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);  // "+Inf"
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// One sample line: name, optional {labels}, value, optional timestamp.
// Returns false for anything else (the line is then skipped).
bool ParseSample(std::string_view line, Sample* sample) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample->name = std::string(line.substr(0, i));
  if (sample->name.empty()) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      std::size_t eq = line.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= line.size() ||
          line[eq + 1] != '"') {
        return false;
      }
      std::string key(line.substr(i, eq - i));
      std::string value;
      i = eq + 2;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          value.push_back(line[i]);
        }
        ++i;
      }
      if (i >= line.size()) return false;
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') ++i;
      sample->labels[key] = value;
    }
    if (i >= line.size()) return false;
    ++i;  // closing brace
  }
  while (i < line.size() && line[i] == ' ') ++i;
  std::size_t end = line.find(' ', i);
  return ParseDouble(
      line.substr(i, end == std::string_view::npos ? end : end - i),
      &sample->value);
}

struct HistogramFigures {
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  double sum = 0;
  double count = 0;
};

struct SubscriptionFigures {
  double delivered = 0;
  double lag = 0;
};

struct Figures {
  double received = 0, stored = 0, duplicates = 0;
  std::vector<std::pair<std::string, double>> refused;  // non-zero only
  double refused_total = 0;
  HistogramFigures latency, batch;
  std::map<std::string, SubscriptionFigures> subscriptions;
  double peers = 0, last_sequence = 0, start_time = 0;
};

void AddToHistogram(const Sample& s, std::string_view base,
                    HistogramFigures* h) {
  std::string_view name = s.name;
  std::string_view suffix = name.substr(base.size());
  if (suffix == "_bucket") {
    auto le = s.labels.find("le");
    double bound = 0;
    if (le != s.labels.end() && ParseDouble(le->second, &bound)) {
      h->buckets.emplace_back(bound, s.value);
    }
  } else if (suffix == "_sum") {
    h->sum = s.value;
  } else if (suffix == "_count") {
    h->count = s.value;
  }
}

Figures Collect(std::string_view exposition) {
  Figures f;
  while (!exposition.empty()) {
    std::size_t nl = exposition.find('\n');
    std::string_view line = exposition.substr(0, nl);
    exposition.remove_prefix(nl == std::string_view::npos ? exposition.size()
                                                          : nl + 1);
    Sample s;
    if (line.empty() || line[0] == '#' || !ParseSample(line, &s)) continue;
    const std::string& n = s.name;
    auto label = [&s](const char* key) {
      auto it = s.labels.find(key);
      return it == s.labels.end() ? std::string() : it->second;
    };
    if (n == "certshare_records_received_total") {
      f.received = s.value;
    } else if (n == "certshare_records_stored_total") {
      f.stored = s.value;
    } else if (n == "certshare_records_duplicate_total") {
      f.duplicates = s.value;
    } else if (n == "certshare_records_refused_total") {
      f.refused_total += s.value;
      if (s.value != 0) f.refused.emplace_back(label("code"), s.value);
    } else if (n.rfind("certshare_commit_duration_seconds_", 0) == 0) {
      AddToHistogram(s, "certshare_commit_duration_seconds", &f.latency);
    } else if (n.rfind("certshare_commit_batch_records_", 0) == 0) {
      AddToHistogram(s, "certshare_commit_batch_records", &f.batch);
    } else if (n == "certshare_records_delivered_total") {
      f.subscriptions[label("subscription")].delivered = s.value;
    } else if (n == "certshare_subscription_lag_records") {
      f.subscriptions[label("subscription")].lag = s.value;
    } else if (n == "certshare_connected_peers") {
      f.peers = s.value;
    } else if (n == "certshare_last_sequence") {
      f.last_sequence = s.value;
    } else if (n == "certshare_start_time_seconds") {
      f.start_time = s.value;
    }
  }
  return f;
}

std::string Format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

std::string Whole(double v) { return Format("%.0f", v); }

// "0.5 ms", "25 ms", "2.5 s".
std::string Seconds(double s) {
  if (std::isinf(s)) return "inf";
  if (s < 1) return Format("%.3g ms", s * 1000);
  return Format("%.3g s", s);
}

// "label ........ value", aligned for a terminal.
// Control characters (a subscription name is chosen by its subscriber) are
// shown as '?' so that one figure is always one line.
void Line(std::string* out, int indent, std::string label,
          const std::string& value) {
  for (char& c : label) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  out->append(static_cast<std::size_t>(indent), ' ');
  out->append(label);
  if (!value.empty()) {
    std::size_t width = 24 - static_cast<std::size_t>(indent);
    out->append(label.size() < width ? width - label.size() : 0, ' ');
    out->append(" ").append(value);
  }
  out->append("\n");
}

// The bucket bound that a fraction q of the observations stay within,
// from cumulative buckets: "<= 8", or "> 1024" when beyond the last bound.
std::string Quantile(const HistogramFigures& h, double q,
                     std::string (*show)(double)) {
  double target = q * h.count;
  double last_finite = 0;
  for (const auto& [le, cumulative] : h.buckets) {
    if (!std::isinf(le)) last_finite = le;
    if (cumulative >= target) {
      return std::isinf(le) ? "> " + show(last_finite) : "<= " + show(le);
    }
  }
  return "?";
}

std::string Plain(double v) { return Format("%g", v); }
std::string OneDecimal(double v) { return Format("%.1f", v); }

// "mean 8.5, p50 <= 8, p99 <= 32", or "-" before the first observation.
void HistogramLine(std::string* out, const std::string& label,
                   const HistogramFigures& h, std::string (*show_mean)(double),
                   std::string (*show_bound)(double)) {
  if (h.count == 0) {
    Line(out, 2, label, "-");
    return;
  }
  Line(out, 2, label,
       "mean " + show_mean(h.sum / h.count) + ", p50 " +
           Quantile(h, 0.5, show_bound) + ", p99 " +
           Quantile(h, 0.99, show_bound));
}

std::string Started(double start_time) {
  std::time_t t = static_cast<std::time_t>(start_time);
  const std::string when = FormatUtc(t);
  long up = static_cast<long>(std::time(nullptr) - t);
  if (up < 0) up = 0;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s (up %ldd %02ldh %02ldm %02lds)", when.c_str(),
                up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
  return buf;
}

}  // namespace

std::string RenderTextFromPrometheus(std::string_view exposition) {
  const Figures f = Collect(exposition);
  std::string out;
  out.append("broker\n");
  if (f.start_time > 0) Line(&out, 2, "started", Started(f.start_time));
  Line(&out, 2, "connected peers", Whole(f.peers));
  Line(&out, 2, "last sequence", Whole(f.last_sequence));

  out.append("records\n");
  Line(&out, 2, "received", Whole(f.received));
  Line(&out, 2, "stored", Whole(f.stored));
  Line(&out, 2, "duplicates", Whole(f.duplicates));
  Line(&out, 2, "refused", Whole(f.refused_total));
  for (const auto& [code, n] : f.refused) Line(&out, 4, code, Whole(n));

  out.append("group commits\n");
  Line(&out, 2, "commits", Whole(f.latency.count));
  HistogramLine(&out, "records per commit", f.batch, &OneDecimal, &Plain);
  HistogramLine(&out, "commit latency", f.latency, &Seconds, &Seconds);

  out.append("subscriptions\n");
  if (f.subscriptions.empty()) {
    Line(&out, 2, "(none)", "");
  } else {
    Line(&out, 2, "SUBSCRIPTION", "DELIVERED / LAG");
    for (const auto& [name, s] : f.subscriptions) {
      Line(&out, 2, name, Whole(s.delivered) + " / " + Whole(s.lag));
    }
  }
  return out;
}

std::string RenderText(const Metrics& metrics) {
  return RenderTextFromPrometheus(metrics.RenderPrometheus());
}

}  // namespace certshare::broker
