#include "api/json_reader.h"
#include "api/parse.h"

namespace flotilla::api {

Parsed<ObjectMeta> parseObjectMeta(const nlohmann::json& metadata, const std::string& path) {
  Parsed<ObjectMeta> result;
  auto& meta = result.value;
  FieldReader reader(metadata, path, result.errors);
  reader.read("name", meta.name);
  reader.read("namespace", meta.namespace_);
  reader.read("uid", meta.uid);
  reader.read("resourceVersion", meta.resourceVersion);
  reader.read("creationTimestamp", meta.creationTimestamp);
  reader.read("generation", meta.generation);
  reader.read("labels", meta.labels);
  reader.read("annotations", meta.annotations);
  std::string deletionTimestamp;
  reader.read("deletionTimestamp", deletionTimestamp);
  meta.deleting = !deletionTimestamp.empty();
  // Standard ObjectMeta fields that Flotilla does not model.
  for (const char* known :
       {"generateName", "selfLink", "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "managedFields"}) {
    reader.ignore(known);
  }
  return result;
}

}  // namespace flotilla::api
