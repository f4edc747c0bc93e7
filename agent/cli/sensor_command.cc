// certshare sensor --input <-|FILE|unix:PATH> --format eve|jsonl [--tlp L] [--to ORG,...]
//
// Reads events continuously (agent/sensor/follow.h), turns them into STIX
// records (Suricata EVE alerts: agent/sensor/eve_stix.h; ready STIX
// objects: agent/sensor/jsonl.h), seals them in batches under one
// signature each and spools them (agent/sensor/pipeline.h), while a
// Forwarder on a second thread sends the spool to the broker. Runs until
// the input ends (standard input) or SIGINT / SIGTERM; then hands over
// what is batched and, after the input ended, waits up to --drain-timeout
// for the broker to take what is spooled. docs/agent.md, "Sensors".
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/send_records.h"
#include "agent/cli/stop_signals.h"
#include "agent/cli/store_forward.h"
#include "agent/link/forwarder.h"
#include "agent/sensor/eve_stix.h"
#include "agent/sensor/follow.h"
#include "agent/sensor/jsonl.h"
#include "agent/sensor/pipeline.h"
#include "agent/sensor/position_file.h"
#include "common/base/mutex.h"
#include "common/base/timestamp.h"

namespace certshare::cli {

namespace {

struct SensorFlags {
  ContextFlags context;
  SpoolFlags spool;
  ComposeFlags compose;  // --tlp, --to, --plaintext-green
  std::string input;
  std::string format;
  bool from_beginning = false;
  std::size_t batch_events = 256;
  int batch_delay_ms = 100;
  int poll_ms = 100;
  std::size_t max_line_bytes = 1u << 20;
  std::string socket_mode = "0600";
  int drain_timeout_seconds = 10;
  bool json = false;
  std::string assume_offset;  // --assume-offset; else sensor.assume_offset
};

// Messages from the pipeline and the forwarder's thread, one line each:
// mu_ keeps two threads' lines from interleaving on standard error.
class Messages {
 public:
  void Say(const std::string& text) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    std::cerr << "certshare: sensor: " << text << "\n";
  }

 private:
  Mutex mu_;
};

struct Tallies {
  std::atomic<std::uint64_t> stored{0}, duplicates{0}, refused{0};
};

void PrintSummary(const SensorFlags& f, const agent::sensor::PipelineStats& p,
                  const Tallies& t, const agent::Spool& spool) {
  const std::uint64_t pending = spool.Depth();
  if (f.json) {
    std::cout << "{\"lines\":" << p.lines << ",\"published\":" << p.published
              << ",\"batches\":" << p.batches << ",\"skipped\":" << p.skipped
              << ",\"bad\":" << p.bad << ",\"stored\":" << t.stored
              << ",\"duplicates\":" << t.duplicates << ",\"refused\":" << t.refused
              << ",\"pending\":" << pending << ",\"spool\":" << JsonString(spool.dir())
              << "}\n" << std::flush;
  }
  std::cerr << "certshare: sensor: " << p.lines << " lines: " << p.published
            << " events spooled in " << p.batches << " batches, " << p.skipped
            << " skipped (not events), " << p.bad << " bad; broker: " << t.stored
            << " stored, " << t.duplicates << " already stored, " << t.refused
            << " refused; " << pending << " records wait in " << spool.dir() << "\n";
}

int ExitForPipeline(const Status& s) {
  if (s.code() == ErrorCode::kSpoolFull) return kExitSpoolFull;
  return kExitFailure;
}

// What the flags say the records and the input are, checked before
// anything is opened (kInvalidArgument: exit 2).
struct SensorSettings {
  agent::ComposeOptions compose;  // TLP, recipients, --plaintext-green
  agent::sensor::EveOptions eve;  // --assume-offset
  unsigned socket_mode = 0600;    // --socket-mode
};

Result<SensorSettings> CheckFlags(const SensorFlags& f) {
  SensorSettings settings;
  if (f.format != "eve" && f.format != "jsonl") {
    return Status(ErrorCode::kInvalidArgument, "--format must be eve or jsonl");
  }
  // Without --tlp, sensor.tlp of the configuration; without --to, publish.to.
  CERTSHARE_ASSIGN_OR_RETURN(
      settings.compose,
      ComposeOptionsOf(f.compose, f.context.config, f.context.config.sensor_tlp));
  // Octal digits only, all of them: "0660x" or "08" are refused, not cut short.
  const std::string& m = f.socket_mode;
  const auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), settings.socket_mode, 8);
  if (m.empty() || ec != std::errc() || end != m.data() + m.size() ||
      settings.socket_mode > 0777) {
    return Status(ErrorCode::kInvalidArgument,
                  "--socket-mode must be an octal file mode from 0 to 0777, e.g. 0660, "
                  "not \"" + m + "\"");
  }
  settings.eve.assume_offset_minutes = f.context.config.sensor_assume_offset_minutes;
  if (!f.assume_offset.empty()) {
    settings.eve.assume_offset_minutes = ParseUtcOffset(f.assume_offset);
    if (!settings.eve.assume_offset_minutes) {
      return Status(ErrorCode::kInvalidArgument,
                    "--assume-offset must be a UTC offset such as Z, +00:00, +02:00 or "
                    "-0500, not \"" + f.assume_offset + "\"");
    }
  }
  return settings;
}

// Suricata EVE alerts as sightings, or STIX objects one per line.
std::unique_ptr<agent::sensor::EventMapper> MakeMapper(const SensorFlags& f,
                                                       const SensorSettings& settings,
                                                       const Context& context) {
  if (f.format == "eve") {
    return std::make_unique<agent::sensor::EveMapper>(
        agent::Author{context.me.card.org, context.me.card.name}, *settings.compose.tlp,
        settings.eve);
  }
  return std::make_unique<agent::sensor::JsonlMapper>(context.me.card.org, context.registry);
}

// The input; a followed file resumes where the last run left it, its
// position kept in `position_file` beside the spool (position_file.h).
struct SensorInput {
  std::unique_ptr<agent::sensor::LineSource> source;
  std::string position_file;  // empty: not a followed file
};

Result<SensorInput> OpenSensorInput(const SensorFlags& f, const SensorSettings& settings,
                                    const std::string& spool_dir, Messages& messages) {
  agent::sensor::InputOptions options;
  options.from_beginning = f.from_beginning;
  options.poll = std::chrono::milliseconds(f.poll_ms);
  options.max_line_bytes = f.max_line_bytes;
  options.socket_mode = settings.socket_mode;
  SensorInput input;
  const bool followed = f.input != "-" && f.input.rfind("unix:", 0) != 0;
  if (followed) {
    input.position_file = agent::sensor::PositionFilePath(spool_dir, f.input);
    auto saved = agent::sensor::LoadPosition(input.position_file, f.input);
    if (!saved.ok()) {
      messages.Say(saved.status().ToString() + "; starting without it");
    } else {
      options.resume = *saved;
    }
  }
  CERTSHARE_ASSIGN_OR_RETURN(input.source, agent::sensor::OpenInput(f.input, options));
  return input;
}

// The second thread: spool -> broker, until Stop. Counts what the broker
// did with each record and tells the first 100 refusals. If the forwarder
// cannot go on (its connector's or the spool's error), nothing would leave
// the spool: it stops the reading too, as a signal would.
class Forwarding {
 public:
  // `trust`: federation mode (null: local mode), used on the second thread.
  Forwarding(agent::Spool& spool, agent::Forwarder::Connector connector, Tallies& tallies,
             Messages& messages, StopSignals& signals, agent::TrustRefresh* trust)
      : forwarder_(spool, std::move(connector)) {
    forwarder_.KeepTrustCurrent(trust);
    forwarder_.OnOutcome([this, &tallies, &messages](const agent::Outcome& o) {
      switch (o.kind) {
        case agent::Outcome::Kind::kStored: ++tallies.stored; break;
        case agent::Outcome::Kind::kDuplicate: ++tallies.duplicates; break;
        case agent::Outcome::Kind::kRefused:
          ++tallies.refused;
          if (++refusals_told_ <= 100) {
            messages.Say(DescribeRecord(o.dedupe_key) + " REFUSED by the broker: " +
                         o.refusal.ToString() + " (kept in the refused area of the spool)");
          }
          break;
      }
    });
    thread_ = std::thread([this, &signals] {
      result_ = forwarder_.Run(stop_);
      if (!result_.ok()) signals.RequestStop();
    });
  }
  ~Forwarding() { Join(); }
  Forwarding(const Forwarding&) = delete;
  Forwarding& operator=(const Forwarding&) = delete;

  // Stops the forwarder and returns its result (OK unless it gave up).
  Status Stop() {
    Join();
    return result_;
  }

 private:
  void Join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  agent::Forwarder forwarder_;
  std::uint64_t refusals_told_ = 0;  // on the forwarder's thread only
  std::atomic<bool> stop_{false};
  Status result_;  // written by the thread, read after the join
  std::thread thread_;
};

// "reading <input> (eve, TLP:green, times without an offset read as
// +02:00) from the end": the first message.
std::string ReadingLine(const SensorFlags& f, const SensorSettings& settings,
                        const agent::sensor::LineSource& source) {
  std::string assumed;
  if (f.format == "eve" && settings.eve.assume_offset_minutes) {
    const int m = *settings.eve.assume_offset_minutes;
    char offset[32];  // "+HH:MM"; room for any int, so no truncation to reason about
    std::snprintf(offset, sizeof offset, "%c%02d:%02d", m < 0 ? '-' : '+', std::abs(m) / 60,
                  std::abs(m) % 60);
    assumed = std::string(", times without an offset read as ") + offset;
  }
  const std::string start = source.start();
  return "reading " + source.name() + " (" + f.format + ", TLP:" +
         std::string(TlpName(*settings.compose.tlp)) + assumed + ")" +
         (start.empty() ? "" : " " + start);
}

// This thread: input -> spool (agent/sensor/pipeline.h), until the input
// ends or `stop`; a followed file's position is saved after each batch
// spooled.
Status Pipe(const SensorFlags& f, const SensorSettings& settings, const Context& context,
            SensorInput& input, agent::sensor::EventMapper& mapper,
            agent::sensor::RouteCache& routes, agent::Spool& spool, Messages& messages,
            const std::atomic<bool>& stop, agent::sensor::PipelineStats* stats) {
  agent::sensor::PipelineOptions options;
  options.batch_events = f.batch_events;
  options.batch_delay = std::chrono::milliseconds(f.batch_delay_ms);
  if (!input.position_file.empty()) {
    options.spooled = [&](const agent::sensor::Line& last) {
      if (last.file_ino == 0) return;
      Status saved = agent::sensor::SavePosition(input.position_file, f.input,
                                                 {last.file_dev, last.file_ino, last.end});
      if (!saved.ok()) messages.Say("cannot save the input position: " + saved.ToString());
    };
  }
  envelope::Sealer sealer(context.me.card.org, context.me.sign_secret, context.me.box_secret);
  agent::sensor::SpoolSink sink(spool);
  agent::sensor::Pipeline pipeline(*input.source, mapper, routes, sealer, sink, options,
                                   [&](const std::string& m) { messages.Say(m); });
  messages.Say(ReadingLine(f, settings, *input.source));
  const Status piped = pipeline.Run(stop);
  *stats = pipeline.stats();
  return piped;
}

// The input ended: gives the broker up to --drain-timeout to take what is
// spooled, unless `stop`.
void WaitForDrain(const agent::Spool& spool, int drain_timeout_seconds,
                  const std::atomic<bool>& stop) {
  if (drain_timeout_seconds <= 0) return;
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(drain_timeout_seconds);
  while (!stop && spool.Depth() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int RunSensor(const SensorFlags& f) {
  // What the records are: format, TLP, recipients; and the input's mode.
  auto settings = CheckFlags(f);
  if (!settings.ok()) return Report(settings.status(), kExitUsage);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  // Federation mode: the forwarder's connection keeps the trust current,
  // and the routes follow each registry it makes current.
  Messages messages;
  LiveLink live = MakeLiveLink(f.context, *context, [&](const std::string& m) { messages.Say(m); });
  settings->compose.usable = context->Usable();
  std::optional<agent::sensor::RouteCache> routes;
  if (live.trust) {
    routes.emplace(settings->compose, context->me, *live.trust,
                   [&](const std::string& m) { messages.Say(m); });
  } else {
    routes.emplace(settings->compose, context->me, context->registry);
  }
  // Refuse at start what would refuse every event (AMBER without --to, an
  // unknown recipient).
  auto route = routes->For(std::nullopt);
  if (!route.ok()) return Report(route.status(), kExitInvalidInput);
  if (!(*route)->left_out.empty()) {
    std::cerr << "certshare: sensor: warning: " << agent::DescribeLeftOut((*route)->left_out)
              << "\n";
  }
  std::unique_ptr<agent::sensor::EventMapper> mapper = MakeMapper(f, *settings, *context);
  auto connector = MakeConnector(f.context, *context);
  if (!connector.ok()) return Report(connector.status(), kExitInvalidInput);
  auto spool = OpenSpool(f.spool, context->me, std::chrono::seconds(10));
  if (!spool.ok()) return Report(spool.status(), ExitForForward(spool.status()));
  auto input = OpenSensorInput(f, *settings, (*spool)->dir(), messages);
  if (!input.ok()) return Report(input.status(), kExitInvalidInput);

  Tallies tallies;
  // SIGINT and SIGTERM (and a forwarder that cannot go on) stop the reading.
  StopSignals signals(StopSignals::Repeat::kStopsAgain);
  Forwarding forwarding(**spool, *connector, tallies, messages, signals, live.refresh.get());
  agent::sensor::PipelineStats stats;
  const Status piped = Pipe(f, *settings, *context, *input, *mapper, *routes, **spool, messages,
                            signals.stop(), &stats);
  if (piped.ok() && !signals.stop()) {
    WaitForDrain(**spool, f.drain_timeout_seconds, signals.stop());
  }
  const Status forwarded = forwarding.Stop();

  PrintSummary(f, stats, tallies, **spool);
  if (!piped.ok()) return Report(piped, ExitForPipeline(piped));
  if (!forwarded.ok()) return Report(forwarded, ExitForForward(forwarded));
  return kExitOk;
}

}  // namespace

void AddSensor(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SensorFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sensor",
      "publish events continuously: Suricata EVE alerts as STIX sightings, or JSON lines of "
      "STIX objects; batched, signed once per batch, spooled, forwarded");
  cmd->add_option("--input", flags->input,
                  "- (standard input), a file to follow like tail -F, or unix:PATH (a socket "
                  "to listen on)")
      ->required();
  cmd->add_option("--format", flags->format, "eve (Suricata EVE JSON) or jsonl (STIX per line)")
      ->required()
      ->check(CLI::IsMember({"eve", "jsonl"}));
  cmd->add_option("--tlp", flags->compose.tlp,
                  "clear|green|amber|amber+strict|red: the TLP of the records (default: "
                  "sensor.tlp of the configuration file, else green); it raises a jsonl "
                  "line's own TLP marking, and a line marked above it is a bad line");
  cmd->add_option("--to", flags->compose.to,
                  "recipient organisations or group:NAME (default: publish.to of the "
                  "configuration file); required for amber and red")
      ->delimiter(',');
  cmd->add_flag("--plaintext-green", flags->compose.plaintext_green,
                "TLP:GREEN records signed but not encrypted");
  cmd->add_flag("--from-beginning", flags->from_beginning,
                "a followed file: read what it already holds (default: only what is added)");
  cmd->add_option("--batch-size", flags->batch_events,
                  "most events sealed under one signature (default 256)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  cmd->add_option("--batch-delay-ms", flags->batch_delay_ms,
                  "longest an event waits for its batch (default 100)")
      ->check(CLI::Range(1, 60000));
  cmd->add_option("--poll-ms", flags->poll_ms,
                  "a followed file: how often to look for data and rotation (default 100)")
      ->check(CLI::Range(10, 10000));
  cmd->add_option("--max-line-bytes", flags->max_line_bytes,
                  "longer lines are reported and skipped (default 1048576)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{16} << 20));
  cmd->add_option("--socket-mode", flags->socket_mode,
                  "unix:PATH: the socket's file mode, octal (default 0600: only this user "
                  "may write events)");
  cmd->add_option("--drain-timeout", flags->drain_timeout_seconds,
                  "when the input ends, seconds to wait for the broker to take what is "
                  "spooled (default 10; 0: exit at once, records stay spooled)")
      ->check(CLI::Range(0, 3600));
  cmd->add_flag("--json", flags->json, "print the final summary as one JSON object");
  cmd->add_option("--assume-offset", flags->assume_offset,
                  "eve: the UTC offset of timestamps written without one, e.g. +00:00, Z, "
                  "+02:00 (config: sensor.assume_offset; default: none, such alerts are "
                  "reported as bad)");
  AddContextFlags(cmd, &flags->context, true);
  AddSpoolFlags(cmd, &flags->spool, true, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunSensor(*flags); });
}

}  // namespace certshare::cli
