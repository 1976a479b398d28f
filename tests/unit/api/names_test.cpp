#include <gtest/gtest.h>

#include <string>

#include "api/names.h"

namespace flotilla::api {
namespace {

struct NameTable {
  bool (*check)(std::string_view);
  const char* what;
  std::vector<std::string> valid;
  std::vector<std::string> invalid;
};

TEST(Names, Whitelists) {
  const std::string nul("a\0b", 3);
  const std::vector<NameTable> tables{
      {isDns1123Label,
       "dns1123 label",
       {"a", "a-b", "0", "1a", std::string(63, 'a')},
       {"", "-a", "a-", "A", "a.b", "a_b", std::string(64, 'a'), nul}},
      {isDns1123Subdomain,
       "dns1123 subdomain",
       {"a", "a.b", "a-1.b-2",
        std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd')},
       {"", ".a", "a.", "a..b", "A.b", "a_b", std::string(254, 'a')}},
      {isDns1035Label, "dns1035 label", {"a", "a-1", std::string(63, 'a')}, {"", "1a", "-a", "a-", "A", "a.b"}},
      {isIanaServiceName,
       "iana",
       {"http", "h2c", "a-b", "abcdefghijklmno", "8080a"},
       {"", "8080", "-http", "http-", "a--b", "HTTP", "abcdefghijklmnop", "a_b"}},
      {isQualifiedName,
       "qualified",
       {"a", "app.kubernetes.io/name", "A_b.c-D", "example.com/x"},
       {"", "/a", "a/", "-a", "a-", "a b", "Example.com/x", "a/b/c", std::string(64, 'a')}},
      {isLabelValue,
       "label value",
       {"", "a", "A-b_c.d", std::string(63, 'a')},
       {"-a", "a-", "a b", std::string(64, 'a')}},
      {isValidHostname,
       "hostname",
       {"example.com", "*.example.com", "a", "a-b.c", "10.0.0.1.example", "1.2.3"},
       {"", "*", "*.", "a.*.com", "Example.com", "ex ample.com", "a_b.com", "1.2.3.4", "example.com.", "-a.com",
        "a.com:80", "a.com\n", "caf\xC3\xA9.com", "a.com#x"}},
      {isHttpToken, "token", {"GET", "x-custom", "a!#$%&'*+-.^_`|~z"}, {"", "a b", "a:b", "a\"b", "a(b)", "a\nb"}},
      {isSafeHeaderName,
       "header name",
       {"X-Request-ID", "x_custom", "a.b", "9x"},
       {"", "-f", "x#", "x'", "x%", "a b", "a:b", std::string(257, 'a')}},
      {isSafeHeaderValue,
       "header value",
       {"", "1", "no-store, max-age=0", "a:b", "100%", "text/html; q=0.9", "a-b"},
       {"a\nb", "a\rb", "a\tb", "a#b", "a'b", "a\"b", "a\\nb", "a`b", "%[env(X)]", "${X}", "-f", " a", "a ", nul,
        std::string(4097, 'a'), "caf\xC3\xA9"}},
      {isSafeConfigPath,
       "config path",
       {"/", "/api/users", "/a.b_c~d-e", "/%41%2f", std::string("/") + std::string(1023, 'a')},
       {"", "api", "/a b", "/a?b", "/a#b", "/a'b", "/a%", "/a%4", "/a%zz", "/a\n", "/a;b", "/a%[x]",
        std::string("/") + std::string(1024, 'a')}},
      {isSafePathRegex,
       "path regex",
       {"^/api/[0-9]+$", "/a|/b", "^/v[12]/(users|orders)(/.*)?$"},
       {"", "(", "[a", "a b", "a'b", "a#b", "a\"b", "%[x]", "${x}", "a\nb", std::string(1025, 'a')}},
      {isSafeHeaderRegex, "header regex", {"^Mozilla/5\\.0 .*", "a b"}, {"(", "a'b", "a\nb", "${x}"}},
      {isPrintableAscii, "printable", {"", "a b~"}, {"a\tb", "\x7f", "caf\xC3\xA9", nul}},
  };
  for (const auto& table : tables) {
    for (const auto& s : table.valid) EXPECT_TRUE(table.check(s)) << table.what << " should accept \"" << s << "\"";
    for (const auto& s : table.invalid) EXPECT_FALSE(table.check(s)) << table.what << " should reject \"" << s << "\"";
  }
}

}  // namespace
}  // namespace flotilla::api
