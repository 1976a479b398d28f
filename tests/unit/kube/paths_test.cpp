#include "kube/paths.h"

#include <gtest/gtest.h>

#include "kube/well_known_resources.h"

namespace flotilla::kube {
namespace {

TEST(Paths, CoreResources) {
  EXPECT_EQ(collectionPath(resources::kConfigMaps, "shop"), "/api/v1/namespaces/shop/configmaps");
  EXPECT_EQ(collectionPath(resources::kConfigMaps, ""), "/api/v1/configmaps");
  EXPECT_EQ(objectPath(resources::kPods, "shop", "web-1"), "/api/v1/namespaces/shop/pods/web-1");
  EXPECT_EQ(objectPath(resources::kNamespaces, "ignored", "shop"), "/api/v1/namespaces/shop");
}

TEST(Paths, GroupedResourcesAndSubresources) {
  EXPECT_EQ(objectPath(resources::kDeployments, "shop", "web", "status"),
            "/apis/apps/v1/namespaces/shop/deployments/web/status");
  EXPECT_EQ(collectionPath(resources::kMicroservices, "shop"),
            "/apis/flotilla.io/v1alpha1/namespaces/shop/microservices");
  EXPECT_EQ(objectPath(resources::kCustomResourceDefinitions, "", "routes.flotilla.io"),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/routes.flotilla.io");
  EXPECT_EQ(resources::kDeployments.apiVersion(), "apps/v1");
  EXPECT_EQ(resources::kPods.apiVersion(), "v1");
  EXPECT_EQ(resources::kDeployments.toString(), "deployments.apps");
}

TEST(Paths, EncodesNamesAndQueryValues) {
  EXPECT_EQ(urlEncode("app=web,tier in (a,b)"), "app%3Dweb%2Ctier%20in%20%28a%2Cb%29");
  EXPECT_EQ(urlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(urlEncode("ü/?&"), "%C3%BC%2F%3F%26");
  EXPECT_EQ(objectPath(resources::kConfigMaps, "n s", "a/b"), "/api/v1/namespaces/n%20s/configmaps/a%2Fb");
}

TEST(Paths, QueryKeepsOrderAndSkipsEmptyOptionalValues) {
  Query q;
  q.add("watch", "true").addIfSet("labelSelector", "app=web").addIfSet("fieldSelector", "").add("limit", "500");
  EXPECT_EQ(q.toString(), "?watch=true&labelSelector=app%3Dweb&limit=500");
  EXPECT_EQ(Query().toString(), "");
}

}  // namespace
}  // namespace flotilla::kube
