#include "schemas/catalog_spec.h"

#include <charconv>

namespace certshare::schemas {

namespace {

bool Consume(std::string_view* text, std::string_view prefix) {
  if (text->substr(0, prefix.size()) != prefix) return false;
  text->remove_prefix(prefix.size());
  return true;
}

Status Bad(std::string_view text, std::string why) {
  return Status(ErrorCode::kInternal,
                "kind \"" + std::string(text) + "\": " + std::move(why));
}

struct Simple {
  std::string_view name;
  Kind kind;
};
constexpr Simple kSimple[] = {
    {"string", Kind::kString},
    {"boolean", Kind::kBoolean},
    {"any", Kind::kAny},
    {"object", Kind::kObject},
    {"dictionary", Kind::kDictionary},
    {"hashes", Kind::kHashes},
    {"timestamp", Kind::kTimestamp},
    {"timestamp-s", Kind::kTimestampSeconds},
    {"integer", Kind::kInteger},
    {"number", Kind::kNumber},
    {"self", Kind::kSelf},
    {"marking-refs", Kind::kMarkingRefs},
    {"granular-markings", Kind::kGranularMarkings},
    {"extensions", Kind::kExtensions},
    {"observable-objects", Kind::kObservableObjects},
};

constexpr std::pair<std::string_view, Format> kFormats[] = {
    {"url", Format::kUrl},
    {"ipv4", Format::kIpv4},
    {"ipv6", Format::kIpv6},
    {"mac", Format::kMac},
    {"email", Format::kEmail},
    {"domain-name", Format::kDomainName},
    {"lang", Format::kLang},
    {"base64", Format::kBase64},
    {"hex", Format::kHex},
    {"artifact-mime-type", Format::kArtifactMimeType},
    {"charset", Format::kCharset},
    {"cpe", Format::kCpe},
    {"registry-key", Format::kRegistryKey},
    {"relationship-type", Format::kRelationshipType},
};

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::string_view FormatName(Format format) {
  for (const auto& [name, f] : kFormats) {
    if (f == format) return name;
  }
  return "format";
}

Result<const PropSpec*> SpecParser::Parse(std::string_view text) {
  if (auto it = cache_.find(text); it != cache_.end()) return it->second;
  PropSpec spec;
  spec.text = std::string(text);
  CERTSHARE_RETURN_IF_ERROR(ParseInto(text, &spec));
  const PropSpec* stored = &catalog_.specs_.emplace_back(std::move(spec));
  cache_.emplace(std::string(text), stored);
  return stored;
}

Status SpecParser::ParseInto(std::string_view text, PropSpec* spec) {
  std::string_view rest = text;
  if (Consume(&rest, "dict-lang:")) spec->language_keys = true;
  if (spec->language_keys || Consume(&rest, "list:") ||
      Consume(&rest, "dict:")) {
    spec->kind = text.substr(0, 5) == "list:" ? Kind::kList : Kind::kDictionary;
    Result<const PropSpec*> item = Parse(rest);
    if (!item.ok()) return item.status();
    spec->item = *item;
    return Status::Ok();
  }
  if (Consume(&rest, "ref:")) {
    spec->kind = Kind::kRef;
    return ParseTargets(rest, spec);
  }
  if (Consume(&rest, "enum:")) {
    spec->kind = Kind::kEnum;
    spec->vocabulary = catalog_.FindVocabulary(rest);
    return spec->vocabulary ? Status::Ok() : Bad(text, "unknown vocabulary");
  }
  if (Consume(&rest, "struct:")) {
    spec->kind = Kind::kStruct;
    spec->def = catalog_.FindStruct(rest);
    return spec->def ? Status::Ok() : Bad(text, "unknown struct");
  }
  if (Consume(&rest, "format:")) {
    spec->kind = Kind::kFormat;
    for (const auto& [name, f] : kFormats) {
      if (name == rest) {
        spec->format = f;
        return Status::Ok();
      }
    }
    return Bad(text, "unknown format");
  }
  std::string_view range;
  if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    range = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  for (const Simple& s : kSimple) {
    if (s.name != rest) continue;
    spec->kind = s.kind;
    if (range.empty()) return Status::Ok();
    if (s.kind != Kind::kInteger && s.kind != Kind::kNumber) {
      return Bad(text, "only integer and number take a range");
    }
    return ParseRange(range, spec);
  }
  return Bad(text, "unknown kind");
}

// "min..max", either side may be empty.
Status SpecParser::ParseRange(std::string_view text, PropSpec* spec) {
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) return Bad(text, "a range is min..max");
  const std::string_view min = text.substr(0, dots);
  const std::string_view max = text.substr(dots + 2);
  if (!min.empty()) {
    if (!ParseDouble(min, &spec->min)) return Bad(text, "bad minimum");
    spec->has_min = true;
  }
  if (!max.empty()) {
    if (!ParseDouble(max, &spec->max)) return Bad(text, "bad maximum");
    spec->has_max = true;
  }
  if (!spec->has_min && !spec->has_max) return Bad(text, "empty range");
  return Status::Ok();
}

// "identity|location", "<sdo>|<sco>", "<any>".
Status SpecParser::ParseTargets(std::string_view text, PropSpec* spec) {
  RefTargets& t = catalog_.targets_.emplace_back();
  spec->targets = &t;
  while (!text.empty()) {
    const std::size_t bar = text.find('|');
    const std::string_view one = text.substr(0, bar);
    text = bar == std::string_view::npos ? std::string_view{}
                                         : text.substr(bar + 1);
    if (one == "<sdo>") {
      t.any_sdo = true;
    } else if (one == "<sco>") {
      t.any_sco = true;
    } else if (one == "<sro>") {
      t.any_sro = true;
    } else if (one == "<any>") {
      t.any = true;
    } else if (one.empty()) {
      return Bad(one, "empty target type");
    } else {
      t.types.emplace_back(one);
    }
  }
  if (!t.any && !t.any_sdo && !t.any_sco && !t.any_sro && t.types.empty()) {
    return Bad(text, "no target types");
  }
  return Status::Ok();
}

}  // namespace certshare::schemas
