// certshare::agent::sensor — where `certshare sensor` left a followed file,
// kept so that a restart (or a crash, or kill -9) resumes there instead of
// at the file's end (follow.h, "Resuming").
//
// One small JSON file per input path in the spool's folder:
//   <spool>/sensor-positions/<16 hex digits of the BLAKE2b of the absolute path>.json
//   {"format":"certshare-sensor-position-v1","input":"/var/log/suricata/eve.json",
//    "dev":2049,"ino":1311,"offset":1048576}
// It is written (write, then rename) after each batch the spool took, so
// it never runs ahead of the spool: after a crash the sensor may read a
// batch again, and the records it makes have the same ids (deterministic
// for EVE lines), which the broker recognises as duplicates.
//
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>

#include "agent/sensor/follow.h"
#include "common/base/status.h"

namespace certshare::agent::sensor {

// The position file for `input` (made absolute) under `spool_dir`.
std::string PositionFilePath(const std::string& spool_dir, const std::string& input);

// The saved position for `input`, or none if there is no file. A file that
// is damaged or names another input is reported (kCorruption) so the
// caller can say so and start without it.
Result<std::optional<FilePosition>> LoadPosition(const std::string& file,
                                                 const std::string& input);

// Saves the position (creating the folder).
Status SavePosition(const std::string& file, const std::string& input,
                    const FilePosition& position);

}  // namespace certshare::agent::sensor
