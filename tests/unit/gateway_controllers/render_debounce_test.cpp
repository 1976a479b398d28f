// When a Gateway re-renders after a change it renders from (render_debounce.h): at once when the Gateway was idle,
// after the window when the change is part of a burst; each Gateway on its own.
#include "controllers/render_debounce.h"

#include <gtest/gtest.h>

#include "runtime/fake_clock.h"

namespace flotilla::controllers {
namespace {

using std::chrono::milliseconds;

constexpr auto kWindow = milliseconds(200);

TEST(RenderDebounce, ALoneChangeRendersAtOnce) {
  runtime::FakeClock clock;
  RenderDebounce debounce(kWindow, clock);
  EXPECT_EQ(debounce.delayFor("shop/public"), runtime::Duration::zero());
  clock.advance(milliseconds(500));
  EXPECT_EQ(debounce.delayFor("shop/public"), runtime::Duration::zero());
}

TEST(RenderDebounce, ChangesCloseTogetherWaitTheWindow) {
  runtime::FakeClock clock;
  RenderDebounce debounce(kWindow, clock);
  EXPECT_EQ(debounce.delayFor("shop/public"), runtime::Duration::zero());
  // A burst: every change within the window of the one before waits, however long the burst goes on.
  for (int i = 0; i < 10; ++i) {
    clock.advance(milliseconds(50));
    EXPECT_EQ(debounce.delayFor("shop/public"), kWindow) << "change " << i;
  }
  // Quiet for a whole window: the next change is alone again.
  clock.advance(kWindow);
  EXPECT_EQ(debounce.delayFor("shop/public"), runtime::Duration::zero());
}

TEST(RenderDebounce, GatewaysAreDebouncedSeparately) {
  runtime::FakeClock clock;
  RenderDebounce debounce(kWindow, clock);
  EXPECT_EQ(debounce.delayFor("shop/public"), runtime::Duration::zero());
  EXPECT_EQ(debounce.delayFor("shop/internal"), runtime::Duration::zero());
  clock.advance(milliseconds(10));
  EXPECT_EQ(debounce.delayFor("shop/public"), kWindow);
  EXPECT_EQ(debounce.delayFor("other/public"), runtime::Duration::zero());
}

TEST(RenderDebounce, ForgettingIdleGatewaysChangesNoAnswer) {
  runtime::FakeClock clock;
  RenderDebounce debounce(kWindow, clock);
  // More Gateways than it remembers without pruning; the last one changes again within the window.
  for (int i = 0; i < 1100; ++i) debounce.delayFor("ns/gw-" + std::to_string(i));
  clock.advance(milliseconds(100));
  EXPECT_EQ(debounce.delayFor("ns/gw-1099"), kWindow);
  clock.advance(kWindow);
  EXPECT_EQ(debounce.delayFor("ns/gw-0"), runtime::Duration::zero());
  EXPECT_EQ(debounce.delayFor("ns/gw-0"), kWindow);
}

}  // namespace
}  // namespace flotilla::controllers
