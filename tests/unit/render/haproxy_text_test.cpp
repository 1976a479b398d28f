#include <gtest/gtest.h>

#include "render/haproxy_text.h"
#include "render/sha256.h"

namespace flotilla::render::testing {
namespace {

TEST(HaproxyText, SingleQuotesAreWrittenAsCloseEscapeReopen) {
  EXPECT_EQ(singleQuoted("/api/users"), "'/api/users'");
  EXPECT_EQ(singleQuoted("it's"), "'it'\\''s'");
  EXPECT_EQ(singleQuoted(""), "''");
  // Everything else is literal inside single quotes for HAProxy: no escapes, no ${}, no comments.
  EXPECT_EQ(singleQuoted("a\\nb ${X} #c"), "'a\\nb ${X} #c'");
}

TEST(HaproxyText, LogFormatDoublesPercent) {
  EXPECT_EQ(quotedLogFormat("100% ok"), "'100%% ok'");
  EXPECT_EQ(quotedLogFormat("%[env(HOME)]"), "'%%[env(HOME)]'");
  EXPECT_EQ(quotedLogFormat("/v2%2F"), "'/v2%%2F'");
}

TEST(HaproxyText, RegexLiteralEscapesEverythingButAlnumAndSlash) {
  EXPECT_EQ(regexLiteral("/api/v1.0"), "/api/v1\\.0");
  EXPECT_EQ(regexLiteral("/a-b_c~d%20"), "/a\\-b\\_c\\~d\\%20");
  EXPECT_FALSE(pcreError("^" + regexLiteral("/x.(y)[z]*") + "$"));
}

TEST(HaproxyText, Durations) {
  EXPECT_EQ(haproxyDuration(api::Duration::seconds(30)), "30s");
  EXPECT_EQ(haproxyDuration(api::Duration::milliseconds(1500)), "1500ms");
  EXPECT_EQ(haproxyDuration(api::Duration::milliseconds(0)), "1ms");
  EXPECT_EQ(haproxyDuration(api::Duration::seconds(120)), "120s");
}

TEST(HaproxyText, JsonBodies) {
  EXPECT_EQ(jsonBody("service unavailable"), R"({"error":"service unavailable"})");
  EXPECT_EQ(jsonBody(R"({"b":1, "a":"x"})"), R"({"a":"x","b":1})");
  EXPECT_EQ(jsonBody("[1,2]"), R"({"error":"[1,2]"})");
  // Control and non-ASCII characters never reach the config raw.
  EXPECT_EQ(jsonBody("a\nb\xc3\xa9"), R"({"error":"a\nb\u00e9"})");
}

TEST(HaproxyText, PcreCompilesLikeHaproxy) {
  EXPECT_FALSE(pcreError("^/api/v[0-9]+/items$"));
  EXPECT_FALSE(pcreError("(?i)users"));  // PCRE syntax that ECMAScript lacks
  ASSERT_TRUE(pcreError("a(b"));
  EXPECT_NE(pcreError("a(b")->find("offset"), std::string::npos);
  EXPECT_TRUE(pcreError("[z-a]"));
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace flotilla::render::testing
