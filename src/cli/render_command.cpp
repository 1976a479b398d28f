// `flotilla render -f PATH [-f PATH...] [-o DIR] [--endpoints FILE] [-n NAMESPACE]`: offline, CRs in → every
// manifest the operator would apply and each Gateway's haproxy.cfg out. Errors and warnings go to stderr as
// `file:document: fieldpath: message`, then the analysis findings (cli/analysis.h) as
// `<severity>: file:document: FLTnnn Kind ns/name: message`; the exit code is 1 when there was any error (an
// error-severity finding counts as one). `--diff` compares with a live cluster instead (cli/render_diff.h).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <variant>

#include "api/yaml.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/flag_parser.h"
#include "cli/manifest_files.h"
#include "cli/render_diff.h"
#include "render/gateway_render.h"
#include "render/microservice_objects.h"

namespace flotilla::cli {
namespace {

namespace fs = std::filesystem;

struct RenderFlags {
  std::vector<std::string> files;
  std::string outputDir;
  std::string endpointsFile;
  std::string defaultNamespace = "default";
  bool diff = false;
  std::string kubeconfig;
  std::string context;
  std::string gatewayImage = "flotilla/gateway:latest";  // the operator's --gateway-image default
};

// Everything decoded from the inputs, grouped by kind, with where each object came from.
struct Inputs : AnalysisInputs {
  std::vector<api::OtherObject> others;
  std::map<std::string, SourceLocation> locations;  // "Kind ns/name" → source
};

std::string locationKey(std::string_view kind, const api::ObjectMeta& meta) {
  return std::string(kind) + " " + meta.namespace_ + "/" + meta.name;
}

Inputs groupByKind(const ManifestSet& manifests) {
  Inputs in;
  for (const auto& loaded : manifests.resources) {
    in.locations[locationKey(api::kindOf(loaded.resource), api::metadataOf(loaded.resource))] = loaded.location;
    if (const auto* other = std::get_if<api::OtherObject>(&loaded.resource)) {
      in.others.push_back(*other);
    } else {
      in.add(loaded.resource);
    }
  }
  return in;
}

// --endpoints FILE: {"<namespace>/<microservice>": [{address, port, portName, ready, pod}]}, YAML or JSON.
bool loadEndpoints(const std::string& file, std::map<render::ObjectKey, std::vector<render::Endpoint>>& out,
                   std::vector<Diagnostic>& errors) {
  std::ifstream in(file);
  if (!in) {
    errors.push_back({{file, 0}, "cannot read endpoints file"});
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto loaded = api::loadYamlDocuments(text.str());
  for (const auto& e : loaded.errors) errors.push_back({{file, e.document + 1}, e.toString()});
  if (!loaded.ok() || loaded.documents.empty() || !loaded.documents.front().value.is_object()) {
    errors.push_back({{file, 1}, "expected a map of <namespace>/<microservice> to a list of endpoints"});
    return false;
  }
  for (const auto& [key, list] : loaded.documents.front().value.items()) {
    const auto slash = key.find('/');
    if (slash == std::string::npos || !list.is_array()) {
      errors.push_back({{file, 1}, key + ": expected <namespace>/<microservice> with a list of endpoints"});
      continue;
    }
    auto& endpoints = out[{key.substr(0, slash), key.substr(slash + 1)}];
    for (const auto& item : list) {
      if (!item.is_object() || !item.contains("address") || !item.contains("port")) {
        errors.push_back({{file, 1}, key + ": every endpoint needs address and port"});
        continue;
      }
      render::Endpoint endpoint;
      endpoint.address = item.value("address", "");
      endpoint.port = item.value("port", 0);
      endpoint.portName = item.value("portName", "");
      endpoint.ready = item.value("ready", true);
      endpoint.serving = item.value("serving", endpoint.ready);
      endpoint.terminating = item.value("terminating", false);
      endpoint.podName = item.value("pod", "");
      endpoints.push_back(endpoint);
    }
  }
  return true;
}

struct RenderOutput {
  std::vector<nlohmann::json> objects;
  std::map<std::string, std::string> haproxyConfigs;  // "<ns>_<gateway>" → haproxy.cfg
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  std::vector<std::string> findings;  // "warning: file:doc: FLT001 BreakerPolicy ns/name: message"
  bool errorFindings = false;
};

void reportRouteVerdicts(const render::GatewayRender& rendered, const Inputs& in, RenderOutput& out) {
  for (const auto& verdict : rendered.routeVerdicts) {
    const auto where = in.locations.at("Route " + verdict.route.str());
    for (const auto& warning : verdict.warnings) out.warnings.push_back({where, warning});
    if (verdict.rendered) continue;
    const auto prefix = "not rendered on Gateway " + verdict.gateway.str() + ": ";
    if (!verdict.errors.empty()) {
      for (const auto& error : verdict.errors) out.errors.push_back({where, error.toString()});
      continue;
    }
    const auto& failed = verdict.accepted.status ? verdict.resolvedRefs : verdict.accepted;
    out.errors.push_back({where, prefix + failed.reason + ": " + failed.message});
  }
}

// The analysis findings (cli/analysis.h), each at the file and document of the object it is about. Offline there are
// no live replica counts, so FLT004 is left to `--diff`.
void analyzeInputs(const Inputs& in, RenderOutput& out) {
  const auto findings = analyze(in);
  for (const auto& finding : findings) {
    auto where = in.locations.find(finding.kind + " " + finding.object.str());
    out.findings.push_back(severityName(finding.severity) + ": " +
                           (where == in.locations.end() ? "" : where->second.str() + ": ") + finding.str());
  }
  out.errorFindings = hasErrors(findings);
}

RenderOutput renderAll(const Inputs& in, const std::map<render::ObjectKey, std::vector<render::Endpoint>>& endpoints) {
  RenderOutput out;
  for (const auto& other : in.others) out.objects.push_back(other.object);
  for (const auto& microservice : in.microservices) {
    for (auto& object : render::renderMicroservice(microservice).all()) out.objects.push_back(std::move(object));
  }
  for (const auto& gateway : in.gateways) {
    render::GatewayInputs inputs{gateway, in.routes, in.policies, in.microservices, {}, endpoints, {}};
    const auto rendered = render::renderGateway(inputs);
    const auto where = in.locations.at(locationKey("Gateway", gateway.metadata));
    for (const auto& error : rendered.gatewayErrors) out.errors.push_back({where, error.toString()});
    reportRouteVerdicts(rendered, in, out);
    for (auto& object : rendered.objects.all()) out.objects.push_back(std::move(object));
    out.haproxyConfigs[gateway.metadata.namespace_ + "_" + gateway.metadata.name] = rendered.haproxyConfig;
  }
  analyzeInputs(in, out);
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string objectFileName(const nlohmann::json& object) {
  const auto& meta = object.value("metadata", nlohmann::json::object());
  const std::string ns = meta.value("namespace", "");
  return (ns.empty() ? "" : ns + "_") + lower(object.value("kind", "object")) + "_" + meta.value("name", "") + ".yaml";
}

bool writeOutputDir(const std::string& dir, const RenderOutput& out) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "render: cannot create " << dir << ": " << ec.message() << "\n";
    return false;
  }
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream file(fs::path(dir) / name, std::ios::binary | std::ios::trunc);
    file << text;
    return static_cast<bool>(file);
  };
  bool ok = true;
  for (const auto& object : out.objects) ok = write(objectFileName(object), api::toYaml(object)) && ok;
  for (const auto& [name, config] : out.haproxyConfigs) ok = write(name + "_haproxy.cfg", config) && ok;
  if (!ok) std::cerr << "render: failed writing files under " << dir << "\n";
  return ok;
}

constexpr const char* kUsage =
    "usage: flotilla render -f PATH [-f PATH...] [-o DIR] [--endpoints FILE] [-n NAMESPACE]\n"
    "       flotilla render --diff [-f PATH...] [--kubeconfig FILE] [--context NAME] [--gateway-image IMAGE]\n"
    "  -f, --filename PATH    a YAML/JSON file or a directory (searched recursively); repeatable\n"
    "  -o, --output-dir DIR   write one file per object plus <ns>_<gateway>_haproxy.cfg instead of printing\n"
    "  --endpoints FILE       {\"<ns>/<microservice>\": [{address, port, portName, ready, pod}]} to render\n"
    "                         live endpoints into the gateway config (default: empty slots)\n"
    "  -n, --namespace NS     namespace for objects that name none (default \"default\")\n"
    "  --diff                 compare with the live cluster like `kubectl diff`: what applying the files (or, with\n"
    "                         no -f, the operator's next reconcile of the cluster's CRs) would create, change or\n"
    "                         delete; exit 0 no change, 1 changes, 2 error\n"
    "  --kubeconfig FILE      with --diff: kubeconfig (default $KUBECONFIG, in-cluster, ~/.kube/config)\n"
    "  --context NAME         with --diff: kubeconfig context (default: the current one)\n"
    "  --gateway-image IMAGE  with --diff: the operator's --gateway-image (default flotilla/gateway:latest)\n"
    "Analysis findings (FLT001...) are printed to stderr; see docs/cli.md.\n";

}  // namespace

int runRender(int argc, char** argv) {
  RenderFlags flags;
  FlagParser parser("render", kUsage);
  parser.addList({"-f", "--filename"}, flags.files);
  parser.add({"-o", "--output-dir"}, flags.outputDir);
  parser.add({"--endpoints"}, flags.endpointsFile);
  parser.add({"-n", "--namespace"}, flags.defaultNamespace);
  parser.addSwitch({"--diff"}, flags.diff);
  parser.add({"--kubeconfig"}, flags.kubeconfig);
  parser.add({"--context"}, flags.context);
  parser.add({"--gateway-image"}, flags.gatewayImage);
  if (const auto exit = parser.parse(argc, argv)) return *exit;
  if (flags.diff) {
    if (!flags.outputDir.empty() || !flags.endpointsFile.empty()) {
      std::cerr << "render: --diff compares with the cluster; it takes no -o or --endpoints\n" << kUsage;
      return kDiffError;
    }
    return renderDiff({flags.files, flags.defaultNamespace, flags.kubeconfig, flags.context, flags.gatewayImage});
  }
  if (!flags.kubeconfig.empty() || !flags.context.empty()) {
    std::cerr << "render: --kubeconfig and --context only go with --diff (render itself is offline)\n" << kUsage;
    return 2;
  }
  if (flags.files.empty()) {
    std::cerr << "render: at least one -f PATH is required\n" << kUsage;
    return 2;
  }

  const auto manifests = loadManifests(flags.files, flags.defaultNamespace);
  std::vector<Diagnostic> errors = manifests.errors;
  std::map<render::ObjectKey, std::vector<render::Endpoint>> endpoints;
  if (!flags.endpointsFile.empty()) loadEndpoints(flags.endpointsFile, endpoints, errors);

  const auto inputs = groupByKind(manifests);
  auto out = renderAll(inputs, endpoints);
  errors.insert(errors.end(), out.errors.begin(), out.errors.end());

  for (const auto& warning : out.warnings) std::cerr << "warning: " << warning.str() << "\n";
  for (const auto& error : errors) std::cerr << "error: " << error.str() << "\n";
  for (const auto& finding : out.findings) std::cerr << finding << "\n";

  if (!flags.outputDir.empty()) {
    if (!writeOutputDir(flags.outputDir, out)) return 1;
  } else {
    std::cout << api::toYamlStream(out.objects);
  }
  return errors.empty() && !out.errorFindings ? 0 : 1;
}

}  // namespace flotilla::cli
