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
// The pieces: subscribe_request.cc (the SUBSCRIBE request),
// subscribe_feed.cc (output, state, quarantine), subscribe_session.cc (the
// loop), agent/output/ (the outputs and the Feed).
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/subscribe_feed.h"
#include "agent/cli/subscribe_flags.h"
#include "agent/cli/subscribe_request.h"
#include "agent/cli/subscribe_session.h"

namespace certshare::cli {

namespace {

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
  auto request = BuildSubscribeRequest(f);
  if (!request.ok()) return Report(request.status(), kExitUsage);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  Status names = CheckFilterNames(*request, context->registry, std::cerr);
  if (!names.ok()) return Report(names, kExitInvalidInput);
  // The output and its state first: a feed that cannot write must not
  // take records from the broker.
  auto opened = OpenFeed(f, *context);
  if (!opened.ok()) return Report(opened.status(), ExitFor(opened.status()));
  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  auto subscribed = (*client)->Subscribe(*request, std::chrono::seconds(10));
  if (!subscribed.ok()) return Report(subscribed.status(), ExitForBroker(subscribed.status()));
  std::cerr << "certshare: subscribed" << (f.name.empty() ? "" : " as " + f.name)
            << " from sequence " << subscribed->sequence << " (broker holds "
            << subscribed->first << ".." << subscribed->head << ")";
  if (!f.output_dir.empty() || !f.exec.empty()) {
    std::cerr << "; output: " << opened->feed->output().Describe();
  }
  if (!opened->state_dir.empty()) std::cerr << "; state: " << opened->state_dir;
  std::cerr << "\n";
  return RunSubscribeSession(f, **client, *request, *subscribed, *opened->feed);
}

}  // namespace

void AddSubscribe(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubscribeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "subscribe",
      "receive the records this organisation may read, verified and decrypted: as JSON "
      "lines on standard output, bundle files in a directory, or a command per record");
  CLI::Option* name =
      cmd->add_option("--name", flags->name,
                      "durable subscription name: the broker remembers what was acknowledged "
                      "and a later run resumes after it");
  cmd->add_flag("--take-over", flags->take_over,
                "with --name: if another connection holds the subscription, take it over "
                "(that subscriber stops with exit 8) instead of being refused")
      ->needs(name);
  cmd->add_option("--from", flags->from, "start at this sequence");
  cmd->add_option("--since", flags->since,
                  "start at the first record received at or after this RFC 3339 UTC time");
  cmd->add_option("--type", flags->types, "only these STIX types (repeatable)")->delimiter(',');
  cmd->add_option("--origin", flags->origins, "only from these organisations (repeatable)")
      ->delimiter(',');
  cmd->add_option("--topic", flags->topics, "only records with one of these topics")
      ->delimiter(',');
  cmd->add_option("--min-tlp", flags->min_tlp, "lowest TLP to receive (default clear)");
  cmd->add_option("--max-tlp", flags->max_tlp, "highest TLP to receive (default red)");
  cmd->add_option("--credit", flags->credit,
                  "records the broker may send ahead of acknowledgements (default 256)")
      ->check(CLI::Range(1, 8192));
  cmd->add_option("--count", flags->count, "stop after this many records (default: never)");
  cmd->add_flag("--until-caught-up", flags->until_caught_up,
                "stop once every stored record has been received");
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without a record (default 0: wait forever)")
      ->check(CLI::Range(0, 365 * 86400));

  CLI::Option* dir =
      cmd->add_option("--output-dir", flags->output_dir,
                      "write STIX 2.1 bundle files into DIR (atomically: another tool may "
                      "take every *.json file that appears) instead of standard output");
  cmd->add_option("--roll-count", flags->roll_count,
                  "with --output-dir: a file holds at most N records (default 1000)")
      ->check(CLI::Range(1, 1000000))
      ->needs(dir);
  cmd->add_option("--roll-seconds", flags->roll_seconds,
                  "with --output-dir: write a file once its first record is S seconds old "
                  "(default 60; 0: by count only)")
      ->check(CLI::Range(0, 86400))
      ->needs(dir);
  CLI::Option* exec =
      cmd->add_option("--exec", flags->exec,
                      "run CMD (with /bin/sh -c) for each record, the record's JSON line on "
                      "its standard input; the record is acknowledged only when CMD exits 0")
          ->excludes(dir);
  cmd->add_option("--exec-retries", flags->exec_retries,
                  "with --exec: runs again after a failure, with backoff from 1 s, before "
                  "stopping (default 3)")
      ->check(CLI::Range(0, 100))
      ->needs(exec);
  cmd->add_option("--state-dir", flags->state_dir,
                  "where the subscriber remembers what it has output (duplicate check) and "
                  "keeps its quarantine (default: DIR.state beside --output-dir; required "
                  "with --exec; none for standard output)");
  cmd->add_option("--quarantine", flags->quarantine,
                  "folder for records that fail verification: the raw record and a .json "
                  "with the reason (default: STATE-DIR/quarantine)");
  AddContextFlags(cmd, &flags->context, true);
  cmd->callback([flags, exit_code] { *exit_code = RunSubscribe(*flags); });
}

}  // namespace certshare::cli
