// certshare::agent::rsit — the Reference Security Incident Taxonomy (RSIT)
// of the ENISA / TF-CSIRT working group, used by the EU CSIRTs Network to
// classify incidents: 11 classes and their types, as in the working group's
// machine-readable taxonomy (github.com/enisaeu/Reference-Security-
// Incident-Taxonomy-Task-Force, working_copy/machinev1) and MISP's `rsit`
// taxonomy version 1003 (with system-compromise, data-leak, undetermined).
//
// How certshare writes a classification into an incident (docs/agent.md,
// "RSIT in records"):
//   labels:          the MISP machine tag, e.g. rsit:fraud="phishing"
//   incident_types:  (Incident Core extension) the event-type-ov value that
//                    means the same, when one does (e.g. fraud/copyright ->
//                    "copyrighted-content"); nothing when none does.
//
// Thread-safe: constant data.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::agent::rsit {

struct Type {
  std::string_view klass;         // "fraud"
  std::string_view type;          // "phishing"
  std::string_view title;         // "Phishing"
  std::string_view description;   // the RSIT description, abridged
  // The Incident Core event-type-ov value with the same meaning, or empty
  // when none has it.
  std::string_view incident_type;
};

struct Class {
  std::string_view name;    // "fraud"
  std::string_view title;   // "Fraud"
};

// Every class, in the taxonomy's order.
std::span<const Class> Classes();
// Every type, grouped by class in the taxonomy's order.
std::span<const Type> Types();

// Finds a classification written as "class/type", "class:type",
// `rsit:class="type"` (the machine tag) or "rsit:class/type"; case is
// ignored, and the American spellings of older versions
// ("unauthorized-use-of-resources") are read as the British ones. Returns
// the entry, or kInvalidArgument with a message that lists the class's
// types (unknown type) or the classes (unknown class).
Result<const Type*> Find(std::string_view text);

// The label certshare writes: rsit:<class>="<type>".
std::string Label(const Type& type);
// "<class>/<type>", the short form analysts type.
std::string Name(const Type& type);

}  // namespace certshare::agent::rsit
