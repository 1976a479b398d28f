#pragma once
// Keeps expected warnings and errors (failed lists, dropped watches, reconcile errors...) out of test output.
// FLOTILLA_TEST_LOG=debug (or any spdlog level) turns them back on when investigating a failure.

#include <cstdlib>

#include <spdlog/spdlog.h>

namespace flotilla::runtime::testing {

inline bool quietTestLogs() {
  const char* level = std::getenv("FLOTILLA_TEST_LOG");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::off);
  return true;
}

}  // namespace flotilla::runtime::testing
