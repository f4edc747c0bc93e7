#include "agent/config/config.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::agent {
namespace {

// Parses `text` and returns the one-message error (empty if it parsed).
std::string ErrorOf(std::string_view text) {
  Result<AgentConfig> config = ParseAgentConfig(text, "/etc/certshare");
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidConfig);
  return config.status().message();
}

#define EXPECT_ERROR(text, fragment)                                  \
  do {                                                                \
    const std::string message_ = ErrorOf(text);                       \
    EXPECT_NE(message_.find(fragment), std::string::npos)             \
        << "text:\n" << (text) << "\nerror: " << message_;            \
  } while (0)

TEST(AgentConfigTest, EveryKey) {
  const std::string key(64, 'a');
  auto config = ParseAgentConfig(R"(
identity = "keys/CERT-EE.secret.json"
registry = "/var/lib/certshare/registry.json"
passphrase_file = "~/certshare/passphrase"
[broker]
endpoint = "tcp://broker.example:7700"
card = "keys/BROKER.card.json"
[publish]
to = ["CERT-UA", "group:eu-csirts-network", "CERT-EU"]
[sensor]
tlp = "TLP:AMBER"
[spool]
path = "spool"
limit = "512 MiB"
)",
                                 "/etc/certshare", "/home/analyst");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->identity, "/etc/certshare/keys/CERT-EE.secret.json");
  EXPECT_EQ(config->registry, "/var/lib/certshare/registry.json");
  EXPECT_EQ(config->passphrase_file, "/home/analyst/certshare/passphrase");
  EXPECT_EQ(config->broker_endpoint, "tcp://broker.example:7700");
  EXPECT_EQ(config->broker_card, "/etc/certshare/keys/BROKER.card.json");
  EXPECT_FALSE(config->broker_public_key.has_value());
  EXPECT_EQ(config->to,
            (std::vector<std::string>{"CERT-UA", "group:eu-csirts-network", "CERT-EU"}));
  EXPECT_EQ(config->sensor_tlp, Tlp::kAmber);
  EXPECT_EQ(config->spool_path, "/etc/certshare/spool");
  EXPECT_EQ(config->spool_limit_bytes, 512u << 20);
}

TEST(AgentConfigTest, ConnectTimeoutAndAssumedOffset) {
  auto config = ParseAgentConfig("[broker]\nconnect_timeout = 30\n[sensor]\nassume_offset = \"+02:00\"\n",
                                 "/etc/certshare");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->connect_timeout_seconds, 30);
  EXPECT_EQ(config->sensor_assume_offset_minutes, 120);
  auto utc = ParseAgentConfig("[sensor]\nassume_offset = \"Z\"\n", "/etc/certshare");
  ASSERT_TRUE(utc.ok()) << utc.status().ToString();
  EXPECT_EQ(utc->sensor_assume_offset_minutes, 0);
  // Unset: no connect timeout of its own (the command's default applies),
  // and no offset is ever assumed.
  auto none = ParseAgentConfig("", "/etc/certshare");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->connect_timeout_seconds, 0);
  EXPECT_FALSE(none->sensor_assume_offset_minutes.has_value());

  EXPECT_ERROR("[broker]\nconnect_timeout = 0\n",
               "line 2: broker.connect_timeout must be a whole number of seconds from 1 to 3600");
  EXPECT_ERROR("[broker]\nconnect_timeout = \"5\"\n", "broker.connect_timeout must be");
  EXPECT_ERROR("[broker]\nconnect_timeout = 3601\n", "broker.connect_timeout must be");
  EXPECT_ERROR("[sensor]\nassume_offset = \"+2h\"\n",
               "line 2: sensor.assume_offset must be a UTC offset such as");
  EXPECT_ERROR("[sensor]\nassume_offset = 2\n", "sensor.assume_offset must be a string");
  EXPECT_ERROR("[sensor]\nassume_ofset = \"Z\"\n", "did you mean \"assume_offset\"?");
}

// trust.refresh: 1 s at least (tests use a small value), a day at most.
TEST(AgentConfigTest, TrustRefresh) {
  auto one = ParseAgentConfig("[trust]\nrefresh = 1\n", "/etc/certshare");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->trust_refresh_seconds, 1);
  auto none = ParseAgentConfig("", "/etc/certshare");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->trust_refresh_seconds, 600);
  EXPECT_ERROR("[trust]\nrefresh = 0\n",
               "line 2: trust.refresh must be a whole number of seconds from 1 to 86400");
  EXPECT_ERROR("[trust]\nrefresh = 86401\n", "trust.refresh must be");
}

TEST(AgentConfigTest, DefaultsWhenEmptyOrOnlyComments) {
  for (std::string_view text : {"", "# nothing here\n\n", "[broker]\n[publish]\n"}) {
    auto config = ParseAgentConfig(text, "/etc/certshare");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->identity, "");
    EXPECT_EQ(config->registry, "");
    EXPECT_EQ(config->broker_endpoint, "");
    EXPECT_TRUE(config->to.empty());
    EXPECT_EQ(config->sensor_tlp, Tlp::kGreen);
    EXPECT_EQ(config->spool_path, "");
    EXPECT_EQ(config->spool_limit_bytes, std::uint64_t{1} << 30);
  }
}

TEST(AgentConfigTest, PathsAndOtherForms) {
  // Dotted keys and inline tables are the same TOML; no base folder leaves
  // relative paths as written; "~/" without a home stays as written.
  auto config = ParseAgentConfig(
      "broker.endpoint = \"ipc:///run/certshare/broker\"\n"
      "broker.public_key = \"" + std::string(64, 'A') + "\"\n"
      "spool = { path = \"~/spool\", limit = 1048576 }\n"
      "identity = \"id.json\"\n",
      "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->broker_endpoint, "ipc:///run/certshare/broker");
  ASSERT_TRUE(config->broker_public_key.has_value());
  EXPECT_EQ((*config->broker_public_key)[31], 0xaa);
  EXPECT_EQ(config->spool_path, "~/spool");
  EXPECT_EQ(config->spool_limit_bytes, 1048576u);
  EXPECT_EQ(config->identity, "id.json");
}

TEST(AgentConfigTest, SpoolLimitUnits) {
  const std::pair<const char*, std::uint64_t> cases[] = {
      {"\"100\"", 100},          {"\"2 GB\"", 2000000000},    {"\"1 GiB\"", 1u << 30},
      {"\"3kib\"", 3072},        {"\"1TB\"", 1000000000000},  {"\"7 b\"", 7},
      {"4096", 4096},
  };
  for (const auto& [value, bytes] : cases) {
    auto config = ParseAgentConfig(std::string("[spool]\nlimit = ") + value + "\n", "");
    ASSERT_TRUE(config.ok()) << value << ": " << config.status().ToString();
    EXPECT_EQ(config->spool_limit_bytes, bytes) << value;
  }
  for (const char* bad : {"0", "-5", "\"0 MiB\"", "\"1 XB\"", "\"lots\"", "\"GiB\"",
                          "\"99999999999 TiB\"", "1.5", "true"}) {
    EXPECT_ERROR(std::string("[spool]\nlimit = ") + bad + "\n", "line 2: spool.limit must be");
  }
}

TEST(AgentConfigTest, SyntaxErrorsNameLineAndColumn) {
  EXPECT_ERROR("identity = \"a\"\nregistry = \n", "line 2, column 12: not valid TOML");
  EXPECT_ERROR("identity = \"a\"\nidentity = \"b\"\n", "line 2");  // duplicate key
  EXPECT_ERROR("[broker\nendpoint = \"x\"\n", "line 1");
  EXPECT_ERROR("identity = \"unterminated\n", "not valid TOML");
}

TEST(AgentConfigTest, UnknownKeysNameKeyLineAndSuggest) {
  EXPECT_ERROR("\n\nidentiy = \"x\"\n",
               "line 3: unknown key \"identiy\"; did you mean \"identity\"?");
  EXPECT_ERROR("[broker]\nendpont = \"tcp://x:1\"\n",
               "line 2: unknown key \"broker.endpont\"; did you mean \"endpoint\"?");
  EXPECT_ERROR("[brokr]\nendpoint = \"tcp://x:1\"\n",
               "line 1: unknown table [brokr]; did you mean [broker]?");
  EXPECT_ERROR("endpoint = \"tcp://x:1\"\n", "did you mean \"endpoint\" in [broker]?");
  EXPECT_ERROR("[broker]\nto = [\"CERT-UA\"]\n", "did you mean \"to\" in [publish]?");
  EXPECT_ERROR("[publish]\nidentity = \"x\"\n",
               "did you mean \"identity\" at the top, before any [table]?");
  EXPECT_ERROR("colour = \"blue\"\n", "line 1: unknown key \"colour\" (docs/agent.md");
  EXPECT_ERROR("[spool.extra]\nx = 1\n", "unknown table [spool.extra]");
}

TEST(AgentConfigTest, WrongTypesNameTheKey) {
  EXPECT_ERROR("identity = 5\n", "line 1: identity must be a string");
  EXPECT_ERROR("registry = [\"a\"]\n", "registry must be a string");
  EXPECT_ERROR("broker = \"tcp://x:1\"\n", "line 1: broker must be a table");
  EXPECT_ERROR("[broker]\nendpoint = 7700\n", "line 2: broker.endpoint must be a string");
  EXPECT_ERROR("[publish]\nto = \"CERT-UA\"\n", "line 2: publish.to must be a list of strings");
  EXPECT_ERROR("[publish]\nto = [\"CERT-UA\",\n  7]\n", "line 3: publish.to must be a list");
  EXPECT_ERROR("[sensor]\ntlp = 2\n", "sensor.tlp must be a string");
  EXPECT_ERROR("[[spool]]\npath = \"x\"\n", "spool must be a table");
}

TEST(AgentConfigTest, ValuesRulesRefuse) {
  EXPECT_ERROR("identity = \"\"\n", "identity is empty; remove the line");
  EXPECT_ERROR("[broker]\nendpoint = \"broker.example:7700\"\n",
               "broker.endpoint must be a ZeroMQ endpoint");
  EXPECT_ERROR("[broker]\npublic_key = \"abcd\"\n", "broker.public_key must be 64 hex digits");
  EXPECT_ERROR("[broker]\ncard = \"b.json\"\npublic_key = \"" + std::string(64, '0') + "\"\n",
               "line 2: give broker.card or broker.public_key, not both");
  EXPECT_ERROR("[publish]\nto = [\"CERT UA\"]\n", "\"CERT UA\" is neither an organisation id");
  EXPECT_ERROR("[publish]\nto = [\"group:Baltic\"]\n", "\"group:Baltic\" is neither");
  EXPECT_ERROR("[publish]\nto = [\"group:\"]\n", "is neither");
  EXPECT_ERROR("[sensor]\ntlp = \"orange\"\n",
               "sensor.tlp must be \"clear\", \"green\", \"amber\", \"amber+strict\" or "
               "\"red\", not \"orange\"");
}

TEST(AgentConfigTest, AllProblemsAreReportedTogether) {
  const std::string message = ErrorOf(
      "identity = 1\n"
      "registy = \"r.json\"\n"
      "[sensor]\n"
      "tlp = \"purple\"\n"
      "[publish]\n"
      "to = [\"ok\", \"not ok\"]\n");
  EXPECT_NE(message.find("4 problems:"), std::string::npos) << message;
  std::size_t previous = 0;
  for (const char* part : {"\n  line 1: identity must be a string", "\n  line 2: unknown key",
                           "\n  line 4: sensor.tlp", "\n  line 6: publish.to"}) {
    const std::size_t at = message.find(part);
    EXPECT_NE(at, std::string::npos) << part << " in " << message;
    EXPECT_GT(at, previous) << "problems in the order of their lines: " << message;
    previous = at;
  }
}

TEST(AgentConfigTest, HostileInputIsAnErrorNotACrash) {
  const std::string deep = "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  const std::string inline_deep = "a = " + [] {
    std::string s;
    for (int i = 0; i < 2000; ++i) s += "{b = ";
    s += "1";
    for (int i = 0; i < 2000; ++i) s += "}";
    return s;
  }() + "\n";
  for (const std::string& text :
       {deep, inline_deep, std::string("identity = \"\xff\xfe\"\n"),
        std::string("identity = \"a\0b\"\n", 17), std::string("\0\0\0", 3),
        std::string("[broker]\nendpoint = \"tcp://x:1\"\n[broker]\n"),
        std::string(100000, '#')}) {
    Result<AgentConfig> config = ParseAgentConfig(text, "/x");
    if (!config.ok()) {
      EXPECT_EQ(config.status().code(), ErrorCode::kInvalidConfig);
    }
  }
  EXPECT_FALSE(ParseAgentConfig(deep, "/x").ok());
}

// toml++ 3.3.0 reaches __builtin_unreachable() when it asks whether most
// non-ASCII characters are blank (found by fuzzing; see config.cc): the
// file must be ASCII (a leading byte-order mark aside); other characters
// are written as \uXXXX escapes in double-quoted strings.
TEST(AgentConfigTest, AsciiOnlyWithEscapesForTheRest) {
  auto ok = ParseAgentConfig(
      "\xEF\xBB\xBF# Juri's agent\nidentity = \"/home/j\\u00fcri/k.json\"\n", "/x");
  ASSERT_OK(ok.status());
  EXPECT_EQ(ok->identity, "/home/j\xC3\xBCri/k.json");
  for (const char* bad :
       {"[[\xEF\xBB\xBF \"", "identity = \"/home/j\xC3\xBCri\"\n", "# J\xC3\xBCri\n",
        "a = 66\"6\xC7\x9F\"\n", "aa=  [[1 EEE=\"`\xEF\xB3\xBF`\n"}) {
    auto refused = ParseAgentConfig(bad, "/x");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidConfig);
    EXPECT_NE(refused.status().message().find("a character beyond ASCII"), std::string::npos)
        << refused.status().ToString();
  }
}

// toml++ 3.3.0 broke a precondition on these (found by fuzzing; see the
// comment at the top of config.cc): each must be a plain syntax error.
TEST(AgentConfigTest, MalformedTableHeadersAreSyntaxErrors) {
  for (const char* text : {"[ = 1\n", "[[[1]]]\n", "[[=\n", "[ = { b = { g ={ d  = [[[\n"}) {
    Result<AgentConfig> config = ParseAgentConfig(text, "/x");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.status().code(), ErrorCode::kInvalidConfig);
    EXPECT_NE(config.status().message().find("line 1"), std::string::npos)
        << config.status().ToString();
  }
}

TEST(AgentConfigTest, SubscribeReceipts) {
  auto none = ParseAgentConfig("[subscribe]\nreceipts = \"none\"\n", "/etc/certshare");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->subscribe_receipts);
  auto processed = ParseAgentConfig("[subscribe]\nreceipts = \"processed\"\n", "/etc");
  ASSERT_TRUE(processed.ok());
  EXPECT_TRUE(processed->subscribe_receipts);
  auto unset = ParseAgentConfig("", "/etc/certshare");
  ASSERT_TRUE(unset.ok());
  EXPECT_TRUE(unset->subscribe_receipts);  // on by default
  EXPECT_ERROR("[subscribe]\nreceipts = \"all\"\n",
               "line 2: subscribe.receipts must be \"processed\" or \"none\", not \"all\"");
  EXPECT_ERROR("[subscribe]\nreceipts = true\n", "subscribe.receipts must be a string");
  EXPECT_ERROR("[subscribe]\nreceits = \"none\"\n", "did you mean \"receipts\"?");
}

TEST(AgentConfigTest, TemplateParsesAndRoundTrips) {
  const std::string text = RenderConfigTemplate({"CERT-EE", "tcp://127.0.0.1:7700"});
  auto config = ParseAgentConfig(text, "/home/a/.config/certshare");
  ASSERT_TRUE(config.ok()) << config.status().ToString() << "\n" << text;
  EXPECT_EQ(config->identity, "/home/a/.config/certshare/keys/CERT-EE.secret.json");
  EXPECT_EQ(config->registry, "/home/a/.config/certshare/registry.json");
  EXPECT_EQ(config->broker_endpoint, "tcp://127.0.0.1:7700");
  EXPECT_EQ(config->broker_card, "/home/a/.config/certshare/keys/BROKER.card.json");
  EXPECT_EQ(config->passphrase_file, "");
  EXPECT_TRUE(config->to.empty());
  const AgentConfig defaults;
  EXPECT_EQ(config->sensor_tlp, defaults.sensor_tlp);
  EXPECT_EQ(config->spool_path, defaults.spool_path);
  EXPECT_EQ(config->spool_limit_bytes, defaults.spool_limit_bytes);
  EXPECT_EQ(config->subscribe_receipts, defaults.subscribe_receipts);

  // Every key is there, set or commented out, after a comment.
  for (const char* key : {"identity = ", "registry = ", "# passphrase_file = ", "[broker]",
                          "endpoint = ", "card = ", "# public_key = ", "[publish]", "to = ",
                          "[sensor]", "tlp = ", "[subscribe]", "receipts = ", "[spool]",
                          "# path = ", "limit = "}) {
    const std::size_t at = text.find("\n" + std::string(key));  // at a line's start
    ASSERT_NE(at, std::string::npos) << key;
    if (key[0] == '[') continue;  // a table header; its keys carry the comments
    const std::size_t previous_line = text.rfind('\n', at - 1) + 1;
    EXPECT_EQ(text[previous_line], '#') << "no comment line before " << key;
  }
}

TEST(AgentConfigTest, TemplateWithoutValuesLeavesThemUnset) {
  const std::string text = RenderConfigTemplate({});
  auto config = ParseAgentConfig(text, "/c");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->identity, "");
  EXPECT_EQ(config->broker_endpoint, "");
  EXPECT_EQ(config->registry, "/c/registry.json");
  EXPECT_NE(text.find("# identity = \"keys/<ORG>.secret.json\""), std::string::npos);
}

TEST(AgentConfigTest, TemplateEscapesValues) {
  for (const std::string odd : {"tcp://host\"x\\y\t:1", "tcp://h\xC3\xBC\xF0\x9F\x98\x80:1"}) {
    auto config = ParseAgentConfig(RenderConfigTemplate({"CERT-EE", odd}), "/c");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->broker_endpoint, odd);
  }
}

TEST(AgentConfigTest, DefaultLocations) {
  EXPECT_EQ(DefaultConfigPath("/xdg", "/home/a"), "/xdg/certshare/agent.toml");
  EXPECT_EQ(DefaultConfigPath("", "/home/a"), "/home/a/.config/certshare/agent.toml");
  EXPECT_EQ(DefaultConfigPath("relative", "/home/a"), "/home/a/.config/certshare/agent.toml");
  EXPECT_EQ(DefaultConfigPath(nullptr, nullptr), "");
  EXPECT_EQ(DefaultSpoolPath("/state", "/home/a"), "/state/certshare/spool");
  EXPECT_EQ(DefaultSpoolPath(nullptr, "/home/a"), "/home/a/.local/state/certshare/spool");
  EXPECT_EQ(DefaultSpoolPath(nullptr, ""), "certshare-spool");
}

}  // namespace
}  // namespace certshare::agent
