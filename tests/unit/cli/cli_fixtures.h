#pragma once
// YAML → typed CRs for the CLI tests (analysis checks, status tree), so each test reads like the manifests a user
// writes.

#include <string_view>

#include <gtest/gtest.h>

#include "api/parse.h"
#include "api/yaml.h"
#include "cli/analysis.h"

namespace flotilla::cli::testing {

inline AnalysisInputs parseInputs(std::string_view yaml) {
  AnalysisInputs in;
  const auto loaded = api::loadYamlDocuments(yaml);
  EXPECT_TRUE(loaded.ok());
  for (const auto& document : loaded.documents) {
    auto parsed = api::parseResource(document.value);
    EXPECT_TRUE(parsed.ok()) << document.value.dump();
    in.add(parsed.value);
  }
  return in;
}

// A Gateway `public` and Microservices `a` and `b` in namespace shop: the world most tests add Routes to.
inline constexpr std::string_view kBase = R"(
apiVersion: flotilla.io/v1alpha1
kind: Gateway
metadata: {name: public, namespace: shop}
spec:
  listeners: [{name: http, port: 80}]
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: a, namespace: shop}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
---
apiVersion: flotilla.io/v1alpha1
kind: Microservice
metadata: {name: b, namespace: shop}
spec:
  image: flotilla/echo:1
  ports: [{name: http, port: 8080}]
)";

// A Route `name` on Gateway public sending `path` (PathPrefix unless `type` says otherwise) to `service`.
inline std::string route(const std::string& name, const std::string& path, const std::string& service,
                         const std::string& extraMatch = "", const std::string& type = "PathPrefix",
                         const std::string& created = "") {
  return "---\napiVersion: flotilla.io/v1alpha1\nkind: Route\nmetadata: {name: " + name + ", namespace: shop" +
         (created.empty() ? "" : ", creationTimestamp: \"" + created + "\"") +
         "}\nspec:\n  gatewayRef: {name: public}\n  rules:\n    - matches:\n        - path: {type: " + type +
         ", value: \"" + path + "\"}\n" + (extraMatch.empty() ? "" : "          " + extraMatch + "\n") +
         "      backends: [{service: " + service + "}]\n";
}

}  // namespace flotilla::cli::testing
