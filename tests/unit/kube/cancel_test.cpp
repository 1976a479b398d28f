#include "kube/cancel.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace flotilla::kube {
namespace {

TEST(Cancel, DefaultTokenIsNeverCancelled) {
  CancelToken token;
  EXPECT_FALSE(token.cancelled());
  EXPECT_FALSE(token.canBeCancelled());
  EXPECT_TRUE(token.waitFor(std::chrono::milliseconds(1)));
}

TEST(Cancel, CallbacksRunOnceOnCancel) {
  CancelSource source;
  int calls = 0;
  auto registration = source.token().onCancel([&] { ++calls; });
  EXPECT_EQ(calls, 0);
  source.cancel();
  source.cancel();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(source.token().cancelled());
}

TEST(Cancel, DroppedRegistrationDoesNotRun) {
  CancelSource source;
  int calls = 0;
  {
    auto registration = source.token().onCancel([&] { ++calls; });
  }
  source.cancel();
  EXPECT_EQ(calls, 0);
}

TEST(Cancel, RegisteringOnCancelledTokenRunsAtOnce) {
  CancelSource source;
  source.cancel();
  int calls = 0;
  auto registration = source.token().onCancel([&] { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(Cancel, WaitForWakesOnCancelFromAnotherThread) {
  CancelSource source;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    source.cancel();
  });
  EXPECT_FALSE(source.token().waitFor(std::chrono::seconds(60)));
  canceller.join();
}

TEST(Cancel, LinkedSourceFollowsParent) {
  CancelSource parent;
  CancelSource child(parent.token());
  CancelSource unrelated;
  parent.cancel();
  EXPECT_TRUE(child.cancelled());
  EXPECT_FALSE(unrelated.cancelled());
  CancelSource child2(parent.token());  // linked after the fact: cancelled at once
  EXPECT_TRUE(child2.cancelled());
}

TEST(Cancel, RegistrationDestructorWaitsForRunningCallback) {
  CancelSource source;
  std::atomic<bool> started{false}, finished{false};
  auto registration = std::make_unique<CancelRegistration>(source.token().onCancel([&] {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finished = true;
  }));
  std::thread canceller([&] { source.cancel(); });
  while (!started) std::this_thread::yield();
  registration.reset();  // must block until the callback has returned
  EXPECT_TRUE(finished);
  canceller.join();
}

}  // namespace
}  // namespace flotilla::kube
