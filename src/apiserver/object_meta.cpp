#include "apiserver/object_meta.h"

#include <algorithm>
#include <charconv>

namespace flotilla::apiserver::meta {

using nlohmann::json;

namespace {
template <typename Visit>
void forEachSegment(std::string_view path, Visit visit) {
  if (!path.empty() && path.front() == '.') path.remove_prefix(1);
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    if (!visit(segment)) return;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
}
}  // namespace

const json* find(const json& object, std::string_view dottedPath) {
  const json* current = &object;
  bool found = true;
  forEachSegment(dottedPath, [&](std::string_view segment) {
    if (!current->is_object()) {
      found = false;
      return false;
    }
    auto it = current->find(segment);
    if (it == current->end()) {
      found = false;
      return false;
    }
    current = &*it;
    return true;
  });
  return found ? current : nullptr;
}

json* ensure(json& object, std::string_view dottedPath) {
  json* current = &object;
  bool ok = true;
  forEachSegment(dottedPath, [&](std::string_view segment) {
    if (current->is_null()) *current = json::object();
    if (!current->is_object()) {
      ok = false;
      return false;
    }
    current = &(*current)[std::string(segment)];
    return true;
  });
  return ok ? current : nullptr;
}

std::string stringAt(const json& object, std::string_view dottedPath) {
  const json* value = find(object, dottedPath);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

std::string name(const json& object) {
  return stringAt(object, "metadata.name");
}
std::string namespaceOf(const json& object) {
  return stringAt(object, "metadata.namespace");
}
std::string uid(const json& object) {
  return stringAt(object, "metadata.uid");
}

std::uint64_t resourceVersion(const json& object) {
  std::string text = stringAt(object, "metadata.resourceVersion");
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return value;
}

std::int64_t generation(const json& object) {
  const json* value = find(object, "metadata.generation");
  return value && value->is_number_integer() ? value->get<std::int64_t>() : 0;
}

bool isDeleting(const json& object) {
  const json* value = find(object, "metadata.deletionTimestamp");
  return value && value->is_string();
}

std::vector<std::string> finalizers(const json& object) {
  std::vector<std::string> out;
  const json* list = find(object, "metadata.finalizers");
  if (!list || !list->is_array()) return out;
  for (const auto& f : *list) {
    if (f.is_string()) out.push_back(f.get<std::string>());
  }
  return out;
}

bool hasFinalizer(const json& object, std::string_view finalizer) {
  auto all = finalizers(object);
  return std::find(all.begin(), all.end(), finalizer) != all.end();
}

void removeFinalizer(json& object, std::string_view finalizer) {
  json* list = find(object, "metadata.finalizers") ? &object["metadata"]["finalizers"] : nullptr;
  if (!list || !list->is_array()) return;
  json kept = json::array();
  for (const auto& f : *list) {
    if (!(f.is_string() && f.get<std::string>() == finalizer)) kept.push_back(f);
  }
  if (kept.empty()) {
    object["metadata"].erase("finalizers");
  } else {
    *list = std::move(kept);
  }
}

void addFinalizer(json& object, std::string_view finalizer) {
  if (hasFinalizer(object, finalizer)) return;
  json& list = object["metadata"]["finalizers"];
  if (!list.is_array()) list = json::array();
  list.push_back(std::string(finalizer));
}

bool removeOwnerReference(json& object, std::string_view ownerUid) {
  if (!find(object, "metadata.ownerReferences")) return false;
  json& refs = object["metadata"]["ownerReferences"];
  if (!refs.is_array()) return false;
  json kept = json::array();
  for (const auto& ref : refs) {
    if (!(ref.is_object() && ref.value("uid", "") == ownerUid)) kept.push_back(ref);
  }
  bool removed = kept.size() != refs.size();
  if (kept.empty()) {
    object["metadata"].erase("ownerReferences");
  } else {
    refs = std::move(kept);
  }
  return removed;
}

}  // namespace flotilla::apiserver::meta
