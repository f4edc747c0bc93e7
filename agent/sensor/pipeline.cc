#include "agent/sensor/pipeline.h"

#include <thread>

#include "common/envelope/record_key.h"

namespace certshare::agent::sensor {

namespace {

constexpr std::chrono::milliseconds kIdleWait{250};

}  // namespace

RouteCache::RouteCache(ComposeOptions options, const identity::Identity& me,
                       const LiveTrust& live, std::function<void(const std::string&)> warn)
    : options_(std::move(options)),
      me_(me),
      live_(&live),
      snapshot_(live.Current()),
      warn_(std::move(warn)) {
  registry_ = snapshot_.registry.get();
  options_.usable = live.UsableFunction();
}

void RouteCache::Follow() {
  if (live_ == nullptr || live_->generation() == snapshot_.generation) return;
  snapshot_ = live_->Current();
  registry_ = snapshot_.registry.get();
  for (auto& slot : cache_) slot.reset();
}

Result<const Routing*> RouteCache::For(std::optional<Tlp> marked, std::string_view marked_by) {
  Follow();
  CERTSHARE_ASSIGN_OR_RETURN(Tlp tlp, ChooseTlp(marked, marked_by, options_.tlp));
  std::optional<Result<Routing>>& slot = cache_[static_cast<std::size_t>(tlp)];
  if (!slot) {
    Result<Routing> routing = Route(tlp, options_, me_, *registry_);
    // After the registry changed, say what the new routing leaves out, as
    // the sensor did at its start.
    if (routing.ok() && !routing->left_out.empty() && warn_ && snapshot_.generation > 0) {
      warn_("warning: TLP:" + std::string(TlpName(routing->tlp)) + " records: " +
            DescribeLeftOut(routing->left_out));
    }
    // GREEN without --to goes to every other registered organisation: if
    // there is none, say so here rather than let every batch fail to seal.
    if (routing.ok() && routing->encrypt && routing->recipients.empty()) {
      routing = Status(ErrorCode::kInvalidArgument,
                       "TLP:" + std::string(TlpName(routing->tlp)) +
                           " is encrypted to the other organisations of the registry, and it "
                           "has none: pass --to ORG, or --plaintext-green");
    }
    slot.emplace(std::move(routing));
  }
  if (!slot->ok()) return slot->status();
  return &slot->value();
}

Pipeline::Pipeline(LineSource& source, EventMapper& mapper, RouteCache& routes,
                   envelope::Sealer& sealer, RecordSink& sink, PipelineOptions options,
                   Reporter report)
    : source_(source),
      mapper_(mapper),
      routes_(routes),
      sealer_(sealer),
      sink_(sink),
      options_(options),
      report_(std::move(report)) {}

PipelineStats Pipeline::stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  std::thread sealer([this] { SealLoop(); });
  std::thread spooler([this, &stop] { SpoolLoop(stop); });
  Status read = Read(stop);
  {
    MutexLock lock(&mu_);
    closed_ = true;
  }
  changed_.SignalAll();
  sealer.join();
  spooler.join();
  MutexLock lock(&mu_);
  if (!failed_.ok()) {
    return failed_.WithContext(std::to_string(lost_) + " events were not spooled");
  }
  return read;
}

// The reader: read, map, route, batch. Returns at the end of the input, at
// `stop`, or when the spooler has failed.
Status Pipeline::Read(const std::atomic<bool>& stop) {
  std::vector<Line> lines;
  while (!stop && !source_.ended()) {
    auto wait = kIdleWait;
    if (!batch_.drafts.empty()) {
      const auto left = batch_started_ + options_.batch_delay - Clock::now();
      wait = std::max(std::chrono::milliseconds(0),
                      std::chrono::duration_cast<std::chrono::milliseconds>(left));
    }
    lines.clear();
    const Status read =
        source_.Read(wait, options_.batch_events - batch_.drafts.size(), &lines);
    for (const std::string& notice : source_.TakeNotices()) Say(notice);
    for (const Line& line : lines) {
      Take(line);
      if (batch_.drafts.size() >= options_.batch_events) CERTSHARE_RETURN_IF_ERROR(Submit());
    }
    if (!read.ok()) {
      CERTSHARE_RETURN_IF_ERROR(Submit());
      return read;
    }
    if (!batch_.drafts.empty() && Clock::now() >= batch_started_ + options_.batch_delay) {
      CERTSHARE_RETURN_IF_ERROR(Submit());
    }
  }
  return Submit();
}

// One line: mapped, routed and added to the batch as a draft, or counted
// as skipped or bad.
void Pipeline::Take(const Line& line) {
  {
    MutexLock lock(&mu_);
    ++stats_.lines;
  }
  if (line.too_long) {
    Bad(line, "longer than the line limit; skipped");
    return;
  }
  // A blank line (whitespace only) is no event in any format: skipped, not bad.
  if (line.text.find_first_not_of(" \t\r") == std::string::npos) {
    MutexLock lock(&mu_);
    ++stats_.skipped;
    return;
  }
  Result<std::optional<SensorEvent>> mapped = mapper_.Map(line.text);
  if (!mapped.ok()) {
    Bad(line, mapped.status().ToString());
    return;
  }
  if (!*mapped) {
    MutexLock lock(&mu_);
    ++stats_.skipped;
    return;
  }
  SensorEvent& event = **mapped;
  Result<const Routing*> routing = routes_.For(event.marked, event.marked_by);
  if (!routing.ok()) {
    Bad(line, routing.status().ToString());
    return;
  }
  envelope::Draft draft;
  draft.stix_type = std::move(event.stix_type);
  draft.stix_id = std::move(event.stix_id);
  draft.modified = std::move(event.modified);
  draft.tlp = (*routing)->tlp;
  draft.encrypt = (*routing)->encrypt;
  draft.recipients = (*routing)->recipients;
  draft.payload = std::move(event.payload);
  if (batch_.drafts.empty()) batch_started_ = Clock::now();
  batch_.drafts.push_back(std::move(draft));
  Line kept;  // without its text: for messages and the position
  kept.number = line.number;
  kept.stream = line.stream;
  kept.end = line.end;
  kept.file_dev = line.file_dev;
  kept.file_ino = line.file_ino;
  batch_.lines.push_back(std::move(kept));
}

// Hands the batch to the sealer, waiting while kQueuedBatches wait already.
Status Pipeline::Submit() {
  if (batch_.drafts.empty()) return Status::Ok();
  MutexLock lock(&mu_);
  while (queue_.size() >= kQueuedBatches && failed_.ok()) changed_.Wait(&mu_);
  if (!failed_.ok()) {
    lost_ += batch_.drafts.size();
    batch_ = Batch();
    return failed_;
  }
  queue_.push_back(std::move(batch_));
  batch_ = Batch();
  lock.Unlock();
  changed_.SignalAll();
  return Status::Ok();
}

// The sealer: one signature per batch, handed to the spooler.
void Pipeline::SealLoop() {
  for (;;) {
    MutexLock lock(&mu_);
    while (queue_.empty() && !closed_ && failed_.ok()) changed_.Wait(&mu_);
    if (queue_.empty() || !failed_.ok()) {  // closed and all sealed, or the spooler failed
      sealing_done_ = true;
      lock.Unlock();
      changed_.SignalAll();
      return;
    }
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    lock.Unlock();
    changed_.SignalAll();  // room for the reader

    Sealed sealed{Seal(batch), batch.drafts.size(),
                  batch.lines.empty() ? std::optional<Line>() : batch.lines.back()};
    lock.Lock();
    while (sealed_.size() >= kQueuedBatches && failed_.ok()) changed_.Wait(&mu_);
    if (!failed_.ok()) {
      lost_ += sealed.events;
      continue;  // the next turn sees the failure and stops
    }
    sealed_.push_back(std::move(sealed));
    lock.Unlock();
    changed_.SignalAll();
  }
}

// The spooler: each sealed batch to the sink, in order. Its synced write is
// mostly waiting, so sealing the next batch goes on meanwhile.
void Pipeline::SpoolLoop(const std::atomic<bool>& stop) {
  for (;;) {
    MutexLock lock(&mu_);
    while (sealed_.empty() && !sealing_done_) changed_.Wait(&mu_);
    if (sealed_.empty()) return;  // everything sealed has been handed over
    Sealed sealed = std::move(sealed_.front());
    sealed_.pop_front();
    lock.Unlock();
    changed_.SignalAll();  // room for the sealer

    Status handed = Hand(sealed.sealed, stop);
    if (handed.ok() && options_.spooled && sealed.last) {
      options_.spooled(*sealed.last);  // everything up to it is spooled or skipped
    }
    if (!handed.ok()) {
      lock.Lock();
      failed_ = std::move(handed);
      lost_ += sealed.events;
      for (const Sealed& s : sealed_) lost_ += s.events;
      sealed_.clear();
      for (const Batch& b : queue_) lost_ += b.drafts.size();
      queue_.clear();
      lock.Unlock();
      changed_.SignalAll();
      return;
    }
  }
}

// One signature for the whole batch. If the envelope refuses a draft, the
// batch is sealed again one by one so that only the bad drafts are lost.
// Each record's key comes from the header the sealer made (nothing is
// decoded again).
Pipeline::Records Pipeline::Seal(const Batch& batch) {
  Records out;
  auto add = [&out](envelope::Sealed& one) {
    out.keys.push_back(envelope::EncodeRecordKey(envelope::RecordKeyOf(one.header)));
    out.records.push_back(std::move(one.record));
  };
  Result<std::vector<envelope::Sealed>> sealed = sealer_.SealBatch(batch.drafts);
  if (sealed.ok()) {
    out.records.reserve(sealed->size());
    out.keys.reserve(sealed->size());
    for (envelope::Sealed& one : *sealed) add(one);
    return out;
  }
  for (std::size_t i = 0; i < batch.drafts.size(); ++i) {
    Result<envelope::Sealed> one = sealer_.Seal(batch.drafts[i]);
    if (!one.ok()) {
      Bad(batch.lines[i], one.status().ToString());
      continue;
    }
    add(*one);
  }
  return out;
}

// Gives the records to the sink, waiting while the spool is full.
Status Pipeline::Hand(const Records& sealed, const std::atomic<bool>& stop) {
  const std::vector<Bytes>& records = sealed.records;
  if (records.empty()) return Status::Ok();
  bool told = false;
  for (;;) {
    Status s = sink_.Accept(records, sealed.keys);
    if (s.ok()) {
      {
        MutexLock lock(&mu_);
        stats_.published += records.size();
        ++stats_.batches;
      }
      if (told) Say("the spool has room again; reading input again");
      return Status::Ok();
    }
    if (s.code() != ErrorCode::kSpoolFull || stop) return s;
    if (!told) {
      Say(s.ToString() + "; holding " + std::to_string(records.size()) +
          " events and waiting for the broker to take records (input is not read "
          "meanwhile, nothing is dropped)");
      told = true;
    }
    std::this_thread::sleep_for(options_.full_retry);
  }
}

void Pipeline::Bad(const Line& line, const std::string& why) {
  std::uint64_t bad;
  {
    MutexLock lock(&mu_);
    bad = ++stats_.bad;
  }
  if (bad <= options_.max_reports) {
    Say(source_.Describe(line) + ": " + why);
    if (bad == options_.max_reports) Say("further bad lines are counted but not reported");
  }
}

void Pipeline::Say(const std::string& message) {
  MutexLock lock(&report_mu_);
  report_(message);
}

}  // namespace certshare::agent::sensor
