#include "agent/sensor/line_splitter.h"

namespace certshare::agent::sensor {

void LineSplitter::Emit(std::vector<Line>* out) {
  Line line;
  line.number = ++number_;
  line.stream = stream_;
  line.end = offset_;
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
    const bool complete = nl != std::string_view::npos;
    const std::string_view piece = bytes.substr(0, nl);
    offset_ += complete ? nl + 1 : bytes.size();  // a completed line ends after its '\n'
    if (skipping_) {
      if (complete) skipping_ = false;
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
      if (complete) Emit(out);
    }
    if (!complete) break;
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
