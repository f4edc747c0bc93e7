// CheckPattern against real patterns (the OASIS examples, the STIX 2.1
// specification), a table of every construct, the order operators bind in,
// and a table of errors with the offset each is reported at.
#include "schemas/pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"
#include "schemas/pattern_parser.h"

namespace certshare::schemas {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void ExpectParses(std::string_view pattern) {
  PatternError error;
  const Status status = CheckPattern(pattern, &error);
  EXPECT_TRUE(status.ok()) << pattern << "\n" << status.ToString();
}

// ---------------------------------------------------------------------------
// Real patterns.

// Every `pattern` of an indicator with pattern_type "stix" under `value`.
void CollectPatterns(const rapidjson::Value& value,
                     std::vector<std::string>* patterns) {
  if (value.IsArray()) {
    for (const auto& item : value.GetArray()) CollectPatterns(item, patterns);
    return;
  }
  if (!value.IsObject()) return;
  std::string type, pattern, pattern_type;
  if (json::GetString(value, "type", &type) && type == "indicator" &&
      json::GetString(value, "pattern", &pattern) &&
      json::GetString(value, "pattern_type", &pattern_type) &&
      pattern_type == "stix") {
    patterns->push_back(pattern);
  }
  for (const auto& member : value.GetObject()) {
    CollectPatterns(member.value, patterns);
  }
}

TEST(PatternExamples, EveryOasisExamplePatternParses) {
  const fs::path root = fs::path(CERTSHARE_SHARED_DIR) / "stix" / "examples";
  SKIP_WITHOUT_OASIS_MATERIAL(CERTSHARE_SHARED_DIR, root);
  std::vector<std::string> patterns;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") {
      continue;
    }
    Result<std::string> text = files::Read(entry.path().string());
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    rapidjson::Document doc;
    ASSERT_OK(json::Parse(*text, &doc));
    CollectPatterns(doc, &patterns);
  }
  // 48 indicators (45 distinct patterns) across the example files.
  EXPECT_EQ(patterns.size(), 48u);
  for (const std::string& pattern : patterns) {
    ExpectParses(pattern);
  }
}

// The examples of the STIX 2.1 specification (§9), as the OASIS validator's
// test suite lists them.
constexpr const char* kSpecExamples[] = {
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
    "email-message:body_multipart[*].body_raw_ref.name MATCHES "
    "'^Final Report.+\\\\.exe$']",
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND "
    "file:mime_type = 'application/x-pdf']",
    "[file:hashes.'SHA-256' = "
    "'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR "
    "file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND "
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN "
    "300 SECONDS",
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007' "
    "AND user-account:account_login = 'Peter'] AND "
    "[user-account:account_type = 'unix' AND user-account:user_id = '1008' "
    "AND user-account:account_login = 'Paul'] AND "
    "[user-account:account_type = 'unix' AND user-account:user_id = '1009' "
    "AND user-account:account_login = 'Mary']",
    "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND "
    "artifact:payload_bin MATCHES "
    "'\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
    "[file:name = 'foo.dll' AND file:parent_directory_ref.path = "
    "'C:\\\\Windows\\\\System32']",
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND "
    "network-traffic:dst_ref.value = '203.0.113.33/32']",
    "[network-traffic:dst_ref.type = 'domain-name' AND "
    "network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN "
    "1800 SECONDS",
    "[domain-name:value = 'www.5z8.info' AND "
    "domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
    "[url:value = 'http://example.com/foo' OR url:value = "
    "'http://example.com/bar']",
    "[x509-certificate:issuer = 'CN=WEBMAIL' AND "
    "x509-certificate:serial_number = "
    "'4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
    "[windows-registry-key:key = "
    "'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR "
    "windows-registry-key:key = "
    "'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\"
    "CryptoLocker_0388']",
    "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = "
    "t'2014-01-13T07:03:17Z']",
    "[email-message:sender_ref.value = 'jdoe@example.com' AND "
    "email-message:subject = 'Conference Info']",
    "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
    "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r "
    "localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add "
    "GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 "
    "SECONDS",
    "[network-traffic:dst_ref.value ISSUBSET "
    "'2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    "([file:name = 'foo.dll'] AND [windows-registry-key:key = "
    "'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR "
    "process:name = 'procfoo']",
    "[network-traffic:src_port = 37020 AND user-account:user_id = 'root'] "
    "START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' OR "
    "[ipv4-addr:value = '192.168.122.83'] START t'2016-06-01T03:55:00.123Z' "
    "STOP t'2016-06-01T04:30:24.743Z'",
};

TEST(PatternExamples, EverySpecExampleParses) {
  for (const char* pattern : kSpecExamples) {
    ExpectParses(pattern);
  }
}

// ---------------------------------------------------------------------------
// Each construct.

class ValidPattern : public ::testing::TestWithParam<const char*> {};

TEST_P(ValidPattern, Parses) {
  PatternError error;
  const Status status = CheckPattern(GetParam(), &error);
  EXPECT_TRUE(status.ok()) << GetParam() << "\n" << status.ToString();
  EXPECT_EQ(error.offset, 0u);
  EXPECT_EQ(error.message, "");
}

INSTANTIATE_TEST_SUITE_P(
    Constructs, ValidPattern,
    ::testing::Values(
        // Comparison operators, with and without NOT.
        "[file:size = 1280]", "[file:size == 1280]", "[file:size != 1280]",
        "[file:size <> 1280]", "[file:size < 1024]", "[file:size <= 1024]",
        "[file:size > 1024]", "[file:size >= 1024]", "[file:size NOT = 1280]",
        "[file:size NOT >= 1024]", "[file:name LIKE 'name%']",
        "[file:name NOT LIKE 'name_']", "[file:name MATCHES '^a.*\\\\.exe$']",
        "[ipv4-addr:value ISSUBSET '192.168.0.0/16']",
        "[ipv4-addr:value NOT ISSUBSET '192.168.0.0/16']",
        "[ipv4-addr:value ISSUPERSET '192.168.0.1/32']",
        "[file:name IN ('a.txt', 'b.exe', 'README')]",
        "[file:size IN (1024, 2048, 4.5, -1)]", "[file:name NOT IN ('a')]",
        "[file:size IN ()]", "[x-foo:flag IN (true, false)]",
        "[EXISTS windows-registry-key:values]",
        "[EXISTS file:hashes.MD5 AND file:size > 0]",
        // Constants.
        "[file:name = '']", "[file:name = 'O\\'Brien']",
        "[file:name = 'C:\\\\Windows\\\\System32']",
        "[file:name = '\xC3\x9C"
        "berweisung.exe']",
        "[file:name = 'two\nlines']", "[x-foo:enabled = true]",
        "[x-foo:enabled != false]", "[x-foo:n = 0]", "[x-foo:n = -0]",
        "[x-foo:n = +5]", "[x-foo:n = 9223372036854775807]",
        "[x-foo:n = -9223372036854775808]", "[x-foo:f = .5]",
        "[x-foo:f = -0.25]", "[x-foo:f > +1.0]", "[x-foo:f = 007.5]",
        "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
        "[artifact:payload_bin = b'YQ==']", "[artifact:payload_bin = b'YWJj']",
        "[file:magic_number_hex = h'ffd8']",
        "[file:magic_number_hex = h'FFd8']", "[file:magic_number_hex = h'']",
        "[file:created = t'2014-01-13T07:03:17Z']",
        "[file:created > t'2016-02-29T23:59:60.123456Z']",
        // Object paths.
        "[file:hashes.'SHA-256' = 'x']", "[file:hashes.MD5 = 'x']",
        "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
        "[network-traffic:extensions.'http-request-ext'.request_header."
        "'Accept-Encoding' = 'gzip']",
        "[email-message:body_multipart[0].body_raw_ref.name = 'a']",
        "[process:child_refs[-1].name = 'a']", "[process:'pid' = 4]",
        "[x-foo:'AND' = 1]", "[x-foo:_x9 = 1]", "[x-foo:a[*][0].b = 1]",
        "[x-usb-device:usbdrive.serial_number = '5']", "[x-foo:h = 1]",
        "[x-foo:t = 1 AND x-foo:b = 2]",
        // Comparison expressions.
        "[file:name = 'a' AND file:size > 10 OR file:size < 2]",
        "[(file:name = 'a' OR file:name = 'b') AND file:size > 10]",
        "[((file:name = 'a'))]",
        // Observation expressions and qualifiers.
        "[file:name = 'a'] AND [file:name = 'b']",
        "[file:name = 'a'] OR [file:name = 'b']",
        "[file:name = 'a'] FOLLOWEDBY [file:name = 'b']",
        "([file:name = 'a'] OR [file:name = 'b']) AND [file:name = 'c']",
        "(([file:name = 'a']))", "[file:name = 'a'] WITHIN 300 SECONDS",
        "[file:name = 'a'] WITHIN 0.5 SECONDS",
        "[file:name = 'a'] REPEATS 5 TIMES",
        "[file:name = 'a'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
        "[file:name = 'a'] START t'2016-06-01T01:30:00Z' "
        "STOP t'2016-06-01T01:30:00.001Z'",
        "[file:name = 'a'] WITHIN 5 SECONDS REPEATS 2 TIMES START "
        "t'2016-06-01T00:00:00Z' STOP t'2017-06-01T00:00:00Z'",
        // Again on a group, as the OASIS validator allows.
        "([file:name = 'a'] REPEATS 2 TIMES) REPEATS 2 TIMES",
        "([file:name = 'a']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
        // Spacing and comments.
        "[file:name='a']", "[ file : name = 'a' ]",
        "\t[file:name\n=\r\n'a']\v\f",
        "\xC2\xA0[file:name\xE3\x80\x80= 'a']\xE2\x80\xA8",
        "( [(network-traffic:dst_port IN(443,6443,8443) AND "
        "network-traffic:src_packets != 0) ])",
        "/* a comment */ [file:name = 'a'] // and another",
        "[file:name /* inside */ = 'a'] WITHIN 5 SECONDS // end\n",
        "[process:command_line MATCHES'^a$']",
        "[file:size=1]AND[file:size=2]"));

// ---------------------------------------------------------------------------
// How operators bind.

std::vector<std::string> Postfix(const std::string& pattern) {
  std::vector<std::string> postfix;
  PatternError error;
  EXPECT_TRUE(ParsePattern(pattern, &error, &postfix))
      << pattern << ": " << error.message;
  return postfix;
}

TEST(PatternPrecedence, ComparisonAndBindsTighterThanOr) {
  EXPECT_THAT(Postfix("[aaa:x = 1 OR bbb:x = 2 AND ccc:x = 3]"),
              ElementsAre("aaa:x =", "bbb:x =", "ccc:x =", "AND", "OR", "[]"));
  EXPECT_THAT(Postfix("[aaa:x = 1 AND bbb:x = 2 OR ccc:x = 3]"),
              ElementsAre("aaa:x =", "bbb:x =", "AND", "ccc:x =", "OR", "[]"));
  EXPECT_THAT(Postfix("[(aaa:x = 1 OR bbb:x = 2) AND ccc:x = 3]"),
              ElementsAre("aaa:x =", "bbb:x =", "OR", "ccc:x =", "AND", "[]"));
}

TEST(PatternPrecedence, ObservationOperatorsAndThenOrThenFollowedBy) {
  EXPECT_THAT(Postfix("[aaa:x = 1] FOLLOWEDBY [bbb:x = 2] OR [ccc:x = 3] AND "
                      "[ddd:x = 4]"),
              ElementsAre("aaa:x =", "[]", "bbb:x =", "[]", "ccc:x =", "[]",
                          "ddd:x =", "[]", "AND", "OR", "FOLLOWEDBY"));
  EXPECT_THAT(Postfix("([aaa:x = 1] FOLLOWEDBY [bbb:x = 2]) AND [ccc:x = 3]"),
              ElementsAre("aaa:x =", "[]", "bbb:x =", "[]", "FOLLOWEDBY",
                          "ccc:x =", "[]", "AND"));
}

TEST(PatternPrecedence, OperatorsAreLeftAssociative) {
  EXPECT_THAT(Postfix("[aaa:x = 1] AND [bbb:x = 2] AND [ccc:x = 3]"),
              ElementsAre("aaa:x =", "[]", "bbb:x =", "[]", "AND",
                          "ccc:x =", "[]", "AND"));
  EXPECT_THAT(Postfix("[aaa:x = 1 OR bbb:x = 2 OR ccc:x = 3]"),
              ElementsAre("aaa:x =", "bbb:x =", "OR", "ccc:x =", "OR", "[]"));
}

TEST(PatternPrecedence, QualifiersBindTightest) {
  EXPECT_THAT(Postfix("[aaa:x = 1] AND [bbb:x = 2] WITHIN 5 SECONDS"),
              ElementsAre("aaa:x =", "[]", "bbb:x =", "[]", "WITHIN", "AND"));
  EXPECT_THAT(Postfix("([aaa:x = 1] AND [bbb:x = 2]) WITHIN 5 SECONDS"),
              ElementsAre("aaa:x =", "[]", "bbb:x =", "[]", "AND", "WITHIN"));
  EXPECT_THAT(
      Postfix("[aaa:x = 1] REPEATS 2 TIMES START t'2020-01-01T00:00:00Z' "
              "STOP t'2020-01-02T00:00:00Z'"),
      ElementsAre("aaa:x =", "[]", "REPEATS", "STARTSTOP"));
}

TEST(PatternPrecedence, PathsAndOperatorsAreReportedAsWritten) {
  EXPECT_THAT(Postfix("[aaa:x.'y-z'[*].w NOT LIKE 'a%']"),
              ElementsAre("aaa:x.'y-z'[*].w NOT LIKE", "[]"));
  EXPECT_THAT(Postfix("[EXISTS aaa:x[0] OR aaa:y IN (1, 2)]"),
              ElementsAre("EXISTS aaa:x[0]", "aaa:y IN", "OR", "[]"));
}

// ---------------------------------------------------------------------------
// Errors: the first one, where it is, and what the message says.

struct InvalidCase {
  const char* pattern;
  std::size_t offset;
  const char* message_part;
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.pattern; }

class InvalidPattern : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidPattern, FailsAtTheExpectedOffset) {
  const InvalidCase& c = GetParam();
  PatternError error;
  const Status status = CheckPattern(c.pattern, &error);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidStix) << c.pattern;
  EXPECT_EQ(error.offset, c.offset) << c.pattern << "\n" << error.message;
  EXPECT_THAT(error.message, HasSubstr(c.message_part)) << c.pattern;
  EXPECT_THAT(error.message, HasSubstr("offset " + std::to_string(c.offset)));
  EXPECT_EQ(status.message(), error.message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, InvalidPattern,
    ::testing::Values(
        // Shape.
        InvalidCase{"", 0, "the pattern is empty"},
        InvalidCase{"   ", 3, "the pattern is empty"},
        InvalidCase{"file:size = 1280", 0,
                    "comparisons must be inside '[' and ']'"},
        InvalidCase{"[foo:bar = 'a'", 14,
                    "expected ']' at offset 14 to close the '[' at offset 0, "
                    "found end of pattern"},
        InvalidCase{"([foo:bar = 'a']", 16, "expected ')' at offset 16"},
        InvalidCase{"[foo:bar = 'a'])", 15,
                    "expected AND, OR, FOLLOWEDBY, a qualifier"},
        InvalidCase{"[foo:bar = 'a'] [foo:bar = 'b']", 16, "found '['"},
        InvalidCase{"[foo:bar = 'a'] AND", 19, "expected '[' or '('"},
        InvalidCase{"[file:name = 'a'] FOLLOWEDBY", 28, "expected '[' or '('"},
        InvalidCase{"[foo:bar = 'a' AND]", 18, "expected an object path"},
        InvalidCase{"[]", 1, "expected an object path"},
        // Keywords.
        InvalidCase{"[foo:bar=1] within 2 seconds", 12,
                    "keywords are case-sensitive: WITHIN"},
        InvalidCase{"[file:name = 'a'] and [file:name = 'b']", 18,
                    "keywords are case-sensitive: AND"},
        InvalidCase{"[file:name = TRUE]", 13,
                    "keywords are case-sensitive: true"},
        InvalidCase{"[NOT file:name = 'a']", 1, "NOT goes between"},
        InvalidCase{"[file:name NOT NOT = 'a']", 15,
                    "a comparison operator after NOT"},
        InvalidCase{"[file:name EXISTS]", 11, "a comparison operator"},
        // Operators and operands.
        InvalidCase{"[file:size = ]", 13, "expected a constant after '='"},
        InvalidCase{"[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]", 19,
                    "strings are quoted"},
        InvalidCase{"[file:hashes.MD5 =? 'x']", 18, "unexpected '?'"},
        InvalidCase{"[file:name ! 'a']", 11, "did you mean '!='"},
        InvalidCase{"[file:name MATCHES /.*\\.dll/]", 19, "unexpected '/'"},
        InvalidCase{"[network-traffic:dst_ref.value ISSUBSET ]", 40,
                    "expected a string after 'ISSUBSET'"},
        InvalidCase{"[file:name LIKE 5]", 16, "a string after 'LIKE'"},
        InvalidCase{"[foo:bar > true]", 11, "cannot be ordered"},
        InvalidCase{"[file:name IN 'a']", 14, "'(' to begin the set after IN"},
        InvalidCase{"[file:name IN ('a' 'b')]", 19,
                    "expected ',' or ')' at offset 19 in the set starting at "
                    "offset 14"},
        InvalidCase{"[file:name IN ('a',)]", 19, "a constant in the set"},
        InvalidCase{"[file:size = - 5]", 13, "unexpected '-'"},
        // Object paths.
        InvalidCase{"[file.size = 1280]", 5,
                    "expected ':' after the object type"},
        InvalidCase{"[Foo:bar = 'a']", 1, "is not a STIX type name"},
        InvalidCase{"[fo:bar = 'a']", 1, "is not a STIX type name"},
        InvalidCase{"[x_whatever:bar = 'a']", 1, "is not a STIX type name"},
        InvalidCase{"[file:extensions.windows-pebinary-ext.sections[*]."
                    "entropy > 7.0]",
                    17, "contains '-', so it must be quoted"},
        InvalidCase{"[file:hashes.'' = 'a']", 13, "empty property name"},
        InvalidCase{"[file:IN = 1]", 6, "cannot be a property name"},
        InvalidCase{"[file:hashes.5abc = 'x']", 13, "begins with a digit"},
        InvalidCase{"[file:name[x] = 1]", 11, "a list index"},
        InvalidCase{"[file:name[1 = 1]", 13,
                    "expected ']' at offset 13 to close the list index"},
        InvalidCase{"[file:name[99999999999999999999] = 1]", 11, "too large"},
        InvalidCase{"[file: = 1]", 7, "a property name after ':'"},
        InvalidCase{"[file:a. = 1]", 9, "a property name after '.'"},
        // Literals.
        InvalidCase{"[foo:bar = 'unterminated]", 11,
                    "unterminated string starting at offset 11"},
        InvalidCase{"[foo:bar = 'a\\x']", 13, "invalid escape"},
        InvalidCase{"[foo:bar = 007]", 11, "leading zero"},
        InvalidCase{"[foo:bar = 5.]", 13, "digit after the decimal point"},
        InvalidCase{"[foo:bar = 99999999999999999999]", 11,
                    "does not fit in 64 bits"},
        InvalidCase{"[foo:bar = 9223372036854775808]", 11,
                    "does not fit in 64 bits"},
        InvalidCase{"[foo:bar = -9223372036854775809]", 11,
                    "does not fit in 64 bits"},
        InvalidCase{"[foo:bar = h'abc']", 11, "odd number of digits"},
        InvalidCase{"[foo:bar = h'xyz']", 13,
                    "unexpected 'x' at offset 13 in the hex literal"},
        InvalidCase{"[artifact:payload_bin = b'====']", 24, "not base64"},
        InvalidCase{"[foo:bar = b'']", 11, "not base64"},
        InvalidCase{"[foo:bar = b'YQ=']", 11, "not base64"},
        InvalidCase{"[foo:bar = b'Y=Q=']", 11, "not base64"},
        InvalidCase{"[foo:bar = b'YQ']", 11, "not base64"},
        InvalidCase{"[x-whatever:detected = t'2457-73-22T32:81:84.1Z']", 23,
                    "names a date that does not exist"},
        InvalidCase{"[foo:bar = t'2016-02-30T00:00:00Z']", 11,
                    "names a date that does not exist"},
        InvalidCase{"[foo:bar = t'2016-06-01T24:00:00Z']", 11,
                    "names a time that does not exist"},
        InvalidCase{"[foo:bar = t'2016-06-01T01:30:00+01:00']", 11,
                    "must end in Z"},
        InvalidCase{"[foo:bar = t'2016-06-01']", 11, "is not of the form"},
        InvalidCase{"[foo:bar = t'2016-06-01T01:30:00Z]", 33,
                    "unexpected ']' at offset 33 in the timestamp literal "
                    "starting at offset 11"},
        InvalidCase{"[foo:bar = t'2016", 11,
                    "unterminated timestamp literal starting at offset 11"},
        InvalidCase{"[file:name = 'a'] /* open", 18,
                    "unterminated comment starting at offset 18"},
        // Qualifiers.
        InvalidCase{"[win-registry-key:key = 'x'] WITHIN ]", 36,
                    "a number of seconds after WITHIN"},
        InvalidCase{"[foo:bar = 'x'] WITHIN 5 HOURS", 25, "expected SECONDS"},
        InvalidCase{"[foo:bar = 'x'] WITHIN -5 SECONDS", 23, "above zero"},
        InvalidCase{"[foo:bar = 'x'] WITHIN 0 SECONDS", 23, "above zero"},
        InvalidCase{"[foo:bar = 'x'] WITHIN 0.0 SECONDS", 23, "above zero"},
        InvalidCase{"[foo:bar = 'x'] WITHIN 99999999999999999999 SECONDS", 23,
                    "too large"},
        InvalidCase{"[foo:bar = 'x'] REPEATS 0 TIMES", 24, "above zero"},
        InvalidCase{"[foo:bar = 'x'] REPEATS 2.5 TIMES", 24,
                    "a whole number after REPEATS"},
        InvalidCase{"[foo:bar = 'x'] REPEATS 2 SECONDS", 26, "expected TIMES"},
        InvalidCase{"[foo:bar = 'x'] WITHIN 5 SECONDS WITHIN 6 SECONDS", 33,
                    "second WITHIN qualifier"},
        InvalidCase{"[foo:bar = 'x'] REPEATS 2 TIMES REPEATS 3 TIMES", 32,
                    "second REPEATS qualifier"},
        InvalidCase{"[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP "
                    "t'2017-01-01T00:00:00Z' START t'2018-01-01T00:00:00Z' "
                    "STOP t'2019-01-01T00:00:00Z'",
                    77, "second START qualifier"},
        InvalidCase{"[foo:bar = 'x'] START '2016-06-01T01:30:00Z' STOP "
                    "t'2016-06-01T02:30:00Z'",
                    22, "a timestamp t'YYYY-MM-DDTHH:MM:SSZ' after START"},
        InvalidCase{"[foo:bar = 'x'] START t'2016-06-01T01:30:00Z' UNTIL", 46,
                    "expected STOP"},
        InvalidCase{"[foo:bar = 'x'] START t'2016-06-01T01:30:00Z' STOP "
                    "t'2016-06-01T01:30:00Z'",
                    51, "is not later than START"},
        InvalidCase{"[foo:bar = 'x'] START t'2016-06-01T01:30:00.5Z' STOP "
                    "t'2016-06-01T01:30:00.123Z'",
                    53, "is not later than START"}));

TEST(PatternErrors, NullErrorIsAllowed) {
  EXPECT_OK(CheckPattern("[file:name = 'a']", nullptr));
  EXPECT_CODE(CheckPattern("[file:name = 'a'", nullptr),
              ErrorCode::kInvalidStix);
}

TEST(PatternErrors, SuccessClearsAnEarlierError) {
  PatternError error;
  EXPECT_CODE(CheckPattern("[", &error), ErrorCode::kInvalidStix);
  EXPECT_OK(CheckPattern("[file:name = 'a']", &error));
  EXPECT_EQ(error.offset, 0u);
  EXPECT_EQ(error.message, "");
}

}  // namespace
}  // namespace certshare::schemas
