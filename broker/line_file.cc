#include "broker/line_file.h"

namespace certshare::broker {

std::optional<std::string> ReadLineFile(std::string_view text, std::string_view format,
                                        const LineCheck& entry) {
  if (text.empty()) return "it is empty";
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return "its last line is not complete";
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    if (++number == 1) {
      if (line != format) return "its first line is not " + std::string(format);
      continue;
    }
    if (std::optional<std::string> why = entry(number, line)) return why;
  }
  return std::nullopt;
}

}  // namespace certshare::broker
