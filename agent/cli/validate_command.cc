// certshare validate FILE|- [--json]: every problem certshare finds in a
// STIX 2.1 document (schemas::CheckText). Exit 0 valid, 3 invalid.
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
};

void PrintJson(const std::string& source, const schemas::Report& report) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("file");
  w.String(source.c_str(), static_cast<rapidjson::SizeType>(source.size()));
  w.Key("valid");
  w.Bool(report.ok());
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
    } else {
      w.Null();
    }
    w.Key("object_count");
    w.Uint64(s.object_count);
  }
  w.Key("problems");
  w.StartArray();
  for (const schemas::Problem& p : report.problems) {
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
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

void PrintText(const std::string& source, const schemas::Report& report) {
  if (report.ok()) {
    const schemas::Summary& s = report.summary;
    std::cout << source << ": valid STIX 2.1 (" << s.id;
    if (s.type == "bundle") std::cout << ", " << s.object_count << " objects";
    std::cout << ", "
              << (s.tlp ? "TLP:" + std::string(TlpName(*s.tlp)) : std::string("no TLP marking"))
              << ")\n";
    return;
  }
  std::cout << source << ": " << report.problems.size()
            << (report.problems.size() == 1 ? " problem" : " problems") << "\n";
  for (const schemas::Problem& p : report.problems) {
    std::cout << "  " << (p.pointer.empty() ? "(document)" : p.pointer) << ": " << p.message
              << " [" << p.rule << "]\n";
  }
}

int RunValidate(const ValidateFlags& f) {
  auto text = ReadTextInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  const std::string source = f.input == "-" ? "(standard input)" : f.input;
  const schemas::Report report = schemas::CheckText(*text);
  if (f.json) {
    PrintJson(source, report);
  } else {
    PrintText(source, report);
  }
  return report.ok() ? kExitOk : kExitInvalidInput;
}

}  // namespace

void AddValidate(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<ValidateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "check a STIX 2.1 document as certshare would before publishing it");
  cmd->add_option("input", f->input, "STIX JSON file, or - for standard input")->required();
  cmd->add_flag("--json", f->json, "print the result as one JSON object");
  cmd->callback([f, exit_code] { *exit_code = RunValidate(*f); });
}

}  // namespace certshare::cli
