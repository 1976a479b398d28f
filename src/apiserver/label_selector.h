#pragma once
// Label selectors: the query syntax (`app=web,tier!=db,env in (a,b),!legacy`) and metav1.LabelSelector
// (matchLabels / matchExpressions), both matched against an object's metadata.labels.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/result.h"

namespace flotilla::apiserver {

class LabelSelector {
 public:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan };
  struct Requirement {
    std::string key;
    Op op = Op::Exists;
    std::vector<std::string> values;
  };

  // Empty text selects everything. Errors are 400s worded like kube-apiserver's.
  static Result<LabelSelector> parse(std::string_view text);
  // metav1.LabelSelector JSON; null selects everything (callers decide what a missing selector means).
  static Result<LabelSelector> fromJson(const nlohmann::json& selector);

  bool empty() const { return requirements_.empty(); }
  bool matches(const nlohmann::json& labels) const;  // labels: object of strings (null = none)
  bool matchesObject(const nlohmann::json& object) const;
  // Canonical query form ("app=web,env in (a,b)"), as Scale.status.selector carries it.
  std::string toString() const;
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace flotilla::apiserver
