#include "../../unit/runtime/quiet_logs.h"

namespace {
const bool kQuiet = flotilla::runtime::testing::quietTestLogs();
}  // namespace
