#pragma once
// metadata.managedFields: who owns which fields, and how non-apply writes (POST, PUT, PATCH of any other type)
// move ownership, following Kubernetes' field manager:
//
// - An entry is identified by manager name, operation (Apply | Update) and subresource; for Update entries the API
//   version is part of the identity too. Entries are kept sorted like kube-apiserver sorts them (Apply before
//   Update, then by time, manager, apiVersion, subresource).
// - A write records the fields it added or changed as owned by its manager (operation Update) and takes them away
//   from every other manager (an update never conflicts: it wins). Fields the write removed are dropped from
//   every manager. Managers left owning nothing disappear. A write that changes nothing changes no entry.
// - Fields the server owns are never recorded: apiVersion, kind, metadata.{name, namespace, uid,
//   resourceVersion, generation, creationTimestamp, selfLink, managedFields}; nor are the top-level fields the
//   endpoint resets: `status` on the main resource of a kind with a status subresource, `spec` on /status.
// - A write whose body carries non-empty managedFields (and is not to a subresource) replaces the recorded
//   entries with those (kubectl uses this to migrate client-side-apply ownership to server-side apply);
//   `managedFields: [{}]` clears them. Otherwise the body's managedFields are ignored.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/field_set.h"
#include "apiserver/patch_schema.h"

namespace flotilla::apiserver {

struct ManagedFieldsEntry {
  std::string manager;
  std::string operation;  // "Apply" | "Update"
  std::string apiVersion;
  std::string time;  // RFC 3339, may be empty
  std::string subresource;
  FieldSet fields;

  bool sameManagerAs(const ManagedFieldsEntry& other) const;
  // How conflict messages name the manager: "kubectl-client-side-apply" using v1, "ctrl" with subresource "status".
  std::string displayName() const;
};

struct ManagedFieldsDecoding {
  std::vector<ManagedFieldsEntry> entries;
  std::string error;  // empty when the input was well-formed
};

// Reads metadata.managedFields (null or absent: no entries).
ManagedFieldsDecoding decodeManagedFields(const nlohmann::json& managedFields);
// Writes entries in kube-apiserver's order; entries owning nothing are left out.
nlohmann::json encodeManagedFields(std::vector<ManagedFieldsEntry> entries);

struct FieldManagementOptions {
  const PatchSchema* schema = nullptr;  // the kind's schema; null: untypedObjectPatchSchema()
  // The kind has a status subresource, so the main resource does not write (or own) `status`.
  bool statusIsSubresource = true;
  std::string time;  // RFC 3339 time for changed entries; empty: now
};

// The fields of `fields` a write through `subresource` may own (see the header comment).
FieldSet ownableFields(const FieldSet& fields, std::string_view subresource, const FieldManagementOptions& options);

// Updates newObj.metadata.managedFields for a non-apply write of newObj over oldObj (nullptr for a create) by
// `manager` through `subresource` ("" for the main resource).
void recordUpdate(nlohmann::json& newObj, const nlohmann::json* oldObj, const std::string& manager,
                  const std::string& subresource, const FieldManagementOptions& options = {});

// Helpers shared with server-side apply.
const nlohmann::json* managedFieldsOf(const nlohmann::json& object);
nlohmann::json withoutManagedFields(const nlohmann::json& object);
const PatchSchema* schemaOrUntyped(const FieldManagementOptions& options);
std::string timeOrNow(const FieldManagementOptions& options);

}  // namespace flotilla::apiserver
