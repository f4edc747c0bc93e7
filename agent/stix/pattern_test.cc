#include "agent/stix/pattern.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::agent {
namespace {

Observable Ok(Result<Observable> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Observable{};
}

TEST(PatternTest, EscapesQuotesAndBackslashesOnly) {
  EXPECT_EQ(EscapePatternString("plain"), "plain");
  EXPECT_EQ(EscapePatternString("it's"), "it\\'s");
  EXPECT_EQ(EscapePatternString("C:\\Temp\\x"), "C:\\\\Temp\\\\x");
  EXPECT_EQ(EscapePatternString("\\'"), "\\\\\\'");
  EXPECT_EQ(EscapePatternString("\"double\""), "\"double\"");
  EXPECT_EQ(EscapePatternString(""), "");
}

TEST(PatternTest, IpAddressesAndNetworks) {
  EXPECT_EQ(ComparisonExpression(Ok(ParseIpObservable("203.0.113.47"))),
            "[ipv4-addr:value = '203.0.113.47']");
  EXPECT_EQ(ComparisonExpression(Ok(ParseIpObservable("203.0.113.0/24"))),
            "[ipv4-addr:value = '203.0.113.0/24']");
  EXPECT_EQ(ComparisonExpression(Ok(ParseIpObservable("2001:DB8::1"))),
            "[ipv6-addr:value = '2001:db8::1']");
  EXPECT_EQ(ComparisonExpression(Ok(ParseIpObservable("2001:db8::/32"))),
            "[ipv6-addr:value = '2001:db8::/32']");
  for (std::string_view bad : {"", "203.0.113", "203.0.113.256", "203.0.113.1/33", "203.0.113.1/",
                               "203.0.113.1/x", "2001:db8::1/129", "example.com", "1.2.3.4 ",
                               "203.0.113.1/024x"}) {
    EXPECT_EQ(ParseIpObservable(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(PatternTest, DomainNames) {
  EXPECT_EQ(ComparisonExpression(Ok(ParseDomainObservable("Tax-Refund-Portal.Example."))),
            "[domain-name:value = 'tax-refund-portal.example']");
  EXPECT_EQ(Ok(ParseDomainObservable("xn--bcher-kva.example")).value, "xn--bcher-kva.example");
  EXPECT_EQ(Ok(ParseDomainObservable("_dmarc.example.com")).value, "_dmarc.example.com");
  for (std::string_view bad : std::initializer_list<std::string_view>{"", "localhost", "a..b", ".example", "-a.example", "a-.example",
                               "bücher.example", "ex ample.com", "a'b.example",
                               "x." /* one label */}) {
    EXPECT_EQ(ParseDomainObservable(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ParseDomainObservable(std::string(64, 'a') + ".example").ok());
  EXPECT_TRUE(ParseDomainObservable(std::string(63, 'a') + ".example").ok());
}

TEST(PatternTest, UrlsAreEscaped) {
  EXPECT_EQ(ComparisonExpression(Ok(ParseUrlObservable("https://x.example/a?b=1&c=2"))),
            "[url:value = 'https://x.example/a?b=1&c=2']");
  EXPECT_EQ(ComparisonExpression(Ok(ParseUrlObservable("http://x.example/it's\\here"))),
            "[url:value = 'http://x.example/it\\'s\\\\here']");
  for (std::string_view bad : {"", "x.example/path", "://x", "1http://x", "https://",
                               "hxxps://x.example/", "https://x.example/a b",
                               "https://x.example/\t"}) {
    EXPECT_EQ(ParseUrlObservable(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ParseUrlObservable("https://x/" + std::string(9000, 'a')).ok());
}

TEST(PatternTest, FileHashes) {
  const std::string sha256(64, 'A');
  EXPECT_EQ(ComparisonExpression(Ok(ParseFileHashObservable("sha256:" + sha256))),
            "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']");
  EXPECT_EQ(ComparisonExpression(Ok(ParseFileHashObservable("MD5:" + std::string(32, '0')))),
            "[file:hashes.'MD5' = '" + std::string(32, '0') + "']");
  EXPECT_EQ(Ok(ParseFileHashObservable("SHA-1:" + std::string(40, 'f'))).hash_algorithm, "SHA-1");
  EXPECT_TRUE(ParseFileHashObservable("SSDEEP:3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C").ok());
  for (std::string bad : std::initializer_list<std::string>{"SHA-256", "SHA-256:" + std::string(63, 'a'),
                          "SHA-256:" + std::string(64, 'g'), "MD5:" + std::string(40, 'a'),
                          "CRC32:deadbeef", ":abc", "SSDEEP:", "SSDEEP:a b",
                          "TLSH:" + std::string(69, 'A')}) {
    EXPECT_EQ(ParseFileHashObservable(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(PatternTest, SeveralObservablesAreJoinedWithOr) {
  std::vector<Observable> os = {Ok(ParseDomainObservable("tax-refund-portal.example")),
                                Ok(ParseIpObservable("203.0.113.47"))};
  EXPECT_EQ(PatternFor(os),
            "[domain-name:value = 'tax-refund-portal.example'] OR "
            "[ipv4-addr:value = '203.0.113.47']");
  EXPECT_EQ(DescribeObservables(os), "2 observables");
  EXPECT_EQ(DescribeObservables({os[0]}), "domain tax-refund-portal.example");
}

}  // namespace
}  // namespace certshare::agent
