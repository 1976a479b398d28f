#include "apiserver/resource_registry.h"

#include <algorithm>

namespace flotilla::apiserver {

ResourceRegistry::ResourceRegistry() {
  for (auto& info : builtinResources()) builtins_.push_back(std::make_shared<const ResourceInfo>(std::move(info)));
}

std::vector<ResourcePtr> ResourceRegistry::all() const {
  std::shared_lock lock(mutex_);
  std::vector<ResourcePtr> out = builtins_;
  std::vector<ResourcePtr> custom;
  for (const auto& [name, resources] : custom_) custom.insert(custom.end(), resources.begin(), resources.end());
  std::stable_sort(custom.begin(), custom.end(), [](const ResourcePtr& a, const ResourcePtr& b) {
    return std::tie(a->group, a->plural) < std::tie(b->group, b->plural);
  });
  out.insert(out.end(), custom.begin(), custom.end());
  return out;
}

ResourcePtr ResourceRegistry::find(const std::string& group, const std::string& version,
                                   const std::string& plural) const {
  std::shared_lock lock(mutex_);
  for (const auto& r : builtins_) {
    if (r->group == group && r->version == version && r->plural == plural) return r;
  }
  for (const auto& [name, resources] : custom_) {
    for (const auto& r : resources) {
      if (r->group == group && r->version == version && r->plural == plural) return r;
    }
  }
  return nullptr;
}

ResourcePtr ResourceRegistry::findByKind(const std::string& group, const std::string& version,
                                         const std::string& kind) const {
  for (const auto& r : all()) {
    if (r->group == group && r->version == version && r->kind == kind) return r;
  }
  return nullptr;
}

std::vector<ResourcePtr> ResourceRegistry::versionsOf(const std::string& storageKey) const {
  std::vector<ResourcePtr> out;
  for (const auto& r : all()) {
    if (r->storageKey() == storageKey) out.push_back(r);
  }
  return out;
}

std::vector<ResourcePtr> ResourceRegistry::inGroupVersion(const std::string& group, const std::string& version) const {
  std::vector<ResourcePtr> out;
  for (const auto& r : all()) {
    if (r->group == group && r->version == version) out.push_back(r);
  }
  return out;
}

std::vector<GroupVersions> ResourceRegistry::groups() const {
  std::vector<GroupVersions> out;
  for (const auto& r : all()) {
    auto it = std::find_if(out.begin(), out.end(), [&](const GroupVersions& g) { return g.group == r->group; });
    if (it == out.end()) {
      out.push_back({r->group, {r->version}});
    } else if (std::find(it->versions.begin(), it->versions.end(), r->version) == it->versions.end()) {
      it->versions.push_back(r->version);
    }
  }
  return out;
}

void ResourceRegistry::setCustomResources(const std::string& crdName, const std::vector<ResourceInfo>& resources) {
  std::vector<ResourcePtr> immutable;
  for (const auto& r : resources) immutable.push_back(std::make_shared<const ResourceInfo>(r));
  {
    std::unique_lock lock(mutex_);
    custom_[crdName] = std::move(immutable);
  }
  ++generation_;
}

void ResourceRegistry::removeCustomResources(const std::string& crdName) {
  {
    std::unique_lock lock(mutex_);
    custom_.erase(crdName);
  }
  ++generation_;
}

}  // namespace flotilla::apiserver
