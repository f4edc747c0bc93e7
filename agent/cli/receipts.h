// What `certshare subscribe` and `certshare status <id>` share for delivery
// receipts (docs/receipts.md): where the origin's receipts store is, how
// the keeper finds the notes `publish` kept in the spool, and the outbox
// through which a subscriber sends its receipts (a spool of its own and a
// Forwarder on a second thread).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "agent/cli/context.h"
#include "agent/cli/store_forward.h"
#include "agent/link/forwarder.h"
#include "agent/link/spool.h"
#include "agent/receive/receipt_batcher.h"
#include "agent/receive/receipt_keeper.h"

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

// A subscriber's receipts on their way to the broker: a spool in `dir`
// (its own: the subscriber does not take the spool a sensor may hold), a
// Forwarder sending from it on its own connection until Stop, then
// draining what is left for up to 5 s. Receipts left unsent stay in the
// spool for the next subscriber run (or `certshare flush --spool DIR`).
class ReceiptOutbox {
 public:
  // Opens the spool (waiting up to 2 s for another process using it).
  static Result<std::unique_ptr<ReceiptOutbox>> Open(const std::string& dir,
                                                     agent::Forwarder::Connector connect);
  ~ReceiptOutbox();

  // What a ReceiptBatcher spools its sealed batches with (one synced write).
  agent::ReceiptSpooler Spooler();
  // Stops forwarding, then sends what is left (up to 5 s). Returns the
  // error that stopped it, if any (OK when the broker was merely away).
  Status Stop();
  const std::string& dir() const { return spool_->dir(); }

 private:
  ReceiptOutbox(std::unique_ptr<agent::Spool> spool, agent::Forwarder::Connector connect);
  std::unique_ptr<agent::Spool> spool_;
  agent::Forwarder forwarder_;
  std::atomic<bool> stop_{false};
  Status result_;  // the forwarding thread's, read after join
  std::thread thread_;
};

}  // namespace certshare::cli
