// Events recorded through the emulator: created once, then aggregated by PATCH.
#include <gtest/gtest.h>

#include "emulator_fixture.h"
#include "runtime/event_recorder.h"
#include "runtime/kube_adapters.h"

namespace flotilla::runtime::testing {
namespace {

class EventRecorderEmulatorTest : public EmulatorTest {};

TEST_F(EventRecorderEmulatorTest, RepeatedEventsBecomeOneEventWithACount) {
  createConfigMap("shop", "settings");
  auto object = setup_->get(kube::resources::kConfigMaps, "shop", "settings");
  ASSERT_TRUE(object.ok());

  KubeEventSink sink(connectClient());
  {
    EventRecorder recorder(sink);
    for (int i = 0; i < 3; ++i) recorder.warning(*object, "ApplyFailed", "conflict on data.k");
    recorder.normal(*object, "Applied", "all good");
    recorder.flush();
  }
  auto events = setup_->list(kube::resources::kEvents, "shop");
  ASSERT_TRUE(events.ok()) << events.error().toString();
  ASSERT_EQ(events->items.size(), 2u);
  std::map<std::string, nlohmann::json> byReason;
  for (auto& event : events->items) byReason[event.value("reason", "")] = event;
  EXPECT_EQ(byReason["ApplyFailed"]["count"], 3);
  EXPECT_EQ(byReason["ApplyFailed"]["type"], "Warning");
  EXPECT_EQ(byReason["ApplyFailed"]["involvedObject"]["name"], "settings");
  EXPECT_EQ(byReason["ApplyFailed"]["involvedObject"]["uid"], uidOf(*object));
  EXPECT_EQ(byReason["Applied"]["count"], 1);
  EXPECT_EQ(requests("create", "events").size(), 2u);
  EXPECT_EQ(requests("patch", "events").size(), 2u);
}

}  // namespace
}  // namespace flotilla::runtime::testing
