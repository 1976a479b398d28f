#include "apiserver/persistence.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace flotilla::apiserver {

using nlohmann::json;

namespace {
std::filesystem::path snapshotPath(const std::string& dataDir) {
  return std::filesystem::path(dataDir) / "state.json";
}
}  // namespace

Status saveSnapshot(const ObjectStore& store, const std::string& dataDir) {
  ObjectStore::Snapshot snapshot = store.snapshot();
  std::error_code ec;
  std::filesystem::create_directories(dataDir, ec);
  std::filesystem::path target = snapshotPath(dataDir);
  std::filesystem::path temporary = target;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc | std::ios::binary);
    if (!out) return errors::internal("cannot write " + temporary.string());
    // Objects are already serialised: write them as they are rather than re-encoding the whole store.
    out << "{\"resourceVersion\":" << snapshot.resourceVersion << ",\"objects\":[";
    bool first = true;
    for (const auto& [storageKey, object] : snapshot.objects) {
      out << (first ? "" : ",") << "{\"storageKey\":" << json(storageKey).dump() << ",\"object\":" << object->serialized
          << "}";
      first = false;
    }
    out << "]}\n";
    if (!out) return errors::internal("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, target, ec);
  if (ec) return errors::internal("cannot rename " + temporary.string() + ": " + ec.message());
  return Done{};
}

Result<bool> loadSnapshot(ObjectStore& store, const std::string& dataDir) {
  std::ifstream in(snapshotPath(dataDir), std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  json snapshot = json::parse(text.str(), nullptr, false);
  if (snapshot.is_discarded() || !snapshot.is_object() || !snapshot.contains("objects")) {
    return errors::internal("the snapshot " + snapshotPath(dataDir).string() + " is not readable");
  }
  std::vector<std::pair<std::string, json>> objects;
  for (auto& entry : snapshot["objects"]) {
    objects.emplace_back(entry.value("storageKey", ""), std::move(entry["object"]));
  }
  store.restore(snapshot.value("resourceVersion", std::uint64_t{0}), std::move(objects));
  return true;
}

}  // namespace flotilla::apiserver
