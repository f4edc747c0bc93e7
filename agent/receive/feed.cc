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
    last_taken_ = sequence;
    return taken;
  }
  CERTSHARE_ASSIGN_OR_RETURN(bool seen, AlreadyPassedOn(verified->dedupe_key));
  if (seen) {
    taken.what = Taken::What::kDuplicate;
    last_taken_ = sequence;
    return taken;
  }
  if (!parts_.output->Fits(*verified)) CERTSHARE_RETURN_IF_ERROR(Commit());
  CERTSHARE_RETURN_IF_ERROR(parts_.output->Write(*verified));
  if (first_pending_ == 0) first_pending_ = sequence;
  pending_set_.insert(verified->dedupe_key);
  pending_keys_.push_back(std::move(verified->dedupe_key));
  last_taken_ = sequence;
  return taken;
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
  if (parts_.seen != nullptr && !journaled.empty()) {
    CERTSHARE_RETURN_IF_ERROR(parts_.seen->ClearRedo(journaled));
  }
  return Status::Ok();
}

std::uint64_t Feed::DoneThrough() const {
  return first_pending_ != 0 ? first_pending_ - 1 : last_taken_;
}

}  // namespace certshare::agent
