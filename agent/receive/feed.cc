#include "agent/receive/feed.h"

namespace certshare::agent {

Result<std::unique_ptr<Feed>> Feed::Open(FeedParts parts, const identity::Identity& me,
                                         const identity::Registry& registry) {
  if (parts.output == nullptr) return Status(ErrorCode::kInternal, "a feed needs an output");
  std::vector<std::string> redo;
  if (parts.seen != nullptr) {
    CERTSHARE_ASSIGN_OR_RETURN(redo, parts.seen->PendingRedo());
  }
  CERTSHARE_RETURN_IF_ERROR(parts.output->Recover(redo));
  for (const std::string& action : redo) {
    CERTSHARE_RETURN_IF_ERROR(parts.seen->ClearRedo(action));
  }
  return std::unique_ptr<Feed>(new Feed(std::move(parts), me, registry));
}

Result<bool> Feed::AlreadyPassedOn(const std::string& key) const {
  if (pending_set_.count(key) != 0) return true;
  if (parts_.seen == nullptr) return false;
  return parts_.seen->Contains(key);
}

Result<Taken> Feed::Take(std::uint64_t sequence, ByteView record) {
  Taken taken;
  if (sequence <= last_taken_) {
    // Delivered again after subscribing again: already handled in this run.
    taken.what = Taken::What::kDuplicate;
    return taken;
  }
  Result<Verified> verified = Verify(sequence, record, me_, registry_, parts_.verify);
  if (!verified.ok()) {
    taken.what = Taken::What::kQuarantined;
    taken.why = verified.status();
    if (parts_.quarantine != nullptr) {
      CERTSHARE_ASSIGN_OR_RETURN(taken.quarantined,
                                 parts_.quarantine->Put(sequence, record, taken.why));
    }
    CERTSHARE_RETURN_IF_ERROR(ReceiptForRejected(record, taken.why));
    last_taken_ = sequence;
    return taken;
  }
  if (verified->type == kReceiptType) return TakeReceipt(sequence, *verified);
  const ReceiptSubject subject{verified->origin, verified->leaf, verified->id,
                               verified->modified};
  CERTSHARE_ASSIGN_OR_RETURN(bool seen, AlreadyPassedOn(verified->dedupe_key));
  if (seen) {
    // Output before (a redelivery after a crash, perhaps before its
    // receipt was spooled): it is processed, so say so again.
    if (parts_.receipts_out != nullptr) {
      CERTSHARE_RETURN_IF_ERROR(parts_.receipts_out->Add(subject, ReceiptState::kProcessed));
    }
    taken.what = Taken::What::kDuplicate;
    last_taken_ = sequence;
    return taken;
  }
  if (!parts_.output->Fits(*verified)) CERTSHARE_RETURN_IF_ERROR(Commit());
  CERTSHARE_RETURN_IF_ERROR(parts_.output->Write(*verified));
  if (first_pending_ == 0) first_pending_ = sequence;
  pending_set_.insert(verified->dedupe_key);
  pending_keys_.push_back(std::move(verified->dedupe_key));
  if (parts_.receipts_out != nullptr) pending_receipts_.push_back(subject);
  last_taken_ = sequence;
  return taken;
}

Result<Taken> Feed::TakeReceipt(std::uint64_t sequence, const Verified& verified) {
  Taken taken;
  taken.what = Taken::What::kReceipt;
  if (parts_.receipts_in != nullptr) {
    CERTSHARE_ASSIGN_OR_RETURN(taken.kept, parts_.receipts_in->Keep(verified));
  }
  // Done at once: nothing of it waits for the output. (Before the
  // records pending in the output, DoneThrough stays below those.)
  last_taken_ = sequence;
  return taken;
}

Status Feed::ReceiptForRejected(ByteView record, const Status& why) {
  if (parts_.receipts_out == nullptr) return Status::Ok();
  std::optional<ReceiptSubject> subject = AuthenticatedSubject(record, registry_);
  if (!subject) return Status::Ok();  // not verified as its origin's: no receipt
  // A receipt about a receipt is never sent (the record says its type).
  if (subject->record_id.starts_with(std::string(kReceiptType) + "--")) return Status::Ok();
  return parts_.receipts_out->Add(*subject, ReceiptState::kRejected, why.code());
}

std::optional<OutputClock::time_point> Feed::CommitDeadline() const {
  std::optional<OutputClock::time_point> deadline = parts_.output->CommitDeadline();
  if (parts_.receipts_out != nullptr) {
    auto receipts = parts_.receipts_out->Deadline();
    if (receipts && (!deadline || *receipts < *deadline)) deadline = receipts;
  }
  return deadline;
}

Status Feed::FlushReceipts(OutputClock::time_point now, bool all) {
  if (parts_.receipts_out == nullptr) return Status::Ok();
  return parts_.receipts_out->Flush(now, all);
}

Status Feed::Commit() {
  std::string journaled;
  CERTSHARE_RETURN_IF_ERROR(parts_.output->Commit([&](std::string_view redo) -> Status {
    if (parts_.seen != nullptr && (!pending_keys_.empty() || !redo.empty())) {
      CERTSHARE_RETURN_IF_ERROR(parts_.seen->Add(pending_keys_, redo));
    }
    journaled = std::string(redo);
    return Status::Ok();
  }));
  pending_keys_.clear();
  pending_set_.clear();
  first_pending_ = 0;
  // Committed: the records are processed.
  std::vector<ReceiptSubject> processed = std::move(pending_receipts_);
  pending_receipts_.clear();
  for (const ReceiptSubject& subject : processed) {
    CERTSHARE_RETURN_IF_ERROR(parts_.receipts_out->Add(subject, ReceiptState::kProcessed));
  }
  if (parts_.seen != nullptr && !journaled.empty()) {
    CERTSHARE_RETURN_IF_ERROR(parts_.seen->ClearRedo(journaled));
  }
  return Status::Ok();
}

std::uint64_t Feed::DoneThrough() const {
  return first_pending_ != 0 ? first_pending_ - 1 : last_taken_;
}

}  // namespace certshare::agent
