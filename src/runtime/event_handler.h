#pragma once
// Informer notifications and the predicates that filter them (controller-runtime's handler + predicate packages).
// Handlers run on the informer's thread, one notification at a time, in the order the changes happened, and never
// while the cache lock is held (they may read the cache). They must be quick: controllers only enqueue keys.

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::runtime {

struct EventHandler {
  std::function<void(const nlohmann::json& object)> onAdd;
  std::function<void(const nlohmann::json& oldObject, const nlohmann::json& newObject)> onUpdate;
  // The last state the cache held (after a relist this may be older than the real final state).
  std::function<void(const nlohmann::json& object)> onDelete;
};

// Decides which notifications reach a handler; an empty function lets everything through.
struct Predicate {
  std::function<bool(const nlohmann::json& object)> create;
  std::function<bool(const nlohmann::json& oldObject, const nlohmann::json& newObject)> update;
  std::function<bool(const nlohmann::json& object)> remove;

  bool allowsCreate(const nlohmann::json& object) const { return !create || create(object); }
  bool allowsUpdate(const nlohmann::json& o, const nlohmann::json& n) const { return !update || update(o, n); }
  bool allowsRemove(const nlohmann::json& object) const { return !remove || remove(object); }
};

// Updates only when metadata.generation changed (spec edits; status-only writes do not bump it).
Predicate generationChanged();
// Updates only when metadata.labels / metadata.annotations changed.
Predicate labelsChanged();
Predicate annotationsChanged();
// Updates only when metadata.resourceVersion changed (filters periodic resyncs).
Predicate resourceVersionChanged();
// Passes when any / all of the predicates pass (per event type).
Predicate anyOf(std::vector<Predicate> predicates);
Predicate allOf(std::vector<Predicate> predicates);

// A handler that calls `handler` only for notifications `predicate` lets through.
EventHandler filtered(EventHandler handler, Predicate predicate);

}  // namespace flotilla::runtime
