#include "api/duration.h"

#include <gtest/gtest.h>

namespace flotilla::api {
namespace {

TEST(Duration, ParsesGoSyntax) {
  EXPECT_EQ(parseDuration("60s"), Duration::seconds(60));
  EXPECT_EQ(parseDuration("1m30s"), Duration::seconds(90));
  EXPECT_EQ(parseDuration("250ms"), Duration::milliseconds(250));
  EXPECT_EQ(parseDuration("1.5h"), Duration::seconds(5400));
  EXPECT_EQ(parseDuration("0"), Duration{0});
  EXPECT_EQ(parseDuration("-2s"), Duration::seconds(-2));
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "5", "s", "1x", "1.s5", "--1s", "1 s", "1s "}) {
    EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsShortest) {
  EXPECT_EQ(formatDuration(Duration::seconds(60)), "1m");
  EXPECT_EQ(formatDuration(Duration::milliseconds(1500)), "1500ms");
  EXPECT_EQ(formatDuration(Duration::seconds(5)), "5s");
}

}  // namespace
}  // namespace flotilla::api
