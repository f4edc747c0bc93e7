// Fuzz target: the broker's configuration file (broker/options.h,
// ParseConfig), which `certshare-broker --check-config` and start-up read.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused config carries kInvalidConfig and a message;
//   * an accepted one obeys the documented ranges: required paths set and
//     resolved against the base folder, heartbeat timeout above the
//     interval, record limit within 1 KiB to 16 MiB, a tcp:// or ipc://
//     listen endpoint.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/options.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const certshare::Result<certshare::broker::Options> options =
      certshare::broker::ParseConfig(text, "/etc/certshare");
  if (!options.ok()) {
    FUZZ_REQUIRE(options.status().code() == certshare::ErrorCode::kInvalidConfig);
    FUZZ_REQUIRE(!options.status().message().empty());
    return 0;
  }
  for (const std::string* path : {&options->identity, &options->registry, &options->data_dir}) {
    FUZZ_REQUIRE(!path->empty() && (*path)[0] == '/');
  }
  FUZZ_REQUIRE(options->heartbeat_timeout_ms > options->heartbeat_interval_ms);
  FUZZ_REQUIRE(options->max_record_bytes >= 1024 && options->max_record_bytes <= (16u << 20));
  FUZZ_REQUIRE(options->ingest_workers >= 0 && options->ingest_workers <= 256);
  FUZZ_REQUIRE(options->listen.rfind("tcp://", 0) == 0 || options->listen.rfind("ipc://", 0) == 0);
  return 0;
}
