// Every example in examples/ is valid against its CRD schema, as written and after the API server's defaulting.
#include <set>

#include <gtest/gtest.h>

#include "api/parse.h"
#include "schema_test_support.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

std::string describe(const FieldErrors& errors) {
  std::string text;
  for (const FieldError& error : errors) text += "\n  " + error.toString();
  return text;
}

TEST(Examples, ShopDeclaresTheReferenceObjects) {
  std::multiset<std::string> names;
  for (const ExampleObject& example : flotillaExamples()) {
    if (!example.file.starts_with("examples/shop/")) continue;
    names.insert(example.object["kind"].get<std::string>() + "/" +
                 example.object["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::multiset<std::string>{"BreakerPolicy/default-breaker", "Gateway/public",
                                               "Microservice/order-service", "Microservice/payment-service",
                                               "Microservice/user-service", "Microservice/user-service-v2",
                                               "Route/orders", "Route/payments", "Route/users"}));
}

TEST(Examples, ValidateAgainstTheirCrdAsWrittenAndDefaulted) {
  const auto examples = flotillaExamples();
  ASSERT_FALSE(examples.empty());
  for (const ExampleObject& example : examples) {
    const std::string name = example.file + " " + example.object["kind"].get<std::string>() + "/" +
                             example.object["metadata"]["name"].get<std::string>();
    SCOPED_TRACE(name);
    const SchemaValidator& validator = validatorFor(example.object["kind"]);
    EXPECT_TRUE(validator.validate(example.object).empty()) << describe(validator.validate(example.object));

    json admitted = example.object;
    SchemaAdmission admission = validator.admit(admitted);
    EXPECT_EQ(admission.unknownFields, std::vector<std::string>{});
    EXPECT_TRUE(admission.ok()) << describe(admission.errors);

    // Defaulting only adds: every field the example wrote is still there with its value.
    for (const json& operation : json::diff(example.object, admitted)) {
      EXPECT_EQ(operation["op"], "add") << operation;
    }
    // And is idempotent.
    json again = admitted;
    validator.applyDefaults(again);
    EXPECT_EQ(again, admitted);
  }
}

// The CRD schema and the operator's own decoding and validation (api/parse.h) agree that every example is valid.
TEST(Examples, PassTheOperatorsValidationToo) {
  for (const ExampleObject& example : flotillaExamples()) {
    SCOPED_TRACE(example.file + " " + example.object["metadata"]["name"].get<std::string>());
    EXPECT_TRUE(loadResource(example.object).ok()) << describe(loadResource(example.object).errors);
    json admitted = example.object;
    validatorFor(example.object["kind"]).admit(admitted);
    EXPECT_TRUE(loadResource(admitted).ok()) << describe(loadResource(admitted).errors);
  }
}

TEST(Examples, ShopRelationsMatchTheStory) {
  const json orders = example("Microservice", "order-service");
  EXPECT_EQ(orders["spec"]["autoscaling"], json::parse(R"({"minReplicas":2,"maxReplicas":10,"targetCPUUtilization":70,
                            "behavior":{"scaleDown":{"stabilizationWindowSeconds":300}}})"));
  const json payments = example("Route", "payments");
  EXPECT_EQ(payments["spec"]["rules"][0]["retries"]["attempts"], 2);
  EXPECT_EQ(payments["spec"]["rules"][0]["timeout"]["request"], "2s");
  const json users = example("Route", "users");
  EXPECT_EQ(users["spec"]["rules"][0]["backends"][0]["weight"], 90);
  EXPECT_EQ(users["spec"]["rules"][0]["backends"][1]["weight"], 10);
  const json breaker = example("BreakerPolicy", "default-breaker");
  EXPECT_EQ(breaker["spec"]["consecutiveFailures"], 5);
  EXPECT_EQ(breaker["spec"]["openDuration"], "60s");
}

}  // namespace
}  // namespace flotilla::api::testing
