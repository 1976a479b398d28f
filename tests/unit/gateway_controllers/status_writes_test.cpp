// status_writes.h: which status counts as unchanged, and which condition changes become Events.
#include "controllers/status_writes.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

namespace flotilla::controllers {
namespace {

using nlohmann::json;

class RecordingSink : public runtime::EventSink {
 public:
  kube::Result<json> create(const json& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    return event;
  }
  kube::Result<json> patch(const std::string&, const std::string&, const json& mergePatch) override {
    return mergePatch;
  }
  std::vector<json> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::vector<json> events_;
};

json condition(const std::string& type, const std::string& status, const std::string& reason) {
  return {{"type", type}, {"status", status}, {"reason", reason}, {"message", reason + " message"}};
}

TEST(StatusWrites, StatusHoldsComparesOnlyTheGivenFields) {
  json live = {{"status", {{"attachedRoutes", 2}, {"openCircuits", json::array({"x"})}}}};
  EXPECT_TRUE(statusHolds(live, {{"attachedRoutes", 2}}));
  EXPECT_FALSE(statusHolds(live, {{"attachedRoutes", 3}}));
  EXPECT_FALSE(statusHolds(live, {{"observedGeneration", 1}}));
  EXPECT_FALSE(statusHolds(json::object(), {{"attachedRoutes", 2}}));
  EXPECT_TRUE(statusHolds(json::object(), json::object()));
}

TEST(StatusWrites, ANullFieldHoldsWhenTheStatusLacksIt) {
  json live = {{"status", {{"attachedRoutes", 2}, {"openCircuits", json::array({"x"})}}}};
  EXPECT_FALSE(statusHolds(live, {{"openCircuits", nullptr}}));  // present: the patch must remove it
  live["status"].erase("openCircuits");
  EXPECT_TRUE(statusHolds(live, {{"attachedRoutes", 2}, {"openCircuits", nullptr}}));
  EXPECT_TRUE(statusHolds(json::object(), {{"openCircuits", nullptr}}));
}

TEST(StatusWrites, EventsForReasonChangesButNotForPending) {
  RecordingSink sink;
  std::vector<json> events;
  {
    runtime::EventRecorder recorder(sink);
    json route = {{"apiVersion", "flotilla.io/v1alpha1"},
                  {"kind", "Route"},
                  {"metadata", {{"name", "users"}, {"namespace", "shop"}, {"uid", "u1"}}}};
    json before = json::array({condition("Accepted", "True", "Accepted"), condition("Programmed", "True", "Programmed"),
                               condition("ResolvedRefs", "True", "ResolvedRefs")});
    json after = json::array({condition("Accepted", "False", "Conflicted"), condition("Programmed", "False", "Pending"),
                              condition("ResolvedRefs", "True", "ResolvedRefs")});
    recordConditionEvents(recorder, route, before, after, "Gateway shop/public: ");
    recordConditionEvents(recorder, route, after, after, "Gateway shop/public: ");  // nothing changed
    recordConditionEvents(recorder, route, json::array(), json::array({condition("Accepted", "True", "Accepted")}));
    recorder.flush();
    events = sink.events();
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_EQ(events[0]["reason"], "Conflicted");
  EXPECT_EQ(events[0]["message"], "Gateway shop/public: Accepted: Conflicted message");
  EXPECT_EQ(events[0]["involvedObject"]["name"], "users");
  EXPECT_EQ(events[1]["type"], "Normal");
  EXPECT_EQ(events[1]["reason"], "Accepted");
}

}  // namespace
}  // namespace flotilla::controllers
