#include "apiserver/managed_fields.h"

#include <gtest/gtest.h>

#include "apiserver/builtin_schemas.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

FieldManagementOptions configMapOptions() {
  FieldManagementOptions options;
  options.schema = patchSchemaFor("", "v1", "ConfigMap");
  options.time = "2024-01-01T00:00:00Z";
  return options;
}

json configMap(const char* data) {
  json object = json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"c","namespace":"default","uid":"u1","resourceVersion":"5","labels":{"app":"a"}}})");
  object["data"] = json::parse(data);
  return object;
}

// The manager → FieldsV1 of every entry, for compact assertions.
std::map<std::string, json> owners(const json& object) {
  std::map<std::string, json> out;
  for (const json& entry : object["metadata"]["managedFields"]) out[entry["manager"]] = entry["fieldsV1"];
  return out;
}

TEST(RecordUpdate, CreateRecordsTheCreatorsFieldsButNotServerMetadata) {
  json object = configMap(R"({"key":"value"})");
  recordUpdate(object, nullptr, "kubectl-create", "", configMapOptions());
  ASSERT_EQ(object["metadata"]["managedFields"].size(), 1u);
  const json& entry = object["metadata"]["managedFields"][0];
  EXPECT_EQ(entry["manager"], "kubectl-create");
  EXPECT_EQ(entry["operation"], "Update");
  EXPECT_EQ(entry["apiVersion"], "v1");
  EXPECT_EQ(entry["fieldsType"], "FieldsV1");
  EXPECT_EQ(entry["time"], "2024-01-01T00:00:00Z");
  EXPECT_FALSE(entry.contains("subresource"));
  EXPECT_EQ(entry["fieldsV1"], json::parse(R"({"f:data":{".":{},"f:key":{}},
                                              "f:metadata":{"f:labels":{".":{},"f:app":{}}}})"));
}

TEST(RecordUpdate, AnUpdateTakesTheFieldsItChangesFromOtherManagers) {
  json created = configMap(R"({"a":"1","b":"2"})");
  recordUpdate(created, nullptr, "creator", "", configMapOptions());

  json updated = created;
  updated["data"]["b"] = "3";
  recordUpdate(updated, &created, "editor", "", configMapOptions());

  auto byManager = owners(updated);
  ASSERT_EQ(byManager.size(), 2u);
  EXPECT_EQ(byManager["editor"], json::parse(R"({"f:data":{"f:b":{}}})"));
  EXPECT_TRUE(byManager["creator"]["f:data"].contains("f:a"));
  EXPECT_FALSE(byManager["creator"]["f:data"].contains("f:b"));
}

TEST(RecordUpdate, RemovedFieldsLeaveEveryOwnerAndEmptyOwnersDisappear) {
  json created = configMap(R"({"a":"1"})");
  created["metadata"].erase("labels");
  recordUpdate(created, nullptr, "creator", "", configMapOptions());

  json updated = created;
  updated["data"] = json::parse(R"({"z":"9"})");
  recordUpdate(updated, &created, "editor", "", configMapOptions());
  auto byManager = owners(updated);
  // The creator owned data and data.a; data.a is gone, `data` itself was not changed by the editor.
  EXPECT_EQ(byManager["creator"], json::parse(R"({"f:data":{}})"));
  EXPECT_EQ(byManager["editor"], json::parse(R"({"f:data":{"f:z":{}}})"));

  json emptied = updated;
  emptied.erase("data");
  recordUpdate(emptied, &updated, "cleaner", "", configMapOptions());
  EXPECT_FALSE(emptied["metadata"].contains("managedFields"));
}

TEST(RecordUpdate, NoChangeLeavesManagedFieldsAlone) {
  json created = configMap(R"({"a":"1"})");
  recordUpdate(created, nullptr, "creator", "", configMapOptions());
  json same = created;
  FieldManagementOptions later = configMapOptions();
  later.time = "2030-01-01T00:00:00Z";
  recordUpdate(same, &created, "someone-else", "", later);
  EXPECT_EQ(same, created);
}

TEST(RecordUpdate, MainResourceDoesNotOwnStatusButTheStatusSubresourceDoes) {
  FieldManagementOptions options;
  options.schema = patchSchemaFor("apps", "v1", "Deployment");
  options.time = "2024-01-01T00:00:00Z";
  json created = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                                 "spec":{"replicas":1},"status":{}})");
  recordUpdate(created, nullptr, "kubectl-create", "", options);
  EXPECT_EQ(owners(created)["kubectl-create"], json::parse(R"({"f:spec":{".":{},"f:replicas":{}}})"));

  json withStatus = created;
  withStatus["status"]["readyReplicas"] = 1;
  recordUpdate(withStatus, &created, "deployment-controller", "status", options);
  ASSERT_EQ(withStatus["metadata"]["managedFields"].size(), 2u);
  for (const json& entry : withStatus["metadata"]["managedFields"]) {
    if (entry["manager"] != "deployment-controller") continue;
    EXPECT_EQ(entry["subresource"], "status");
    EXPECT_EQ(entry["fieldsV1"], json::parse(R"({"f:status":{"f:readyReplicas":{}}})"));
  }
}

TEST(RecordUpdate, RequestManagedFieldsReplaceTheStoredOnesAndEmptyEntryResets) {
  json created = configMap(R"({"a":"1"})");
  recordUpdate(created, nullptr, "kubectl-client-side-apply", "", configMapOptions());

  // kubectl's migration to server-side apply rewrites managedFields with a JSON patch.
  json migrated = created;
  migrated["metadata"]["managedFields"] = json::parse(R"([{"manager":"kubectl","operation":"Apply",
      "apiVersion":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}])");
  recordUpdate(migrated, &created, "kubectl", "", configMapOptions());
  auto byManager = owners(migrated);
  ASSERT_EQ(byManager.size(), 1u);
  EXPECT_EQ(byManager["kubectl"], json::parse(R"({"f:data":{"f:a":{}}})"));

  json reset = created;
  reset["metadata"]["managedFields"] = json::parse("[{}]");
  recordUpdate(reset, &created, "kubectl", "", configMapOptions());
  EXPECT_FALSE(reset["metadata"].contains("managedFields"));
}

TEST(RecordUpdate, EntriesAreSortedAndDecodable) {
  json object = configMap(R"({"a":"1"})");
  recordUpdate(object, nullptr, "zeta", "", configMapOptions());
  json next = object;
  next["data"]["b"] = "2";
  FieldManagementOptions later = configMapOptions();
  later.time = "2025-01-01T00:00:00Z";
  recordUpdate(next, &object, "alpha", "", later);
  ManagedFieldsDecoding decoded = decodeManagedFields(next["metadata"]["managedFields"]);
  ASSERT_TRUE(decoded.error.empty()) << decoded.error;
  ASSERT_EQ(decoded.entries.size(), 2u);
  EXPECT_EQ(decoded.entries[0].manager, "zeta");  // older first
  EXPECT_EQ(decoded.entries[1].manager, "alpha");
  EXPECT_EQ(decoded.entries[1].displayName(), "\"alpha\" using v1");

  EXPECT_FALSE(decodeManagedFields(json::parse(R"([{"manager":"m","operation":"Apply","fieldsType":"FieldsV2"}])"))
                   .error.empty());
}

}  // namespace
}  // namespace flotilla::apiserver
