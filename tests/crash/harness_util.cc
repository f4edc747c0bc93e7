#include "tests/crash/harness_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "common/base/file_util.h"

namespace certshare::crash {

Federation MakeFederation(const std::string& work) {
  Federation fed;
  for (const char* org : {"BROKER", "CERT-EE", "CERT-UA", "CERT-EU", "CERT-XX"}) {
    auto files = identity::Generate(org, "", work + "/keys");
    if (!files.ok()) throw std::runtime_error(files.status().ToString());
    auto id = identity::LoadIdentity(files->secret_path);
    if (!id.ok()) throw std::runtime_error(id.status().ToString());
    if (std::string(org) != "BROKER") (void)fed.registry.Put(id->card);
    fed.ids.emplace(org, std::move(*id));
  }
  if (!files::WriteAtomic(work + "/registry.json", fed.registry.ToJson()).ok()) {
    throw std::runtime_error("cannot write the registry");
  }
  return fed;
}

BrokerProcess::BrokerProcess(std::string binary, std::string work)
    : binary_(std::move(binary)), work_(std::move(work)) {}

BrokerProcess::~BrokerProcess() { Kill(SIGKILL); }

bool BrokerProcess::Start(const std::string& listen, const std::string& data_dir,
                          const std::string& extra_settings) {
  std::string endpoint_file = work_ + "/broker.endpoint";
  ::unlink(endpoint_file.c_str());
  std::string config = "{\"listen\":\"" + listen +
                       "\",\"identity\":\"keys/BROKER.secret.json\",\"registry\":\"registry.json\","
                       "\"data_dir\":\"" + data_dir + "\",\"endpoint_file\":\"broker.endpoint\","
                       "\"metrics_listen\":\"\"" +
                       (extra_settings.empty() ? "" : "," + extra_settings) + "}";
  if (!files::WriteAtomic(work_ + "/broker.json", config).ok()) return false;
  // The child must not inherit (and write out again) what the parent has
  // buffered: flush first.
  std::cout.flush();
  std::fflush(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    std::string log = work_ + "/broker.log";
    if (std::freopen(log.c_str(), "a", stdout) == nullptr) std::_Exit(126);
    if (std::freopen(log.c_str(), "a", stderr) == nullptr) std::_Exit(126);
    std::string cfg = work_ + "/broker.json";
    ::execl(binary_.c_str(), binary_.c_str(), "--config", cfg.c_str(), nullptr);
    std::_Exit(127);
  }
  for (int i = 0; i < 400; ++i) {  // up to ~20 s
    auto text = files::Read(endpoint_file);
    if (text.ok() && !text->empty()) {
      endpoint_ = text->substr(0, text->find('\n'));
      return true;
    }
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int BrokerProcess::Kill(int sig) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace certshare::crash
