// certshare validate FILE|- [--json] [--strict]: every problem and warning
// certshare finds in a STIX 2.1 document (schemas::CheckText). Exit 0
// valid, 3 invalid (with --strict also when there are warnings).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

#include "agent/cli/builder_output.h"
#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "schemas/stix_check.h"

namespace certshare::cli {

namespace {

struct ValidateFlags {
  std::string input;
  bool json = false;
  bool strict = false;
};

void WriteProblems(rapidjson::Writer<rapidjson::StringBuffer>& w,
                   const std::vector<schemas::Problem>& problems) {
  w.StartArray();
  for (const schemas::Problem& p : problems) {
    w.StartObject();
    w.Key("pointer");
    w.String(p.pointer.c_str(), static_cast<rapidjson::SizeType>(p.pointer.size()));
    w.Key("rule");
    w.String(p.rule.c_str(), static_cast<rapidjson::SizeType>(p.rule.size()));
    w.Key("message");
    w.String(p.message.c_str(), static_cast<rapidjson::SizeType>(p.message.size()));
    w.EndObject();
  }
  w.EndArray();
}

void PrintJson(const std::string& source, const schemas::Report& report, bool valid) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("file");
  w.String(source.c_str(), static_cast<rapidjson::SizeType>(source.size()));
  w.Key("valid");
  w.Bool(valid);
  if (report.ok()) {
    const schemas::Summary& s = report.summary;
    w.Key("type");
    w.String(s.type.c_str());
    w.Key("id");
    w.String(s.id.c_str());
    w.Key("modified");
    w.String(s.modified.c_str());
    w.Key("tlp");
    if (s.tlp) {
      w.String(std::string(TlpName(*s.tlp)).c_str());
      w.Key("tlp_object");
      w.String(s.tlp_object.c_str(), static_cast<rapidjson::SizeType>(s.tlp_object.size()));
      w.Key("tlp_marking");
      w.String(s.tlp_marking.c_str(), static_cast<rapidjson::SizeType>(s.tlp_marking.size()));
    } else {
      w.Null();
    }
    w.Key("object_count");
    w.Uint64(s.object_count);
  }
  w.Key("problems");
  WriteProblems(w, report.problems);
  w.Key("warnings");
  WriteProblems(w, report.warnings);
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

std::string Count(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

void PrintList(const std::vector<schemas::Problem>& problems, std::string_view prefix) {
  for (const schemas::Problem& p : problems) {
    std::cout << "  " << prefix << (p.pointer.empty() ? "(document)" : p.pointer) << ": "
              << p.message << " [" << p.rule << "]\n";
  }
}

void PrintText(const std::string& source, const schemas::Report& report, bool strict) {
  const std::size_t warnings = report.warnings.size();
  if (!report.ok()) {
    std::cout << source << ": " << Count(report.problems.size(), "problem");
    if (warnings > 0) std::cout << ", " << Count(warnings, "warning");
    std::cout << "\n";
  } else if (strict && warnings > 0) {
    std::cout << source << ": " << Count(warnings, "warning") << ", refused with --strict\n";
  } else {
    const schemas::Summary& s = report.summary;
    std::cout << source << ": valid STIX 2.1 (" << s.id;
    if (s.type == "bundle") std::cout << ", " << s.object_count << " objects";
    std::cout << ", "
              << (s.tlp ? "TLP:" + std::string(TlpName(*s.tlp)) : std::string("no TLP marking"));
    if (warnings > 0) std::cout << ", " << Count(warnings, "warning");
    std::cout << ")\n";
    if (s.tlp) std::cout << "  TLP: " << schemas::DescribeTlpMarking(s) << "\n";
  }
  PrintList(report.problems, "");
  PrintList(report.warnings, "warning: ");
}

int RunValidate(const ValidateFlags& f) {
  auto text = ReadTextInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  const std::string source = f.input == "-" ? "(standard input)" : f.input;
  const schemas::Report report = schemas::CheckText(*text);
  const bool valid = report.ok() && !(f.strict && !report.warnings.empty());
  if (f.json) {
    PrintJson(source, report, valid);
  } else {
    PrintText(source, report, f.strict);
  }
  return valid ? kExitOk : kExitInvalidInput;
}

}  // namespace

void AddValidate(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<ValidateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "check a STIX 2.1 document as certshare would before publishing it");
  cmd->add_option("input", f->input, "STIX JSON file, or - for standard input")->required();
  cmd->add_flag("--json", f->json, "print the result as one JSON object");
  cmd->add_flag("--strict", f->strict,
                "count warnings (what STIX says should not be) as problems: exit 3");
  cmd->callback([f, exit_code] { *exit_code = RunValidate(*f); });
}

}  // namespace certshare::cli
