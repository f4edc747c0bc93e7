#include "common/base/tlp.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace certshare {

namespace {
struct TlpEntry {
  Tlp tlp;
  std::string_view name;
  std::string_view marking_id;
};
constexpr TlpEntry kTlps[] = {
    {Tlp::kClear, "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {Tlp::kGreen, "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {Tlp::kAmber, "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {Tlp::kAmberStrict, "amber+strict",
     "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {Tlp::kRed, "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};
}  // namespace

std::string_view TlpName(Tlp tlp) {
  for (const auto& e : kTlps) {
    if (e.tlp == tlp) return e.name;
  }
  return "invalid";
}

std::optional<Tlp> ParseTlp(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view v = lower;
  if (v.substr(0, 4) == "tlp:") v.remove_prefix(4);
  for (const auto& e : kTlps) {
    if (e.name == v) return e.tlp;
  }
  return std::nullopt;
}

std::string_view TlpMarkingId(Tlp tlp) {
  for (const auto& e : kTlps) {
    if (e.tlp == tlp) return e.marking_id;
  }
  return "";
}

std::optional<Tlp> TlpFromMarkingId(std::string_view stix_id) {
  for (const auto& e : kTlps) {
    if (e.marking_id == stix_id) return e.tlp;
  }
  return std::nullopt;
}

}  // namespace certshare
