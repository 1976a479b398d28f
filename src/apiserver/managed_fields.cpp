#include "apiserver/managed_fields.h"

#include <algorithm>
#include <tuple>

#include "apiserver/object_fields.h"
#include "apiserver/object_meta.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

// Metadata the server maintains: nobody owns it.
const FieldSet& serverOwnedFields() {
  static const FieldSet fields = [] {
    FieldSet set;
    set.insert({fieldElement("apiVersion")});
    set.insert({fieldElement("kind")});
    set.insert({fieldElement("metadata")});
    for (const char* name : {"name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                             "managedFields", "resourceVersion"})
      set.insert({fieldElement("metadata"), fieldElement(name)});
    return set;
  }();
  return fields;
}

FieldSet resetFields(std::string_view subresource, const FieldManagementOptions& options) {
  FieldSet reset;
  if (subresource == "status") {
    reset.insert({fieldElement("spec")});
  } else if (subresource.empty() && options.statusIsSubresource) {
    reset.insert({fieldElement("status")});
  }
  return reset;
}

// Kubernetes accepts `managedFields: []` or `[{}]` as "forget every owner".
bool isResetRequest(const json* managedFields) {
  if (managedFields == nullptr || !managedFields->is_array()) return false;
  if (managedFields->empty()) return true;
  return managedFields->size() == 1 && (*managedFields)[0].is_object() && (*managedFields)[0].empty();
}

}  // namespace

bool ManagedFieldsEntry::sameManagerAs(const ManagedFieldsEntry& other) const {
  if (manager != other.manager || operation != other.operation || subresource != other.subresource) return false;
  return operation != "Update" || apiVersion == other.apiVersion;
}

std::string ManagedFieldsEntry::displayName() const {
  std::string out = "\"" + manager + "\"";
  if (!subresource.empty()) out += " with subresource \"" + subresource + "\"";
  if (operation == "Update") out += " using " + apiVersion;
  return out;
}

ManagedFieldsDecoding decodeManagedFields(const json& managedFields) {
  ManagedFieldsDecoding out;
  if (managedFields.is_null()) return out;
  if (!managedFields.is_array()) {
    out.error = "metadata.managedFields must be a list";
    return out;
  }
  for (const json& item : managedFields) {
    if (!item.is_object()) {
      out.error = "metadata.managedFields entries must be objects";
      return out;
    }
    ManagedFieldsEntry entry;
    entry.manager = meta::stringAt(item, "manager");
    entry.operation = meta::stringAt(item, "operation");
    entry.apiVersion = meta::stringAt(item, "apiVersion");
    entry.time = meta::stringAt(item, "time");
    entry.subresource = meta::stringAt(item, "subresource");
    std::string fieldsType = meta::stringAt(item, "fieldsType");
    if (fieldsType != "FieldsV1") {
      out.error = "metadata.managedFields: unsupported fieldsType \"" + fieldsType + "\"";
      return out;
    }
    if (entry.operation != "Apply" && entry.operation != "Update") {
      out.error = "metadata.managedFields: unsupported operation \"" + entry.operation + "\"";
      return out;
    }
    std::string error;
    auto fields = FieldSet::fromFieldsV1(item.contains("fieldsV1") ? item["fieldsV1"] : json::object(), &error);
    if (!fields) {
      out.error = "metadata.managedFields: " + error;
      return out;
    }
    entry.fields = std::move(*fields);
    // Entries that repeat a manager are merged, as Kubernetes decodes them into one set per manager.
    auto same = std::find_if(out.entries.begin(), out.entries.end(),
                             [&](const ManagedFieldsEntry& e) { return e.sameManagerAs(entry); });
    if (same != out.entries.end()) {
      same->fields = same->fields.unionWith(entry.fields);
    } else {
      out.entries.push_back(std::move(entry));
    }
  }
  return out;
}

json encodeManagedFields(std::vector<ManagedFieldsEntry> entries) {
  std::erase_if(entries, [](const ManagedFieldsEntry& e) { return e.fields.empty(); });
  std::stable_sort(entries.begin(), entries.end(), [](const ManagedFieldsEntry& a, const ManagedFieldsEntry& b) {
    return std::tie(a.operation, a.time, a.manager, a.apiVersion, a.subresource) <
           std::tie(b.operation, b.time, b.manager, b.apiVersion, b.subresource);
  });
  json out = json::array();
  for (const ManagedFieldsEntry& entry : entries) {
    json item = {{"manager", entry.manager},
                 {"operation", entry.operation},
                 {"apiVersion", entry.apiVersion},
                 {"fieldsType", "FieldsV1"},
                 {"fieldsV1", entry.fields.toFieldsV1()}};
    if (!entry.time.empty()) item["time"] = entry.time;
    if (!entry.subresource.empty()) item["subresource"] = entry.subresource;
    out.push_back(std::move(item));
  }
  return out;
}

FieldSet ownableFields(const FieldSet& fields, std::string_view subresource, const FieldManagementOptions& options) {
  return fields.difference(serverOwnedFields()).withoutSubtrees(resetFields(subresource, options));
}

const json* managedFieldsOf(const json& object) {
  return meta::find(object, "metadata.managedFields");
}

json withoutManagedFields(const json& object) {
  json copy = object;
  if (copy.is_object()) {
    if (auto metadata = copy.find("metadata"); metadata != copy.end() && metadata->is_object())
      metadata->erase("managedFields");
  }
  return copy;
}

const PatchSchema* schemaOrUntyped(const FieldManagementOptions& options) {
  return options.schema ? options.schema : untypedObjectPatchSchema();
}

std::string timeOrNow(const FieldManagementOptions& options) {
  return options.time.empty() ? nowRfc3339() : options.time;
}

void recordUpdate(json& newObj, const json* oldObj, const std::string& manager, const std::string& subresource,
                  const FieldManagementOptions& options) {
  if (!newObj.is_object()) return;
  const json* requested = managedFieldsOf(newObj);

  // Which entries the write starts from: the stored ones, unless the request itself sets managedFields.
  std::vector<ManagedFieldsEntry> entries;
  bool fromRequest = false;
  if (subresource.empty() && isResetRequest(requested)) {
    fromRequest = true;
  } else if (subresource.empty() && requested != nullptr && requested->is_array() && !requested->empty()) {
    ManagedFieldsDecoding decoded = decodeManagedFields(*requested);
    if (decoded.error.empty() && !decoded.entries.empty()) {
      entries = std::move(decoded.entries);
      fromRequest = true;
    }
  }
  if (!fromRequest && oldObj != nullptr) {
    if (const json* stored = managedFieldsOf(*oldObj)) {
      ManagedFieldsDecoding decoded = decodeManagedFields(*stored);
      if (decoded.error.empty()) entries = std::move(decoded.entries);
    }
  }

  const PatchSchema* schema = schemaOrUntyped(options);
  json after = withoutManagedFields(newObj);
  json before = oldObj ? withoutManagedFields(*oldObj) : json::object();
  FieldChanges changes = compareObjects(before, after, schema);
  FieldSet changed = ownableFields(changes.addedOrModified(), subresource, options);
  FieldSet removed = ownableFields(changes.removed, subresource, options);

  ManagedFieldsEntry self{manager, "Update", meta::stringAt(newObj, "apiVersion"), "", subresource, {}};
  bool selfFound = false;
  for (ManagedFieldsEntry& entry : entries) {
    if (entry.sameManagerAs(self)) {
      selfFound = true;
      entry.fields = entry.fields.difference(removed).unionWith(changed);
      if (!changed.empty()) entry.time = timeOrNow(options);
    } else {
      entry.fields = entry.fields.difference(changed).difference(removed);
    }
  }
  if (!selfFound && !changed.empty()) {
    self.fields = changed;
    self.time = timeOrNow(options);
    entries.push_back(std::move(self));
  }

  json encoded = encodeManagedFields(std::move(entries));
  if (encoded.empty()) {
    if (auto metadata = newObj.find("metadata"); metadata != newObj.end() && metadata->is_object())
      metadata->erase("managedFields");
  } else {
    newObj["metadata"]["managedFields"] = std::move(encoded);
  }
}

}  // namespace flotilla::apiserver
