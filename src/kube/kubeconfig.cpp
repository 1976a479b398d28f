#include "kube/kubeconfig.h"

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>

#include <yaml-cpp/yaml.h>

#include "kube/base64.h"
#include "kube/files.h"

namespace flotilla::kube {
namespace {

namespace fs = std::filesystem;

std::string inQuotes(const std::string& s) {
  return "\"" + s + "\"";
}

struct KubeconfigFile {
  std::string path;
  fs::path dir;
  YAML::Node root;
};

// A named cluster/user/context: its body and where it was written (for error messages and relative paths).
struct Entry {
  const KubeconfigFile* file = nullptr;
  std::string fieldPath;  // "users[0].user"
  YAML::Node body;
};

class KubeconfigLoader {
 public:
  Result<void> addFile(const std::string& path) {
    auto content = readTextFile(path);
    if (!content) return configError("kubeconfig " + content.error().message);
    KubeconfigFile& file = files_.emplace_back();
    file.path = path;
    file.dir = fs::path(path).parent_path();
    try {
      file.root = YAML::Load(*content);
    } catch (const YAML::Exception& e) {
      return configError("kubeconfig " + path + ": invalid YAML at line " + std::to_string(e.mark.line + 1) +
                         ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (file.root.IsNull()) return {};  // an empty file contributes nothing, as with kubectl
    if (!file.root.IsMap())
      return configError("kubeconfig " + path + ": not a kubeconfig (the top level must be a mapping)");
    for (auto [list, item, into] : {std::tuple{"clusters", "cluster", &clusters_}, std::tuple{"users", "user", &users_},
                                    std::tuple{"contexts", "context", &contexts_}}) {
      if (auto r = collect(file, list, item, *into); !r) return r;
    }
    if (currentContext_.empty()) {
      auto current = scalar(file.root["current-context"]);
      if (current) currentContext_ = *current;
    }
    return {};
  }

  std::size_t fileCount() const { return files_.size(); }

  Result<RestConfig> resolve(const std::string& contextOverride) const {
    const std::string contextName = contextOverride.empty() ? currentContext_ : contextOverride;
    if (contextName.empty()) {
      return configError("kubeconfig " + paths() + ": no current-context is set and no --context was given");
    }
    auto ctx = contexts_.find(contextName);
    if (ctx == contexts_.end())
      return configError("kubeconfig " + paths() + ": context " + inQuotes(contextName) + " not found");
    const Entry& context = ctx->second;

    RestConfig config;
    config.source = "kubeconfig " + context.file->path + ", context " + inQuotes(contextName);
    auto ns = stringField(context, "namespace");
    if (!ns) return ns.error();
    if (*ns && !(*ns)->empty()) config.namespace_ = **ns;

    auto cluster = referenced(context, "cluster", clusters_, true);
    if (!cluster) return cluster.error();
    if (auto r = applyCluster(*cluster.value(), config); !r) return r.error();

    auto user = referenced(context, "user", users_, false);
    if (!user) return user.error();
    if (user.value() != nullptr) {
      if (auto r = applyUser(*user.value(), config); !r) return r.error();
    }
    return config;
  }

 private:
  static Error fieldError(const Entry& e, const std::string& key, const std::string& message) {
    return configError("kubeconfig " + e.file->path + ": " + e.fieldPath + (key.empty() ? "" : "." + key) + ": " +
                       message);
  }

  static std::optional<std::string> scalar(const YAML::Node& node) {
    if (!node || !node.IsScalar()) return std::nullopt;
    return node.Scalar();
  }

  Result<void> collect(const KubeconfigFile& file, const std::string& list, const std::string& item,
                       std::map<std::string, Entry>& into) {
    const YAML::Node entries = file.root[list];
    if (!entries || entries.IsNull()) return {};
    auto err = [&](const std::string& field, const std::string& message) {
      return configError("kubeconfig " + file.path + ": " + field + ": " + message);
    };
    if (!entries.IsSequence()) return err(list, "must be a list");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string path = list + "[" + std::to_string(i) + "]";
      const YAML::Node entry = entries[i];
      if (!entry.IsMap()) return err(path, "must be a mapping");
      auto name = scalar(entry["name"]);
      if (!name || name->empty()) return err(path + ".name", "missing");
      YAML::Node body = entry[item];
      if (!body || body.IsNull()) {
        body = YAML::Node(YAML::NodeType::Map);
      } else if (!body.IsMap()) {
        return err(path + "." + item, "must be a mapping");
      }
      into.emplace(*name, Entry{&file, path + "." + item, body});  // the first definition wins
    }
    return {};
  }

  static Result<std::optional<std::string>> stringField(const Entry& e, const std::string& key) {
    const YAML::Node node = e.body[key];
    if (!node || node.IsNull()) return std::optional<std::string>();
    if (!node.IsScalar()) return fieldError(e, key, "must be a string");
    return std::optional<std::string>(node.Scalar());
  }

  static Result<bool> boolField(const Entry& e, const std::string& key) {
    const YAML::Node node = e.body[key];
    if (!node || node.IsNull()) return false;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
      return fieldError(e, key, "must be true or false");
    return value;
  }

  static std::string resolvePath(const Entry& e, const std::string& path) {
    fs::path p(path);
    return p.is_relative() ? (e.file->dir / p).lexically_normal().string() : p.string();
  }

  // `<name>-data` (base64) wins over `<name>` (a file path), as in client-go.
  static Result<std::optional<std::string>> dataOrFile(const Entry& e, const std::string& name) {
    auto data = stringField(e, name + "-data");
    if (!data) return data.error();
    if (*data && !(*data)->empty()) {
      auto decoded = base64Decode(**data);
      if (!decoded) return fieldError(e, name + "-data", "not valid base64");
      return std::optional<std::string>(std::move(*decoded));
    }
    auto file = stringField(e, name);
    if (!file) return file.error();
    if (!*file || (*file)->empty()) return std::optional<std::string>();
    auto content = readTextFile(resolvePath(e, **file));
    if (!content) return fieldError(e, name, content.error().message);
    return std::optional<std::string>(std::move(content).value());
  }

  Result<const Entry*> referenced(const Entry& context, const std::string& key,
                                  const std::map<std::string, Entry>& entries, bool required) const {
    auto name = stringField(context, key);
    if (!name) return name.error();
    if (!*name || (*name)->empty()) {
      if (required) return fieldError(context, key, "missing");
      return static_cast<const Entry*>(nullptr);
    }
    auto it = entries.find(**name);
    if (it == entries.end()) return fieldError(context, key, key + " " + inQuotes(**name) + " not found");
    return &it->second;
  }

  static Result<void> applyCluster(const Entry& cluster, RestConfig& config) {
    auto server = stringField(cluster, "server");
    if (!server) return server.error();
    if (!*server || (*server)->empty()) return fieldError(cluster, "server", "missing");
    config.server = **server;
    if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
      return fieldError(cluster, "server", "must start with https:// or http:// (got " + inQuotes(config.server) + ")");
    }
    while (config.server.size() > 8 && config.server.back() == '/') config.server.pop_back();

    auto insecure = boolField(cluster, "insecure-skip-tls-verify");
    if (!insecure) return insecure.error();
    config.insecureSkipTlsVerify = *insecure;

    auto ca = dataOrFile(cluster, "certificate-authority");
    if (!ca) return ca.error();
    if (*ca) {
      if (config.insecureSkipTlsVerify) {
        return fieldError(cluster, "insecure-skip-tls-verify",
                          "cannot be combined with certificate-authority(-data): pick one");
      }
      if ((*ca)->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return fieldError(cluster, "certificate-authority", "does not contain a PEM certificate");
      }
      config.caPem = std::move(**ca);
    }
    return {};
  }

  static Result<void> applyUser(const Entry& user, RestConfig& config) {
    auto token = stringField(user, "token");
    if (!token) return token.error();
    auto tokenFile = stringField(user, "tokenFile");
    if (!tokenFile) return tokenFile.error();
    if (*token && !(*token)->empty()) {
      config.token = staticTokenSource(**token);
    } else if (*tokenFile && !(*tokenFile)->empty()) {
      auto source = std::make_shared<FileTokenSource>(resolvePath(user, **tokenFile));
      if (auto first = source->token(); !first) return fieldError(user, "tokenFile", first.error().message);
      config.token = std::move(source);
    }

    auto cert = dataOrFile(user, "client-certificate");
    if (!cert) return cert.error();
    auto key = dataOrFile(user, "client-key");
    if (!key) return key.error();
    if (cert.value().has_value() != key.value().has_value()) {
      return fieldError(user, cert.value() ? "client-key" : "client-certificate",
                        "missing (client-certificate and client-key go together)");
    }
    if (*cert) {
      if ((*cert)->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return fieldError(user, "client-certificate", "does not contain a PEM certificate");
      }
      if ((*key)->find("PRIVATE KEY-----") == std::string::npos) {
        return fieldError(user, "client-key", "does not contain a PEM private key");
      }
      config.clientCertPem = std::move(**cert);
      config.clientKeyPem = std::move(**key);
    }

    if (!config.token && config.clientCertPem.empty()) {
      for (const char* unsupported : {"exec", "auth-provider", "username"}) {
        if (user.body[unsupported]) {
          return fieldError(user, unsupported,
                            "not supported by flotilla; use token, tokenFile or client-certificate/client-key");
        }
      }
    }
    return {};
  }

  std::string paths() const {
    std::string out;
    for (const auto& f : files_) out += (out.empty() ? "" : ":") + f.path;
    return out;
  }

  std::deque<KubeconfigFile> files_;  // deque: entries point into it
  std::map<std::string, Entry> clusters_, users_, contexts_;
  std::string currentContext_;
};

std::vector<std::string> splitPathList(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<RestConfig> loadKubeconfigFile(const std::string& path, const std::string& context) {
  KubeconfigLoader loader;
  if (auto r = loader.addFile(path); !r) return r.error();
  return loader.resolve(context);
}

Result<RestConfig> loadKubeconfig(const std::vector<std::string>& files, const std::string& context) {
  KubeconfigLoader loader;
  std::string missing;
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      missing += (missing.empty() ? "" : ", ") + file;
      continue;
    }
    if (auto r = loader.addFile(file); !r) return r.error();
  }
  if (loader.fileCount() == 0) return configError("kubeconfig: none of the files exist: " + missing);
  return loader.resolve(context);
}

Result<RestConfig> loadInClusterConfig(const InClusterOptions& options) {
  const EnvLookup env = options.env ? options.env : processEnv();
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return configError(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not running in a pod?)");
  }
  const fs::path dir(options.serviceAccountDir);
  RestConfig config;
  const bool ipv6 = host->find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  config.source = "in-cluster service account " + dir.string();

  auto token = std::make_shared<FileTokenSource>((dir / "token").string(), options.tokenRefresh,
                                                 options.clock ? options.clock : Clock::real());
  if (auto first = token->token(); !first) return configError("in-cluster config: " + first.error().message);
  config.token = std::move(token);

  auto ca = readTextFile((dir / "ca.crt").string());
  if (!ca) return configError("in-cluster config: " + ca.error().message);
  config.caPem = std::move(ca).value();

  if (auto ns = readTextFile((dir / "namespace").string()); ns && !trimmed(*ns).empty()) {
    config.namespace_ = trimmed(*ns);
  }
  return config;
}

Result<RestConfig> loadConfig(const ConfigOptions& options) {
  const EnvLookup env = options.env ? options.env : processEnv();
  if (!options.kubeconfig.empty()) return loadKubeconfigFile(options.kubeconfig, options.context);
  if (auto list = env("KUBECONFIG"); list && !list->empty())
    return loadKubeconfig(splitPathList(*list), options.context);
  if (auto host = env("KUBERNETES_SERVICE_HOST"); host && !host->empty()) {
    InClusterOptions inCluster = options.inCluster;
    if (!inCluster.env) inCluster.env = env;
    return loadInClusterConfig(inCluster);
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    const std::string path = (fs::path(*home) / ".kube" / "config").string();
    std::error_code ec;
    if (fs::exists(path, ec)) return loadKubeconfigFile(path, options.context);
  }
  return configError(
      "no Kubernetes configuration found: pass --kubeconfig, set KUBECONFIG, run inside a cluster, or create "
      "$HOME/.kube/config");
}

}  // namespace flotilla::kube
