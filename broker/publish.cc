// The broker's hot path: one published record, from frame to ACK.
#include <spdlog/spdlog.h>

#include "broker/broker.h"
#include "common/envelope/envelope.h"

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

// Every recipient must be a registered organisation.
Status CheckRecipientsKnown(const identity::Registry& registry,
                            const envelope::Header& header) {
  for (const auto& org : header.recipients) {
    if (registry.Find(org) == nullptr) {
      return Status(ErrorCode::kUnknownOrganisation,
                    "recipient " + org + " is not a registered organisation");
    }
  }
  return Status::Ok();
}

}  // namespace

void Broker::HandlePublish(const transport::Incoming& in, const wire::Message& msg) {
  Result<storage::AppendResult> stored = Ingest(in.org, msg.record);
  if (!stored.ok()) {
    Refuse(in, msg.correlation, stored.status());
    return;
  }
  server_->Send(in.peer,
                wire::EncodeAck(msg.correlation, stored->sequence, stored->duplicate));
}

Result<storage::AppendResult> Broker::Ingest(const std::string& sender, ByteView bytes) {
  if (bytes.size() > options_.max_record_bytes) {
    return Status(ErrorCode::kRecordTooLarge,
                  "record of " + std::to_string(bytes.size()) +
                      " bytes exceeds the broker's limit of " +
                      std::to_string(options_.max_record_bytes));
  }
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record record,
                             envelope::Decode(bytes, options_.max_record_bytes));
  CERTSHARE_RETURN_IF_ERROR(AuthenticateOrigin(sender, record.header));
  const identity::Card* origin = registry_->Find(record.header.origin);
  if (origin == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation,
                  "origin " + record.header.origin + " is not registered");
  }
  CERTSHARE_RETURN_IF_ERROR(envelope::Verify(record, origin->sign_key));
  CERTSHARE_RETURN_IF_ERROR(CheckRecipientsKnown(*registry_, record.header));
  return log_->Append(envelope::DedupeKey(record.header), bytes);
}

}  // namespace certshare::broker
