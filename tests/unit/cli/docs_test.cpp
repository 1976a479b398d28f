// docs/cli.md documents every analysis finding code (cli/analysis.h) with its severity, so the table people read
// cannot drift from what `flotilla render` prints.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/analysis.h"

namespace flotilla::cli {
namespace {

TEST(CliDocs, EveryFindingCodeHasARowWithItsSeverity) {
  std::ifstream in(std::string(FLOTILLA_SOURCE_DIR) + "/docs/cli.md");
  ASSERT_TRUE(in) << "docs/cli.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::pair<const char*, Severity> codes[] = {
      {finding_code::kUnusedBreakerPolicy, Severity::Warning},
      {finding_code::kShadowedRoute, Severity::Warning},
      {finding_code::kMicroserviceWithoutRoute, Severity::Info},
      {finding_code::kMaxReplicasBelowCurrent, Severity::Warning},
      {finding_code::kRouteBackendNotFound, Severity::Error},
      {finding_code::kRouteGatewayNotFound, Severity::Warning},
  };
  for (const auto& [code, severity] : codes) {
    const std::string row = "| " + std::string(code) + " | " + severityName(severity) + " |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs/cli.md has no row starting " << row;
  }
}

}  // namespace
}  // namespace flotilla::cli
