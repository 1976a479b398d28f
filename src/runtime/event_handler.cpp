#include "runtime/event_handler.h"

#include "runtime/object.h"

namespace flotilla::runtime {

namespace {

// Only updates are filtered by the "changed" predicates; creates and deletes always pass.
Predicate updateWhen(std::function<bool(const nlohmann::json&, const nlohmann::json&)> changed) {
  Predicate predicate;
  predicate.update = std::move(changed);
  return predicate;
}

template <class Combine>
Predicate combine(std::vector<Predicate> predicates, Combine combineResults) {
  auto shared = std::make_shared<const std::vector<Predicate>>(std::move(predicates));
  Predicate result;
  result.create = [shared, combineResults](const nlohmann::json& object) {
    return combineResults(*shared, [&](const Predicate& p) { return p.allowsCreate(object); });
  };
  result.update = [shared, combineResults](const nlohmann::json& oldObject, const nlohmann::json& newObject) {
    return combineResults(*shared, [&](const Predicate& p) { return p.allowsUpdate(oldObject, newObject); });
  };
  result.remove = [shared, combineResults](const nlohmann::json& object) {
    return combineResults(*shared, [&](const Predicate& p) { return p.allowsRemove(object); });
  };
  return result;
}

}  // namespace

Predicate generationChanged() {
  return updateWhen(
      [](const nlohmann::json& o, const nlohmann::json& n) { return generationOf(o) != generationOf(n); });
}

Predicate labelsChanged() {
  return updateWhen([](const nlohmann::json& o, const nlohmann::json& n) { return labelsOf(o) != labelsOf(n); });
}

Predicate annotationsChanged() {
  return updateWhen(
      [](const nlohmann::json& o, const nlohmann::json& n) { return annotationsOf(o) != annotationsOf(n); });
}

Predicate resourceVersionChanged() {
  return updateWhen(
      [](const nlohmann::json& o, const nlohmann::json& n) { return resourceVersionOf(o) != resourceVersionOf(n); });
}

Predicate anyOf(std::vector<Predicate> predicates) {
  return combine(std::move(predicates), [](const std::vector<Predicate>& all, auto allows) {
    for (const auto& p : all) {
      if (allows(p)) return true;
    }
    return all.empty();
  });
}

Predicate allOf(std::vector<Predicate> predicates) {
  return combine(std::move(predicates), [](const std::vector<Predicate>& all, auto allows) {
    for (const auto& p : all) {
      if (!allows(p)) return false;
    }
    return true;
  });
}

EventHandler filtered(EventHandler handler, Predicate predicate) {
  EventHandler result;
  if (handler.onAdd) {
    result.onAdd = [h = handler.onAdd, predicate](const nlohmann::json& object) {
      if (predicate.allowsCreate(object)) h(object);
    };
  }
  if (handler.onUpdate) {
    result.onUpdate = [h = handler.onUpdate, predicate](const nlohmann::json& o, const nlohmann::json& n) {
      if (predicate.allowsUpdate(o, n)) h(o, n);
    };
  }
  if (handler.onDelete) {
    result.onDelete = [h = handler.onDelete, predicate](const nlohmann::json& object) {
      if (predicate.allowsRemove(object)) h(object);
    };
  }
  return result;
}

}  // namespace flotilla::runtime
