#include "agent/receive/file_env.h"

#include "agent/receive/atomic_file.h"

namespace certshare::agent {

namespace {

class AtomicFileEnv final : public FileEnv {
 public:
  Status WriteTemporary(const std::string& path, std::string_view data, int mode) override {
    return atomic_file::WriteTemporary(path, data, mode);
  }
  Status Publish(const std::string& from, const std::string& to) override {
    return atomic_file::Publish(from, to);
  }
};

}  // namespace

FileEnv* FileEnv::Default() {
  static AtomicFileEnv env;
  return &env;
}

}  // namespace certshare::agent
