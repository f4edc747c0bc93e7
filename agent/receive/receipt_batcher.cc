#include "agent/receive/receipt_batcher.h"

#include "agent/stix/uuid.h"

namespace certshare::agent {

std::optional<ReceiptSubject> AuthenticatedSubject(ByteView bytes,
                                                   const identity::Registry& registry) {
  auto record = envelope::Decode(bytes);
  if (!record.ok()) return std::nullopt;
  const identity::Card* origin = registry.Find(record->header.origin);
  if (origin == nullptr) return std::nullopt;
  bool verified = envelope::Verify(*record, origin->sign_key).ok();
  for (const auto& previous : origin->previous_sign_keys) {
    verified = verified || envelope::Verify(*record, previous).ok();
  }
  if (!verified) return std::nullopt;
  return ReceiptSubject{record->header.origin, envelope::LeafHash(*record),
                        record->header.stix_id, record->header.modified};
}

ReceiptBatcher::ReceiptBatcher(const identity::Identity& me, const identity::Registry& registry,
                               ReceiptBatcherOptions options)
    : me_(me),
      registry_(registry),
      o_(std::move(options)),
      sealer_(me.card.org, me.sign_secret, me.box_secret) {}

Status ReceiptBatcher::Add(const ReceiptSubject& subject, ReceiptState state, ErrorCode code) {
  if (subject.origin == me_.card.org) return Status::Ok();
  Receipt r;
  r.origin = subject.origin;
  r.recipient = me_.card.org;
  r.leaf = subject.leaf;
  r.state = state;
  r.code = state == ReceiptState::kProcessed ? ErrorCode::kOk : code;
  r.time_ms = NowMillis();
  r.record_id = subject.record_id;
  r.record_modified = subject.record_modified;
  SignReceipt(&r, me_.sign_secret);
  Queue& q = queues_[subject.origin];
  if (q.receipts.empty()) q.first = ReceiptClock::now();
  q.receipts.push_back(std::move(r));
  if (q.receipts.size() >= o_.max_batch) return Seal(subject.origin);
  return Status::Ok();
}

std::optional<ReceiptClock::time_point> ReceiptBatcher::Deadline() const {
  std::optional<ReceiptClock::time_point> out;
  for (const auto& [origin, q] : queues_) {
    if (q.receipts.empty()) continue;
    auto due = q.first + o_.max_wait;
    if (!out || due < *out) out = due;
  }
  return out;
}

Status ReceiptBatcher::Flush(ReceiptClock::time_point now, bool all) {
  std::vector<std::string> due;
  for (const auto& [origin, q] : queues_) {
    if (!q.receipts.empty() && (all || q.first + o_.max_wait <= now)) due.push_back(origin);
  }
  for (const std::string& origin : due) CERTSHARE_RETURN_IF_ERROR(Seal(origin));
  return Status::Ok();
}

std::size_t ReceiptBatcher::queued() const {
  std::size_t n = 0;
  for (const auto& [origin, q] : queues_) n += q.receipts.size();
  return n;
}

Status ReceiptBatcher::Seal(const std::string& origin) {
  Queue& q = queues_[origin];
  const identity::Card* card = registry_.Find(origin);
  if (card == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "receipts for " + origin + " cannot be sealed: it is no longer in this "
                  "agent's registry");
  }
  std::vector<envelope::Draft> drafts;
  drafts.reserve(q.receipts.size());
  for (const Receipt& r : q.receipts) {
    envelope::Draft d;
    d.stix_type = std::string(kReceiptType);
    d.stix_id = std::string(kReceiptType) + "--" + NewUuid4();
    d.modified = FormatTimestamp(r.time_ms);
    d.tlp = Tlp::kAmberStrict;
    d.encrypt = true;
    d.recipients = {{origin, card->box_key}};
    d.payload = ToStix(r, d.stix_id);
    drafts.push_back(std::move(d));
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::vector<envelope::Sealed> sealed, sealer_.SealBatch(drafts));
  CERTSHARE_RETURN_IF_ERROR(o_.spool(sealed));
  spooled_ += q.receipts.size();
  queues_.erase(origin);
  return Status::Ok();
}

}  // namespace certshare::agent
