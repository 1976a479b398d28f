#include "api/schema_rules.h"

#include <algorithm>
#include <regex>
#include <set>

namespace flotilla::api {
namespace {

using nlohmann::json;

// CEL's has(self.field) on an object.
bool has(const json& self, const char* field) {
  return self.is_object() && self.contains(field);
}

// The field as an integer or string, when it is one; rules skip fields of the wrong type.
const json* integerField(const json& self, const char* field) {
  if (!has(self, field)) return nullptr;
  const json& value = self.at(field);
  return value.is_number_integer() ? &value : nullptr;
}

bool stringFieldEquals(const json& self, const char* field, std::string_view expected) {
  if (!has(self, field)) return false;
  const json& value = self.at(field);
  return value.is_string() && value.get_ref<const std::string&>() == expected;
}

// '/' then unreserved characters, '/' and %XX escapes: the paths that may reach haproxy.cfg (URL_PATH in
// hack/gen-crds.py).
constexpr const char* kUrlPathPattern = "^/([-A-Za-z0-9/._~]|%[0-9A-Fa-f]{2})*$";

bool replicasOrAutoscaling(const json& self) {
  return !(has(self, "replicas") && has(self, "autoscaling"));
}

bool maxReplicasAtLeastMin(const json& self) {
  const json* min = integerField(self, "minReplicas");
  const json* max = integerField(self, "maxReplicas");
  return min == nullptr || max == nullptr || max->get<std::int64_t>() >= min->get<std::int64_t>();
}

bool exactlyOneBudget(const json& self) {
  return has(self, "minAvailable") != has(self, "maxUnavailable");
}

bool exactlyOneRewrite(const json& self) {
  return has(self, "pathPrefix") != has(self, "fullPath");
}

bool absolutePathUnlessRegex(const json& self) {
  if (stringFieldEquals(self, "type", "RegularExpression")) return true;
  if (!has(self, "value") || !self.at("value").is_string()) return true;
  // Values are at most 1024 bytes (maxLength), far below where std::regex's recursion could exhaust a stack.
  static const std::regex kUrlPath(kUrlPathPattern);
  return std::regex_search(self.at("value").get_ref<const std::string&>(), kUrlPath);
}

bool someBackendWeighted(const json& self) {
  if (!self.is_array()) return true;
  return std::any_of(self.begin(), self.end(), [](const json& backend) {
    if (!has(backend, "weight")) return true;
    const json* weight = integerField(backend, "weight");
    return weight == nullptr || weight->get<std::int64_t>() > 0;
  });
}

bool httpsHasTls(const json& self) {
  return !stringFieldEquals(self, "protocol", "HTTPS") || has(self, "tls");
}

bool uniqueListenerPorts(const json& self) {
  if (!self.is_array()) return true;
  std::set<std::int64_t> seen;
  for (const json& listener : self) {
    const json* port = integerField(listener, "port");
    if (port != nullptr && !seen.insert(port->get<std::int64_t>()).second) return false;
  }
  return true;
}

bool selectorWhenFromSelector(const json& self) {
  return !stringFieldEquals(self, "from", "Selector") || has(self, "selector");
}

struct Twin {
  std::string text;
  RuleCheck check;
};

const std::vector<Twin>& twins() {
  static const std::vector<Twin> kTwins = {
      {"!(has(self.replicas) && has(self.autoscaling))", replicasOrAutoscaling},
      {"!has(self.minReplicas) || self.maxReplicas >= self.minReplicas", maxReplicasAtLeastMin},
      {"has(self.minAvailable) != has(self.maxUnavailable)", exactlyOneBudget},
      {"has(self.pathPrefix) != has(self.fullPath)", exactlyOneRewrite},
      {std::string("self.type == 'RegularExpression' || self.value.matches('") + kUrlPathPattern + "')",
       absolutePathUnlessRegex},
      {"self.exists(b, !has(b.weight) || b.weight > 0)", someBackendWeighted},
      {"self.protocol != 'HTTPS' || has(self.tls)", httpsHasTls},
      {"self.all(l, self.exists_one(m, m.port == l.port))", uniqueListenerPorts},
      {"self.from != 'Selector' || has(self.selector)", selectorWhenFromSelector},
  };
  return kTwins;
}

}  // namespace

RuleCheck findRuleCheck(std::string_view ruleText) {
  for (const Twin& twin : twins()) {
    if (twin.text == ruleText) return twin.check;
  }
  return nullptr;
}

std::vector<std::string> knownRuleTexts() {
  std::vector<std::string> texts;
  for (const Twin& twin : twins()) texts.push_back(twin.text);
  return texts;
}

}  // namespace flotilla::api
