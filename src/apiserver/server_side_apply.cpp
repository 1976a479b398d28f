#include "apiserver/server_side_apply.h"

#include <algorithm>
#include <map>
#include <set>

#include "apiserver/object_fields.h"
#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

constexpr const char* kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
// kube-apiserver's client-side-apply upgrade path only exists for kubectl's default server-side field manager.
constexpr const char* kKubectlManager = "kubectl";

json mergeValue(const json* live, const json& config, const PatchSchema* schema);

// Merges two associative lists the way structured-merge-diff orders them: items of the configuration keep their
// relative order; live-only items stay where they were, relative to the shared items around them.
json mergeLists(const json& live, const std::vector<std::string>& liveElements, const json& config,
                const std::vector<std::string>& configElements, const PatchSchema* schema) {
  std::map<std::string, const json*> liveByElement;
  for (std::size_t i = 0; i < live.size(); ++i) liveByElement.emplace(liveElements[i], &live[i]);
  std::map<std::string, const json*> configByElement;
  for (std::size_t i = 0; i < config.size(); ++i) configByElement.emplace(configElements[i], &config[i]);
  std::vector<std::string> sharedInConfigOrder;
  for (const std::string& element : configElements)
    if (liveByElement.count(element)) sharedInConfigOrder.push_back(element);
  std::size_t nextShared = 0;
  auto advanceShared = [&](const std::string& element) {
    if (nextShared < sharedInConfigOrder.size() && sharedInConfigOrder[nextShared] == element) ++nextShared;
  };
  auto mergedItem = [&](const std::string& element) {
    auto inLive = liveByElement.find(element);
    return mergeValue(inLive == liveByElement.end() ? nullptr : inLive->second, *configByElement.at(element),
                      itemSchemaOf(schema));
  };

  json out = json::array();
  std::set<std::string> emitted;
  std::size_t l = 0;
  std::size_t c = 0;
  while (l < live.size() || c < config.size()) {
    if (l < live.size() && c < config.size()) {
      const std::string& element = liveElements[l];
      if (element == configElements[c]) {
        if (emitted.insert(element).second) out.push_back(mergedItem(element));
        ++l;
        ++c;
        advanceShared(element);
        continue;
      }
      // A shared item further along the configuration: hold it back until its turn.
      if (configByElement.count(element) && nextShared < sharedInConfigOrder.size() &&
          sharedInConfigOrder[nextShared] != element) {
        ++l;
        continue;
      }
    }
    if (l < live.size()) {
      const std::string& element = liveElements[l];
      if (!configByElement.count(element)) {
        out.push_back(live[l]);
        ++l;
        continue;
      }
      if (emitted.count(element)) ++l;
    }
    if (c < config.size()) {
      const std::string& element = configElements[c];
      if (emitted.insert(element).second) out.push_back(mergedItem(element));
      ++c;
      advanceShared(element);
    }
  }
  return out;
}

json mergeValue(const json* live, const json& config, const PatchSchema* schema) {
  if (live == nullptr) return config;
  if (live->is_object() && config.is_object() && (schema == nullptr || schema->isGranularObject())) {
    json out = *live;
    for (const auto& [key, value] : config.items()) {
      if (value.is_null()) {
        out.erase(key);  // an explicit null in an apply configuration unsets the field
        continue;
      }
      auto existing = live->find(key);
      out[key] = mergeValue(existing == live->end() ? nullptr : &*existing, value, childSchemaOf(schema, key));
    }
    return out;
  }
  if (live->is_array() && config.is_array()) {
    auto liveElements = listItemElements(*live, schema);
    auto configElements = listItemElements(config, schema);
    if (liveElements && configElements) return mergeLists(*live, *liveElements, config, *configElements, schema);
  }
  return config;
}

// Annotation keys contain dots, so they are looked up below the dotted path.
const json* annotation(const json& object, const char* name) {
  const json* annotations = meta::find(object, "metadata.annotations");
  if (annotations == nullptr || !annotations->is_object()) return nullptr;
  auto it = annotations->find(name);
  return it == annotations->end() ? nullptr : &*it;
}

bool hasLastApplied(const json& object) {
  const json* value = annotation(object, kLastAppliedAnnotation);
  return value != nullptr && value->is_string() && !value->get_ref<const std::string&>().empty();
}

// Go's encoding/json escapes these even inside strings; kubectl's annotations are written that way.
std::string goStyleJson(const json& value) {
  std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// The annotation value kubectl would write for `applied`: the configuration without the annotation itself.
std::string lastAppliedValue(const json& applied) {
  json copy = applied;
  if (auto metadata = copy.find("metadata"); metadata != copy.end() && metadata->is_object())
    if (auto annotations = metadata->find("annotations"); annotations != metadata->end() && annotations->is_object())
      annotations->erase(kLastAppliedAnnotation);
  return goStyleJson(copy) + "\n";
}

// Fields whose live value still equals what the last client-side apply wrote: kubectl may take them over.
FieldSet fieldsStillAsLastApplied(const json& live, const std::string& apiVersion, const PatchSchema* schema) {
  const json* text = annotation(live, kLastAppliedAnnotation);
  if (text == nullptr || !text->is_string()) return {};
  json lastApplied = json::parse(text->get<std::string>(), nullptr, false);
  if (!lastApplied.is_object() || meta::stringAt(lastApplied, "apiVersion") != apiVersion) return {};
  FieldChanges changes = compareObjects(lastApplied, live, schema);
  return fieldSetOf(lastApplied, schema)
      .difference(changes.modified)
      .difference(changes.added)
      .difference(changes.removed);
}

// Manifests made by `kubectl create --dry-run=client -o yaml` carry `creationTimestamp: null`; an explicit null
// would otherwise unset the field, and the server's own metadata is not the applier's to unset.
void dropNullServerMetadata(json& config) {
  auto metadata = config.find("metadata");
  if (metadata == config.end() || !metadata->is_object()) return;
  for (const char* name : {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                           "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"}) {
    auto it = metadata->find(name);
    if (it != metadata->end() && it->is_null()) metadata->erase(it);
  }
}

void dropTopLevel(json& object, const char* field) {
  if (object.is_object()) object.erase(field);
}

std::vector<ApplyConflict> conflictsWith(const std::vector<ManagedFieldsEntry>& entries, const ManagedFieldsEntry& self,
                                         const FieldSet& changed, const FieldSet& allowed) {
  std::vector<ApplyConflict> conflicts;
  for (const ManagedFieldsEntry& entry : entries) {
    if (entry.sameManagerAs(self)) continue;
    for (const FieldPath& path : entry.fields.intersection(changed).difference(allowed).members())
      conflicts.push_back({entry.manager, entry.displayName(), formatFieldPath(path)});
  }
  std::stable_sort(conflicts.begin(), conflicts.end(), [](const ApplyConflict& a, const ApplyConflict& b) {
    return std::tie(a.manager, a.managerDisplay) < std::tie(b.manager, b.managerDisplay);
  });
  return conflicts;
}

ApplyOutcome failure(std::string error) {
  ApplyOutcome out;
  out.error = std::move(error);
  return out;
}

}  // namespace

std::string ApplyOutcome::conflictMessage() const {
  if (conflicts.empty()) return {};
  if (conflicts.size() == 1)
    return "Apply failed with 1 conflict: conflict with " + conflicts[0].managerDisplay + ": " + conflicts[0].field;
  std::string message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: ";
  std::string current;
  bool first = true;
  for (const ApplyConflict& conflict : conflicts) {
    if (first || conflict.managerDisplay != current) {
      message += (first ? "" : "\n") + std::string("conflicts with ") + conflict.managerDisplay + ":";
      current = conflict.managerDisplay;
      first = false;
    }
    message += "\n- " + conflict.field;
  }
  return message;
}

ApplyOutcome serverSideApply(const json* live, const json& applied, const std::string& manager, bool force,
                             const ApplyOptions& options) {
  if (!applied.is_object()) return failure("the apply configuration must be an object");
  if (const json* requested = managedFieldsOf(applied); requested != nullptr && !requested->is_null())
    return failure("metadata.managedFields must be nil");
  if (live != nullptr && !live->is_object()) return failure("the live object is not an object");
  const std::string apiVersion = meta::stringAt(applied, "apiVersion");

  const PatchSchema* schema = schemaOrUntyped(options);
  json config = withoutManagedFields(applied);
  dropNullServerMetadata(config);
  if (options.subresource == "status") {
    dropTopLevel(config, "spec");
  } else if (options.subresource.empty() && options.statusIsSubresource) {
    dropTopLevel(config, "status");
  }

  std::vector<ManagedFieldsEntry> entries;
  json liveObject = json::object();
  if (live != nullptr) {
    liveObject = withoutManagedFields(*live);
    ManagedFieldsDecoding decoded = decodeManagedFields(managedFieldsOf(*live) ? *managedFieldsOf(*live) : json());
    if (!decoded.error.empty()) return failure("failed to decode managed fields: " + decoded.error);
    entries = std::move(decoded.entries);
    if (entries.empty()) {
      // Fields that existed before anyone applied belong to this pseudo-manager, so that they are not pruned.
      FieldSet existing =
          ownableFields(compareObjects(json::object(), liveObject, schema).addedOrModified(), "", options);
      if (!existing.empty())
        entries.push_back({"before-first-apply", "Update", apiVersion, timeOrNow(options), "", existing});
    }
  }

  ManagedFieldsEntry self{manager, "Apply", apiVersion, "", options.subresource, {}};
  auto selfEntry =
      std::find_if(entries.begin(), entries.end(), [&](const ManagedFieldsEntry& e) { return e.sameManagerAs(self); });
  const bool isNewManager = selfEntry == entries.end();
  if (isNewManager) selfEntry = entries.insert(entries.end(), self);
  const FieldSet lastApplied = selfEntry->fields;
  selfEntry->fields = ownableFields(fieldSetOf(config, schema), options.subresource, options);
  selfEntry->apiVersion = apiVersion;
  const std::string previousTime = selfEntry->time;

  json merged = mergeValue(&liveObject, config, schema);

  // Prune what this manager applied last time, no longer applies, and nobody else owns.
  if (!lastApplied.empty()) {
    // The whole configuration counts as owned here, server-maintained metadata included, so that pruning never
    // touches the object's name or the structs that hold it.
    FieldSet owned = fieldSetOf(config, schema);
    for (const ManagedFieldsEntry& entry : entries) owned = owned.unionWith(entry.fields);
    FieldSet toRemove = withNamedFieldsAsMembers(fieldSetOf(merged, schema), schema)
                            .intersection(withNamedFieldsAsMembers(lastApplied, schema))
                            .difference(withNamedFieldsAsMembers(owned, schema));
    removeFields(merged, toRemove, schema);
  }

  FieldChanges changes = compareObjects(liveObject, merged, schema);
  FieldSet changed = ownableFields(changes.addedOrModified(), options.subresource, options);
  FieldSet removed = ownableFields(changes.removed, options.subresource, options);

  std::vector<ApplyConflict> conflicts = conflictsWith(entries, self, changed, {});
  if (!conflicts.empty() && !force && manager == kKubectlManager && live != nullptr && hasLastApplied(liveObject)) {
    conflicts = conflictsWith(entries, self, changed, fieldsStillAsLastApplied(liveObject, apiVersion, schema));
    force = conflicts.empty();
  }
  if (!conflicts.empty() && !force) {
    ApplyOutcome out;
    out.conflicts = std::move(conflicts);
    return out;
  }

  for (ManagedFieldsEntry& entry : entries) {
    if (entry.sameManagerAs(self)) continue;
    entry.fields = entry.fields.difference(changed).difference(removed);
  }

  if (manager == kKubectlManager && hasLastApplied(merged))
    merged["metadata"]["annotations"][kLastAppliedAnnotation] = lastAppliedValue(applied);

  // The entry's time moves only when the apply changed the object, so that re-applying is a no-op.
  const bool objectChanged = merged != liveObject;
  for (ManagedFieldsEntry& entry : entries)
    if (entry.sameManagerAs(self)) entry.time = objectChanged || isNewManager ? timeOrNow(options) : previousTime;

  json encoded = encodeManagedFields(std::move(entries));
  if (!encoded.empty()) {
    merged["metadata"]["managedFields"] = std::move(encoded);
  } else if (auto metadata = merged.find("metadata"); metadata != merged.end() && metadata->is_object()) {
    metadata->erase("managedFields");
  }

  ApplyOutcome out;
  out.changed = live == nullptr || merged != *live;
  out.object = std::move(merged);
  return out;
}

}  // namespace flotilla::apiserver
