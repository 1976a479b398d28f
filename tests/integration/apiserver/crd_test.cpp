// CustomResourceDefinitions: registration and status, schema validation (422 with field paths), defaults,
// pruning with fieldValidation, printer columns, and cleanup when the CRD goes.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

class CrdTest : public ApiServerTest {
 protected:
  const std::string widgets_ = "/apis/example.com/v1/namespaces/default/widgets";
};

TEST_F(CrdTest, CreatedCrdIsEstablishedAndServed) {
  EXPECT_EQ(client_.get(widgets_).status, 404);
  installWidgetCrd();
  auto crd = client_.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").json();
  std::map<std::string, std::string> conditions;
  for (const auto& c : crd["status"]["conditions"]) conditions[c["type"]] = c["status"];
  EXPECT_EQ(conditions["Established"], "True");
  EXPECT_EQ(conditions["NamesAccepted"], "True");
  EXPECT_EQ(crd["status"]["acceptedNames"]["kind"], "Widget");
  EXPECT_EQ(client_.get(widgets_).json()["kind"], "WidgetList");
}

TEST_F(CrdTest, InvalidCrdIsRejected) {
  json crd = widgetCrd();
  crd["metadata"]["name"] = "wrong.example.com";
  auto result = client_.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  EXPECT_EQ(result.status, 422);
  EXPECT_NE(result.body.find("must be spec.names.plural+\\\".\\\"+spec.group"), std::string::npos) << result.body;
}

TEST_F(CrdTest, SchemaViolationsAreUnprocessableWithFieldPaths) {
  installWidgetCrd();
  auto tooBig = client_.post(widgets_, widget("big", 11));
  ASSERT_EQ(tooBig.status, 422);
  json status = tooBig.json();
  EXPECT_EQ(status["details"]["kind"], "Widget");
  EXPECT_EQ(status["details"]["group"], "example.com");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "spec.size");
  EXPECT_NE(status["message"].get<std::string>().find("Widget.example.com \"big\" is invalid: spec.size"),
            std::string::npos);
  json missing = widget("missing", 1);
  missing["spec"].erase("size");
  auto required = client_.post(widgets_, missing);
  EXPECT_EQ(required.status, 422);
  EXPECT_EQ(required.json()["details"]["causes"][0]["reason"], "FieldValueRequired");
}

TEST_F(CrdTest, DefaultsAndPruningFollowTheSchema) {
  installWidgetCrd();
  json object = widget("w", 2);
  object["spec"]["extra"] = "dropped";
  auto warned = client_.post(widgets_, object);
  ASSERT_EQ(warned.status, 201) << warned.body;
  EXPECT_EQ(warned.json()["spec"]["colour"], "blue");
  EXPECT_FALSE(warned.json()["spec"].contains("extra"));
  EXPECT_EQ(warned.header("Warning"), "299 - \"unknown field \\\"spec.extra\\\"\"");

  object["metadata"]["name"] = "strict";
  auto strict = client_.post(widgets_ + "?fieldValidation=Strict", object);
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(
      strict.json()["message"],
      "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.extra\"");
  object["metadata"]["name"] = "ignored";
  auto ignored = client_.post(widgets_ + "?fieldValidation=Ignore", object);
  EXPECT_EQ(ignored.status, 201);
  EXPECT_TRUE(ignored.headerValues("Warning").empty());
}

TEST_F(CrdTest, PrinterColumnsRenderInTables) {
  installWidgetCrd();
  client_.post(widgets_, widget("w", 3));
  client_.patch(widgets_ + "/w/status",
                {{"status", {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}});
  auto table = client_.get(widgets_, "application/json;as=Table;v=v1;g=meta.k8s.io").json();
  std::vector<std::string> columns;
  for (const auto& c : table["columnDefinitions"]) columns.push_back(c["name"]);
  EXPECT_EQ(columns, (std::vector<std::string>{"Name", "Size", "Ready", "Colour", "Age"}));
  EXPECT_EQ(table["columnDefinitions"][3]["priority"], 1);
  json cells = table["rows"][0]["cells"];
  EXPECT_EQ(cells[0], "w");
  EXPECT_EQ(cells[1], 3);
  EXPECT_EQ(cells[2], "True");
  EXPECT_EQ(cells[3], "blue");
  EXPECT_EQ(cells[4].get<std::string>().back(), 's');
}

TEST_F(CrdTest, StrategicMergePatchIsUnsupportedForCustomResources) {
  installWidgetCrd();
  client_.post(widgets_, widget("w", 3));
  auto result = client_.patch(widgets_ + "/w", {{"spec", {{"size", 4}}}}, "application/strategic-merge-patch+json");
  EXPECT_EQ(result.status, 415);
  EXPECT_EQ(result.json()["message"],
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
}

TEST_F(CrdTest, ScaleSubresourceUsesTheCrdPaths) {
  installWidgetCrd();
  json object = widget("w", 3);
  object["spec"]["replicas"] = 2;
  client_.post(widgets_, object);
  auto scaled = client_.patch(widgets_ + "/w/scale", {{"spec", {{"replicas", 4}}}});
  ASSERT_EQ(scaled.status, 200) << scaled.body;
  EXPECT_EQ(client_.get(widgets_ + "/w").json()["spec"]["replicas"], 4);
}

TEST_F(CrdTest, DeletingTheCrdDeletesItsObjectsAndStopsServingIt) {
  installWidgetCrd();
  client_.post(widgets_, widget("a", 1));
  client_.post(widgets_, widget("b", 2));
  auto deleted = client_.del("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
  EXPECT_TRUE(deleted.status == 200 || deleted.status == 202) << deleted.body;
  EXPECT_TRUE(eventually([&] {
    return client_.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 404;
  }));
  EXPECT_EQ(client_.get(widgets_).status, 404);
  EXPECT_TRUE(server_.store().listAll("example.com/widgets").empty());
}

}  // namespace
}  // namespace flotilla::apiserver::testing
