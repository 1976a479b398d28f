#include "runtime/event_recorder.h"

#include <gtest/gtest.h>

#include <future>
#include <regex>

#include "kube/errors.h"
#include "runtime/fake_clock.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;

class FakeEventSink final : public EventSink {
 public:
  kube::Result<nlohmann::json> create(const nlohmann::json& event) override {
    waitIfBlocked();
    std::lock_guard lock(mutex_);
    created.push_back(event);
    stored[event["metadata"]["name"].get<std::string>()] = event;
    return event;
  }
  kube::Result<nlohmann::json> patch(const std::string& ns, const std::string& name,
                                     const nlohmann::json& mergePatch) override {
    waitIfBlocked();
    std::lock_guard lock(mutex_);
    patches.push_back({ns, name, mergePatch});
    auto it = stored.find(name);
    if (it == stored.end()) return kube::errorFromResponse(404, R"({"kind":"Status","code":404,"reason":"NotFound"})");
    it->second.merge_patch(mergePatch);
    return it->second;
  }

  void block() { blocked_ = true; }
  void unblock() {
    std::lock_guard lock(mutex_);
    blocked_ = false;
    cv_.notify_all();
  }
  void forget(const std::string& name) {
    std::lock_guard lock(mutex_);
    stored.erase(name);
  }

  struct Patch {
    std::string ns, name;
    nlohmann::json body;
  };
  std::mutex mutex_;
  std::vector<nlohmann::json> created;
  std::vector<Patch> patches;
  std::map<std::string, nlohmann::json> stored;

 private:
  void waitIfBlocked() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !blocked_; });
  }
  std::condition_variable cv_;
  bool blocked_ = false;
};

nlohmann::json microservice(const std::string& name) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Microservice"},
          {"metadata", {{"namespace", "shop"}, {"name", name}, {"uid", "uid-" + name}, {"resourceVersion", "7"}}}};
}

EventRecorderOptions options() {
  EventRecorderOptions options;
  options.component = "flotilla-operator";
  options.host = "flotilla-7d9f";
  return options;
}

TEST(EventRecorder, CreatesACoreV1Event) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  recorder.normal(microservice("users"), "Applied", "applied Deployment shop/users");
  recorder.flush();
  ASSERT_EQ(sink.created.size(), 1u);
  const auto& event = sink.created[0];
  EXPECT_EQ(event["apiVersion"], "v1");
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_TRUE(std::regex_match(event["metadata"]["name"].get<std::string>(), std::regex("users\\.[0-9a-f]+")));
  EXPECT_EQ(event["metadata"]["namespace"], "shop");
  EXPECT_EQ(event["involvedObject"], (nlohmann::json{{"apiVersion", "flotilla.io/v1alpha1"},
                                                     {"kind", "Microservice"},
                                                     {"namespace", "shop"},
                                                     {"name", "users"},
                                                     {"uid", "uid-users"},
                                                     {"resourceVersion", "7"}}));
  EXPECT_EQ(event["reason"], "Applied");
  EXPECT_EQ(event["message"], "applied Deployment shop/users");
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["source"], (nlohmann::json{{"component", "flotilla-operator"}, {"host", "flotilla-7d9f"}}));
  EXPECT_EQ(event["count"], 1);
  EXPECT_EQ(event["firstTimestamp"], event["lastTimestamp"]);
  EXPECT_TRUE(std::regex_match(event["firstTimestamp"].get<std::string>(),
                               std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")));
  EXPECT_EQ(event["reportingComponent"], "flotilla-operator");
  EXPECT_EQ(event["reportingInstance"], "flotilla-7d9f");
}

TEST(EventRecorder, RepeatsWithinTheWindowBumpTheCountInsteadOfCreating) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  for (int i = 0; i < 3; ++i) {
    recorder.warning(microservice("users"), "ApplyFailed", "conflict on spec.replicas");
    clock.advance(1min);
  }
  recorder.flush();
  ASSERT_EQ(sink.created.size(), 1u);
  ASSERT_EQ(sink.patches.size(), 2u);
  EXPECT_EQ(sink.patches[0].name, sink.created[0]["metadata"]["name"]);
  EXPECT_EQ(sink.patches[0].ns, "shop");
  EXPECT_EQ(sink.patches[0].body["count"], 2);
  EXPECT_EQ(sink.patches[1].body["count"], 3);
  const auto& stored = sink.stored.begin()->second;
  EXPECT_EQ(stored["count"], 3);
  EXPECT_NE(stored["lastTimestamp"], stored["firstTimestamp"]);
}

TEST(EventRecorder, DifferentMessageReasonTypeOrObjectIsANewEvent) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  recorder.warning(microservice("users"), "ApplyFailed", "one");
  recorder.warning(microservice("users"), "ApplyFailed", "two");
  recorder.warning(microservice("users"), "Other", "one");
  recorder.normal(microservice("users"), "ApplyFailed", "one");
  recorder.warning(microservice("orders"), "ApplyFailed", "one");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 5u);
  EXPECT_TRUE(sink.patches.empty());
}

TEST(EventRecorder, AfterTheWindowARepeatIsANewEvent) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  recorder.normal(microservice("users"), "Scaled", "3 replicas");
  recorder.flush();
  clock.advance(11min);
  recorder.normal(microservice("users"), "Scaled", "3 replicas");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 2u);
}

TEST(EventRecorder, AnEventThatExpiredOnTheServerIsCreatedAgain) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  recorder.normal(microservice("users"), "Scaled", "3 replicas");
  recorder.flush();
  sink.forget(sink.created[0]["metadata"]["name"]);
  clock.advance(1s);
  recorder.normal(microservice("users"), "Scaled", "3 replicas");
  recorder.flush();
  EXPECT_EQ(sink.patches.size(), 1u);
  EXPECT_EQ(sink.created.size(), 2u);
}

TEST(EventRecorder, RateLimitsEachObjectSeparately) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  for (int i = 0; i < 30; ++i) recorder.warning(microservice("users"), "Flapping", "attempt " + std::to_string(i));
  recorder.warning(microservice("orders"), "Flapping", "attempt 0");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 26u) << "25 for users (the burst), 1 for orders";
  EXPECT_EQ(recorder.dropped(), 5u);

  clock.advance(5min);  // one token back for users
  recorder.warning(microservice("users"), "Flapping", "later");
  recorder.warning(microservice("users"), "Flapping", "later still");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 27u);
  EXPECT_EQ(recorder.dropped(), 6u);
}

TEST(EventRecorder, NeverBlocksTheCallerEvenWhenTheServerHangs) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorderOptions small = options();
  small.maxQueued = 5;
  auto recorder = std::make_unique<EventRecorder>(sink, small, clock);
  sink.block();
  auto recording = std::async(std::launch::async, [&] {
    for (int i = 0; i < 50; ++i) recorder->normal(microservice("svc" + std::to_string(i)), "Applied", "ok");
  });
  ASSERT_EQ(recording.wait_for(10s), std::future_status::ready) << "event() blocked";
  EXPECT_GE(recorder->dropped(), 50u - 5u - 1u);
  sink.unblock();
  recorder->flush();
  EXPECT_EQ(sink.created.size() + recorder->dropped(), 50u);
}

TEST(EventRecorder, ClusterScopedObjectsGetEventsInDefault) {
  FakeClock clock;
  FakeEventSink sink;
  EventRecorder recorder(sink, options(), clock);
  recorder.normal({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "node-1"}}}}, "Seen", "hello");
  recorder.flush();
  ASSERT_EQ(sink.created.size(), 1u);
  EXPECT_EQ(sink.created[0]["metadata"]["namespace"], "default");
  EXPECT_FALSE(sink.created[0]["involvedObject"].contains("namespace"));
}

}  // namespace
}  // namespace flotilla::runtime
