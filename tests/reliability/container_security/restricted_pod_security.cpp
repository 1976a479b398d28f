#include "restricted_pod_security.h"

#include <set>

namespace flotilla::reliability {
namespace {

using nlohmann::json;

const std::set<std::string> kAllowedVolumeTypes = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"};
const std::set<std::string> kSafeSysctls = {
    "kernel.shm_rmid_forced",       "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",      "net.ipv4.ping_group_range",    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",  "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes"};
const std::set<std::string> kAllowedSeLinuxTypes = {"", "container_t", "container_init_t", "container_kvm_t",
                                                    "container_engine_t"};

const json& field(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

// A container setting, falling back to the pod's (runAsNonRoot, runAsUser, seccompProfile inherit).
const json& effective(const json& container, const json& pod, const char* key) {
  const json& own = field(field(container, "securityContext"), key);
  return own.is_null() ? field(field(pod, "securityContext"), key) : own;
}

void checkSeLinux(const json& context, const std::string& where, std::vector<std::string>& out) {
  const json& options = field(context, "seLinuxOptions");
  if (options.is_null()) return;
  if (!kAllowedSeLinuxTypes.contains(field(options, "type").is_string() ? field(options, "type").get<std::string>()
                                                                        : "")) {
    out.push_back(where + ": seLinuxOptions.type is not an allowed container type");
  }
  if (!field(options, "user").is_null() || !field(options, "role").is_null()) {
    out.push_back(where + ": seLinuxOptions.user and .role must not be set");
  }
}

void checkSeccompType(const json& profile, const std::string& where, std::vector<std::string>& out) {
  const json& type = field(profile, "type");
  if (type == "Unconfined") out.push_back(where + ": seccompProfile must not be Unconfined");
}

void checkAppArmor(const json& context, const std::string& where, std::vector<std::string>& out) {
  if (field(field(context, "appArmorProfile"), "type") == "Unconfined") {
    out.push_back(where + ": appArmorProfile must not be Unconfined");
  }
}

void checkContainer(const json& c, const json& pod, std::vector<std::string>& out) {
  const std::string where = "container " + (field(c, "name").is_string() ? field(c, "name").get<std::string>() : "?");
  const json& context = field(c, "securityContext");
  // baseline
  if (field(context, "privileged") == true) out.push_back(where + ": privileged");
  if (!field(context, "procMount").is_null() && field(context, "procMount") != "Default") {
    out.push_back(where + ": procMount must be Default");
  }
  checkSeLinux(context, where, out);
  checkAppArmor(context, where, out);
  checkSeccompType(field(context, "seccompProfile"), where, out);
  for (const auto& port : field(c, "ports")) {
    if (!field(port, "hostPort").is_null() && field(port, "hostPort") != 0) out.push_back(where + ": hostPort");
  }
  // restricted
  if (field(context, "allowPrivilegeEscalation") != false) {
    out.push_back(where + ": allowPrivilegeEscalation must be false");
  }
  if (effective(c, pod, "runAsNonRoot") != true) out.push_back(where + ": runAsNonRoot must be true");
  const json& user = field(context, "runAsUser");
  if (user == 0) out.push_back(where + ": runAsUser must not be 0");
  const json& seccomp = field(effective(c, pod, "seccompProfile"), "type");
  if (seccomp != "RuntimeDefault" && seccomp != "Localhost") {
    out.push_back(where + ": seccompProfile.type must be RuntimeDefault or Localhost");
  }
  const json& capabilities = field(context, "capabilities");
  bool dropsAll = false;
  for (const auto& dropped : field(capabilities, "drop")) dropsAll = dropsAll || dropped == "ALL";
  if (!dropsAll) out.push_back(where + ": capabilities.drop must include ALL");
  for (const auto& added : field(capabilities, "add")) {
    if (added != "NET_BIND_SERVICE") out.push_back(where + ": adds capability " + added.dump());
  }
}

}  // namespace

std::vector<std::string> restrictedViolations(const json& podSpec, const json& podMetadata) {
  std::vector<std::string> out;
  // baseline, pod level
  for (const char* host : {"hostNetwork", "hostPID", "hostIPC"}) {
    if (field(podSpec, host) == true) out.push_back(std::string("pod: ") + host + " must not be true");
  }
  const json& podContext = field(podSpec, "securityContext");
  checkSeLinux(podContext, "pod", out);
  checkAppArmor(podContext, "pod", out);
  checkSeccompType(field(podContext, "seccompProfile"), "pod", out);
  if (field(podContext, "runAsUser") == 0) out.push_back("pod: runAsUser must not be 0");
  for (const auto& sysctl : field(podContext, "sysctls")) {
    const json& name = field(sysctl, "name");
    if (!name.is_string() || !kSafeSysctls.contains(name.get<std::string>())) {
      out.push_back("pod: sysctl " + name.dump() + " is not in the safe set");
    }
  }
  for (const auto& [key, value] : field(podMetadata, "annotations").items()) {
    if (key.starts_with("container.apparmor.security.beta.kubernetes.io/") && value != "runtime/default" &&
        !(value.is_string() && value.get<std::string>().starts_with("localhost/"))) {
      out.push_back("pod: AppArmor annotation " + key + " must be runtime/default or localhost/*");
    }
  }
  // restricted, pod level
  for (const auto& volume : field(podSpec, "volumes")) {
    for (const auto& [key, _] : volume.items()) {
      if (key != "name" && !kAllowedVolumeTypes.contains(key)) {
        out.push_back("volume " + field(volume, "name").dump() + ": type " + key + " is not allowed");
      }
    }
  }
  std::size_t containers = 0;
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    for (const auto& c : field(podSpec, list)) {
      checkContainer(c, podSpec, out);
      ++containers;
    }
  }
  if (containers == 0) out.push_back("pod: no containers");
  return out;
}

}  // namespace flotilla::reliability
