// certshare subscribe [--name N] [--from SEQ | --since TIME] [filters]
//                     [--output-dir DIR [--roll-count N] [--roll-seconds S] | --exec CMD]
//                     [--state-dir DIR] [--quarantine DIR]
//
// Receives each record this organisation may receive, verified and
// decrypted, and passes it on: one JSON line on standard output (the
// default), a STIX bundle file in a directory, or a command's standard
// input. A record is acknowledged to the broker only once its output is
// safely written, so a durable subscription (--name) resumes after the
// last record output; the state directory's duplicate check makes sure a
// record delivered again is not output twice. Records failing verification
// are quarantined, never output. docs/agent.md, "Subscriber feeds".
//
// The pieces, in agent/receive/: subscribe_request.h (the SUBSCRIBE
// request), open_feed.h (output, state, quarantine), subscriber_session.h
// (the loop), feed.h and the outputs.
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/receipts.h"
#include "agent/cli/store_forward.h"
#include "agent/cli/stop_signals.h"
#include "agent/receive/open_feed.h"
#include "agent/receive/subscribe_request.h"
#include "agent/receive/subscriber_session.h"

namespace certshare::cli {

namespace {

// The flags (docs/agent.md documents them).
struct SubscribeFlags {
  ContextFlags context;
  agent::SubscriptionOptions what;  // what to receive
  agent::SessionOptions when;       // when to stop
  agent::FeedOptions where;         // where records go
  SpoolFlags spool;                 // whose notes name the records receipts are about
  std::string receipts;                // --receipts none|processed; empty: subscribe.receipts
  std::string receipts_spool;          // --receipts-spool: the outbox
};

// Where a subscriber's receipts wait for the broker: --receipts-spool, else
// "<spool>.receipts-out" beside this identity's spool (one outbox per
// identity, shared by its subscribers: each holds it only for a moment).
std::string OutboxDir(const SubscribeFlags& f, const std::string& spool_dir) {
  if (!f.receipts_spool.empty()) return f.receipts_spool;
  std::string dir = spool_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + ".receipts-out";
}

// The exit status of a session (exit_codes.h), its error reported.
int ExitForSession(const agent::SessionEnd& end) {
  using Why = agent::SessionEnd::Why;
  switch (end.why) {
    case Why::kDone:
      return end.quarantined > 0 ? kExitVerifyFailed : kExitOk;
    case Why::kIdle:
      return kExitUnreachable;
    case Why::kTakenOver:
      return kExitTakenOver;
    case Why::kFailed:
      return Report(end.status, kExitFailure);
    case Why::kBrokerLost:
      return Report(end.status, kExitUnreachable);
    case Why::kRefused:
      return Report(end.status, kExitRefused);
  }
  return kExitFailure;
}

int ExitFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    case ErrorCode::kInvalidConfig:
      return kExitInvalidInput;
    default:
      return kExitFailure;
  }
}

int RunSubscribe(const SubscribeFlags& f) {
  auto request = agent::BuildSubscribeRequest(f.what);
  if (!request.ok()) return Report(request.status(), kExitUsage);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  Status names = agent::CheckFilterNames(*request, context->registry, std::cerr);
  if (!names.ok()) return Report(names, kExitInvalidInput);
  // Receipts (docs/receipts.md): those sent to this organisation are kept
  // in its receipts store; with --receipts processed, this subscriber
  // sends its own through an outbox spool.
  auto spool_dir = SpoolDir(f.spool, context->me);
  if (!spool_dir.ok()) return Report(spool_dir.status(), kExitUsage);
  agent::FeedReceipts receipts;
  receipts.in = MakeReceiptKeeper(*context, *spool_dir);
  std::unique_ptr<ReceiptOutbox> outbox;  // outlives the feed, which spools into it
  const bool send_receipts =
      f.receipts.empty() ? f.context.config.subscribe_receipts : f.receipts == "processed";
  if (send_receipts) {
    auto connector = MakeConnector(f.context, *context);
    if (!connector.ok()) return Report(connector.status(), kExitInvalidInput);
    auto opened_outbox = ReceiptOutbox::Open(OutboxDir(f, *spool_dir), *connector);
    if (!opened_outbox.ok()) return Report(opened_outbox.status(), kExitUsage);
    outbox = std::move(*opened_outbox);
    agent::ReceiptBatcherOptions batching;
    batching.spool = outbox->Spooler();
    receipts.out = std::make_unique<agent::ReceiptBatcher>(context->me, context->registry,
                                                           std::move(batching));
  }
  // The output and its state first: a feed that cannot write must not
  // take records from the broker.
  auto opened = agent::OpenFeed(f.where, context->me, context->registry, std::move(receipts));
  if (!opened.ok()) return Report(opened.status(), ExitFor(opened.status()));
  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  auto subscribed = (*client)->Subscribe(*request, std::chrono::seconds(10));
  if (!subscribed.ok()) return Report(subscribed.status(), ExitForBroker(subscribed.status()));
  std::cerr << "certshare: subscribed" << (f.what.name.empty() ? "" : " as " + f.what.name)
            << " from sequence " << subscribed->sequence << " (broker holds "
            << subscribed->first << ".." << subscribed->head << ")";
  if (!f.where.output_dir.empty() || !f.where.exec.empty()) {
    std::cerr << "; output: " << opened->feed->output().Describe();
  }
  if (!opened->state_dir.empty()) std::cerr << "; state: " << opened->state_dir;
  std::cerr << "; receipts: " << (outbox ? "sent through " + outbox->dir() : std::string("none"));
  std::cerr << "\n";
  // SIGTERM and SIGINT: the session stops taking records, commits what the
  // output holds, acknowledges it and ends (exit 0, or 6 if something was
  // quarantined).
  StopSignals signals(StopSignals::Repeat::kStopsAgain);
  agent::SessionOptions when = f.when;
  when.stop = &signals.stop();
  when.say = [](const std::string& line) { std::cerr << "certshare: " << line << "\n"; };
  // Federation mode: this connection keeps the trust current, and the
  // feed verifies with each registry it makes current (same thread).
  LiveLink live = MakeLiveLink(f.context, *context, when.say);
  if (live.trust) {
    live.trust->OnRegistry(
        [&registry = context->registry](const identity::Registry& now) { registry = now; });
  }
  when.trust = live.refresh.get();
  agent::BrokerConnection connection(**client);
  int exit = ExitForSession(
      agent::RunSubscriberSession(connection, *request, *subscribed, *opened->feed, when));
  if (outbox) {
    Status sent = outbox->Stop();
    if (!sent.ok()) {
      Status told = sent.WithContext("sending receipts from " + outbox->dir());
      if (exit == kExitOk) return Report(told, kExitFailure);
      std::cerr << "certshare: " << told.ToString() << "\n";
    }
  }
  return exit;
}

}  // namespace

void AddSubscribe(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubscribeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "subscribe",
      "receive the records this organisation may read, verified and decrypted: as JSON "
      "lines on standard output, bundle files in a directory, or a command per record");
  CLI::Option* name =
      cmd->add_option("--name", flags->what.name,
                      "durable subscription name: the broker remembers what was acknowledged "
                      "and a later run resumes after it");
  cmd->add_flag("--take-over", flags->what.take_over,
                "with --name: if another connection holds the subscription, take it over "
                "(that subscriber stops with exit 8) instead of being refused")
      ->needs(name);
  cmd->add_option("--from", flags->what.from, "start at this sequence");
  cmd->add_option("--since", flags->what.since,
                  "start at the first record received at or after this RFC 3339 UTC time");
  cmd->add_option("--type", flags->what.types, "only these STIX types (repeatable)")
      ->delimiter(',');
  cmd->add_option("--origin", flags->what.origins, "only from these organisations (repeatable)")
      ->delimiter(',');
  cmd->add_option("--topic", flags->what.topics, "only records with one of these topics")
      ->delimiter(',');
  cmd->add_option("--min-tlp", flags->what.min_tlp, "lowest TLP to receive (default clear)");
  cmd->add_option("--max-tlp", flags->what.max_tlp, "highest TLP to receive (default red)");
  cmd->add_option("--credit", flags->what.credit,
                  "records the broker may send ahead of acknowledgements (default 256)")
      ->check(CLI::Range(1, 8192));
  cmd->add_option("--count", flags->when.count, "stop after this many records (default: never)");
  cmd->add_flag("--until-caught-up", flags->when.until_caught_up,
                "stop once every stored record has been received");
  cmd->add_option("--timeout", flags->when.timeout_seconds,
                  "give up after this many seconds without a record (default 0: wait forever)")
      ->check(CLI::Range(0, 365 * 86400));

  CLI::Option* dir =
      cmd->add_option("--output-dir", flags->where.output_dir,
                      "write STIX 2.1 bundle files into DIR (atomically: another tool may "
                      "take every *.json file that appears) instead of standard output");
  cmd->add_option("--roll-count", flags->where.roll_count,
                  "with --output-dir: a file holds at most N records (default 1000)")
      ->check(CLI::Range(1, 1000000))
      ->needs(dir);
  cmd->add_option("--roll-seconds", flags->where.roll_seconds,
                  "with --output-dir: write a file once its first record is S seconds old "
                  "(default 60; 0: by count only)")
      ->check(CLI::Range(0, 86400))
      ->needs(dir);
  CLI::Option* exec =
      cmd->add_option("--exec", flags->where.exec,
                      "run CMD (with /bin/sh -c) for each record, the record's JSON line on "
                      "its standard input; the record is acknowledged only when CMD exits 0")
          ->excludes(dir);
  cmd->add_option("--exec-retries", flags->where.exec_retries,
                  "with --exec: runs again after a failure, with backoff from 1 s, before "
                  "stopping (default 3)")
      ->check(CLI::Range(0, 100))
      ->needs(exec);
  cmd->add_option("--state-dir", flags->where.state_dir,
                  "where the subscriber remembers what it has output (duplicate check) and "
                  "keeps its quarantine (default: DIR.state beside --output-dir; required "
                  "with --exec; none for standard output)");
  cmd->add_option("--quarantine", flags->where.quarantine,
                  "folder for records that fail verification: the raw record and a .json "
                  "with the reason (default: STATE-DIR/quarantine)");
  cmd->add_flag("--accept-previous-keys", flags->where.accept_previous_keys,
                "accept records that verify only with a signing key their origin has "
                "replaced (refused as PREVIOUS_KEY by default, unless the registry lists them "
                "as known good)");
  cmd->add_option("--receipts", flags->receipts,
                  "send the origin of each record a signed receipt once its output is "
                  "committed, or when it is quarantined (processed, the default; config: "
                  "subscribe.receipts), or none")
      ->check(CLI::IsMember({"none", "processed"}));
  cmd->add_option("--receipts-spool", flags->receipts_spool,
                  "where receipts wait for the broker (default: SPOOL.receipts-out, beside "
                  "this identity's spool; subscribers may share it)");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, false, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunSubscribe(*flags); });
}

}  // namespace certshare::cli
