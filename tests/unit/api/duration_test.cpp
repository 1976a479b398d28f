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

namespace flotilla::api {
namespace {

TEST(Duration, ParsesEveryUnitAndFractions) {
  EXPECT_EQ(parseDuration("1ns"), Duration{1});
  EXPECT_EQ(parseDuration("1us"), Duration{1'000});
  EXPECT_EQ(parseDuration("1\xC2\xB5s"), Duration{1'000});  // µs (micro sign)
  EXPECT_EQ(parseDuration("1h30m"), Duration::seconds(5400));
  EXPECT_EQ(parseDuration("1.5s"), Duration::milliseconds(1500));
  EXPECT_EQ(parseDuration(".5s"), Duration::milliseconds(500));
  EXPECT_EQ(parseDuration("1.s"), Duration::seconds(1));
  EXPECT_EQ(parseDuration("+3m"), Duration::seconds(180));
  EXPECT_EQ(parseDuration("0s"), Duration{0});
  EXPECT_EQ(parseDuration("2h45m30.5s"), Duration::milliseconds(9930500));
}

TEST(Duration, RejectsOverflowAndMissingUnits) {
  for (const char* bad : {"9999999999h", "1h30", ".s", "1.5.5s", "s5", "-", "+", "1S", "1sec"}) {
    EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsAndRoundTrips) {
  EXPECT_EQ(formatDuration(Duration{0}), "0s");
  EXPECT_EQ(formatDuration(Duration::seconds(3600)), "1h");
  EXPECT_EQ(formatDuration(Duration::seconds(-90)), "-90s");
  EXPECT_EQ(formatDuration(Duration{1'500}), "1500ns");
  EXPECT_EQ(formatDuration(Duration{2'000}), "2us");
  for (auto d : {Duration::seconds(5400), Duration::milliseconds(250), Duration{7}, Duration::seconds(86400)}) {
    EXPECT_EQ(parseDuration(formatDuration(d)), d) << formatDuration(d);
  }
}

}  // namespace
}  // namespace flotilla::api
