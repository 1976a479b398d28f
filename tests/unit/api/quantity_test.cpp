#include <gtest/gtest.h>

#include "api/quantity.h"

namespace flotilla::api {
namespace {

struct Canonical {
  const char* input;
  const char* canonical;
};

// Canonical forms as k8s.io/apimachinery's resource.Quantity.String() prints them.
TEST(Quantity, ParsesAndCanonicalisesLikeKubernetes) {
  const Canonical cases[] = {
      {"0", "0"},
      {"0.00", "0"},
      {"0Ki", "0"},
      {"-0", "0"},
      {"100m", "100m"},
      {"0.1", "100m"},
      {"1.5", "1500m"},
      {"1000m", "1"},
      {"1", "1"},
      {"1000", "1k"},
      {"2000", "2k"},
      {"1200", "1200"},
      {"1024", "1024"},
      {"1.5k", "1500"},
      {"1k", "1k"},
      {"1M", "1M"},
      {"1G", "1G"},
      {"1T", "1T"},
      {"1P", "1P"},
      {"1E", "1E"},
      {"1n", "1n"},
      {"1u", "1u"},
      {"1.5u", "1500n"},
      {"1000n", "1u"},
      {"1Ki", "1Ki"},
      {"128Mi", "128Mi"},
      {"1024Ki", "1Mi"},
      {"1000Ki", "1000Ki"},
      {"1.5Gi", "1536Mi"},
      {"0.5Gi", "512Mi"},
      {"0.5Ki", "512"},
      {"1.1Ki", "1126400m"},
      {"1Ei", "1Ei"},
      {"-1Ki", "-1Ki"},
      {"-100m", "-100m"},
      {"-1", "-1"},
      {"+1", "1"},
      {"1.", "1"},
      {".5", "500m"},
      {"000100m", "100m"},
      {"1.000", "1"},
      {"1e3", "1e3"},
      {"1E3", "1e3"},
      {"1e+3", "1e3"},
      {"1e-3", "1e-3"},
      {"12e2", "1200"},
      {"1e0", "1"},
      {"1.5e3", "1500"},
      {"0.0000000001", "1n"},  // finer than 1n rounds up
      {"9223372036854775807", "9223372036854775807"},
  };
  for (const auto& c : cases) {
    const auto q = Quantity::parse(c.input);
    ASSERT_TRUE(q.has_value()) << c.input;
    EXPECT_EQ(q->toString(), c.canonical) << c.input;
    // The canonical form reads back to the same value.
    const auto again = Quantity::parse(q->toString());
    ASSERT_TRUE(again.has_value()) << c.canonical;
    EXPECT_EQ(*again, *q) << c.canonical;
  }
}

TEST(Quantity, RejectsMalformed) {
  for (const char* bad : {"",
                          "+",
                          "-",
                          ".",
                          "m",
                          "Ki",
                          "1 m",
                          " 1",
                          "1 ",
                          "1K",
                          "1ki",
                          "1mi",
                          "1e",
                          "1e1.5",
                          "1ee3",
                          "1e3m",
                          "abc",
                          "1.2.3",
                          "1Gb",
                          "--1",
                          "+-1",
                          "0x10",
                          "1,5",
                          "1_000",
                          "1/2",
                          "∞",
                          "9223372036854775808",
                          "8Ei",
                          "1e19",
                          "10E",
                          "1e100000000000"}) {
    EXPECT_FALSE(Quantity::parse(bad).has_value()) << bad;
  }
}

TEST(Quantity, ComparesByValue) {
  EXPECT_EQ(*Quantity::parse("1Ki"), *Quantity::parse("1024"));
  EXPECT_EQ(*Quantity::parse("1"), *Quantity::parse("1000m"));
  EXPECT_LT(*Quantity::parse("100m"), *Quantity::parse("1"));
  EXPECT_GT(*Quantity::parse("1Gi"), *Quantity::parse("1G"));
  EXPECT_LT(*Quantity::parse("-1"), *Quantity::parse("0"));
  EXPECT_TRUE(Quantity::parse("0m")->isZero());
  EXPECT_EQ(Quantity::parse("-5")->sign(), -1);
  EXPECT_EQ(Quantity::parse("5n")->sign(), 1);
}

TEST(Quantity, ValuesRoundAwayFromZero) {
  EXPECT_EQ(Quantity::parse("1500m")->value(), 2);
  EXPECT_EQ(Quantity::parse("-1500m")->value(), -2);
  EXPECT_EQ(Quantity::parse("128Mi")->value(), 134217728);
  EXPECT_EQ(Quantity::parse("1.5")->milliValue(), 1500);
  EXPECT_EQ(Quantity::parse("1n")->milliValue(), 1);
  EXPECT_EQ(Quantity::parse("9223372036854775807")->value(), 9223372036854775807LL);
  EXPECT_FALSE(Quantity::parse("9223372036854775807")->milliValue().has_value());
}

TEST(Quantity, ReadsJsonStringsAndNumbers) {
  EXPECT_EQ(Quantity::fromJson("128Mi")->toString(), "128Mi");
  EXPECT_EQ(Quantity::fromJson(1)->toString(), "1");
  EXPECT_EQ(Quantity::fromJson(0.5)->toString(), "500m");
  // 1e-7 reaches the parser as the text "1e-07": exponent form, as Kubernetes keeps it.
  EXPECT_EQ(Quantity::fromJson(1e-7)->toString(), "100e-9");
  EXPECT_EQ(Quantity::fromJson(-2)->toString(), "-2");
  EXPECT_FALSE(Quantity::fromJson(true).has_value());
  EXPECT_FALSE(Quantity::fromJson(nullptr).has_value());
  EXPECT_FALSE(Quantity::fromJson(nlohmann::json::object()).has_value());
  EXPECT_EQ(Quantity::parse("2")->format(), Quantity::Format::DecimalSI);
  EXPECT_EQ(Quantity::parse("2Ki")->format(), Quantity::Format::BinarySI);
  EXPECT_EQ(Quantity::parse("2e3")->format(), Quantity::Format::DecimalExponent);
}

}  // namespace
}  // namespace flotilla::api
