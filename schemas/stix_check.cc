// Check: dispatches a document to the bundle or single-object path, runs the
// object rules (object_checker.h) on each object and folds what they learnt
// into the Summary routing needs.
#include "schemas/stix_check.h"

#include <algorithm>

#include "common/base/json.h"
#include "schemas/catalog.h"
#include "schemas/describe.h"
#include "schemas/formats.h"
#include "schemas/object_checker.h"
#include "schemas/problem_sink.h"
#include "schemas/rules.h"

namespace certshare::schemas {

namespace {

// The later of two versions, either possibly empty (= none).
void KeepLatest(const std::string& candidate, std::string* latest) {
  if (candidate.empty()) return;
  if (latest->empty() || CompareStixTimestamps(candidate, *latest) > 0) {
    *latest = candidate;
  }
}

// The first object of the most restrictive TLP level seen so far.
void KeepMostRestrictive(ObjectFacts& facts, Summary* summary) {
  if (!facts.tlp || (summary->tlp && *facts.tlp <= *summary->tlp)) return;
  summary->tlp = facts.tlp;
  summary->tlp_object = facts.id;
  summary->tlp_marking = std::move(facts.tlp_marking);
}

void CheckBundle(const rapidjson::Value& doc, ProblemSink& sink,
                 Summary* summary) {
  CheckObject(doc, "", sink);  // the bundle's own `type` and `id`
  json::GetString(doc, "id", &summary->id);
  summary->object_count = 0;

  const rapidjson::Value* objects = json::Member(doc, "objects");
  if (objects == nullptr || !objects->IsArray() || objects->Empty()) {
    sink.Add("/objects", rule::kBundleObjects,
             objects == nullptr
                 ? "`objects` is required: a bundle must carry at least one "
                   "STIX object"
                 : "`objects` must be a non-empty array of STIX objects, not " +
                       (objects->IsArray() ? std::string("an empty array")
                                           : Describe(*objects)));
    return;
  }
  summary->object_count = objects->Size();
  bool any_timestamp = false;
  std::string pointer;
  for (rapidjson::SizeType i = 0; i < objects->Size(); ++i) {
    const rapidjson::Value& object = (*objects)[i];
    pointer = "/objects/";
    pointer += std::to_string(i);
    if (!object.IsObject()) {
      sink.Add(pointer, rule::kNotObject,
               "`objects` entries must be STIX objects (JSON objects), not " +
                   Describe(object));
      continue;
    }
    ObjectFacts facts = CheckObject(object, pointer, sink, /*depth=*/2);
    if (facts.is_bundle) {
      sink.Add(pointer, rule::kBundleObjects,
               "a bundle cannot contain another bundle");
      continue;
    }
    any_timestamp = any_timestamp || facts.has_timestamp_property;
    KeepLatest(facts.version, &summary->modified);
    KeepMostRestrictive(facts, summary);
  }
  if (!any_timestamp) {
    sink.Add("", rule::kBundleNoTimestamp,
             "no object in the bundle carries `modified` or `created`, so the "
             "bundle has no date to be versioned by; add the domain object "
             "(report, incident, ...) the observables belong to");
  }
}

void CheckSingle(const rapidjson::Value& doc, ProblemSink& sink,
                 Summary* summary) {
  ObjectFacts facts = CheckObject(doc, "", sink);
  summary->id = facts.id;
  summary->modified = facts.version;
  KeepMostRestrictive(facts, summary);
  summary->object_count = 1;
  // Without a usable type, "type" already says what is wrong; where the type
  // requires `created`, "timestamp" does.
  if (facts.def != nullptr && !facts.def->requires_created &&
      !facts.has_timestamp_property) {
    sink.Add("", rule::kNoTimestamp,
             "this " + std::string(KindName(facts.def->kind)) + " (" +
                 Quote(facts.type) +
                 ") carries neither `modified` nor `created`, so it cannot "
                 "be published on its own; send it in a bundle with the "
                 "object that refers to it");
  }
}

// A pointer for Summarise's one-line-per-problem text: control characters
// escaped so that a hostile key cannot forge lines, and shortened.
std::string PrintablePointer(std::string_view pointer) {
  constexpr std::size_t kMaxBytes = 160;
  std::string out;
  for (char c : pointer.substr(0, kMaxBytes)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  if (pointer.size() > kMaxBytes) out += "…";
  return out;
}

}  // namespace

Report Check(const rapidjson::Value& doc) {
  Report report;
  ProblemSink sink(&report.problems, &report.warnings);
  if (!doc.IsObject()) {
    sink.Add("", rule::kNotObject,
             "a STIX document must be a JSON object (a bundle or one STIX "
             "object), not " +
                 Describe(doc));
  } else {
    json::GetString(doc, "type", &report.summary.type);
    if (report.summary.type == "bundle") {
      CheckBundle(doc, sink, &report.summary);
    } else {
      CheckSingle(doc, sink, &report.summary);
    }
  }
  sink.Finish();
  return report;
}

Report CheckText(std::string_view text) {
  // The document's first memory comes from the stack: a typical record
  // (a few KB of JSON) then costs no heap allocation for its DOM, which
  // saves about a microsecond per incident (validate_bench).
  alignas(16) char first_chunk[16 << 10];
  rapidjson::MemoryPoolAllocator<> allocator(first_chunk, sizeof first_chunk);
  rapidjson::Document doc(&allocator);
  Status parsed = json::Parse(text, &doc);
  if (!parsed.ok()) {
    Report report;
    report.problems.push_back({"", std::string(rule::kJson), parsed.message()});
    return report;
  }
  return Check(doc);
}

namespace {

// A report as Summarise returns it.
Result<Summary> Fold(Report report) {
  if (report.ok()) return std::move(report.summary);
  const bool json_error =
      std::any_of(report.problems.begin(), report.problems.end(),
                  [](const Problem& p) { return p.rule == rule::kJson; });
  std::string message;
  for (const Problem& p : report.problems) {
    if (!message.empty()) message += '\n';
    message +=
        PrintablePointer(p.pointer) + ": " + p.message + " [" + p.rule + "]";
  }
  return Status(
      json_error ? ErrorCode::kMalformedJson : ErrorCode::kInvalidStix,
      message);
}

}  // namespace

Result<Summary> Summarise(std::string_view text) { return Fold(CheckText(text)); }

Result<Summary> Summarise(const rapidjson::Value& doc) { return Fold(Check(doc)); }

const std::vector<std::string>& KnownTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> names;
    for (const TypeDef& type : Catalog::Get().types()) names.push_back(type.name);
    return names;
  }();
  return types;
}

}  // namespace certshare::schemas
