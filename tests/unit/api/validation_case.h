#pragma once
// Table-driven validation tests: each case is a JSON merge patch (RFC 7386) applied to a valid base object, and the
// field path (plus a message fragment) the validation must report, or no path when the patched object is valid.

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "api/parse.h"

namespace flotilla::api::testing {

struct ValidationCase {
  std::string name;
  nlohmann::json patch;
  std::string path;     // empty: the object must be valid
  std::string message;  // a fragment of the expected message (may be empty)
};

inline std::ostream& operator<<(std::ostream& out, const ValidationCase& c) {
  return out << c.name;
}

inline std::string describe(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n  " + e.toString();
  return out.empty() ? " (none)" : out;
}

inline FieldErrors errorsAfterPatch(const nlohmann::json& base, const nlohmann::json& patch) {
  nlohmann::json object = base;
  object.merge_patch(patch);
  return loadResource(object).errors;
}

inline void expectCase(const nlohmann::json& base, const ValidationCase& c) {
  const auto errors = errorsAfterPatch(base, c.patch);
  if (c.path.empty()) {
    EXPECT_TRUE(errors.empty()) << c.name << " should be valid, got:" << describe(errors);
    return;
  }
  bool found = false;
  for (const auto& e : errors) {
    found = found || (e.path == c.path && e.message.find(c.message) != std::string::npos);
  }
  EXPECT_TRUE(found) << c.name << ": expected \"" << c.path << ": ..." << c.message
                     << "...\", got:" << describe(errors);
}

// Case names become gtest parameter names: only alphanumerics and '_'.
inline std::string caseName(const ::testing::TestParamInfo<ValidationCase>& info) {
  std::string out;
  for (char c : info.param.name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace flotilla::api::testing
