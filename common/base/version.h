// certshare's version, for `certshare --version` and
// `certshare-broker --version`.
//
// The project version is CMake's project(VERSION ...). The commit is what
// `git describe --always --dirty --abbrev=12` says in the source tree when
// the program is built (refreshed at every build, so a new commit or an
// edited file shows), empty when the sources are not a git checkout or git
// is missing. Only the two programs link this (certshare::version): a new
// commit rebuilds one small file and relinks them, nothing else.
//
// Thread-safe: constants.
#pragma once

#include <string>
#include <string_view>

namespace certshare {

// "0.1.0".
std::string_view ProjectVersion();
// "b16f374c1a2e", "b16f374c1a2e-dirty", or empty (not built from a checkout).
std::string_view SourceCommit();
// "<program> 0.1.0 (commit b16f374c1a2e)", or "<program> 0.1.0" without a
// commit: the line --version prints.
std::string VersionLine(std::string_view program);

}  // namespace certshare
