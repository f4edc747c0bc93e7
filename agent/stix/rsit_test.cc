#include "agent/stix/rsit.h"

#include <gtest/gtest.h>

#include <set>

#include "agent/stix/vocab.h"
#include "common/base/testing.h"

namespace certshare::agent::rsit {
namespace {

TEST(RsitTest, TheTaxonomy) {
  std::vector<std::string_view> classes;
  for (const Class& c : Classes()) classes.push_back(c.name);
  EXPECT_EQ(classes, (std::vector<std::string_view>{
                         "abusive-content", "malicious-code", "information-gathering",
                         "intrusion-attempts", "intrusions", "availability",
                         "information-content-security", "fraud", "vulnerable", "other",
                         "test"}));
  EXPECT_EQ(Types().size(), 39u);
  std::set<std::string> names;
  for (const Type& t : Types()) {
    EXPECT_TRUE(names.insert(Name(t)).second) << "repeated " << Name(t);
    EXPECT_NE(std::find(classes.begin(), classes.end(), t.klass), classes.end()) << Name(t);
    EXPECT_FALSE(t.title.empty());
    EXPECT_FALSE(t.description.empty());
  }
  for (std::string_view n :
       {"malicious-code/infected-system", "malicious-code/c2-server", "fraud/phishing",
        "intrusions/system-compromise", "information-content-security/data-leak",
        "vulnerable/vulnerable-system", "other/undetermined", "test/test"}) {
    EXPECT_TRUE(names.count(std::string(n))) << n;
  }
  EXPECT_FALSE(names.count("malicious-code/malware-dga-domain"));  // removed from RSIT
}

TEST(RsitTest, FindAcceptsEveryWrittenForm) {
  for (std::string_view text :
       {"fraud/phishing", "fraud:phishing", "rsit:fraud=\"phishing\"", "rsit:fraud/phishing",
        "FRAUD/Phishing", "Rsit:Fraud=\"PHISHING\""}) {
    auto t = Find(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(Name(**t), "fraud/phishing");
  }
  auto american = Find("fraud/unauthorized-use-of-resources");
  ASSERT_TRUE(american.ok());
  EXPECT_EQ((*american)->type, "unauthorised-use-of-resources");
}

TEST(RsitTest, FindExplainsWhatIsWrong) {
  auto no_class = Find("phishing");
  EXPECT_CODE(no_class.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_class.status().message().find("the classes are abusive-content"), std::string::npos);
  auto no_type = Find("fraud");
  EXPECT_NE(no_type.status().message().find("fraud/phishing"), std::string::npos);
  auto bad_type = Find("fraud/spam");
  EXPECT_CODE(bad_type.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_type.status().message().find("fraud/masquerade"), std::string::npos);
  EXPECT_FALSE(Find("").ok());
  EXPECT_FALSE(Find("fraud/").ok());
  EXPECT_FALSE(Find("fraud/phishing/extra").ok());
}

TEST(RsitTest, LabelIsTheMispMachineTag) {
  EXPECT_EQ(Label(**Find("fraud/phishing")), "rsit:fraud=\"phishing\"");
  EXPECT_EQ(Label(**Find("malicious-code/c2-server")), "rsit:malicious-code=\"c2-server\"");
  // Every label reads back as its type.
  for (const Type& t : Types()) EXPECT_EQ(*Find(Label(t)), &t);
}

TEST(RsitTest, IncidentTypesComeFromTheIncidentCoreVocabulary) {
  // A sample of the mapping; empty where no event-type-ov value fits.
  EXPECT_EQ((*Find("abusive-content/spam"))->incident_type, "spam");
  EXPECT_EQ((*Find("availability/ddos"))->incident_type, "denial-of-service");
  EXPECT_EQ((*Find("intrusion-attempts/brute-force"))->incident_type, "brute-force-attempt");
  EXPECT_EQ((*Find("fraud/phishing"))->incident_type, "");
  EXPECT_EQ((*Find("vulnerable/weak-crypto"))->incident_type, "");
  for (const Type& t : Types()) {
    for (char c : t.incident_type) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '-' || c == '&') << Name(t);
    }
  }
}

}  // namespace
}  // namespace certshare::agent::rsit
