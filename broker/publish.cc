// The broker's hot path: one published record, from frame to ACK.
//
//   HandlePublish   socket thread   size check, hand to the pipeline
//   CheckRecord     worker threads  decode → authenticate origin → verify
//   (group commit)  committer       one synced write for all waiting
//   FinishIngested  socket thread   ACK or ERROR each; the stored ones join
//                                   the fan-out's tail (decoded, DELIVER
//                                   encoded once for every subscriber)

#include "broker/broker.h"
#include "broker/logger.h"
#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"
#include "storage/log.h"

namespace certshare::broker {

namespace {

// The origin named in the header must be the organisation that the
// transport authenticated: nobody publishes in another CERT's name.
Status AuthenticateOrigin(const std::string& sender, const envelope::Header& header) {
  if (header.origin != sender) {
    return Status(ErrorCode::kOriginMismatch,
                  "the record's origin is " + header.origin +
                      " but it was sent by " + sender);
  }
  return Status::Ok();
}

// Every recipient must be a registered organisation, and not revoked: a
// revoked organisation can no longer receive, so a record naming it is
// refused rather than stored for nobody (docs/identity.md).
Status CheckRecipientsKnown(const identity::Registry& registry,
                            const envelope::Header& header) {
  for (const auto& org : header.recipients) {
    const identity::Card* card = registry.Find(org);
    if (card == nullptr) {
      return Status(ErrorCode::kUnknownOrganisation,
                    "recipient " + org + " is not a registered organisation");
    }
    if (card->revoked) {
      return Status(ErrorCode::kRevoked, "recipient " + org + " was revoked at " +
                                             card->revoked_at + " and can no longer receive");
    }
  }
  return Status::Ok();
}

}  // namespace

void Broker::HandlePublish(const transport::Incoming& in, const wire::Message& msg) {
  metrics_.RecordReceived();
  if (msg.record.size() > options_.max_record_bytes) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kRecordTooLarge,
                  "record of " + std::to_string(msg.record.size()) +
                      " bytes exceeds the broker's limit of " +
                      std::to_string(options_.max_record_bytes)));
    return;
  }
  // The organisation's share of the broker's memory (docs/broker.md,
  // "Limits"): one flooding member is refused, the others are served. (The
  // total is never the reason while Run reads only with room for a largest
  // frame, CanRead; the message would say so all the same.)
  const std::size_t cost = Budget::RecordCost(msg.record.size());
  if (!budget_.TryCharge(in.org, cost)) {
    const bool own = budget_.Of(in.org) + cost > budget_.per_org_limit();
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kBusy,
                  (own ? in.org + " has " + std::to_string(budget_.Of(in.org)) +
                             " bytes of records in flight at the broker, the most allowed "
                             "(max_buffered_bytes_per_org " +
                             std::to_string(budget_.per_org_limit()) + ")"
                       : "the broker holds " + std::to_string(budget_.total()) +
                             " bytes of records in flight, the most allowed "
                             "(max_buffered_bytes " +
                             std::to_string(budget_.total_limit()) + ")") +
                      ": send the record again once some are acknowledged"));
    return;
  }
  IngestJob job;
  job.peer = in.peer;
  job.org = in.org;
  job.correlation = msg.correlation;
  job.record.assign(msg.record.begin(), msg.record.end());
  job.charged_bytes = cost;
  pipeline_->Submit(std::move(job));
}

Status Broker::CheckRecord(IngestJob& job) const {
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record record,
                             envelope::Decode(job.record, options_.max_record_bytes));
  CERTSHARE_RETURN_IF_ERROR(AuthenticateOrigin(job.org, record.header));
  // One snapshot for the whole check: an admin change in between cannot
  // mix two registries.
  std::shared_ptr<const identity::Registry> registry = registry_->Get();
  const identity::Card* origin = registry->Find(record.header.origin);
  if (origin == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "origin " + record.header.origin + " is not registered");
  }
  if (origin->revoked) {
    return Status(ErrorCode::kRevoked, "origin " + origin->org + " was revoked at " +
                                           origin->revoked_at);
  }
  if (!identity::HasRole(*origin, identity::kRolePublish) &&
      record.header.stix_type != envelope::kReceiptStixType) {
    return Status(ErrorCode::kNotAuthorized,
                  origin->org + " has no \"publish\" role in the registry: it may send "
                                "delivery receipts only");
  }
  // Only the current signing key: previous keys verify earlier records at
  // subscribers, never new ones here.
  CERTSHARE_RETURN_IF_ERROR(envelope::Verify(record, origin->sign_key, &verified_roots_));
  CERTSHARE_RETURN_IF_ERROR(CheckRecipientsKnown(*registry, record.header));
  // Every key fits the log (envelope::Decode bounds the header's strings),
  // so the group commit never refuses this record for its own sake.
  static_assert(envelope::kMaxDedupeKeyLength <= storage::kMaxKeyLength);
  const envelope::RecordKey key = envelope::RecordKeyOf(record.header);
  job.dedupe_key = envelope::EncodeRecordKey(key);
  job.object_id = envelope::EncodeObjectId(key);
  // Decode checked `modified`: the key is fixed-width and sorts by time.
  job.version_key = envelope::EncodeVersionKey(key);
  job.header = std::move(record.header);
  return Status::Ok();
}

void Broker::FinishIngested() {
  std::vector<IngestJob> done;
  pipeline_->TakeCompleted(&done);
  bool stored_any = false;
  for (auto& job : done) {
    budget_.Release(job.org, job.charged_bytes);
    if (!job.status.ok()) {
      if (job.status.code() == ErrorCode::kUnavailable ||
          job.status.code() == ErrorCode::kIoError ||
          job.status.code() == ErrorCode::kStorageError) {
        if (!storage_failed_.exchange(true)) {
          Logger()->error("storage failed; acknowledging nothing until restarted: {}",
                          job.status.ToString());
          MutexLock lock(&health_mu_);
          storage_failure_ = job.status.ToString();
        }
      }
      Refuse(job.peer, job.org, job.correlation, job.status);
      continue;
    }
    if (job.stored.duplicate) {
      metrics_.RecordDuplicate();
    } else {
      metrics_.RecordsStored(1);
      stored_any = true;
    }
    if (Logger()->should_log(spdlog::level::debug)) {
      // The key is parsed back only for this line: it is the key the
      // check encoded, so it parses.
      const auto key = envelope::ParseRecordKey(job.dedupe_key);
      Logger()->debug("{} {} from {} (modified {}) as sequence {}",
                      job.stored.duplicate ? "duplicate of" : "stored",
                      key.ok() ? key->stix_id : job.dedupe_key, job.org,
                      key.ok() ? key->modified : std::string(), job.stored.sequence);
    }
    SendTo(job.peer, wire::EncodeAck(job.correlation, job.stored.sequence, job.stored.duplicate));
    if (!job.stored.duplicate) {
      tail_.Append(job.stored.sequence, std::move(job.header),
                   wire::EncodeDeliver(0, job.stored.sequence, job.record));
    }
  }
  if (stored_any) metrics_.SetLastSequence(log_->LastSequence());
}

}  // namespace certshare::broker
