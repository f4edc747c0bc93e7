#include "agent/sensor/line_splitter.h"

namespace certshare::agent::sensor {

void LineSplitter::Emit(std::vector<Line>* out) {
  Line line;
  line.number = ++number_;
  line.stream = stream_;
  if (oversize_) {
    line.too_long = true;
  } else {
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    line.text = std::move(partial_);
  }
  out->push_back(std::move(line));
  partial_.clear();
  oversize_ = false;
}

void LineSplitter::Feed(std::string_view bytes, std::vector<Line>* out) {
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (skipping_) {
      if (nl != std::string_view::npos) skipping_ = false;
    } else {
      if (!oversize_) {
        if (partial_.size() + piece.size() > max_) {
          oversize_ = true;
          partial_.clear();
          partial_.shrink_to_fit();
        } else {
          partial_.append(piece);
        }
      }
      if (nl != std::string_view::npos) Emit(out);
    }
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
  }
}

void LineSplitter::Finish(std::vector<Line>* out) {
  skipping_ = false;
  if (has_partial()) Emit(out);
}

bool LineSplitter::DropPartial() {
  const bool had = has_partial();
  partial_.clear();
  oversize_ = false;
  skipping_ = false;
  return had;
}

}  // namespace certshare::agent::sensor
