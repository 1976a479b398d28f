#pragma once
// One immutable version of a stored object, shared by the store, the watch history and every watcher, so a
// write is serialised once and fanned out to any number of watchers without copying.

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

struct StoredObject {
  nlohmann::json object;
  std::string serialized;  // object.dump(), computed once
  std::uint64_t resourceVersion = 0;
  std::string namespace_;
  std::string name;
  std::string uid;

  // Stamps metadata.resourceVersion and serialises.
  static std::shared_ptr<const StoredObject> make(nlohmann::json object, std::uint64_t resourceVersion);
};

using StoredPtr = std::shared_ptr<const StoredObject>;

// Where an object lives: its resource's storage key ("apps/deployments") plus namespace and name.
struct ObjectRef {
  std::string storageKey;
  std::string namespace_;
  std::string name;
  auto operator<=>(const ObjectRef&) const = default;
};

enum class EventType { Added, Modified, Deleted };
const char* eventTypeName(EventType type);

// A committed change, as the history keeps it.
struct ChangeEvent {
  std::uint64_t resourceVersion = 0;
  EventType type = EventType::Added;
  std::string storageKey;
  StoredPtr object;    // the new state; for Deleted, the last state stamped with the deletion's version
  StoredPtr previous;  // the state before the change (null for Added)
};

}  // namespace flotilla::apiserver
