#pragma once
// Server-side apply (`PATCH` with `application/apply-patch+yaml`), with Kubernetes' semantics:
//
// Merge.  The applied configuration is merged into the live object: granular maps and structs key by key,
//   list-type=map lists by their keys and list-type=set lists by value (keeping the live items the configuration
//   does not mention, in structured-merge-diff's order), everything else (scalars, atomic lists, atomic structs
//   such as a LabelSelector) replaced whole.
// Ownership.  The applier's entry (operation Apply) becomes exactly the set of fields in the configuration: what
//   it applies, it owns; what it no longer applies, it no longer owns. Applying the value another manager already
//   set is not a conflict: both then own the field.
// Removal.  A field the applier owned from its previous apply, that is missing from this configuration, and that
//   no other manager owns, is removed from the object (a struct is removed only if nobody owns anything in it; a
//   list item goes as a whole). Consequence worth knowing: a manager that stops applying `spec.replicas`
//   removes it from the Deployment (which then defaults to 1) unless another manager (an HPA writing /scale, a
//   `kubectl scale`) owns it too. Flotilla's operator therefore lets the new owner take spec.replicas before it
//   drops the field from its own apply.
// Conflicts.  A field the configuration changes (adds or sets to a different value) that another manager owns is
//   a conflict; without force nothing is written and the conflicts are returned (409). With force the field moves
//   to the applier and leaves the other managers. Manager "kubectl" gets kube-apiserver's upgrade path from
//   client-side apply: conflicts on fields whose live value still equals the last-applied-configuration
//   annotation are forced, and that annotation is kept in step with what kubectl applies.
// Scope.  The main resource of a kind with a status subresource ignores `status` in the configuration; the
//   status subresource ignores `spec`. Server-maintained metadata (name, uid, resourceVersion...) is never owned.
// The request's metadata.managedFields must be absent (400 otherwise); an object without any managedFields gets
// a "before-first-apply" Update entry owning its existing fields first, as in Kubernetes.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/managed_fields.h"

namespace flotilla::apiserver {

struct ApplyOptions : FieldManagementOptions {
  std::string subresource;  // "" or "status"
};

struct ApplyConflict {
  std::string manager;         // "kubectl-client-side-apply"
  std::string managerDisplay;  // "\"kubectl-client-side-apply\" using v1", as Status messages name it
  std::string field;           // ".data.key"
};

struct ApplyOutcome {
  nlohmann::json object;                 // the object to store (when ok()), managedFields updated
  bool changed = false;                  // object differs from the live one (false: a no-op apply, write nothing)
  std::vector<ApplyConflict> conflicts;  // non-empty: answer 409 Conflict with conflictMessage()
  std::string error;                     // a malformed request: answer 400 BadRequest with this message

  bool ok() const { return error.empty() && conflicts.empty(); }
  // "Apply failed with 1 conflict: conflict with \"mgr\" using v1: .spec.replicas" (kube-apiserver's wording).
  std::string conflictMessage() const;
};

// `live` is the stored object (nullptr when the apply creates it), in the version of the request. The caller checks
// that applied.apiVersion names the endpoint's group-version (kube-apiserver answers 400 "Incorrect version
// specified in apply patch" otherwise). The returned object carries the live object's server-set metadata (uid,
// resourceVersion...) untouched; the caller sets those for a create.
ApplyOutcome serverSideApply(const nlohmann::json* live, const nlohmann::json& applied, const std::string& manager,
                             bool force, const ApplyOptions& options = {});

}  // namespace flotilla::apiserver
