#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gateway/config_validator.h"

namespace flotilla::gateway {
namespace {

TEST(AlertLines, KeepsOnlyAlertsWithoutPids) {
  const std::string output =
      "[NOTICE]   (12) : haproxy version is 2.6.12\n"
      "[ALERT]    (1234) : config : parsing [/run/haproxy.cfg:12] : 'server be/a' : unknown keyword 'bogus-kw'.\n"
      "[ALERT]    (1234) : config : Error(s) found in configuration file : /run/haproxy.cfg\n";
  EXPECT_EQ(alertLines(output),
            "[ALERT] config : parsing [/run/haproxy.cfg:12] : 'server be/a' : unknown keyword 'bogus-kw'.\n"
            "[ALERT] config : Error(s) found in configuration file : /run/haproxy.cfg");
}

TEST(AlertLines, FallsBackToTheWholeOutput) {
  EXPECT_EQ(alertLines("  something odd\n"), "something odd");
}

TEST(TruncateMessage, KeepsShortTextAndCutsLongTextAtALine) {
  EXPECT_EQ(truncateMessage("short", 1024), "short");
  std::string text;
  for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + " of the alerts\n";
  const std::string cut = truncateMessage(text, 200);
  EXPECT_LE(cut.size(), 200u);
  EXPECT_TRUE(cut.ends_with("alerts\xE2\x80\xA6")) << cut;
}

TEST(TruncateMessage, NeverSplitsAUtf8Character) {
  // The 100-byte budget leaves 97 bytes before the ellipsis: byte 97 is the middle of the first "é".
  const std::string text = std::string(96, 'x') + "\xC3\xA9\xC3\xA9" + std::string(50, 'y');
  const std::string cut = truncateMessage(text, 100);
  EXPECT_EQ(cut, std::string(96, 'x') + "\xE2\x80\xA6");
}

// The real `haproxy -c` (Debian's 2.6): a broken line is reported with its line number.
TEST(ValidateConfigFile, RunsHaproxyCheck) {
  const auto dir = std::filesystem::temp_directory_path() / ("gw-validate-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto good = (dir / "good.cfg").string();
  const auto bad = (dir / "bad.cfg").string();
  std::ofstream(good) << "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n"
                         "    timeout connect 1s\nfrontend f\n    bind \"${FLOTILLA_BIND_ADDRESS}:18999\"\n";
  std::ofstream(bad) << "defaults\n    mode http\n    bogus-keyword here\n";
  EXPECT_TRUE(validateConfigFile(good, {}).valid);
  const auto rejected = validateConfigFile(bad, {});
  EXPECT_FALSE(rejected.valid);
  EXPECT_NE(rejected.errors.find("[ALERT]"), std::string::npos) << rejected.errors;
  EXPECT_NE(rejected.errors.find("bad.cfg:3"), std::string::npos) << rejected.errors;
  const auto missing = validateConfigFile(good, {"/nonexistent/haproxy", {}, std::chrono::seconds(5)});
  EXPECT_FALSE(missing.valid);
  EXPECT_NE(missing.errors.find("cannot run haproxy"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flotilla::gateway
