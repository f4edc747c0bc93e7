#include "bench/records.h"

#include <cstdio>
#include <random>

#include "agent/link/compose.h"
#include "common/envelope/envelope.h"

namespace certshare::bench {
namespace {

constexpr const char* kModified = "2026-12-01T10:00:00.000Z";

// About 3 KB of STIX: what an incident report from a CERT looks like, its
// description carrying most of the bytes.
std::string Incident(const std::string& id) {
  static const std::string description = [] {
    std::string d;
    while (d.size() < 2350) {
      d += "Phishing wave against ministry mail: credential harvesting pages hosted on "
           "compromised WordPress sites, lures impersonating the national tax office, "
           "followed by mailbox rules exfiltrating to external addresses. ";
    }
    return d;
  }();
  return R"({"type":"incident","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-12-01T10:00:00.000Z","modified":")" + kModified +
         R"(","name":"Phishing wave against ministry mail","description":")" + description +
         R"(","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]})";
}

std::string RunPrefix() {
  std::random_device random;
  char run[9];
  std::snprintf(run, sizeof run, "%08x", static_cast<unsigned>(random()));
  return run;
}

}  // namespace

RecordSource::RecordSource(const identity::Identity& origin, const identity::Registry& registry,
                           std::vector<std::string> recipients, std::size_t count,
                           std::size_t batch)
    : origin_(origin),
      registry_(registry),
      recipients_(std::move(recipients)),
      count_(count),
      batch_(std::max<std::size_t>(1, batch)),
      run_(RunPrefix()) {}

RecordSource::~RecordSource() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  changed_.SignalAll();
  if (sealer_.joinable()) sealer_.join();
}

Result<SealedBatch> RecordSource::SealOne(std::size_t first) {
  agent::ComposeOptions options;
  options.recipients = recipients_;
  CERTSHARE_ASSIGN_OR_RETURN(agent::Routing routing,
                             agent::Route(Tlp::kAmber, options, origin_, registry_));
  std::vector<envelope::Draft> drafts;
  for (std::size_t i = first; i < std::min(count_, first + batch_); ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "incident--%s-0000-4000-8000-%012zx", run_.c_str(), i);
    envelope::Draft draft;
    draft.stix_type = "incident";
    draft.stix_id = id;
    draft.modified = kModified;
    draft.tlp = routing.tlp;
    draft.encrypt = routing.encrypt;
    draft.recipients = routing.recipients;
    draft.payload = Incident(id);
    drafts.push_back(std::move(draft));
  }
  // One Sealer per batch: it caches shared keys, and is not thread-safe.
  envelope::Sealer sealer(origin_.card.org, origin_.sign_secret, origin_.box_secret);
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<envelope::Sealed> sealed, sealer.SealBatch(drafts));
  SealedBatch out{first, {}};
  for (envelope::Sealed& s : sealed) out.records.push_back(std::move(s.record));
  return out;
}

Status RecordSource::Preseal() {
  for (std::size_t first = 0; first < count_; first += batch_) {
    CERTSHARE_ASSIGN_OR_RETURN(SealedBatch b, SealOne(first));
    MutexLock lock(&mu_);
    sealed_ += b.records.size();
    for (const Bytes& r : b.records) sealed_bytes_ += r.size();
    ready_.push_back(std::move(b));
  }
  return Status::Ok();
}

void RecordSource::StartSealing(std::size_t ahead) {
  sealer_ = std::thread([this, ahead] { SealLoop(ahead); });
}

void RecordSource::SealLoop(std::size_t ahead) {
  for (std::size_t first = 0; first < count_; first += batch_) {
    Result<SealedBatch> b = SealOne(first);
    MutexLock lock(&mu_);
    if (!b.ok()) {
      status_ = b.status();
      stopping_ = true;
    }
    while (!stopping_ && ready_.size() >= ahead) changed_.Wait(&mu_);
    if (stopping_) break;
    sealed_ += b->records.size();
    for (const Bytes& r : b->records) sealed_bytes_ += r.size();
    ready_.push_back(std::move(*b));
    changed_.SignalAll();
  }
  MutexLock lock(&mu_);
  stopping_ = true;
  changed_.SignalAll();
}

std::optional<SealedBatch> RecordSource::Next() {
  MutexLock lock(&mu_);
  while (ready_.empty() && !stopping_ && sealer_.joinable()) changed_.Wait(&mu_);
  if (ready_.empty()) return std::nullopt;
  SealedBatch b = std::move(ready_.front());
  ready_.pop_front();
  changed_.SignalAll();
  return b;
}

Status RecordSource::status() {
  MutexLock lock(&mu_);
  return status_;
}

double RecordSource::average_bytes() {
  MutexLock lock(&mu_);
  return sealed_ == 0 ? 0 : static_cast<double>(sealed_bytes_) / static_cast<double>(sealed_);
}

std::optional<std::size_t> RecordNumber(std::string_view stix_id) {
  constexpr std::string_view kPrefix = "incident--";
  if (stix_id.size() != kPrefix.size() + 36 || stix_id.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  std::size_t n = 0;
  for (char c : stix_id.substr(stix_id.size() - 12)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    n = n * 16 + static_cast<std::size_t>(digit);
  }
  return n;
}

}  // namespace certshare::bench
