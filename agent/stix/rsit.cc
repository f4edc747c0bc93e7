#include "agent/stix/rsit.h"

#include <algorithm>
#include <cctype>

namespace certshare::agent::rsit {

namespace {

constexpr Class kClasses[] = {
    {"abusive-content", "Abusive Content"},
    {"malicious-code", "Malicious Code"},
    {"information-gathering", "Information Gathering"},
    {"intrusion-attempts", "Intrusion Attempts"},
    {"intrusions", "Intrusions"},
    {"availability", "Availability"},
    {"information-content-security", "Information Content Security"},
    {"fraud", "Fraud"},
    {"vulnerable", "Vulnerable"},
    {"other", "Other"},
    {"test", "Test"},
};

// incident_type: the Incident Core event-type-ov value with the same
// meaning. Left empty where the vocabulary has none (its "misconfiguration"
// means a false positive, not the RSIT availability type; its three
// phishing values each cover only part of RSIT's phishing).
constexpr Type kTypes[] = {
    {"abusive-content", "spam", "Spam",
     "Unsolicited bulk email sent as part of a larger set of messages with functionally "
     "comparable content.",
     "spam"},
    {"abusive-content", "harmful-speech", "Harmful Speech",
     "Discreditation or discrimination of somebody, e.g. cyber stalking, racism or threats.",
     ""},
    {"abusive-content", "violence", "Child Sexual Exploitation/Sexual/Violent Content",
     "Child sexual exploitation material, glorification of violence, etc.",
     "content-forbidden-by-law"},
    {"malicious-code", "infected-system", "Infected System",
     "System infected with malware, e.g. a PC, smartphone or server infected with a rootkit.",
     "infected-by-known-malware"},
    {"malicious-code", "c2-server", "C2 Server",
     "Command-and-control server contacted by malware on infected systems.",
     "c&c-server-hosting"},
    {"malicious-code", "malware-distribution", "Malware Distribution",
     "URI used for malware distribution, e.g. a download URL in fake-invoice spam.",
     "hosting-malware-webpage"},
    {"malicious-code", "malware-configuration", "Malware Configuration",
     "URI hosting a malware configuration file, e.g. webinjects for a banking trojan.", ""},
    {"information-gathering", "scanner", "Scanning",
     "Requests sent to a system to discover weaknesses, e.g. port scanning.",
     "network-scanning"},
    {"information-gathering", "sniffing", "Sniffing",
     "Observing and recording network traffic (wiretapping).", "wiretapping"},
    {"information-gathering", "social-engineering", "Social Engineering",
     "Gathering information from a person in a non-technical way (lies, tricks, bribes, "
     "threats).",
     ""},
    {"intrusion-attempts", "ids-alert", "Exploitation of Known Vulnerabilities",
     "An attempt to compromise a system or disrupt a service by exploiting a vulnerability "
     "with a standardised identifier such as a CVE.",
     "exploit-attempt"},
    {"intrusion-attempts", "brute-force", "Login Attempts",
     "Multiple login attempts (guessing or cracking passwords, brute force).",
     "brute-force-attempt"},
    {"intrusion-attempts", "exploit", "New Attack Signature",
     "An attack using an unknown exploit.", "exploit-attempt"},
    {"intrusions", "privileged-account-compromise", "Privileged Account Compromise",
     "Compromise of a system where the attacker gained administrative privileges.",
     "compromised-system"},
    {"intrusions", "unprivileged-account-compromise", "Unprivileged Account Compromise",
     "Compromise of a system using an unprivileged (user or service) account.",
     "compromised-system"},
    {"intrusions", "application-compromise", "Application Compromise",
     "Compromise of an application by exploiting (un)known vulnerabilities, e.g. SQL "
     "injection.",
     "compromised-system"},
    {"intrusions", "system-compromise", "System Compromise",
     "Compromise of a system, e.g. unauthorised logins or commands, also from botnets.",
     "compromised-system"},
    {"intrusions", "burglary", "Burglary",
     "Physical intrusion, e.g. into a corporate building or data centre.", ""},
    {"availability", "dos", "Denial of Service",
     "Denial of service, e.g. crafted requests that crash or slow down a web application.",
     "denial-of-service"},
    {"availability", "ddos", "Distributed Denial of Service",
     "Distributed denial of service, e.g. SYN floods or UDP reflection/amplification.",
     "denial-of-service"},
    {"availability", "misconfiguration", "Misconfiguration",
     "Software misconfiguration resulting in service availability issues.",
     "denial-of-service"},
    {"availability", "sabotage", "Sabotage",
     "Physical sabotage, e.g. cutting wires or malicious arson.", "denial-of-service"},
    {"availability", "outage", "Outage",
     "Outage caused e.g. by air-conditioning failure or natural disaster.",
     "denial-of-service"},
    {"information-content-security", "unauthorised-information-access",
     "Unauthorised Access to Information",
     "Unauthorised access to information, e.g. with stolen credentials or intercepted "
     "traffic.",
     "unauthorized-access-information"},
    {"information-content-security", "unauthorised-information-modification",
     "Unauthorised Modification of Information",
     "Unauthorised modification of information, e.g. by ransomware encrypting data.",
     "modification-information"},
    {"information-content-security", "data-loss", "Data Loss",
     "Loss of data, e.g. caused by hard disk failure or physical theft.", ""},
    {"information-content-security", "data-leak", "Leak of Confidential Information",
     "Leaked confidential information, e.g. credentials or personal data.",
     "unauthorized-release"},
    {"fraud", "unauthorised-use-of-resources", "Unauthorised Use of Resources",
     "Using resources for unauthorised purposes, including profit-making ventures.",
     "illegitimate-use-resources"},
    {"fraud", "copyright", "Copyright",
     "Offering or installing unlicensed commercial software or other copyright-protected "
     "material.",
     "copyrighted-content"},
    {"fraud", "masquerade", "Masquerade",
     "One entity illegitimately impersonating another to benefit from it.",
     "illegitimate-use-name"},
    {"fraud", "phishing", "Phishing",
     "Masquerading as another entity to persuade the user to reveal private credentials.",
     ""},
    {"vulnerable", "weak-crypto", "Weak Cryptography",
     "Publicly accessible services offering weak cryptography, e.g. web servers "
     "susceptible to POODLE/FREAK.",
     ""},
    {"vulnerable", "ddos-amplifier", "DDoS Amplifier",
     "Publicly accessible services that can be abused for DDoS reflection/amplification, "
     "e.g. open DNS resolvers.",
     ""},
    {"vulnerable", "potentially-unwanted-accessible", "Potentially Unwanted Accessible Services",
     "Potentially unwanted publicly accessible services, e.g. Telnet, RDP or VNC.", ""},
    {"vulnerable", "information-disclosure", "Information Disclosure",
     "Publicly accessible services potentially disclosing sensitive information, e.g. SNMP "
     "or Redis.",
     ""},
    {"vulnerable", "vulnerable-system", "Vulnerable System",
     "A system vulnerable to certain attacks, e.g. misconfigured proxy settings or an "
     "outdated operating system.",
     ""},
    {"other", "other", "Uncategorised",
     "An incident that fits none of the other classes.", "unspecified"},
    {"other", "undetermined", "Undetermined",
     "An incident whose category cannot be determined yet.", "undetermined"},
    {"test", "test", "Test", "Meant for testing.", ""},
};

// American spellings used by older versions of the taxonomy.
struct Alias {
  std::string_view from;
  std::string_view to;
};
constexpr Alias kTypeAliases[] = {
    {"unauthorized-use-of-resources", "unauthorised-use-of-resources"},
    {"unauthorized-information-access", "unauthorised-information-access"},
    {"unauthorized-information-modification", "unauthorised-information-modification"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string TypesOf(std::string_view klass) {
  std::string out;
  for (const Type& t : kTypes) {
    if (t.klass != klass) continue;
    if (!out.empty()) out += ", ";
    out += std::string(klass) + "/" + std::string(t.type);
  }
  return out;
}

std::string ClassNames() {
  std::string out;
  for (const Class& c : kClasses) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

Status Unknown(std::string_view text, std::string_view why) {
  return Status(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not an RSIT classification: " +
                    std::string(why) + " (run: certshare rsit)");
}

}  // namespace

std::span<const Class> Classes() { return kClasses; }
std::span<const Type> Types() { return kTypes; }

Result<const Type*> Find(std::string_view text) {
  std::string s = Lower(text);
  if (s.rfind("rsit:", 0) == 0) s.erase(0, 5);
  std::string klass, type;
  const std::size_t sep = s.find_first_of("/:=");
  if (sep == std::string::npos) {
    klass = s;
  } else {
    klass = s.substr(0, sep);
    type = s.substr(sep + 1);
    if (type.size() >= 2 && type.front() == '"' && type.back() == '"') {
      type = type.substr(1, type.size() - 2);
    }
  }
  for (const Alias& a : kTypeAliases) {
    if (type == a.from) type = a.to;
  }
  const bool class_known =
      std::any_of(std::begin(kClasses), std::end(kClasses),
                  [&](const Class& c) { return c.name == klass; });
  if (!class_known) {
    return Unknown(text, "the classes are " + ClassNames() + "; write CLASS/TYPE, e.g. "
                         "fraud/phishing");
  }
  if (type.empty()) {
    return Unknown(text, "give the type too: " + TypesOf(klass));
  }
  for (const Type& t : kTypes) {
    if (t.klass == klass && t.type == type) return &t;
  }
  return Unknown(text, "the types of " + klass + " are " + TypesOf(klass));
}

std::string Label(const Type& type) {
  return "rsit:" + std::string(type.klass) + "=\"" + std::string(type.type) + "\"";
}

std::string Name(const Type& type) {
  return std::string(type.klass) + "/" + std::string(type.type);
}

}  // namespace certshare::agent::rsit
