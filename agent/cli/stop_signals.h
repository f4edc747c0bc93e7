// SIGINT and SIGTERM as a request to stop, for the commands that finish
// what they hold before they exit: `subscribe` (commits and acknowledges
// what was output), `sensor` (hands over what is batched, lets the broker
// take what is spooled) and the forwarding of `publish` and the builders'
// --publish (the records stay spooled). One helper, so that they all catch
// the signals the same way.
//
// While a StopSignals lives, SIGINT and SIGTERM set stop() instead of
// ending the process. The handler only stores to an atomic flag; it is
// installed without SA_RESTART, so a blocked poll() or read() returns at
// once with EINTR and the command looks at the flag. When the StopSignals
// is destroyed, the handlers it replaced are back. With Repeat::kKills the
// handler is reset by the first signal (SA_RESETHAND): a second Ctrl-C
// ends the process as usual.
//
// Thread-safety: construct and destroy on one thread (the main one);
// stop() and RequestStop() from any thread. At most one StopSignals at a
// time: the flag is the process's.
#pragma once

#include <signal.h>

#include <atomic>

namespace certshare::cli {

class StopSignals {
 public:
  enum class Repeat {
    kStopsAgain,  // every SIGINT or SIGTERM only sets the flag
    kKills,       // the second one ends the process
  };
  explicit StopSignals(Repeat repeat);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // True once SIGINT or SIGTERM came (or RequestStop was called) since
  // this StopSignals was made.
  const std::atomic<bool>& stop() const;
  // Sets the flag as a signal would: the command itself asks to stop (a
  // sensor whose forwarder cannot go on).
  void RequestStop();

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace certshare::cli
