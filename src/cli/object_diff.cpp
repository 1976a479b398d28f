#include "cli/object_diff.h"

#include <algorithm>
#include <sstream>

#include "api/quantity.h"
#include "api/yaml.h"
#include "controllers/owned_object_diff.h"

namespace flotilla::cli {
namespace {

bool allNamed(const nlohmann::json& list) {
  return std::all_of(list.begin(), list.end(),
                     [](const nlohmann::json& item) { return item.is_object() && item.contains("name"); });
}

bool allObjects(const nlohmann::json& list) {
  return std::all_of(list.begin(), list.end(), [](const nlohmann::json& item) { return item.is_object(); });
}

nlohmann::json project(const nlohmann::json& desired, const nlohmann::json& live, bool quantities);

nlohmann::json projectList(const nlohmann::json& desired, const nlohmann::json& live, bool quantities) {
  if (!desired.empty() && allNamed(desired)) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : desired) {
      auto match = std::find_if(live.begin(), live.end(), [&](const nlohmann::json& candidate) {
        return candidate.is_object() && candidate.value("name", nlohmann::json()) == item.at("name");
      });
      if (match != live.end()) out.push_back(project(item, *match, quantities));
    }
    return out;
  }
  if (desired.size() == live.size() && allObjects(desired)) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < desired.size(); ++i) out.push_back(project(desired[i], live[i], quantities));
    return out;
  }
  return live;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// One line of an edit script: ' ' kept, '-' only in a, '+' only in b.
struct Edit {
  char op;
  const std::string* text;
};

// Longest common subsequence by dynamic programming: the objects are at most a few thousand lines (a gateway's
// haproxy.cfg), so the quadratic table is small, and the result is the minimal diff.
std::vector<Edit> editScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', &a[i]});
      ++i, ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      edits.push_back({'+', &b[j]});
      ++j;
    } else {
      edits.push_back({'-', &a[i]});
      ++i;
    }
  }
  // diff -u lists removals before additions within a change.
  for (std::size_t k = 1; k < edits.size(); ++k) {
    for (std::size_t l = k; l > 0 && edits[l].op == '-' && edits[l - 1].op == '+'; --l)
      std::swap(edits[l], edits[l - 1]);
  }
  return edits;
}

std::string range(std::size_t start, std::size_t count) {
  // diff -u: "start,count"; a zero count names the line before; ",1" is left out.
  const std::size_t first = count == 0 ? start : start + 1;
  return count == 1 ? std::to_string(first) : std::to_string(first) + "," + std::to_string(count);
}

nlohmann::json withoutServerFields(nlohmann::json live) {
  live.erase("status");
  if (auto meta = live.find("metadata"); meta != live.end() && meta->is_object()) {
    for (const char* key : {"managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"}) {
      meta->erase(key);
    }
  }
  return live;
}

}  // namespace

namespace {

// As controllers/owned_object_diff.cpp compares: under resources requests/limits a quantity the server rewrote into
// its canonical form ("0.1" → "100m") is the same amount, so it is shown as written, not as a change.
nlohmann::json project(const nlohmann::json& desired, const nlohmann::json& live, bool quantities) {
  if (desired.is_object() && live.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : desired.items()) {
      auto found = live.find(key);
      if (found != live.end()) out[key] = project(value, *found, quantities || key == "requests" || key == "limits");
    }
    return out;
  }
  if (desired.is_array() && live.is_array()) return projectList(desired, live, quantities);
  if (quantities) {
    const auto a = api::Quantity::fromJson(desired), b = api::Quantity::fromJson(live);
    if (a && b && *a == *b) return desired;
  }
  return live;
}

}  // namespace

nlohmann::json projectOnto(const nlohmann::json& desired, const nlohmann::json& live) {
  return project(desired, live, false);
}

std::string unifiedDiff(const std::string& aName, const std::string& bName, const std::string& a, const std::string& b,
                        int context) {
  if (a == b) return "";
  const auto aLines = lines(a), bLines = lines(b);
  const auto edits = editScript(aLines, bLines);
  std::ostringstream out;
  out << "--- " << aName << "\n+++ " << bName << "\n";
  const std::size_t ctx = static_cast<std::size_t>(std::max(0, context));
  std::vector<std::size_t> changes;
  for (std::size_t k = 0; k < edits.size(); ++k) {
    if (edits[k].op != ' ') changes.push_back(k);
  }
  for (std::size_t c = 0; c < changes.size();) {
    // One hunk: changes closer than 2*ctx unchanged lines apart share it, with ctx lines around.
    std::size_t last = c;
    while (last + 1 < changes.size() && changes[last + 1] - changes[last] <= 2 * ctx + 1) ++last;
    const std::size_t start = changes[c] >= ctx ? changes[c] - ctx : 0;
    const std::size_t end = std::min(edits.size(), changes[last] + ctx + 1);
    std::size_t aStart = 0, bStart = 0, aCount = 0, bCount = 0;
    for (std::size_t t = 0; t < start; ++t) {
      if (edits[t].op != '+') ++aStart;
      if (edits[t].op != '-') ++bStart;
    }
    for (std::size_t t = start; t < end; ++t) {
      if (edits[t].op != '+') ++aCount;
      if (edits[t].op != '-') ++bCount;
    }
    out << "@@ -" << range(aStart, aCount) << " +" << range(bStart, bCount) << " @@\n";
    for (std::size_t t = start; t < end; ++t) out << edits[t].op << *edits[t].text << "\n";
    c = last + 1;
  }
  return out.str();
}

std::string describeObject(const nlohmann::json& object) {
  const auto& meta = object.value("metadata", nlohmann::json::object());
  const std::string ns = meta.value("namespace", "");
  return object.value("apiVersion", "") + " " + object.value("kind", "") + " " + (ns.empty() ? "" : ns + "/") +
         meta.value("name", "");
}

std::optional<ObjectChange> compareObject(const nlohmann::json& desired, const nlohmann::json& live) {
  const nlohmann::json intended = controllers::withAppliedHash(desired);
  const std::string what = describeObject(desired);
  if (live.is_null()) {
    return ObjectChange{ChangeKind::Create, what,
                        unifiedDiff("/dev/null", "desired " + what, "", api::toYaml(intended)), ""};
  }
  if (controllers::liveMatches(intended, live)) return std::nullopt;
  const nlohmann::json shown = projectOnto(intended, withoutServerFields(live));
  return ObjectChange{ChangeKind::Update, what,
                      unifiedDiff("live " + what, "desired " + what, api::toYaml(shown), api::toYaml(intended)), ""};
}

ObjectChange deletion(const nlohmann::json& live) {
  const std::string what = describeObject(live);
  nlohmann::json shown = withoutServerFields(live);
  if (auto meta = shown.find("metadata"); meta != shown.end()) meta->erase("ownerReferences");
  return {ChangeKind::Delete, what, unifiedDiff("live " + what, "/dev/null", api::toYaml(shown), ""), ""};
}

}  // namespace flotilla::cli
