#include "agent/cli/receipts.h"

#include <algorithm>
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

namespace {

// "the receipts outbox DIR" and what to do when another process holds it.
Status OutboxError(const Status& s, const std::string& dir) {
  if (s.code() == ErrorCode::kUnavailable) {
    return Status(ErrorCode::kUnavailable,
                  "the receipts outbox " + dir + " stayed in use by another certshare process " +
                      "for " +
                      std::to_string(ReceiptOutbox::kSpoolLockWait.count() / 1000) +
                      " s (each holds it only while it adds or sends a batch): is a process "
                      "stuck holding it?");
  }
  return s.WithContext("the receipts outbox " + dir);
}

void ReportOutcome(const agent::Outcome& o) {
  if (o.kind == agent::Outcome::Kind::kRefused) {
    std::cerr << "certshare: the broker refused a receipt batch record ("
              << o.refusal.ToString() << "); kept in the outbox's refused area\n";
  }
}

}  // namespace

Result<std::unique_ptr<ReceiptOutbox>> ReceiptOutbox::Open(const std::string& dir,
                                                           agent::Forwarder::Connector connect) {
  if (dir.empty()) return Status(ErrorCode::kInvalidArgument, "the receipts outbox has no path");
  return std::unique_ptr<ReceiptOutbox>(new ReceiptOutbox(dir, std::move(connect)));
}

ReceiptOutbox::ReceiptOutbox(std::string dir, agent::Forwarder::Connector connect)
    : dir_(std::move(dir)), connect_(std::move(connect)) {
  thread_ = std::thread([this] { Loop(); });
}

ReceiptOutbox::~ReceiptOutbox() {
  if (thread_.joinable()) {
    {
      MutexLock lock(&wake_mu_);
      stop_ = true;
    }
    wake_.SignalAll();
    thread_.join();
  }
}

Status ReceiptOutbox::Add(const std::vector<Bytes>& records,
                          const std::vector<std::string>& keys) {
  {
    MutexLock lock(&spool_mu_);
    if (open_ != nullptr) {
      // The sending thread holds it now: add there (a Spool takes Adds
      // while a Forwarder sends from it), and its Drain sends them too.
      Status added = open_->AddKeyed(records, keys).status();
      if (!added.ok()) return OutboxError(added, dir_);
    } else {
      agent::SpoolOptions options;
      options.lock_wait = kSpoolLockWait;
      auto spool = agent::Spool::Open(dir_, options);
      if (!spool.ok()) return OutboxError(spool.status(), dir_);
      Status added = (*spool)->AddKeyed(records, keys).status();
      if (!added.ok()) return OutboxError(added, dir_);
    }  // closed here: another subscriber may take it now
  }
  {
    MutexLock lock(&wake_mu_);
    batch_waiting_ = true;
  }
  wake_.SignalAll();
  return Status::Ok();
}

agent::ReceiptSpooler ReceiptOutbox::Spooler() {
  return [this](const std::vector<envelope::Sealed>& batch) -> Status {
    std::vector<Bytes> records;
    std::vector<std::string> keys;
    for (const envelope::Sealed& s : batch) {
      records.push_back(s.record);
      keys.push_back(envelope::EncodeRecordKey(envelope::RecordKeyOf(s.header)));
    }
    return Add(records, keys);
  };
}

Status ReceiptOutbox::Send(std::chrono::milliseconds lock_wait, std::chrono::milliseconds idle,
                           const std::atomic<bool>* stop, bool* busy) {
  *busy = false;
  // Nothing to send (read without taking it): no connection, no lock.
  auto counts = agent::Spool::Inspect(dir_);
  if (counts.ok() && counts->pending == 0) return Status::Ok();
  std::unique_ptr<agent::Spool> spool;
  {
    MutexLock lock(&spool_mu_);
    agent::SpoolOptions options;
    options.lock_wait = lock_wait;
    auto opened = agent::Spool::Open(dir_, options);
    if (!opened.ok()) {
      *busy = opened.status().code() == ErrorCode::kUnavailable;
      return OutboxError(opened.status(), dir_);
    }
    spool = std::move(*opened);
    open_ = spool.get();
  }
  Status sent;
  {
    agent::Forwarder forwarder(*spool, connect_);
    forwarder.OnOutcome(ReportOutcome);
    sent = forwarder.Drain(idle, stop);
  }
  MutexLock lock(&spool_mu_);
  open_ = nullptr;
  spool.reset();  // closed: another subscriber may take it now
  return sent;
}

void ReceiptOutbox::Loop() {
  using Clock = std::chrono::steady_clock;
  constexpr std::chrono::milliseconds kBusyRetry{1000};
  constexpr std::chrono::milliseconds kBackoffFirst{1000};
  constexpr std::chrono::milliseconds kBackoffMax{30000};
  std::chrono::milliseconds backoff{0};
  bool retrying = false;  // a send to try again at retry_at
  Clock::time_point retry_at{};
  while (true) {
    {
      MutexLock lock(&wake_mu_);
      while (!stop_) {
        const bool due = retrying && Clock::now() >= retry_at;
        // A new batch goes at once, unless the broker is being waited for.
        if (due || (batch_waiting_ && !(retrying && backoff > std::chrono::milliseconds(0)))) {
          break;
        }
        if (retrying) {
          wake_.WaitUntil(&wake_mu_, retry_at);
        } else {
          wake_.Wait(&wake_mu_);
        }
      }
      if (stop_) return;
      batch_waiting_ = false;
    }
    bool busy = false;
    Status sent = Send(std::chrono::milliseconds(200), kSendIdle, &stop_, &busy);
    if (sent.ok()) {
      backoff = std::chrono::milliseconds(0);
      retrying = false;
    } else if (busy) {
      // Another subscriber of this organisation has it: it sends what the
      // outbox holds, or this one does a moment later.
      retrying = true;
      retry_at = Clock::now() + kBusyRetry;
    } else if (agent::BrokerNotReached(sent) || sent.code() == ErrorCode::kTimeout) {
      backoff = backoff.count() == 0 ? kBackoffFirst : std::min(backoff * 2, kBackoffMax);
      retrying = true;
      retry_at = Clock::now() + backoff;
    } else {
      // The Connector's or the outbox's own error: not better by retrying.
      // Batches still go into the outbox (for the next run); Stop reports it.
      result_ = sent;
      std::cerr << "certshare: receipts are no longer sent (they wait in " << dir_
                << "): " << sent.ToString() << "\n";
      return;
    }
  }
}

Status ReceiptOutbox::Stop() {
  if (thread_.joinable()) {
    {
      MutexLock lock(&wake_mu_);
      stop_ = true;
    }
    wake_.SignalAll();
    thread_.join();
  }
  if (!result_.ok()) return result_;
  bool busy = false;
  Status drained = Send(std::chrono::seconds(5), std::chrono::seconds(5), nullptr, &busy);
  if (busy) return Status::Ok();  // another subscriber holds it and sends them
  if (!drained.ok() && !agent::BrokerNotReached(drained) &&
      drained.code() != ErrorCode::kTimeout) {
    return drained;
  }
  return Status::Ok();
}

}  // namespace certshare::cli
