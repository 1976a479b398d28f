#include "kube/errors.h"

#include <gtest/gtest.h>

namespace flotilla::kube {
namespace {

TEST(Errors, NotFoundFromStatusBody) {
  auto e = errorFromResponse(404, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"configmaps \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},
    "code":404})");
  EXPECT_EQ(e.kind, ErrorKind::NotFound);
  EXPECT_EQ(e.code, 404);
  EXPECT_EQ(e.reason, "NotFound");
  EXPECT_EQ(e.message, "configmaps \"nope\" not found");
  EXPECT_EQ(e.toString(), "NotFound (404): configmaps \"nope\" not found");
}

TEST(Errors, ReasonSeparatesAlreadyExistsFromConflict) {
  auto exists = errorFromResponse(409, R"({"kind":"Status","reason":"AlreadyExists","code":409,"message":"x"})");
  auto conflict = errorFromResponse(409, R"({"kind":"Status","reason":"Conflict","code":409,"message":"y"})");
  auto bare = errorFromResponse(409, R"({"kind":"Status","code":409,"message":"z"})");
  EXPECT_EQ(exists.kind, ErrorKind::AlreadyExists);
  EXPECT_EQ(conflict.kind, ErrorKind::Conflict);
  EXPECT_EQ(bare.kind, ErrorKind::Conflict);
}

TEST(Errors, InvalidCarriesCauses) {
  auto e = errorFromResponse(422, R"({"kind":"Status","status":"Failure","reason":"Invalid","code":422,
    "message":"Microservice.flotilla.io \"web\" is invalid: spec.replicas: Invalid value: -1",
    "details":{"name":"web","group":"flotilla.io","kind":"Microservice","causes":[
      {"reason":"FieldValueInvalid","message":"Invalid value: -1: must be >= 0","field":"spec.replicas"},
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.image"}]}})");
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  ASSERT_EQ(e.causes.size(), 2u);
  EXPECT_EQ(e.causes[0], (StatusCause{"spec.replicas", "FieldValueInvalid", "Invalid value: -1: must be >= 0"}));
  EXPECT_EQ(e.causes[1].field, "spec.image");
  EXPECT_NE(e.toString().find("spec.image: Required value"), std::string::npos) << e.toString();
}

TEST(Errors, TooManyRequestsTakesRetryAfterFromHeaderOrDetails) {
  auto fromHeader =
      errorFromResponse(429, R"({"kind":"Status","reason":"TooManyRequests","code":429})", std::chrono::seconds(7));
  EXPECT_EQ(fromHeader.kind, ErrorKind::TooManyRequests);
  EXPECT_EQ(fromHeader.retryAfter, std::chrono::seconds(7));
  auto fromDetails = errorFromResponse(
      429, R"({"kind":"Status","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":3}})");
  EXPECT_EQ(fromDetails.retryAfter, std::chrono::seconds(3));
}

TEST(Errors, ServerTimeoutAndTimeoutAndGone) {
  EXPECT_EQ(errorFromResponse(500, R"({"kind":"Status","reason":"ServerTimeout","code":500})").kind,
            ErrorKind::ServerTimeout);
  EXPECT_EQ(errorFromResponse(504, R"({"kind":"Status","reason":"Timeout","code":504})").kind, ErrorKind::Timeout);
  EXPECT_EQ(errorFromResponse(504, "").kind, ErrorKind::Timeout);
  EXPECT_EQ(errorFromResponse(410, R"({"kind":"Status","reason":"Expired","code":410})").kind, ErrorKind::Gone);
  EXPECT_EQ(errorFromResponse(500, R"({"kind":"Status","reason":"InternalError","code":500})").kind,
            ErrorKind::InternalError);
}

TEST(Errors, StatusCodeWinsWhenBodyDisagreesAndReasonIsUnknown) {
  auto e = errorFromResponse(403, R"({"kind":"Status","reason":"SomethingNew","code":0,"message":"no"})");
  EXPECT_EQ(e.kind, ErrorKind::Forbidden);
  EXPECT_EQ(e.code, 403);
}

TEST(Errors, NonStatusBodiesStillGetKindAndReadableMessage) {
  auto e = errorFromResponse(503, "<html>\n<body>upstream unavailable</body>\n</html>\n");
  EXPECT_EQ(e.kind, ErrorKind::ServiceUnavailable);
  EXPECT_EQ(e.message, "<html> <body>upstream unavailable</body> </html>");
  auto empty = errorFromResponse(401, "");
  EXPECT_EQ(empty.kind, ErrorKind::Unauthorized);
  EXPECT_EQ(empty.message, "the server responded with status 401");
  EXPECT_EQ(errorFromResponse(418, "teapot").kind, ErrorKind::Unknown);
}

TEST(Errors, WatchErrorEventStatus) {
  auto e = errorFromStatus(nlohmann::json::parse(
      R"json({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (100)",
          "reason":"Expired","code":410})json"));
  EXPECT_EQ(e.kind, ErrorKind::Gone);
  EXPECT_EQ(e.code, 410);
  EXPECT_EQ(e.message, "too old resource version: 5 (100)");
}

TEST(Errors, ParsesRetryAfter) {
  EXPECT_EQ(parseRetryAfter("5"), std::chrono::seconds(5));
  EXPECT_EQ(parseRetryAfter(" 12 "), std::chrono::seconds(12));
  EXPECT_FALSE(parseRetryAfter("").has_value());
  EXPECT_FALSE(parseRetryAfter("-1").has_value());
  EXPECT_FALSE(parseRetryAfter("1.5").has_value());
  EXPECT_FALSE(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
}

TEST(Errors, BuildersSetKinds) {
  EXPECT_EQ(transportError("x").kind, ErrorKind::Transport);
  EXPECT_TRUE(transportError("x", true).notSent);
  EXPECT_EQ(cancelledError().kind, ErrorKind::Cancelled);
  EXPECT_EQ(configError("c").toString(), "Config: c");
}

}  // namespace
}  // namespace flotilla::kube
