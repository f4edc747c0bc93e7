// certshare::agent::Quarantine — where a subscriber keeps the records that
// failed verification (bad signature, not decryptable, not valid STIX, a
// payload that is not what the signed header names, ...), so an operator
// can examine them; they are never passed on as valid.
//
// Each record becomes two files in the quarantine directory, written
// atomically (agent/receive/atomic_file.h), mode 0600:
//   <sequence>-<hash>.record  the record's bytes exactly as delivered
//   <sequence>-<hash>.json    why: {"sequence", "error", "code", "message",
//                             "quarantined_at", "record_file",
//                             "record_bytes", "blake2b", "claimed"}
// where <sequence> is zero-padded to 12 digits and <hash> the first 16 hex
// digits of the BLAKE2b-256 of the bytes; "claimed" is what the routing
// header says (origin, type, id, modified, tlp, recipients) when it decodes
// at all — unverified, for the operator's information only. The .json is
// written last: its presence means the pair is complete.
//
// Putting the same record twice (delivered again after a crash before its
// acknowledgement) leaves the files as they are.
//
// Thread-safety: one thread per Quarantine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/base/bytes.h"
#include "common/base/status.h"

namespace certshare::agent {

class Quarantine {
 public:
  // Creates `dir` (mode 0700) if missing.
  static Result<std::unique_ptr<Quarantine>> Open(const std::string& dir);

  // Keeps `record` and `why`; returns the path of the .json file.
  Result<std::string> Put(std::uint64_t sequence, ByteView record, const Status& why);

  const std::string& dir() const { return dir_; }

 private:
  explicit Quarantine(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace certshare::agent
