#include "apiserver/json_path.h"

#include <cctype>
#include <string>

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

struct Cursor {
  std::string_view text;
  size_t pos = 0;
  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
};

std::string readName(Cursor& c) {
  std::string name;
  while (!c.done() && c.peek() != '.' && c.peek() != '[') name += c.text[c.pos++];
  return name;
}

// A filter literal: "quoted", 'quoted', number, true/false.
json parseLiteral(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
    return std::string(text.substr(1, text.size() - 2));
  }
  if (text == "true") return true;
  if (text == "false") return false;
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(std::string(text)) : parsed;
}

std::vector<json> applyField(const std::vector<json>& values, const std::string& name) {
  std::vector<json> out;
  for (const auto& v : values) {
    if (v.is_object()) {
      auto it = v.find(name);
      if (it != v.end()) out.push_back(*it);
    }
  }
  return out;
}

bool filterMatches(const json& item, std::string_view expression) {
  // @.a.b == literal | @.a.b != literal | @.a.b (exists)
  size_t op = expression.find("==");
  bool negate = false;
  if (op == std::string_view::npos) {
    op = expression.find("!=");
    negate = op != std::string_view::npos;
  }
  std::string_view lhs = expression.substr(0, op);
  while (!lhs.empty() && lhs.back() == ' ') lhs.remove_suffix(1);
  if (lhs.substr(0, 1) != "@") return false;
  std::vector<json> found = evaluateJsonPath(item, lhs.substr(1));
  if (op == std::string_view::npos) return !found.empty();
  json literal = parseLiteral(expression.substr(op + 2));
  bool equal = !found.empty() && found.front() == literal;
  return negate ? !equal : equal;
}

}  // namespace

std::vector<json> evaluateJsonPath(const json& root, std::string_view path) {
  while (!path.empty() && path.front() == ' ') path.remove_prefix(1);
  if (path.size() >= 2 && path.front() == '{' && path.back() == '}') path = path.substr(1, path.size() - 2);
  if (!path.empty() && path.front() == '$') path.remove_prefix(1);
  std::vector<json> current = {root};
  Cursor c{path};
  while (!c.done() && !current.empty()) {
    char ch = c.peek();
    if (ch == '.') {
      ++c.pos;
      if (c.peek() == '.' || c.peek() == '[') continue;
      std::string name = readName(c);
      if (name.empty()) continue;
      current = applyField(current, name);
    } else if (ch == '[') {
      size_t close = c.text.find(']', c.pos);
      // Filters may contain ']' inside quotes only in exotic paths; the printer columns in use do not.
      if (c.text.compare(c.pos, 3, "[?(") == 0) close = c.text.find(")]", c.pos) + 1;
      if (close == std::string_view::npos || close == 0) return {};
      std::string_view inside = c.text.substr(c.pos + 1, close - c.pos - 1);
      c.pos = close + 1;
      std::vector<json> next;
      if (inside == "*") {
        for (const auto& v : current) {
          if (v.is_array()) {
            next.insert(next.end(), v.begin(), v.end());
          } else if (v.is_object()) {
            for (const auto& [key, member] : v.items()) next.push_back(member);
          }
        }
      } else if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"')) {
        next = applyField(current, std::string(inside.substr(1, inside.size() - 2)));
      } else if (inside.substr(0, 2) == "?(" && inside.back() == ')') {
        std::string_view expression = inside.substr(2, inside.size() - 3);
        for (const auto& v : current) {
          if (!v.is_array()) continue;
          for (const auto& item : v) {
            if (filterMatches(item, expression)) next.push_back(item);
          }
        }
      } else {
        char* end = nullptr;
        std::string number(inside);
        long index = std::strtol(number.c_str(), &end, 10);
        if (end == number.c_str() || *end) return {};
        for (const auto& v : current) {
          if (!v.is_array()) continue;
          long size = static_cast<long>(v.size());
          long at = index < 0 ? size + index : index;
          if (at >= 0 && at < size) next.push_back(v[static_cast<size_t>(at)]);
        }
      }
      current = std::move(next);
    } else {
      std::string name = readName(c);
      if (name.empty()) return {};
      current = applyField(current, name);
    }
  }
  return current;
}

}  // namespace flotilla::apiserver
