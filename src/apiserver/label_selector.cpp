#include "apiserver/label_selector.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on commas that are not inside parentheses.
std::vector<std::string_view> splitTerms(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

bool validKey(std::string_view key) {
  if (key.empty() || key.size() > 317) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

ApiError parseError(std::string_view term, std::string_view why) {
  return errors::badRequest("unable to parse requirement: " + std::string(why) + " in \"" + std::string(term) + "\"");
}

// Parses "key in (a,b)" / "key notin (a,b)"; returns false when the term is not set-based.
bool parseSetTerm(std::string_view term, LabelSelector::Requirement& out, std::string& error) {
  size_t open = term.find('(');
  if (open == std::string_view::npos) return false;
  std::string_view head = trim(term.substr(0, open));
  size_t space = head.find_last_of(" \t");
  if (space == std::string_view::npos) return false;
  std::string_view op = trim(head.substr(space + 1));
  if (op != "in" && op != "notin") return false;
  out.key = std::string(trim(head.substr(0, space)));
  out.op = op == "in" ? LabelSelector::Op::In : LabelSelector::Op::NotIn;
  if (term.back() != ')') {
    error = "found '" + std::string(term.substr(term.size() - 1)) + "', expected: ')'";
    return true;
  }
  std::string_view inner = term.substr(open + 1, term.size() - open - 2);
  size_t start = 0;
  for (size_t i = 0; i <= inner.size(); ++i) {
    if (i == inner.size() || inner[i] == ',') {
      std::string_view v = trim(inner.substr(start, i - start));
      if (!v.empty()) out.values.emplace_back(v);
      start = i + 1;
    }
  }
  return true;
}

}  // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  text = trim(text);
  if (text.empty()) return selector;
  for (std::string_view raw : splitTerms(text)) {
    std::string_view term = trim(raw);
    if (term.empty()) return parseError(text, "found '', expected: identifier");
    Requirement req;
    std::string setError;
    if (parseSetTerm(term, req, setError)) {
      if (!setError.empty()) return parseError(term, setError);
    } else if (term.front() == '!') {
      req.key = std::string(trim(term.substr(1)));
      req.op = Op::DoesNotExist;
    } else if (size_t pos = term.find("!="); pos != std::string_view::npos) {
      req.key = std::string(trim(term.substr(0, pos)));
      req.op = Op::NotEquals;
      req.values.emplace_back(trim(term.substr(pos + 2)));
    } else if (size_t pos = term.find("=="); pos != std::string_view::npos) {
      req.key = std::string(trim(term.substr(0, pos)));
      req.op = Op::Equals;
      req.values.emplace_back(trim(term.substr(pos + 2)));
    } else if (size_t pos = term.find('='); pos != std::string_view::npos) {
      req.key = std::string(trim(term.substr(0, pos)));
      req.op = Op::Equals;
      req.values.emplace_back(trim(term.substr(pos + 1)));
    } else if (size_t pos = term.find_first_of("<>"); pos != std::string_view::npos) {
      req.key = std::string(trim(term.substr(0, pos)));
      req.op = term[pos] == '>' ? Op::GreaterThan : Op::LessThan;
      req.values.emplace_back(trim(term.substr(pos + 1)));
    } else {
      req.key = std::string(term);
      req.op = Op::Exists;
    }
    if (!validKey(req.key)) return parseError(term, "invalid label key \"" + req.key + "\"");
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

Result<LabelSelector> LabelSelector::fromJson(const json& selector) {
  LabelSelector out;
  if (!selector.is_object()) return out;
  if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      out.requirements_.push_back({key, Op::Equals, {value.is_string() ? value.get<std::string>() : value.dump()}});
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && it->is_array()) {
    for (const auto& expr : *it) {
      Requirement req;
      req.key = expr.value("key", "");
      std::string op = expr.value("operator", "");
      if (op == "In") {
        req.op = Op::In;
      } else if (op == "NotIn") {
        req.op = Op::NotIn;
      } else if (op == "Exists") {
        req.op = Op::Exists;
      } else if (op == "DoesNotExist") {
        req.op = Op::DoesNotExist;
      } else {
        return errors::badRequest("\"" + op + "\" is not a valid label selector operator");
      }
      if (auto values = expr.find("values"); values != expr.end() && values->is_array()) {
        for (const auto& v : *values) req.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      }
      out.requirements_.push_back(std::move(req));
    }
  }
  return out;
}

bool LabelSelector::matches(const json& labels) const {
  for (const auto& req : requirements_) {
    const json* value = nullptr;
    if (labels.is_object()) {
      auto it = labels.find(req.key);
      if (it != labels.end()) value = &*it;
    }
    std::string actual = value && value->is_string() ? value->get<std::string>() : std::string();
    auto inValues = [&] { return std::find(req.values.begin(), req.values.end(), actual) != req.values.end(); };
    switch (req.op) {
      case Op::Equals:
      case Op::In:
        if (!value || !inValues()) return false;
        break;
      case Op::NotEquals:
      case Op::NotIn:
        if (value && inValues()) return false;
        break;
      case Op::Exists:
        if (!value) return false;
        break;
      case Op::DoesNotExist:
        if (value) return false;
        break;
      case Op::GreaterThan:
      case Op::LessThan: {
        if (!value || req.values.empty()) return false;
        char* end = nullptr;
        long long have = std::strtoll(actual.c_str(), &end, 10);
        if (end == actual.c_str() || *end) return false;
        long long want = std::strtoll(req.values.front().c_str(), nullptr, 10);
        if (req.op == Op::GreaterThan ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

bool LabelSelector::matchesObject(const json& object) const {
  if (requirements_.empty()) return true;
  const json* labels = meta::find(object, "metadata.labels");
  return matches(labels ? *labels : json());
}

std::string LabelSelector::toString() const {
  std::string out;
  auto join = [](const std::vector<std::string>& values) {
    std::string s;
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + values[i];
    return s;
  };
  for (const auto& req : requirements_) {
    if (!out.empty()) out += ",";
    switch (req.op) {
      case Op::Equals:
        out += req.key + "=" + (req.values.empty() ? "" : req.values.front());
        break;
      case Op::NotEquals:
        out += req.key + "!=" + (req.values.empty() ? "" : req.values.front());
        break;
      case Op::In:
        out += req.key + " in (" + join(req.values) + ")";
        break;
      case Op::NotIn:
        out += req.key + " notin (" + join(req.values) + ")";
        break;
      case Op::Exists:
        out += req.key;
        break;
      case Op::DoesNotExist:
        out += "!" + req.key;
        break;
      case Op::GreaterThan:
        out += req.key + ">" + (req.values.empty() ? "" : req.values.front());
        break;
      case Op::LessThan:
        out += req.key + "<" + (req.values.empty() ? "" : req.values.front());
        break;
    }
  }
  return out;
}

}  // namespace flotilla::apiserver
