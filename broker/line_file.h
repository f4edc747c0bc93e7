// certshare::broker line files: the small files the broker keeps beside
// its log (certshare-admin-nonces, broker/replay_guard.h;
// certshare-quarantine, broker/quarantine.h). Each is a first line naming
// its format, then one entry per line, every line ending in LF.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace certshare::broker {

// Why an entry line is wrong, or nullopt when it is fine. `number` counts
// the format line as 1.
using LineCheck =
    std::function<std::optional<std::string>(std::size_t number, std::string_view line)>;

// Checks that `text` starts with the line `format` and hands every further
// line to `entry`. Returns why `text` is not such a file ("it is empty",
// "its first line is not ...", "its last line is not complete", or the
// first reason `entry` gave), or nullopt.
std::optional<std::string> ReadLineFile(std::string_view text, std::string_view format,
                                        const LineCheck& entry);

}  // namespace certshare::broker
