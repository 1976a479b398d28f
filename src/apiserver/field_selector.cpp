#include "apiserver/field_selector.h"

#include <algorithm>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits on unescaped commas and unescapes "\," "\=" "\\" in values, as fields.ParseSelector does.
std::vector<std::string> splitTerms(std::string_view text) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out.back() += text[i];
      out.back() += text[++i];
    } else if (text[i] == ',') {
      out.emplace_back();
    } else {
      out.back() += text[i];
    }
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::string fieldValue(const json& object, const std::string& field) {
  const json* value = meta::find(object, field);
  if (!value || value->is_null()) return "";
  if (value->is_string()) return value->get<std::string>();
  return value->dump();
}

}  // namespace

Result<FieldSelector> FieldSelector::parse(std::string_view text, const ResourceInfo& resource) {
  FieldSelector selector;
  text = trim(text);
  if (text.empty()) return selector;
  for (const std::string& raw : splitTerms(text)) {
    std::string_view term = trim(raw);
    Term parsed;
    size_t pos = term.find("!=");
    size_t width = 2;
    if (pos != std::string_view::npos) {
      parsed.negated = true;
    } else if ((pos = term.find("==")) != std::string_view::npos) {
      width = 2;
    } else if ((pos = term.find('=')) != std::string_view::npos) {
      width = 1;
    } else {
      return errors::badRequest("invalid selector: '" + std::string(text) + "'; can't understand '" +
                                std::string(term) + "'");
    }
    parsed.field = std::string(trim(term.substr(0, pos)));
    parsed.value = unescape(trim(term.substr(pos + width)));
    bool supported = parsed.field == "metadata.name" || parsed.field == "metadata.namespace" ||
                     std::find(resource.selectableFields.begin(), resource.selectableFields.end(), parsed.field) !=
                         resource.selectableFields.end();
    if (!supported) return errors::badRequest("field label not supported: " + parsed.field);
    selector.terms_.push_back(std::move(parsed));
  }
  return selector;
}

bool FieldSelector::matches(const json& object) const {
  for (const auto& term : terms_) {
    bool equal = fieldValue(object, term.field) == term.value;
    if (equal == term.negated) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::exactName() const {
  for (const auto& term : terms_) {
    if (term.field == "metadata.name" && !term.negated) return term.value;
  }
  return std::nullopt;
}

}  // namespace flotilla::apiserver
