#include "apiserver/stored_object.h"

#include "apiserver/object_meta.h"

namespace flotilla::apiserver {

std::shared_ptr<const StoredObject> StoredObject::make(nlohmann::json object, std::uint64_t resourceVersion) {
  auto stored = std::make_shared<StoredObject>();
  object["metadata"]["resourceVersion"] = std::to_string(resourceVersion);
  stored->resourceVersion = resourceVersion;
  stored->namespace_ = meta::namespaceOf(object);
  stored->name = meta::name(object);
  stored->uid = meta::uid(object);
  stored->serialized = object.dump();
  stored->object = std::move(object);
  return stored;
}

const char* eventTypeName(EventType type) {
  switch (type) {
    case EventType::Added:
      return "ADDED";
    case EventType::Modified:
      return "MODIFIED";
    case EventType::Deleted:
      return "DELETED";
  }
  return "UNKNOWN";
}

}  // namespace flotilla::apiserver
