#include "apiserver/sim_plan.h"

#include <random>

#include "apiserver/object_meta.h"

namespace flotilla::apiserver::sim {

std::string Write::describe() const {
  static constexpr const char* kVerbs[] = {"create", "update", "update status of", "scale", "delete"};
  std::string text =
      std::string(kVerbs[static_cast<int>(kind)]) + " " + resource.plural + " " + namespace_ + "/" + name;
  if (kind == WriteKind::Scale) text += " to " + std::to_string(replicas);
  return text;
}

namespace {
Write writeOf(WriteKind kind, const SimResource& resource, const json& object, std::string fieldManager) {
  Write write;
  write.kind = kind;
  write.resource = resource;
  write.namespace_ = meta::namespaceOf(object);
  write.name = meta::name(object);
  write.fieldManager = std::move(fieldManager);
  return write;
}
}  // namespace

Write Write::create(const SimResource& resource, json object, std::string fieldManager) {
  Write write = writeOf(WriteKind::Create, resource, object, std::move(fieldManager));
  write.object = std::move(object);
  return write;
}

Write Write::update(const SimResource& resource, json object, std::string fieldManager) {
  Write write = writeOf(WriteKind::Update, resource, object, std::move(fieldManager));
  write.object = std::move(object);
  return write;
}

Write Write::updateStatus(const SimResource& resource, json object, std::string fieldManager) {
  Write write = writeOf(WriteKind::UpdateStatus, resource, object, std::move(fieldManager));
  write.object = std::move(object);
  return write;
}

Write Write::scale(const SimResource& resource, const json& target, std::int64_t replicas, std::string fieldManager) {
  Write write = writeOf(WriteKind::Scale, resource, target, std::move(fieldManager));
  write.replicas = replicas;
  write.uid = meta::uid(target);
  return write;
}

Write Write::remove(const SimResource& resource, const json& object, std::string fieldManager) {
  Write write = writeOf(WriteKind::Delete, resource, object, std::move(fieldManager));
  write.uid = meta::uid(object);
  return write;
}

void Plan::append(Plan other) {
  for (auto& write : other.writes) writes.push_back(std::move(write));
  if (other.wakeAt) wakeNoLaterThan(*other.wakeAt);
}

ObjectRefs refsOf(const std::vector<json>& objects) {
  return ObjectRefs(objects.begin(), objects.end());
}

std::string randomNameSuffix() {
  // The alphabet of Kubernetes' utilrand.String: no vowels (no accidental words) and no 0/1/3 (confusable).
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 engine{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, sizeof kAlphabet - 2);
  std::string out(5, ' ');
  for (auto& c : out) c = kAlphabet[pick(engine)];
  return out;
}

}  // namespace flotilla::apiserver::sim
