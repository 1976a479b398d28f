#include "observability/logging.h"

#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

namespace flotilla::observability {
namespace {

using nlohmann::json;

class LoggingTest : public ::testing::Test {
 protected:
  void configure(LogFormat format, LogLevel level = LogLevel::info) {
    configureLogging({format, level, std::make_shared<spdlog::sinks::ostream_sink_mt>(out)});
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
  std::vector<json> jsonLines() const {
    std::vector<json> result;
    for (const auto& line : lines()) result.push_back(json::parse(line));  // throws → test fails
    return result;
  }
  // Back to a sink that outlives this fixture, silenced.
  void TearDown() override { configureLogging({LogFormat::Json, LogLevel::off, nullptr}); }

  std::ostringstream out;
};

TEST_F(LoggingTest, JsonLinesCarryStandardKeysAndFields) {
  configure(LogFormat::Json);
  Logger log("controller.microservice");
  log.with({{"controller", "microservice"}, {"namespace", "shop"}, {"name", "users"}})
      .info("reconciled", {{"reconcileID", "r-1"}, {"generation", 3}, {"ready", true}});
  auto parsed = jsonLines();
  ASSERT_EQ(parsed.size(), 1u);
  const auto& line = parsed[0];
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["logger"], "controller.microservice");
  EXPECT_EQ(line["msg"], "reconciled");
  EXPECT_EQ(line["controller"], "microservice");
  EXPECT_EQ(line["namespace"], "shop");
  EXPECT_EQ(line["name"], "users");
  EXPECT_EQ(line["reconcileID"], "r-1");
  EXPECT_EQ(line["generation"], 3);
  EXPECT_EQ(line["ready"], true);
  EXPECT_TRUE(
      std::regex_match(line["ts"].get<std::string>(), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << line["ts"];
  // Key order: ts, level, logger, msg first.
  EXPECT_EQ(lines()[0].rfind(R"({"ts":")", 0), 0u);
  EXPECT_LT(lines()[0].find(R"("msg":)"), lines()[0].find(R"("controller":)"));
}

TEST_F(LoggingTest, EscapesEverythingThatCouldBreakALine) {
  configure(LogFormat::Json);
  Logger log("escape");
  const std::string nasty = "quote\" backslash\\ newline\n tab\t cr\r bell\x07 nul";
  const std::string withNul = nasty + std::string(1, '\0') + " end";
  const std::string invalidUtf8 = "bad \xC3\x28 and \xFF bytes";
  log.info(withNul, {{"field", nasty}, {"bytes", invalidUtf8}});
  log.error(invalidUtf8);
  spdlog::get("escape")->warn("plain spdlog \"call\"");

  auto raw = lines();
  ASSERT_EQ(raw.size(), 3u);  // embedded newlines did not split lines
  auto parsed = jsonLines();
  EXPECT_EQ(parsed[0]["msg"], withNul);
  EXPECT_EQ(parsed[0]["field"], nasty);
  const std::string replaced = parsed[0]["bytes"];
  EXPECT_NE(replaced.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD replacement character
  EXPECT_EQ(replaced.rfind("bad ", 0), 0u);
  EXPECT_EQ(parsed[1]["level"], "error");
  EXPECT_EQ(parsed[2]["msg"], "plain spdlog \"call\"");
  EXPECT_EQ(parsed[2]["level"], "warn");
}

TEST_F(LoggingTest, LaterFieldsWinAndReservedKeysAreKept) {
  configure(LogFormat::Json);
  Logger log("fields");
  log.with({{"name", "old"}}).info("m", {{"name", "new"}, {"msg", "sneaky"}, {"level", "x"}});
  auto line = jsonLines().at(0);
  EXPECT_EQ(line["name"], "new");
  EXPECT_EQ(line["msg"], "m");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["fields.msg"], "sneaky");
  EXPECT_EQ(line["fields.level"], "x");
}

TEST_F(LoggingTest, LevelFiltering) {
  configure(LogFormat::Json, LogLevel::warn);
  Logger log("levels");
  EXPECT_FALSE(log.enabled(LogLevel::info));
  EXPECT_TRUE(log.enabled(LogLevel::warn));
  log.debug("no");
  log.info("no");
  log.warn("yes");
  log.error("yes too");
  auto parsed = jsonLines();
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["level"], "warn");
  EXPECT_EQ(parsed[1]["level"], "error");
}

TEST_F(LoggingTest, LoggersCreatedBeforeConfigurationFollowIt) {
  Logger early("early");
  configure(LogFormat::Json, LogLevel::debug);
  early.debug("after configure");
  auto parsed = jsonLines();
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["logger"], "early");
}

TEST_F(LoggingTest, TextFormatForHumans) {
  configure(LogFormat::Text);
  Logger log("controller.route");
  log.info("line one\nline two", {{"route", "shop/users"}});
  log.warn("no fields");
  auto raw = lines();
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_TRUE(std::regex_match(
      raw[0], std::regex(R"(\S+Z\tINFO\tcontroller\.route\tline one\\nline two\t\{"route":"shop/users"\})")))
      << raw[0];
  EXPECT_TRUE(std::regex_match(raw[1], std::regex(R"(\S+Z\tWARN\tcontroller\.route\tno fields)"))) << raw[1];
}

TEST(LogFlags, ParseFormatAndLevel) {
  EXPECT_EQ(parseLogFormat("json"), LogFormat::Json);
  EXPECT_EQ(parseLogFormat("text"), LogFormat::Text);
  EXPECT_FALSE(parseLogFormat("yaml").has_value());
  EXPECT_EQ(parseLogLevel("debug"), LogLevel::debug);
  EXPECT_EQ(parseLogLevel("warning"), LogLevel::warn);
  EXPECT_EQ(parseLogLevel("error"), LogLevel::err);
  EXPECT_FALSE(parseLogLevel("loud").has_value());
}

}  // namespace
}  // namespace flotilla::observability
