// Rollouts: a new image rolls the pods, the status shows Progressing with the new generation and then Ready; with
// rolloutOnConfigChange a change of a referenced ConfigMap rolls the pods too (and without it, does not).
#include "operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

// Every status the Microservice had, seen synchronously in the emulator's store.
class StatusHistory {
 public:
  StatusHistory(apiserver::ObjectStore& store, std::string name) : store_(store), name_(std::move(name)) {
    id_ = store_.addListener([this](const apiserver::ChangeEvent& event) {
      if (!event.object) return;
      const json& object = event.object->object;
      if (object.value("kind", "") != "Microservice" || runtime::nameOf(object) != name_) return;
      std::lock_guard lock(mutex_);
      statuses_.push_back(object.value("status", json::object()));
    });
  }
  ~StatusHistory() { store_.removeListener(id_); }
  // Whether some status of generation `generation` had condition `type` at `status`.
  bool saw(std::int64_t generation, const std::string& type, const std::string& status) const {
    std::lock_guard lock(mutex_);
    for (const auto& s : statuses_) {
      if (s.value("observedGeneration", 0) != generation) continue;
      for (const auto& c : s.value("conditions", json::array())) {
        if (c.value("type", "") == type && c.value("status", "") == status) return true;
      }
    }
    return false;
  }

 private:
  apiserver::ObjectStore& store_;
  const std::string name_;
  int id_ = 0;
  mutable std::mutex mutex_;
  std::vector<json> statuses_;
};

class RolloutTest : public OperatorTest {
 protected:
  std::string image(const std::string& name) {
    auto d = get(resources::kDeployments, name);
    return d ? (*d)["spec"]["template"]["spec"]["containers"][0].value("image", "") : "";
  }
  std::string configHash(const std::string& name) {
    auto d = get(resources::kDeployments, name);
    if (!d) return "";
    return (*d)["spec"]["template"]["metadata"]
        .value("annotations", json::object())
        .value("flotilla.io/config-hash", "");
  }
};

TEST_F(RolloutTest, NewImageProgressesThenBecomesReady) {
  startOperator();
  // Slow pods, so that the rollout is long enough to be seen; maxUnavailable 0 keeps the old pods until then.
  create(resources::kMicroservices,
         microservice("users", echoSpec({{"replicas", 2}, {"strategy", {{"maxSurge", 1}, {"maxUnavailable", 0}}}})));
  ASSERT_TRUE(eventually([&] { return settled("users"); }));
  const json degradedBefore = condition("users", "Degraded");
  StatusHistory history(server_->store(), "users");

  mergePatch(resources::kMicroservices, "users", {{"spec", {{"image", "flotilla/echo:2"}}}});
  EXPECT_TRUE(eventually([&] { return image("users") == "flotilla/echo:2"; }));
  ASSERT_TRUE(eventually([&] { return settled("users"); })) << status("users").dump(2);
  EXPECT_EQ(status("users")["observedGeneration"], 2);
  EXPECT_EQ(status("users")["updatedReplicas"], 2);
  EXPECT_TRUE(history.saw(2, "Progressing", "True")) << "the rollout was reported while it ran";
  EXPECT_TRUE(history.saw(2, "Ready", "False"));
  EXPECT_EQ(condition("users", "Progressing").value("status", ""), "False");
  // Degraded stayed False all along: its lastTransitionTime did not move.
  EXPECT_EQ(condition("users", "Degraded")["lastTransitionTime"], degradedBefore["lastTransitionTime"]);
  EXPECT_TRUE(eventually([&] {
    for (const auto& event : events("users", "Updated")) {
      if (event.value("message", "").find("Deployment users updated to the current spec") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
}

TEST_F(RolloutTest, ConfigMapChangeRollsOnlyOptedInServices) {
  create(resources::kConfigMaps,
         {{"metadata", {{"name", "settings"}, {"namespace", "shop"}}}, {"data", {{"GREETING", "hello"}}}});
  startOperator();
  const json envFrom = json::array({{{"configMapRef", {{"name", "settings"}}}}});
  create(resources::kMicroservices,
         microservice("opted", echoSpec({{"envFrom", envFrom}, {"rolloutOnConfigChange", true}})));
  create(resources::kMicroservices, microservice("plain", echoSpec({{"envFrom", envFrom}})));
  ASSERT_TRUE(eventually([&] { return settled("opted") && settled("plain"); }));
  const std::string hash = configHash("opted");
  EXPECT_FALSE(hash.empty());
  EXPECT_EQ(configHash("plain"), "");
  const json plainBefore = *get(resources::kDeployments, "plain");

  mergePatch(resources::kConfigMaps, "settings", {{"data", {{"GREETING", "bonjour"}}}});
  EXPECT_TRUE(eventually([&] { return !configHash("opted").empty() && configHash("opted") != hash; }));
  EXPECT_TRUE(eventually([&] { return settled("opted"); }));
  EXPECT_EQ((*get(resources::kDeployments, "plain"))["metadata"]["generation"], plainBefore["metadata"]["generation"]);
}

}  // namespace
}  // namespace flotilla::controllers::testing
