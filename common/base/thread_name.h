// certshare::SetThreadName — names the calling thread as `top -H`, `ps -L`,
// perf and /proc/<pid>/task/<tid>/comm show it, so a profile says which of
// a program's threads is busy (docs/architecture.md, "Threads").
//
// Linux keeps at most 15 bytes of a name: longer ones are cut. Failure
// (another OS) is ignored: a name is a label, never needed.
#pragma once

#include <string_view>

namespace certshare {

void SetThreadName(std::string_view name);

}  // namespace certshare
