// What `certshare subscribe` and `certshare status <id>` share for delivery
// receipts (docs/receipts.md): where the origin's receipts store is, how
// the keeper finds the notes `publish` kept in the spool, and the outbox
// through which a subscriber sends its receipts (a spool of its own,
// opened only while a batch is added or sent, and a Forwarder on a second
// thread).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/cli/context.h"
#include "agent/cli/store_forward.h"
#include "agent/link/forwarder.h"
#include "agent/link/spool.h"
#include "agent/receive/receipt_batcher.h"
#include "agent/receive/receipt_keeper.h"
#include "common/base/mutex.h"

namespace certshare::cli {

// The origin's receipts store: "<spool directory>.receipts", beside the
// spool whose notes name the records (mode 0700, as the spool).
std::string ReceiptsStoreDir(const std::string& spool_dir);

// The notes of the spool in `spool_dir`, read without taking the spool
// (a sensor or another command may hold it).
agent::PublishedLookup PublishedIn(std::string spool_dir);

// A keeper for this organisation's receipts: the store beside
// `spool_dir`, the notes in it; each receipt ignored is printed on
// standard error ("certshare: BAD_RECEIPT (223): ...").
std::unique_ptr<agent::ReceiptKeeper> MakeReceiptKeeper(const Context& context,
                                                        const std::string& spool_dir);

// A subscriber's receipts on their way to the broker (docs/receipts.md,
// "The receipts outbox"): a spool in `dir` (per identity by default,
// "<spool>.receipts-out", shared by every subscriber of the organisation
// on this account), which this process holds open only for a moment:
//   - Spooler() opens it, adds one sealed batch (one synced write) and
//     closes it again, waiting up to kSpoolLockWait for another process
//     holding it;
//   - a thread of its own, woken by each batch (and at the start, when an
//     earlier run left receipts), opens it, sends what it holds with a
//     Forwarder on a connection of its own (Drain, up to kSendIdle without
//     progress), and closes it. When another process holds it, that one
//     sends them (any forwarder sends every receipt the outbox holds) or
//     this one tries again a second later; a broker away is retried with
//     backoff (1 s doubling to 30 s).
// So two subscribers of one organisation never stop each other: each
// waits at most a few seconds for the other's moment. Stop ends the thread
// and sends what is left for up to 5 s; what is still unsent waits in the
// outbox for the next run (or `certshare flush --spool DIR`).
class ReceiptOutbox {
 public:
  // How long Spooler() waits for another process holding the outbox
  // (longer than anyone holds it: a send stops after kSendIdle without
  // progress, the final one after 5 s).
  static constexpr std::chrono::milliseconds kSpoolLockWait{15000};
  // A send stops once the broker has acknowledged nothing for this long.
  static constexpr std::chrono::milliseconds kSendIdle{3000};

  // Starts the sending thread; opens nothing yet (errors of the outbox
  // itself come from the first batch, or Stop).
  static Result<std::unique_ptr<ReceiptOutbox>> Open(const std::string& dir,
                                                     agent::Forwarder::Connector connect);
  ~ReceiptOutbox();
  ReceiptOutbox(const ReceiptOutbox&) = delete;
  ReceiptOutbox& operator=(const ReceiptOutbox&) = delete;

  // What a ReceiptBatcher spools its sealed batches with (one synced write).
  // Errors: the outbox's (kUnavailable when another process held it past
  // kSpoolLockWait), with the outbox named.
  agent::ReceiptSpooler Spooler();
  // Stops the sending thread, then sends what is left (up to 5 s). Returns
  // the error that stopped sending, if any (OK when the broker was merely
  // away, or another subscriber holds the outbox: it sends them).
  Status Stop();
  const std::string& dir() const { return dir_; }

 private:
  ReceiptOutbox(std::string dir, agent::Forwarder::Connector connect);
  // Adds one batch: to the spool this process holds now (the sending
  // thread's), or opened for the moment.
  Status Add(const std::vector<Bytes>& records, const std::vector<std::string>& keys);
  // Opens the outbox (waiting up to `lock_wait`), sends what it holds
  // (Drain(idle, stop)) and closes it. *busy: another process held it.
  Status Send(std::chrono::milliseconds lock_wait, std::chrono::milliseconds idle,
              const std::atomic<bool>* stop, bool* busy);
  // The sending thread.
  void Loop();

  std::string dir_;
  agent::Forwarder::Connector connect_;
  Mutex spool_mu_;  // held while opening, closing or adding
  agent::Spool* open_ GUARDED_BY(spool_mu_) = nullptr;  // the sending thread's spool while it sends
  Mutex wake_mu_;
  CondVar wake_;
  // A batch to send (at first: maybe an earlier run's).
  bool batch_waiting_ GUARDED_BY(wake_mu_) = true;
  std::atomic<bool> stop_{false};
  Status result_;                  // the sending thread's final error, read after join
  std::thread thread_;
};

}  // namespace certshare::cli
