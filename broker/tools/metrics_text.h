// certshare::broker — the broker's metrics for a person: what
// `certshare-broker status` prints (docs/operations.md, "Metrics").
//
// The text is made from the Prometheus exposition (Metrics::
// RenderPrometheus) rather than from Metrics' fields, so that `status`,
// which only sees a running broker's /metrics, and RenderText of the
// broker's own Metrics print the very same thing.
//
// Thread-safe: pure functions (RenderText reads `metrics` as
// Metrics::RenderPrometheus does).
#pragma once

#include <string>
#include <string_view>

#include "broker/metrics.h"

namespace certshare::broker {

// Formats an exposition written by Metrics::RenderPrometheus (for example
// one fetched from a running broker's /metrics) for a person. Lines it does
// not know are ignored, so a newer broker's extra metrics do no harm.
std::string RenderTextFromPrometheus(std::string_view exposition);

// The figures of `metrics` for a person:
// RenderTextFromPrometheus(metrics.RenderPrometheus()).
std::string RenderText(const Metrics& metrics);

}  // namespace certshare::broker
