#include "agent/sensor/pipeline.h"

#include <thread>

namespace certshare::agent::sensor {

namespace {

constexpr std::chrono::milliseconds kIdleWait{250};

std::size_t CacheSlot(std::optional<Tlp> marked) {
  return marked ? static_cast<std::size_t>(*marked) + 1 : 0;
}

}  // namespace

Result<const Routing*> RouteCache::For(std::optional<Tlp> marked) {
  std::optional<Result<Routing>>& slot = cache_[CacheSlot(marked)];
  if (!slot) {
    Result<Routing> routing = Route(marked, options_, me_, registry_);
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
      report_(std::move(report)) {
  batch_.reserve(options_.batch_events);
  batch_lines_.reserve(options_.batch_events);
}

// The hot path: read, map, batch, seal, hand over.
Status Pipeline::Run(const std::atomic<bool>& stop) {
  std::vector<Line> lines;
  while (!stop) {
    if (source_.ended()) break;
    auto wait = kIdleWait;
    if (!batch_.empty()) {
      const auto left = batch_started_ + options_.batch_delay - Clock::now();
      wait = std::max(std::chrono::milliseconds(0),
                      std::chrono::duration_cast<std::chrono::milliseconds>(left));
    }
    lines.clear();
    const Status read = source_.Read(wait, options_.batch_events - batch_.size(), &lines);
    for (const std::string& notice : source_.TakeNotices()) report_(notice);
    for (const Line& line : lines) {
      Take(line);
      if (batch_.size() >= options_.batch_events) CERTSHARE_RETURN_IF_ERROR(Flush(stop));
    }
    if (!read.ok()) {
      CERTSHARE_RETURN_IF_ERROR(Flush(stop));
      return read;
    }
    if (!batch_.empty() && Clock::now() >= batch_started_ + options_.batch_delay) {
      CERTSHARE_RETURN_IF_ERROR(Flush(stop));
    }
  }
  return Flush(stop);
}

// One line: mapped, routed and added to the batch as a draft, or counted
// as skipped or bad.
void Pipeline::Take(const Line& line) {
  ++stats_.lines;
  if (line.too_long) {
    Bad(line, "longer than the line limit; skipped");
    return;
  }
  Result<std::optional<SensorEvent>> mapped = mapper_.Map(line.text);
  if (!mapped.ok()) {
    Bad(line, mapped.status().ToString());
    return;
  }
  if (!*mapped) {
    ++stats_.skipped;
    return;
  }
  SensorEvent& event = **mapped;
  Result<const Routing*> routing = routes_.For(event.marked);
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
  if (batch_.empty()) batch_started_ = Clock::now();
  batch_.push_back(std::move(draft));
  batch_lines_.push_back(Line{{}, line.number, line.stream, false});
}

Status Pipeline::Flush(const std::atomic<bool>& stop) {
  if (batch_.empty()) return Status::Ok();
  Result<std::vector<Bytes>> records = Seal();
  const std::size_t events = batch_.size();
  batch_.clear();
  batch_lines_.clear();
  if (!records.ok()) return records.status();
  if (records->empty()) return Status::Ok();
  Status handed = Hand(std::move(*records), stop);
  if (!handed.ok()) {
    return handed.WithContext(std::to_string(events) + " events were not spooled");
  }
  return Status::Ok();
}

// One signature for the whole batch. If the envelope refuses a draft, the
// batch is sealed again one by one so that only the bad drafts are lost.
Result<std::vector<Bytes>> Pipeline::Seal() {
  Result<std::vector<Bytes>> sealed = sealer_.SealBatch(batch_);
  if (sealed.ok()) return sealed;
  std::vector<Bytes> records;
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    Result<Bytes> one = sealer_.Seal(batch_[i]);
    if (!one.ok()) {
      Bad(batch_lines_[i], one.status().ToString());
      continue;
    }
    records.push_back(std::move(*one));
  }
  return records;
}

// Gives the records to the sink, waiting while the spool is full.
Status Pipeline::Hand(std::vector<Bytes> records, const std::atomic<bool>& stop) {
  bool told = false;
  for (;;) {
    Status s = sink_.Accept(records);
    if (s.ok()) {
      stats_.published += records.size();
      ++stats_.batches;
      if (told) report_("the spool has room again; reading input again");
      return Status::Ok();
    }
    if (s.code() != ErrorCode::kSpoolFull || stop) return s;
    if (!told) {
      report_(s.ToString() + "; holding " + std::to_string(records.size()) +
              " events and waiting for the broker to take records (input is not read "
              "meanwhile, nothing is dropped)");
      told = true;
    }
    std::this_thread::sleep_for(options_.full_retry);
  }
}

void Pipeline::Bad(const Line& line, const std::string& why) {
  ++stats_.bad;
  if (stats_.bad <= options_.max_reports) {
    report_(source_.Describe(line) + ": " + why);
    if (stats_.bad == options_.max_reports) {
      report_("further bad lines are counted but not reported");
    }
  }
}

}  // namespace certshare::agent::sensor
