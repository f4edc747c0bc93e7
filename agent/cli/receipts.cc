#include "agent/cli/receipts.h"

#include <iostream>

#include "agent/link/published.h"
#include "common/envelope/record_key.h"

namespace certshare::cli {

std::string ReceiptsStoreDir(const std::string& spool_dir) {
  std::string dir = spool_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + ".receipts";
}

agent::PublishedLookup PublishedIn(std::string spool_dir) {
  return [dir = std::move(spool_dir)](
             const std::string& key) -> Result<std::optional<agent::PublishedRecord>> {
    CERTSHARE_ASSIGN_OR_RETURN(auto sent, agent::Spool::InspectSent(dir, key));
    for (const auto& [sent_key, record] : sent) {
      if (sent_key != key) continue;
      std::optional<agent::PublishedNote> note = agent::DecodeNote(record.note);
      if (!note) return std::optional<agent::PublishedRecord>();
      return std::optional<agent::PublishedRecord>(
          agent::PublishedRecord{note->leaf, note->recipients});
    }
    return std::optional<agent::PublishedRecord>();
  };
}

std::unique_ptr<agent::ReceiptKeeper> MakeReceiptKeeper(const Context& context,
                                                        const std::string& spool_dir) {
  agent::ReceiptKeeperOptions options;
  options.store_dir = ReceiptsStoreDir(spool_dir);
  options.published = PublishedIn(spool_dir);
  options.warn = [](const std::string& line) { std::cerr << "certshare: " << line << "\n"; };
  return std::make_unique<agent::ReceiptKeeper>(context.me, context.registry,
                                                std::move(options));
}

Result<std::unique_ptr<ReceiptOutbox>> ReceiptOutbox::Open(const std::string& dir,
                                                           agent::Forwarder::Connector connect) {
  agent::SpoolOptions options;
  options.lock_wait = std::chrono::seconds(2);
  auto spool = agent::Spool::Open(dir, options);
  if (!spool.ok()) {
    return spool.status().WithContext(
        "the receipts outbox " + dir + " (another subscriber may be using it: give this one "
        "--receipts-spool DIR, or --receipts none)");
  }
  return std::unique_ptr<ReceiptOutbox>(new ReceiptOutbox(std::move(*spool), std::move(connect)));
}

ReceiptOutbox::ReceiptOutbox(std::unique_ptr<agent::Spool> spool,
                             agent::Forwarder::Connector connect)
    : spool_(std::move(spool)), forwarder_(*spool_, std::move(connect)) {
  forwarder_.OnOutcome([](const agent::Outcome& o) {
    if (o.kind == agent::Outcome::Kind::kRefused) {
      std::cerr << "certshare: the broker refused a receipt batch record ("
                << o.refusal.ToString() << "); kept in the outbox's refused area\n";
    }
  });
  thread_ = std::thread([this] { result_ = forwarder_.Run(stop_); });
}

ReceiptOutbox::~ReceiptOutbox() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
  }
}

agent::ReceiptSpooler ReceiptOutbox::Spooler() {
  return [this](const std::vector<envelope::Sealed>& batch) -> Status {
    std::vector<Bytes> records;
    std::vector<std::string> keys;
    for (const envelope::Sealed& s : batch) {
      records.push_back(s.record);
      keys.push_back(envelope::EncodeRecordKey(envelope::RecordKeyOf(s.header)));
    }
    return spool_->AddKeyed(records, keys).status();
  };
}

Status ReceiptOutbox::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (!result_.ok()) return result_;
  Status drained = forwarder_.Drain(std::chrono::seconds(5));
  if (!drained.ok() && !agent::BrokerNotReached(drained)) return drained;
  return Status::Ok();
}

}  // namespace certshare::cli
