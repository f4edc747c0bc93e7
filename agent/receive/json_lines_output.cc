#include "agent/receive/json_lines_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace certshare::agent {

Status JsonLinesOutput::Recover(const std::vector<std::string>& redo) {
  if (!redo.empty()) {
    return Status(ErrorCode::kInvalidConfig,
                  "the state directory holds an unfinished commit of a directory output (" +
                      redo.front() + "); run with that --output-dir once to finish it");
  }
  return Status::Ok();
}

Status JsonLinesOutput::Write(const Verified& record) {
  std::string line = record.line;
  line.push_back('\n');
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status(ErrorCode::kIoError,
                    "writing record " + std::to_string(record.sequence) + " to " +
                        description_ + " failed: " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

}  // namespace certshare::agent
