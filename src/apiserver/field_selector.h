#pragma once
// Field selectors (`metadata.name=web,status.phase!=Running`) over the fields a resource makes selectable.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_info.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

class FieldSelector {
 public:
  struct Term {
    std::string field;  // dotted path, "metadata.name"
    bool negated = false;
    std::string value;
  };

  // Rejects fields the resource does not support (400 "field label not supported: ...").
  static Result<FieldSelector> parse(std::string_view text, const ResourceInfo& resource);

  bool empty() const { return terms_.empty(); }
  bool matches(const nlohmann::json& object) const;
  // The name an equality term on metadata.name pins, for a fast lookup.
  std::optional<std::string> exactName() const;
  const std::vector<Term>& terms() const { return terms_; }

 private:
  std::vector<Term> terms_;
};

}  // namespace flotilla::apiserver
