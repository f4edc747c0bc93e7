// certshare rsit [--json]: the RSIT classes and types `new incident --rsit`
// takes, with the label and Incident Core incident type each becomes.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/exit_codes.h"
#include "agent/stix/rsit.h"

namespace certshare::cli {

namespace {

void PrintJson() {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartArray();
  for (const agent::rsit::Type& t : agent::rsit::Types()) {
    const std::string label = agent::rsit::Label(t);
    w.StartObject();
    w.Key("class");
    w.String(t.klass.data(), static_cast<rapidjson::SizeType>(t.klass.size()));
    w.Key("type");
    w.String(t.type.data(), static_cast<rapidjson::SizeType>(t.type.size()));
    w.Key("title");
    w.String(t.title.data(), static_cast<rapidjson::SizeType>(t.title.size()));
    w.Key("description");
    w.String(t.description.data(), static_cast<rapidjson::SizeType>(t.description.size()));
    w.Key("label");
    w.String(label.c_str());
    w.Key("incident_type");
    if (t.incident_type.empty()) {
      w.Null();
    } else {
      w.String(t.incident_type.data(), static_cast<rapidjson::SizeType>(t.incident_type.size()));
    }
    w.EndObject();
  }
  w.EndArray();
  std::cout << buffer.GetString() << "\n";
}

void PrintText() {
  for (const agent::rsit::Class& c : agent::rsit::Classes()) {
    std::cout << c.title << "\n";
    for (const agent::rsit::Type& t : agent::rsit::Types()) {
      if (t.klass != c.name) continue;
      const std::string name = agent::rsit::Name(t);  // at least one space before the title
      std::cout << "  " << name << std::string(name.size() < 52 ? 52 - name.size() : 1, ' ')
                << t.title;
      if (!t.incident_type.empty()) std::cout << "  (incident_types: " << t.incident_type << ")";
      std::cout << "\n";
    }
  }
}

}  // namespace

void AddRsit(CLI::App& app, int* exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "rsit", "list the EU Reference Security Incident Taxonomy classes and types");
  cmd->add_flag("--json", *json, "print the table as JSON");
  cmd->callback([json, exit_code] {
    if (*json) {
      PrintJson();
    } else {
      PrintText();
    }
    *exit_code = kExitOk;
  });
}

}  // namespace certshare::cli
