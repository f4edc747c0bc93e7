#include "agent/cli/stop_signals.h"

namespace certshare::cli {

namespace {

// The one flag: a signal handler can only reach a global.
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop = true; }

}  // namespace

StopSignals::StopSignals(Repeat repeat) {
  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a blocked poll() returns at once.
  sa.sa_flags = repeat == Repeat::kKills ? SA_RESETHAND : 0;
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const std::atomic<bool>& StopSignals::stop() const { return g_stop; }

void StopSignals::RequestStop() { g_stop = true; }

}  // namespace certshare::cli
