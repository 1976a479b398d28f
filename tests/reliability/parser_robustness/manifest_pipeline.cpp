#include "manifest_pipeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "api/parse.h"
#include "api/yaml.h"
#include "render/gateway_render.h"
#include "render/microservice_objects.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;

// Renders one decoded resource the way `flotilla render` would, and serialises every object it produced.
void render(const api::AnyResource& resource, PipelineOutcome& out) {
  auto inputs = render::testing::shopInputs();
  std::vector<json> objects;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, api::Microservice>) {
          objects = render::renderMicroservice(r).all();
          return;
        } else if constexpr (std::is_same_v<T, api::Route>) {
          inputs.routes.push_back(r);
        } else if constexpr (std::is_same_v<T, api::BreakerPolicy>) {
          inputs.breakerPolicies.push_back(r);
        } else if constexpr (std::is_same_v<T, api::Gateway>) {
          inputs.gateway = r;
        } else {
          objects.push_back(r.object);
          return;
        }
        const auto rendered = render::renderGateway(inputs);
        objects = rendered.objects.all();
        for (const auto& verdict : rendered.routeVerdicts) {
          if (!verdict.rendered && verdict.accepted.message.empty() && verdict.resolvedRefs.message.empty()) {
            out.problems.push_back("Route " + verdict.route.str() + " left out without a message");
          }
        }
      },
      resource);
  for (const auto& object : objects) {
    (void)object.dump();
    (void)api::toYaml(object);
  }
  ++out.rendered;
}

}  // namespace

PipelineOutcome runManifestPipeline(const std::string& text) {
  PipelineOutcome out;
  const auto loaded = api::loadYamlDocuments(text);
  for (const auto& error : loaded.errors) {
    if (error.message.empty()) out.problems.push_back("a YAML error without a message");
  }
  for (const auto& document : loaded.documents) {
    ++out.documents;
    // Loaded JSON is valid UTF-8 (dump throws otherwise) and survives the YAML writer unchanged.
    (void)document.value.dump();
    const std::string yaml = api::toYaml(document.value);
    const auto again = api::loadYamlDocuments(yaml);
    if (!again.ok()) {
      out.problems.push_back("toYaml writes what the loader refuses (" + again.errors.front().toString() + "):\n" +
                             yaml.substr(0, 2000));
    } else if (again.documents.size() != 1 || again.documents.front().value != document.value) {
      const json change =
          again.documents.empty() ? json("no document") : json::diff(document.value, again.documents.front().value);
      out.problems.push_back("toYaml does not read back to the same JSON: " +
                             change.dump(-1, ' ', true).substr(0, 500));
    }
    const auto decoded = api::loadResource(document.value);
    for (const auto& error : decoded.errors) {
      if (error.message.empty()) out.problems.push_back("a decode error without a message at " + error.path);
    }
    if (decoded.ok()) render(decoded.value, out);
  }
  return out;
}

std::vector<std::string> exampleManifests() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::filesystem::path(FLOTILLA_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

}  // namespace flotilla::reliability
