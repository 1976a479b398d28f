#include "apiserver/field_set.h"

#include "api/yaml.h"

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

std::string formatValue(const json& value) {
  return value.is_string() ? api::doubleQuoted(value.get<std::string>()) : value.dump();
}

std::string formatElement(const std::string& element) {
  if (element.size() < 2 || element[1] != ':') return "." + element;
  const std::string body = element.substr(2);
  switch (element[0]) {
    case 'f':
      return "." + body;
    case 'i':
      return "[" + body + "]";
    case 'v': {
      json value = json::parse(body, nullptr, false);
      return "[=" + (value.is_discarded() ? body : formatValue(value)) + "]";
    }
    case 'k': {
      json keys = json::parse(body, nullptr, false);
      if (!keys.is_object()) return "[" + body + "]";
      std::string out;
      for (const auto& [name, value] : keys.items()) out += (out.empty() ? "" : ",") + name + "=" + formatValue(value);
      return "[" + out + "]";
    }
    default:
      return "." + element;
  }
}

bool validElement(const std::string& element) {
  if (element.size() < 2 || element[1] != ':') return false;
  char kind = element[0];
  return kind == 'f' || kind == 'k' || kind == 'v' || kind == 'i';
}

}  // namespace

std::string fieldElement(std::string_view name) {
  return "f:" + std::string(name);
}
std::string keyElement(const json& keys) {
  return "k:" + keys.dump();
}
std::string valueElement(const json& value) {
  return "v:" + value.dump();
}

std::string formatFieldPath(const FieldPath& path) {
  std::string out;
  for (const std::string& element : path) out += formatElement(element);
  return out;
}

const FieldSet* FieldSet::child(const std::string& element) const {
  auto it = children_.find(element);
  return it == children_.end() ? nullptr : &it->second;
}

void FieldSet::insert(const FieldPath& path) {
  FieldSet* node = this;
  for (const std::string& element : path) node = &node->children_[element];
  node->member_ = true;
}

bool FieldSet::has(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const std::string& element : path) {
    node = node->child(element);
    if (node == nullptr) return false;
  }
  return node->member_;
}

void FieldSet::prune() {
  for (auto it = children_.begin(); it != children_.end();) {
    if (it->second.empty()) {
      it = children_.erase(it);
    } else {
      ++it;
    }
  }
}

FieldSet FieldSet::unionWith(const FieldSet& other) const {
  FieldSet out = *this;
  out.member_ = member_ || other.member_;
  for (const auto& [element, child] : other.children_) out.children_[element] = out.children_[element].unionWith(child);
  return out;
}

FieldSet FieldSet::difference(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && !other.member_;
  for (const auto& [element, child] : children_) {
    const FieldSet* removed = other.child(element);
    out.children_[element] = removed ? child.difference(*removed) : child;
  }
  out.prune();
  return out;
}

FieldSet FieldSet::intersection(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && other.member_;
  for (const auto& [element, child] : children_)
    if (const FieldSet* both = other.child(element)) out.children_[element] = child.intersection(*both);
  out.prune();
  return out;
}

FieldSet FieldSet::withoutSubtrees(const FieldSet& roots) const {
  if (roots.member_) return {};
  FieldSet out;
  out.member_ = member_;
  for (const auto& [element, child] : children_) {
    const FieldSet* root = roots.child(element);
    out.children_[element] = root ? child.withoutSubtrees(*root) : child;
  }
  out.prune();
  return out;
}

void FieldSet::collect(FieldPath& prefix, std::vector<FieldPath>& out) const {
  if (member_) out.push_back(prefix);
  for (const auto& [element, child] : children_) {
    prefix.push_back(element);
    child.collect(prefix, out);
    prefix.pop_back();
  }
}

std::vector<FieldPath> FieldSet::members() const {
  std::vector<FieldPath> out;
  FieldPath prefix;
  collect(prefix, out);
  return out;
}

json FieldSet::toFieldsV1() const {
  json out = json::object();
  for (const auto& [element, child] : children_) {
    json node = child.toFieldsV1();
    if (child.member_ && !child.children_.empty()) node["."] = json::object();
    out[element] = std::move(node);
  }
  return out;
}

std::optional<FieldSet> FieldSet::fromFieldsV1(const json& fieldsV1, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<FieldSet> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  if (!fieldsV1.is_object()) return fail("FieldsV1 must be an object");
  FieldSet out;
  for (const auto& [element, value] : fieldsV1.items()) {
    if (element == ".") {
      out.member_ = true;
      continue;
    }
    if (!validElement(element)) return fail("invalid FieldsV1 path element " + element);
    std::optional<FieldSet> child = fromFieldsV1(value, error);
    if (!child) return std::nullopt;
    // A leaf (`{}`) is a member; a node with children is one only when it says "." itself.
    if (value.empty()) child->member_ = true;
    out.children_[element] = std::move(*child);
  }
  return out;
}

}  // namespace flotilla::apiserver
