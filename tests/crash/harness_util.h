// Shared by the kill and fault harnesses: a small federation of
// identities on disk, and the real broker as a child process.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::crash {

struct Federation {
  std::map<std::string, identity::Identity> ids;
  identity::Registry registry;
};

// Identities for BROKER, CERT-EE, CERT-UA, CERT-EU, CERT-XX under
// <work>/keys and <work>/registry.json (every CERT registered).
Federation MakeFederation(const std::string& work);

class BrokerProcess {
 public:
  BrokerProcess(std::string binary, std::string work);
  ~BrokerProcess();  // SIGKILLs a broker still running

  // Starts the broker on `listen` with `data_dir` (relative to the work
  // dir or absolute); waits, bounded, for its endpoint file. False if it
  // exited or did not come up; its output is in <work>/broker.log.
  // `extra_settings`, if given, are more members of the config object
  // (e.g. "\"max_connections_per_org\":4").
  bool Start(const std::string& listen, const std::string& data_dir = "data",
             const std::string& extra_settings = "");
  // Sends `sig` and waits for the process; returns its wait status.
  int Kill(int sig);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string binary_;
  std::string work_;
  pid_t pid_ = -1;
  std::string endpoint_;
};

}  // namespace certshare::crash
