// certshare status <stix-id|sequence> [--json]: who has processed a record
// this agent published (agent/cli/record_status.h; docs/receipts.md).
#include <algorithm>
#include <charconv>
#include <iostream>
#include <map>

#include "agent/cli/exit_codes.h"
#include "agent/cli/receipts.h"
#include "agent/cli/record_status.h"
#include "agent/link/published.h"
#include "agent/receive/feed.h"
#include "agent/receive/receipts_only_output.h"
#include "agent/receive/subscribe_request.h"
#include "agent/receive/subscriber_session.h"
#include "common/base/json.h"
#include "common/base/timestamp.h"
#include "common/envelope/record_key.h"
#include "storage/receipt_store.h"

namespace certshare::cli {

namespace {

// The name of the durable subscription that feeds the receipts store.
constexpr const char* kReceiptsSubscription = "certshare-receipts";

struct Found {
  envelope::RecordKey key;
  agent::SentRecord sent;
  agent::PublishedNote note;
};

// The record named by `what`: a sequence the broker gave a record this
// spool sent, or a STIX id (its latest version sent from this spool).
Result<Found> FindPublished(const std::string& spool_dir, const std::string& org,
                            const std::string& what) {
  std::uint64_t sequence = 0;
  const bool by_sequence =
      !what.empty() &&
      std::from_chars(what.data(), what.data() + what.size(), sequence).ptr ==
          what.data() + what.size();
  const std::string prefix = org + "\n" + (by_sequence ? "" : what + "\n");
  CERTSHARE_ASSIGN_OR_RETURN(auto sent, agent::Spool::InspectSent(spool_dir, prefix));
  std::optional<Found> best;
  for (auto& [key, record] : sent) {
    auto parsed = envelope::ParseRecordKey(key);
    if (!parsed.ok()) continue;
    if (by_sequence ? record.sequence != sequence : parsed->stix_id != what) continue;
    if (best && CompareStixTimestamps(parsed->modified, best->key.modified) <= 0) continue;
    auto note = agent::DecodeNote(record.note);
    if (!note) continue;
    best = Found{std::move(*parsed), record, std::move(*note)};
  }
  if (!best) {
    return Status(ErrorCode::kNotFound,
                  (by_sequence ? "no record at sequence " : "no record ") + what +
                      " was published from the spool " + spool_dir +
                      " (receipts are tracked for what `certshare publish` sent from this spool)");
  }
  if (!best->note.leaf) {
    return Status(ErrorCode::kNotFound,
                  best->key.stix_id + " was published before this agent kept leaf hashes: "
                  "receipts for it cannot be checked");
  }
  return *best;
}

// Catches the receipts subscription up into the store.
Status CatchUp(const ContextFlags& flags, const Context& context, const std::string& spool_dir,
               int timeout_seconds) {
  agent::SubscriptionOptions what;
  what.name = kReceiptsSubscription;
  what.types = {std::string(agent::kReceiptType)};
  CERTSHARE_ASSIGN_OR_RETURN(wire::SubscribeRequest request, agent::BuildSubscribeRequest(what));
  agent::FeedParts parts;
  parts.output = std::make_unique<agent::ReceiptsOnlyOutput>();
  parts.receipts_in = MakeReceiptKeeper(context, spool_dir);
  CERTSHARE_ASSIGN_OR_RETURN(auto feed,
                             agent::Feed::Open(std::move(parts), context.me, context.registry));
  CERTSHARE_ASSIGN_OR_RETURN(auto client, ConnectBroker(flags, context));
  CERTSHARE_ASSIGN_OR_RETURN(wire::Message subscribed,
                             client->Subscribe(request, std::chrono::seconds(timeout_seconds)));
  agent::SessionOptions when;
  when.until_caught_up = true;
  when.timeout_seconds = timeout_seconds;
  when.say = [](const std::string& line) {
    if (line.find("REJECTED") != std::string::npos) std::cerr << "certshare: " << line << "\n";
  };
  agent::BrokerConnection connection(*client);
  agent::SessionEnd end = agent::RunSubscriberSession(connection, request, subscribed, *feed, when);
  if (end.why == agent::SessionEnd::Why::kIdle) {
    return Status(ErrorCode::kTimeout, "the broker did not say it was caught up within " +
                                           std::to_string(timeout_seconds) + " s");
  }
  return end.status;
}

struct Row {
  std::string org;
  std::optional<agent::Receipt> receipt;
};

void PrintText(const Found& f, const std::vector<Row>& rows, std::size_t processed,
               std::size_t rejected) {
  std::cout << "record      " << f.key.stix_id << " (modified " << f.key.modified << ")";
  if (f.sent.sequence != 0) std::cout << ", sequence " << f.sent.sequence;
  std::cout << ", " << agent::DescribeRouting(f.note) << "\n";
  std::cout << "leaf        " << HexEncode(*f.note.leaf) << "\n";
  for (const Row& r : rows) {
    std::cout << "recipient   " << r.org << "  ";
    if (!r.receipt) {
      std::cout << "nothing yet\n";
    } else if (r.receipt->state == agent::ReceiptState::kProcessed) {
      std::cout << "processed " << FormatTimestamp(r.receipt->time_ms) << "\n";
    } else {
      std::cout << "rejected " << ErrorCodeName(r.receipt->code) << " ("
                << static_cast<int>(r.receipt->code) << ") "
                << FormatTimestamp(r.receipt->time_ms) << "\n";
    }
  }
  std::cout << processed << " of " << rows.size() << " processed";
  if (rejected > 0) std::cout << ", " << rejected << " rejected";
  std::cout << "\n";
}

void PrintJson(const Found& f, const std::vector<Row>& rows, std::size_t processed,
               std::size_t rejected, const Status& broker) {
  std::cout << "{\"id\":" << JsonString(f.key.stix_id)
            << ",\"modified\":" << JsonString(f.key.modified) << ",\"sequence\":";
  if (f.sent.sequence != 0) {
    std::cout << f.sent.sequence;
  } else {
    std::cout << "null";
  }
  std::cout << ",\"tlp\":\"" << TlpName(f.note.tlp) << "\",\"leaf\":\""
            << HexEncode(*f.note.leaf) << "\",\"recipients\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::cout << (i ? "," : "") << "{\"org\":" << JsonString(r.org) << ",\"state\":";
    if (!r.receipt) {
      std::cout << "null}";
      continue;
    }
    std::cout << "\"" << agent::ReceiptStateName(r.receipt->state) << "\",\"at\":\""
              << FormatTimestamp(r.receipt->time_ms) << "\"";
    if (r.receipt->state == agent::ReceiptState::kRejected) {
      std::cout << ",\"code\":" << static_cast<int>(r.receipt->code) << ",\"code_name\":\""
                << ErrorCodeName(r.receipt->code) << "\"";
    }
    std::cout << "}";
  }
  std::cout << "],\"processed\":" << processed << ",\"rejected\":" << rejected
            << ",\"total\":" << rows.size() << ",\"broker_error\":";
  if (broker.ok()) {
    std::cout << "null";
  } else {
    std::cout << JsonString(broker.ToString());
  }
  std::cout << "}\n";
}

}  // namespace

int RunRecordStatus(const RecordStatusArgs& a) {
  auto context = LoadContext(*a.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  auto spool_dir = SpoolDir(*a.spool, context->me);
  if (!spool_dir.ok()) return Report(spool_dir.status(), kExitUsage);
  auto found = FindPublished(*spool_dir, context->me.card.org, a.record);
  if (!found.ok()) return Report(found.status(), kExitInvalidInput);
  // The receipts the broker holds for this organisation first; without the
  // broker, what the store already holds.
  Status broker = CatchUp(*a.context, *context, *spool_dir, a.timeout_seconds);
  if (!broker.ok()) {
    std::cerr << "certshare: " << broker.ToString()
              << "; showing the receipts this agent already holds\n";
  }
  auto store = storage::ReceiptStore::Open(ReceiptsStoreDir(*spool_dir));
  if (!store.ok()) return Report(store.status(), kExitFailure);
  auto kept = (*store)->ForLeaf(std::string(AsChars(*found->note.leaf)));
  if (!kept.ok()) return Report(kept.status(), kExitFailure);
  std::map<std::string, agent::Receipt> by_recipient;
  for (const storage::StoredReceipt& s : *kept) {
    if (auto r = agent::DecodeKeptReceipt(s.value)) by_recipient[s.recipient] = *r;
  }
  std::vector<Row> rows;
  std::size_t processed = 0, rejected = 0;
  for (const std::string& org : found->note.recipients) {
    Row row{org, std::nullopt};
    if (auto it = by_recipient.find(org); it != by_recipient.end()) {
      row.receipt = it->second;
      (it->second.state == agent::ReceiptState::kProcessed ? processed : rejected)++;
    }
    rows.push_back(std::move(row));
  }
  if (a.json) {
    PrintJson(*found, rows, processed, rejected, broker);
  } else {
    PrintText(*found, rows, processed, rejected);
  }
  if (!broker.ok()) return agent::BrokerNotReached(broker) ? kExitUnreachable : kExitRefused;
  return kExitOk;
}

}  // namespace certshare::cli
