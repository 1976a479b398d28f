#pragma once
// Shared fixtures for the emulator's integration tests: a started TestApiServer with a client, object builders
// and a small CRD.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "apiserver/test_api_server.h"
#include "test_client.h"

namespace flotilla::apiserver::testing {

using nlohmann::json;

inline json configMap(const std::string& name, json data = json::object(), json labels = json::object()) {
  json object = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
  if (!labels.empty()) object["metadata"]["labels"] = labels;
  return object;
}

inline json namespaceObject(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

inline json deployment(const std::string& name, int replicas = 1, const std::string& image = "nginx:1.27") {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", json::array({{{"name", "main"}, {"image", image}}})}}}}}}}};
}

// A namespaced CRD "widgets.example.com" (kind Widget, short name wg) with a status subresource, a scale
// subresource, defaults, validation and printer columns.
inline json widgetCrd() {
  json schema = {
      {"type", "object"},
      {"properties",
       {{"spec",
         {{"type", "object"},
          {"required", json::array({"size"})},
          {"properties",
           {{"size", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10}}},
            {"colour", {{"type", "string"}, {"default", "blue"}}},
            {"replicas", {{"type", "integer"}}},
            {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}},
        {"status",
         {{"type", "object"},
          {"properties",
           {{"phase", {{"type", "string"}}},
            {"replicas", {{"type", "integer"}}},
            {"conditions",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties", {{"type", {{"type", "string"}}}, {"status", {{"type", "string"}}}}}}}}}}}}}}}};
  return {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "widgets.example.com"}}},
      {"spec",
       {{"group", "example.com"},
        {"scope", "Namespaced"},
        {"names",
         {{"plural", "widgets"}, {"singular", "widget"}, {"kind", "Widget"}, {"shortNames", json::array({"wg"})}}},
        {"versions",
         json::array(
             {{{"name", "v1"},
               {"served", true},
               {"storage", true},
               {"schema", {{"openAPIV3Schema", schema}}},
               {"subresources",
                {{"status", json::object()},
                 {"scale", {{"specReplicasPath", ".spec.replicas"}, {"statusReplicasPath", ".status.replicas"}}}}},
               {"additionalPrinterColumns",
                json::array({{{"name", "Size"}, {"type", "integer"}, {"jsonPath", ".spec.size"}},
                             {{"name", "Ready"},
                              {"type", "string"},
                              {"jsonPath", ".status.conditions[?(@.type==\"Ready\")].status"}},
                             {{"name", "Colour"}, {"type", "string"}, {"priority", 1}, {"jsonPath", ".spec.colour"}},
                             {{"name", "Age"}, {"type", "date"}, {"jsonPath", ".metadata.creationTimestamp"}}})}}})}}}};
}

inline json widget(const std::string& name, int size) {
  return {
      {"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", name}}}, {"spec", {{"size", size}}}};
}

// A started emulator plus a client for it.
class ApiServerTest : public ::testing::Test {
 protected:
  explicit ApiServerTest(ApiServerOptions options = TestApiServer::defaultOptions())
      : server_(std::move(options)), client_(TestClient::forServer(server_)) {}

  void SetUp() override { ASSERT_TRUE(server_.started()) << server_.startError(); }

  // Creates the Widget CRD and waits until it is served.
  void installWidgetCrd() {
    auto created = client_.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widgetCrd());
    ASSERT_EQ(created.status, 201) << created.body;
    ASSERT_TRUE(server_.resource("example.com", "v1", "widgets") != nullptr);
  }

  TestApiServer server_;
  TestClient client_;
};

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace flotilla::apiserver::testing
