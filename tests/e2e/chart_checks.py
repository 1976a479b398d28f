#!/usr/bin/env python3
"""Checks on the Helm chart's rendered output, used by tests/e2e/chart_*.sh.

Each subcommand reads rendered manifests (`helm template` output) or chart files, prints every problem it finds and
exits 1 when there was one, 0 otherwise. Run without arguments for the list of subcommands.
"""
import json
import re
import sys
from pathlib import Path

import yaml


class Problems:
    """Collects failures so one run reports all of them, not just the first."""

    def __init__(self, what):
        self.what = what
        self.items = []

    def check(self, condition, message):
        if not condition:
            self.items.append(message)
        return condition

    def finish(self):
        if self.items:
            print(f"{self.what}: {len(self.items)} problem(s)", file=sys.stderr)
            for item in self.items:
                print(f"  - {item}", file=sys.stderr)
            return 1
        return 0


# ---------------------------------------------------------------------------------------------------------- loading


def load_manifests(path):
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def objects_of(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def one(docs, kind, problems):
    found = objects_of(docs, kind)
    problems.check(len(found) == 1, f"expected exactly one {kind}, found {len(found)}")
    return found[0] if found else None


def operator_container(docs, problems):
    deployment = one(docs, "Deployment", problems)
    if not deployment:
        return None, None
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return deployment, next((c for c in containers if c["name"] == "operator"), None)


def load_rbac_file(chart_dir):
    with open(Path(chart_dir) / "files" / "operator-rbac.yaml") as f:
        return yaml.safe_load(f)


RBAC_FIELDS = ("apiGroups", "resources", "resourceNames", "verbs")


def rbac_only(rule):
    return {k: rule[k] for k in RBAC_FIELDS if k in rule}


def permissions(rules):
    """Expands RBAC rules into a set of (group, resource, resourceName or '*', verb) tuples."""
    out = set()
    for rule in rules:
        names = rule.get("resourceNames") or ["*"]
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                for verb in rule.get("verbs", []):
                    for name in names:
                        out.add((group, resource, name, verb))
    return out


def grants(held, wanted):
    group, resource, name, verb = wanted
    return (group, resource, name, verb) in held or (group, resource, "*", verb) in held


# --------------------------------------------------------------------------------------------- render scenarios

STANDARD_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                   "app.kubernetes.io/managed-by", "helm.sh/chart")
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding"}
ALERTS = ["FlotillaOperatorDown", "FlotillaReconcileErrorsRising", "FlotillaWorkqueueDepthHigh", "FlotillaNoLeader",
          "FlotillaGatewayReloadFailures", "FlotillaCircuitOpen", "FlotillaGateway5xxRatioHigh"]


def arg_value(args, flag):
    for arg in args:
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def kinds(docs):
    return sorted(f"{d['kind']}/{d['metadata']['name']}" for d in docs)


def check_common(docs, p, release, namespace):
    for d in docs:
        name = f"{d.get('kind')}/{d.get('metadata', {}).get('name')}"
        labels = d.get("metadata", {}).get("labels", {})
        for label in STANDARD_LABELS:
            p.check(label in labels, f"{name}: missing label {label}")
        p.check(labels.get("app.kubernetes.io/instance") == release, f"{name}: instance label is not {release}")
        if d["kind"] not in CLUSTER_SCOPED:
            p.check("namespace" in d["metadata"], f"{name}: no metadata.namespace")
    deployment, container = operator_container(docs, p)
    service = next((s for s in objects_of(docs, "Service")), None)
    if deployment and service:
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        selector = service["spec"]["selector"]
        p.check(all(pod_labels.get(k) == v for k, v in selector.items()),
                f"Service selector {selector} does not select the operator pods {pod_labels}")
        match = deployment["spec"]["selector"]["matchLabels"]
        p.check(all(pod_labels.get(k) == v for k, v in match.items()), "Deployment selector misses its own pods")
        ports = {port["name"]: port["port"] for port in service["spec"]["ports"]}
        container_ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        p.check(ports == container_ports, f"Service ports {ports} differ from the container's {container_ports}")
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            got = container.get(probe, {}).get("httpGet", {})
            p.check(got.get("path") == path and got.get("port") == "health", f"{probe} is {got}, wanted {path}")
        env = {e["name"]: e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") for e in container["env"]}
        p.check(env.get("POD_NAME") == "metadata.name", "POD_NAME does not come from metadata.name")
        p.check(env.get("POD_NAMESPACE") == "metadata.namespace", "POD_NAMESPACE does not come from metadata.namespace")
        p.check(container.get("command") == ["flotilla"] and container["args"][0] == "operator",
                f"the container does not run `flotilla operator`: {container.get('command')} {container['args'][:1]}")
        args = container["args"]
        p.check(arg_value(args, "--metrics-bind-address") == f":{ports.get('metrics')}", "metrics address != port")
        p.check(arg_value(args, "--health-probe-bind-address") == f":{ports.get('health')}", "health address != port")
        p.check(container.get("resources", {}).get("limits", {}).get("memory"), "no memory limit")
    test_pods = [d for d in objects_of(docs, "Pod") if d["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"]
    p.check(len(test_pods) == 1, f"expected one `helm test` Pod, found {len(test_pods)}")
    for pod in test_pods:
        command = " ".join(pod["spec"]["containers"][0].get("command", []) + pod["spec"]["containers"][0]["args"])
        p.check(re.search(r"http://[^ ]+-metrics\.[^ ]+\.svc:\d+/readyz", command) is not None,
                f"helm test Pod does not ask /readyz through the Service: {command}")
        if service:
            health = next(pt["port"] for pt in service["spec"]["ports"] if pt["name"] == "health")
            p.check(f"{service['metadata']['name']}.{namespace}.svc:{health}/readyz" in command,
                    f"helm test Pod does not target {service['metadata']['name']}:{health}: {command}")
    return deployment, container


def expect_kinds(docs, p, present=(), absent=()):
    have = {d["kind"] for d in docs}
    for kind in present:
        p.check(kind in have, f"expected a {kind}; rendered: {kinds(docs)}")
    for kind in absent:
        p.check(kind not in have, f"expected no {kind}; rendered: {kinds(docs)}")


def check_rbac_binding(docs, p, sa_name, namespace):
    for binding in objects_of(docs, "ClusterRoleBinding") + objects_of(docs, "RoleBinding"):
        subjects = binding.get("subjects", [])
        p.check(subjects == [{"kind": "ServiceAccount", "name": sa_name, "namespace": namespace}],
                f"{binding['kind']}/{binding['metadata']['name']} binds {subjects}, not ServiceAccount {sa_name}")
        ref = binding["roleRef"]
        targets = objects_of(docs, ref["kind"])
        p.check(any(t["metadata"]["name"] == ref["name"] for t in targets),
                f"{binding['kind']}/{binding['metadata']['name']} refers to missing {ref['kind']}/{ref['name']}")


def check_monitoring(docs, p, namespace, gateways, leader_election):
    service = objects_of(docs, "Service")[0]
    monitor = one(docs, "ServiceMonitor", p)
    if monitor:
        selector = monitor["spec"]["selector"]["matchLabels"]
        labels = service["metadata"]["labels"]
        p.check(all(labels.get(k) == v for k, v in selector.items()), "ServiceMonitor does not select the Service")
        p.check([e["port"] for e in monitor["spec"]["endpoints"]] == ["metrics"], "ServiceMonitor port is not metrics")
        p.check(monitor["spec"]["namespaceSelector"] == {"matchNames": [namespace]}, "ServiceMonitor namespace")
    pod_monitors = objects_of(docs, "PodMonitor")
    p.check(len(pod_monitors) == (1 if gateways else 0), f"PodMonitors: {len(pod_monitors)}, gateways={gateways}")
    rule = one(docs, "PrometheusRule", p)
    if rule:
        groups = rule["spec"]["groups"]
        p.check([g["name"] for g in groups] == ["flotilla.rules"], f"rule groups {[g['name'] for g in groups]}")
        alerts = [r["alert"] for g in groups for r in g["rules"]]
        wanted = [a for a in ALERTS if leader_election or a != "FlotillaNoLeader"]
        p.check(alerts == wanted, f"alerts {alerts}, wanted {wanted}")
        job = f'job="{service["metadata"]["name"]}"'
        for g in groups:
            for r in g["rules"]:
                p.check(r.get("labels", {}).get("severity") in ("critical", "warning", "info"),
                        f"{r['alert']}: no severity label")
                for annotation in ("summary", "description"):
                    p.check(r.get("annotations", {}).get(annotation), f"{r['alert']}: no {annotation} annotation")
                if r["alert"] in ("FlotillaOperatorDown", "FlotillaReconcileErrorsRising",
                                  "FlotillaWorkqueueDepthHigh", "FlotillaNoLeader"):
                    p.check(job in r["expr"], f"{r['alert']} does not select the operator's job {job}: {r['expr']}")


def scenario(name, path, release, namespace):
    """What `helm template` must contain for each documented values combination (see chart_render.sh)."""
    docs = load_manifests(path)
    p = Problems(f"scenario {name}")
    deployment, container = check_common(docs, p, release, namespace)
    if not container:
        return p.finish()
    args = container["args"]
    pod = deployment["spec"]["template"]["spec"]
    sa = pod["serviceAccountName"]
    monitoring_kinds = ("ServiceMonitor", "PodMonitor", "PrometheusRule")

    if name == "default":
        expect_kinds(docs, p, present=("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                                       "Service", "ConfigMap", "Deployment", "Pod"), absent=monitoring_kinds)
        p.check(deployment["spec"]["replicas"] == 2, "default replicas is not 2")
        p.check(arg_value(args, "--leader-elect") == "true", f"leader election not on: {args}")
        p.check(arg_value(args, "--leader-election-namespace") == namespace, "Lease not in the release namespace")
        p.check(arg_value(args, "--namespace") is None, "--namespace set although watchNamespace is empty")
        for flag, value in (("--metrics-bind-address", ":8080"), ("--health-probe-bind-address", ":8081"),
                            ("--log-format", "json"), ("--log-level", "info"), ("--workers", "4"),
                            ("--kube-api-qps", "20"), ("--kube-api-burst", "30"),
                            ("--gateway-image", "flotilla/gateway:0.1.0")):
            p.check(arg_value(args, flag) == value, f"{flag} is {arg_value(args, flag)!r}, wanted {value!r}")
        p.check(container["image"] == "flotilla/operator:0.1.0", f"image {container['image']}")
        anti = pod.get("affinity", {}).get("podAntiAffinity", {})
        preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution", [])
        p.check(len(preferred) == 1 and preferred[0]["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
                and preferred[0]["podAffinityTerm"]["labelSelector"]["matchLabels"].items()
                <= deployment["spec"]["template"]["metadata"]["labels"].items(),
                f"default affinity is not a preferred anti-affinity on the operator's own pods: {anti}")
        p.check(sa == f"{release}-flotilla" if "flotilla" not in release else sa == release, f"ServiceAccount {sa}")
        check_rbac_binding(docs, p, sa, namespace)
        dashboards = [c for c in objects_of(docs, "ConfigMap") if c["metadata"]["labels"].get("grafana_dashboard") == "1"]
        p.check(len(dashboards) == 1, "no ConfigMap labelled grafana_dashboard: \"1\"")
        for c in dashboards:
            try:
                json.loads(c["data"]["flotilla.json"])
            except (KeyError, ValueError) as e:
                p.check(False, f"dashboard ConfigMap has no valid flotilla.json: {e}")
    elif name == "monitoring":
        expect_kinds(docs, p, present=monitoring_kinds)
        check_monitoring(docs, p, namespace, gateways=True, leader_election=True)
        for pod_monitor in objects_of(docs, "PodMonitor"):
            p.check(pod_monitor["spec"]["namespaceSelector"] == {"any": True}, "PodMonitor must look in all namespaces")
    elif name == "monitoring-no-gateways-no-leader":
        check_monitoring(docs, p, namespace, gateways=False, leader_election=False)
    elif name == "namespaced":
        expect_kinds(docs, p, present=("Role", "RoleBinding"), absent=("ClusterRole", "ClusterRoleBinding"))
        p.check(arg_value(args, "--namespace") == "team-a", f"--namespace is {arg_value(args, '--namespace')}")
        roles = {r["metadata"]["namespace"] for r in objects_of(docs, "Role")}
        p.check(roles == {"team-a", namespace}, f"Roles in {roles}: wanted team-a (rules) and {namespace} (Lease)")
        check_rbac_binding(docs, p, sa, namespace)
        monitor = objects_of(docs, "PodMonitor")
        p.check(len(monitor) == 1 and monitor[0]["spec"]["namespaceSelector"] == {"matchNames": ["team-a"]},
                "namespaced mode: the PodMonitor must look in team-a only")
    elif name == "no-leader-election":
        p.check(deployment["spec"]["replicas"] == 1, "replicas")
        p.check(arg_value(args, "--leader-elect") == "false", f"leader election not off: {args}")
        p.check(arg_value(args, "--leader-election-namespace") is None, "Lease namespace without leader election")
        lease_roles = [r for r in objects_of(docs, "Role") if any("leases" in rule["resources"] for rule in r["rules"])]
        p.check(not lease_roles, "a Lease Role is rendered without leader election")
        expect_kinds(docs, p, present=("ClusterRole",))
    elif name == "existing-service-account":
        expect_kinds(docs, p, absent=("ServiceAccount",))
        p.check(sa == "ops-flotilla", f"Deployment uses ServiceAccount {sa}, wanted ops-flotilla")
        check_rbac_binding(docs, p, "ops-flotilla", namespace)
    elif name == "no-rbac":
        expect_kinds(docs, p, present=("ServiceAccount",),
                     absent=("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"))
    elif name == "no-dashboard":
        p.check(not objects_of(docs, "ConfigMap"), "a ConfigMap is rendered with grafanaDashboard.enabled=false")
    elif name == "customised":
        p.check(container["image"] == "registry.example.com:5000/flotilla/operator:9.9.9", f"image {container['image']}")
        p.check(container["imagePullPolicy"] == "Always", "pullPolicy")
        p.check(args[-1] == "--extra-flag=1", f"extraArgs not appended: {args}")
        for flag, value in (("--log-format", "text"), ("--log-level", "debug"), ("--workers", "8"),
                            ("--kube-api-qps", "50"), ("--kube-api-burst", "100"),
                            ("--gateway-image", "registry.example.com/gw:2.0"),
                            ("--metrics-bind-address", ":9090"), ("--health-probe-bind-address", ":9091")):
            p.check(arg_value(args, flag) == value, f"{flag} is {arg_value(args, flag)!r}, wanted {value!r}")
        p.check(pod.get("nodeSelector") == {"role": "infra"}, "nodeSelector")
        p.check(pod.get("tolerations") == [{"key": "infra", "operator": "Exists", "effect": "NoSchedule"}], "tolerations")
        p.check(pod.get("priorityClassName") == "system-cluster-critical", "priorityClassName")
        p.check(deployment["spec"]["template"]["metadata"].get("annotations") == {"example.com/a": "b"}, "podAnnotations")
        required = pod.get("affinity", {}).get("podAntiAffinity", {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution")
        p.check(required and required[0]["topologyKey"] == "kubernetes.io/hostname", "hard anti-affinity preset")
        p.check(deployment["metadata"]["name"] == "fl", "fullnameOverride")
    elif name == "own-affinity":
        p.check(pod.get("affinity") == {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}},
            f"own affinity not used as is: {pod.get('affinity')}")
    elif name == "no-anti-affinity":
        p.check("affinity" not in pod, f"podAntiAffinityPreset none still renders {pod.get('affinity')}")
    else:
        p.check(False, f"unknown scenario {name}")
    return p.finish()


# ----------------------------------------------------------------------------------------------------- pod security


def check_restricted(spec, where, p):
    """The fields the restricted Pod Security Standard (v1.26+) requires of a pod spec."""
    pod_sc = spec.get("securityContext", {})
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        p.check(not spec.get(field), f"{where}: {field} is set")
    for volume in spec.get("volumes", []):
        allowed = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
                   "secret"}
        p.check(set(volume) - {"name"} <= allowed, f"{where}: volume {volume['name']} has a forbidden type")
    containers = spec.get("initContainers", []) + spec.get("containers", [])
    p.check(containers, f"{where}: no containers")
    for c in containers:
        sc = c.get("securityContext", {})
        name = f"{where} container {c['name']}"
        p.check(sc.get("allowPrivilegeEscalation") is False, f"{name}: allowPrivilegeEscalation is not false")
        p.check(sc.get("privileged") in (None, False), f"{name}: privileged")
        p.check(sc.get("readOnlyRootFilesystem") is True, f"{name}: readOnlyRootFilesystem is not true")
        p.check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{name}: capabilities.drop is not [ALL]")
        p.check(not set(sc.get("capabilities", {}).get("add", [])) - {"NET_BIND_SERVICE"}, f"{name}: adds capabilities")
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        p.check(non_root is True, f"{name}: runAsNonRoot is not true")
        user = sc.get("runAsUser", pod_sc.get("runAsUser"))
        p.check(isinstance(user, int) and user > 0, f"{name}: runAsUser is {user!r}, wanted a non-zero uid")
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {})).get("type")
        p.check(seccomp in ("RuntimeDefault", "Localhost"), f"{name}: seccompProfile is {seccomp!r}")
        for port in c.get("ports", []):
            p.check("hostPort" not in port, f"{name}: hostPort")


def pod_security(path, operator_user="65532"):
    docs = load_manifests(path)
    p = Problems(f"restricted pod security ({path})")
    specs = [(f"Deployment/{d['metadata']['name']}", d["spec"]["template"]["spec"]) for d in objects_of(docs, "Deployment")]
    specs += [(f"Pod/{d['metadata']['name']}", d["spec"]) for d in objects_of(docs, "Pod")]
    p.check(len(specs) >= 2, f"expected the operator Deployment and the test Pod, found {[w for w, _ in specs]}")
    for where, spec in specs:
        check_restricted(spec, where, p)
    for d in objects_of(docs, "Deployment"):
        spec = d["spec"]["template"]["spec"]
        p.check(spec["securityContext"].get("runAsUser") == int(operator_user), "operator pod runAsUser is not 65532")
        mounts = {m["mountPath"] for c in spec["containers"] for m in c.get("volumeMounts", [])}
        p.check("/tmp" in mounts, "read-only root filesystem without a writable /tmp")
    return p.finish()


# ----------------------------------------------------------------------------------------------------------- RBAC


def rbac(path, chart_dir, mode):
    """The rendered roles carry exactly the rules of files/operator-rbac.yaml for the mode, and nothing broad."""
    docs = load_manifests(path)
    rules_file = load_rbac_file(chart_dir)
    p = Problems(f"RBAC ({mode})")
    cluster_roles = objects_of(docs, "ClusterRole")
    roles = objects_of(docs, "Role")
    lease_roles = [r for r in roles if r["metadata"]["name"].endswith("-leader-election")]
    main_roles = [r for r in roles if r not in lease_roles]
    if mode == "cluster":
        p.check(len(cluster_roles) == 1 and not main_roles, f"cluster mode renders {kinds(docs)}")
        wanted = rules_file["namespaced"] + rules_file["clusterScoped"]
        got = cluster_roles[0]["rules"] if cluster_roles else []
    else:
        p.check(not cluster_roles and len(main_roles) == 1, f"namespaced mode renders {kinds(docs)}")
        wanted = rules_file["namespaced"]
        got = main_roles[0]["rules"] if main_roles else []
    p.check(got == [rbac_only(r) for r in wanted],
            "rendered rules differ from files/operator-rbac.yaml:\n    rendered " + json.dumps(got) +
            "\n    file     " + json.dumps([rbac_only(r) for r in wanted]))
    p.check(len(lease_roles) == 1 and lease_roles[0]["rules"] == [rbac_only(r) for r in rules_file["leaderElection"]],
            "the leader-election Role does not carry files/operator-rbac.yaml's leaderElection rules")
    everything = [rule for role in cluster_roles + roles for rule in role["rules"]]
    for rule in everything:
        for field in ("apiGroups", "resources", "verbs"):
            p.check("*" not in rule.get(field, []), f"wildcard in {field}: {rule}")
        p.check(set(rule) <= set(RBAC_FIELDS), f"non-RBAC field in a rendered rule: {rule}")
    held = permissions(everything)
    for verb in ("create", "update", "patch", "delete", "deletecollection"):
        p.check(("", "secrets", "*", verb) not in held, f"the operator may {verb} Secrets")
    for verb in ("escalate", "bind", "impersonate"):
        p.check(not any(v == verb for (_, _, _, v) in held), f"the operator holds the {verb} verb")
    # Pods only as far as gateway pods need: read what they report, and patch, which the operator never uses itself
    # but must hold to grant it to the gateway agent (which annotates its own Pod).
    for verb in ("create", "update", "delete", "deletecollection"):
        p.check(("", "pods", "*", verb) not in held, f"the operator may {verb} Pods")
    p.check(not any(r in ("pods/exec", "pods/attach", "pods/portforward", "nodes") for (_, r, _, _) in held),
            "the operator may exec into pods or touch nodes")
    for section in ("namespaced", "clusterScoped", "leaderElection"):
        for rule in rules_file[section]:
            p.check(rule.get("why"), f"files/operator-rbac.yaml: a {section} rule has no why: {rbac_only(rule)}")
            p.check(rule.get("checkedBy", "admission") == "admission", f"unknown checkedBy in {rule}")
    if mode == "namespaced":
        p.check(not any(r == "namespaces" for (_, r, _, _) in held), "namespaced mode grants Namespaces")
    return p.finish()


def rbac_documented(chart_dir, docs_path):
    """docs/operations.md's Permissions table names every resource and verb of files/operator-rbac.yaml."""
    p = Problems("RBAC documentation")
    text = Path(docs_path).read_text()
    section = re.search(r"^## Permissions\n(.*?)(?=^## )", text, re.S | re.M)
    if not p.check(section, "docs/operations.md has no '## Permissions' section"):
        return p.finish()
    rows = [line for line in section.group(1).splitlines() if line.startswith("| ")]
    rules_file = load_rbac_file(chart_dir)
    for name in ("namespaced", "clusterScoped", "leaderElection"):
        for rule in rules_file[name]:
            for resource in rule["resources"]:
                matching = [r for r in rows if re.search(rf"(?<![\w/]){re.escape(resource)}(?![\w/])", r)]
                p.check(matching, f"{resource}: not in the docs/operations.md Permissions table")
                for verb in rule["verbs"]:
                    p.check(any(re.search(rf"\b{verb}\b", r) for r in matching),
                            f"{resource} {verb}: not in the docs/operations.md Permissions table")
    return p.finish()


def agent_role_covered(operator_path, gateway_render_path, chart_dir):
    """The operator holds every permission the gateway agent's Roles grant (RBAC escalation prevention), and the
    chart's PodMonitor selects the gateway pods and their metrics ports as the operator renders them."""
    chart = load_manifests(operator_path)
    rendered = load_manifests(gateway_render_path)
    p = Problems("operator/gateway contract")
    operator_rules = [rule for kind in ("ClusterRole", "Role") for role in objects_of(chart, kind)
                      if not role["metadata"]["name"].endswith("-leader-election") for rule in role["rules"]]
    held = permissions(operator_rules)
    agent_roles = objects_of(rendered, "Role")
    p.check(len(agent_roles) >= 2, f"expected the agent Role and a cross-namespace Role, got {kinds(rendered)}")
    granted_secrets = False
    for role in agent_roles:
        for wanted in sorted(permissions(role["rules"])):
            granted_secrets |= wanted[1] == "secrets"
            p.check(grants(held, wanted), f"Role {role['metadata']['namespace']}/{role['metadata']['name']} grants "
                    f"{wanted} which the operator does not hold itself (RBAC would refuse to create it)")
    p.check(granted_secrets, "the rendered Gateway has a TLS listener, yet no agent Role grants its Secret")
    # Every kind the renderer outputs must be writable by the operator.
    for obj in rendered:
        group = obj["apiVersion"].rsplit("/", 1)[0] if "/" in obj["apiVersion"] else ""
        resource = obj["kind"].lower() + "s"  # true of every kind the renderer outputs
        if obj["kind"] in ("Microservice", "Route", "Gateway", "BreakerPolicy", "Namespace"):
            continue
        for verb in ("get", "patch", "delete"):
            p.check(grants(held, (group, resource, "*", verb)), f"the operator cannot {verb} {group}/{resource}")
    pod_monitor = one(chart, "PodMonitor", p)
    deployments = [d for d in objects_of(rendered, "Deployment")
                   if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") == "gateway"]
    p.check(deployments, f"no gateway Deployment among {kinds(rendered)}")
    if pod_monitor:
        selector = pod_monitor["spec"]["selector"]["matchLabels"]
        for d in deployments:
            labels = d["spec"]["template"]["metadata"]["labels"]
            p.check(selector.items() <= labels.items(), f"PodMonitor selector {selector} misses gateway pods {labels}")
            p.check("flotilla.io/gateway" in labels, "gateway pods lack the flotilla.io/gateway label")
            ports = {port.get("name") for c in d["spec"]["template"]["spec"]["containers"] for port in c["ports"]}
            for endpoint in pod_monitor["spec"]["podMetricsEndpoints"]:
                p.check(endpoint["port"] in ports, f"PodMonitor port {endpoint['port']} not on gateway pods {ports}")
    return p.finish()


# ---------------------------------------------------------------------------------------------- metrics and PromQL

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
                "offset", "inf", "nan", "Inf", "NaN"}
PROMETHEUS_SERIES = {"up"}  # written by Prometheus itself for every target


def documented_metrics(docs_path):
    """The metrics reference table of docs/operations.md: name -> type."""
    text = Path(docs_path).read_text()
    section = re.search(r"^## Metrics reference\n(.*?)(?=^## )", text, re.S | re.M)
    if not section:
        raise SystemExit(f"{docs_path}: no '## Metrics reference' section")
    metrics = {}
    for line in section.group(1).splitlines():
        m = re.match(r"\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|", line)
        if m:
            metrics[m.group(1)] = m.group(2)
    if len(metrics) < 10:
        raise SystemExit(f"{docs_path}: the metrics table has only {len(metrics)} rows")
    return metrics


def metric_names(expr):
    """Metric names an expression reads: strings, label matchers, ranges, grouping clauses and function calls removed."""
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        if m.group(2) or m.group(1) in PROMQL_WORDS:
            continue
        names.add(m.group(1))
    return names


def unknown_metrics(expr, known):
    out = []
    for name in sorted(metric_names(expr)):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if name in known or name in PROMETHEUS_SERIES:
            continue
        if base != name and known.get(base) in ("histogram", "summary"):
            continue
        out.append(name)
    return out


def dashboard_exprs(dashboard):
    exprs = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "expr" and isinstance(value, str):
                    exprs.append((where, value))
                else:
                    walk(value, node.get("title", where) if isinstance(node.get("title"), str) else where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(dashboard.get("panels", []), "panels")
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        m = re.match(r"\s*label_values\((.*),\s*\w+\s*\)\s*$", query or "")
        if m:
            exprs.append((f"variable {variable['name']}", m.group(1)))
        elif variable.get("type") == "query":
            exprs.append((f"variable {variable['name']}", query or ""))
    return exprs


REQUIRED_PANELS = ["Reconcile rate by result", "Reconcile errors", "Reconcile latency p99", "Work queue depth",
                   "API requests by code", "Leader", "Gateway config reloads", "Circuit state", "Gateway 5xx ratio"]


def dashboard(chart_dir, docs_path, rendered_path=None):
    p = Problems("Grafana dashboard")
    path = Path(chart_dir) / "files" / "dashboards" / "flotilla.json"
    try:
        board = json.loads(path.read_text())
    except ValueError as e:
        p.check(False, f"{path} is not valid JSON: {e}")
        return p.finish()
    known = documented_metrics(docs_path)
    p.check(board.get("uid") and board.get("title") and isinstance(board.get("schemaVersion"), int),
            "dashboard lacks uid, title or schemaVersion")
    panels = [x for x in board.get("panels", []) if x.get("type") != "row"]
    titles = [x.get("title") for x in panels]
    for title in REQUIRED_PANELS:
        p.check(title in titles, f"no panel titled {title!r} (panels: {titles})")
    ids = [x.get("id") for x in board.get("panels", [])]
    p.check(len(ids) == len(set(ids)) and None not in ids, f"panel ids are not unique: {ids}")
    for x in panels:
        grid = x.get("gridPos", {})
        p.check(grid.get("x", 0) + grid.get("w", 0) <= 24 and grid.get("h", 0) > 0, f"{x['title']}: bad gridPos")
        p.check(x.get("datasource", {}).get("uid") == "${datasource}", f"{x['title']}: not on the datasource variable")
        targets = x.get("targets", [])
        p.check(targets and all(t.get("expr") and t.get("refId") for t in targets), f"{x['title']}: empty target")
    exprs = dashboard_exprs(board)
    p.check(len(exprs) >= len(REQUIRED_PANELS), f"only {len(exprs)} PromQL expressions found")
    for where, expr in exprs:
        names = metric_names(expr)
        p.check(names, f"{where}: reads no metric: {expr}")
        bad = unknown_metrics(expr, known)
        p.check(not bad, f"{where}: {bad} not exported by Flotilla (docs/operations.md metrics table): {expr}")
    if rendered_path:
        configmaps = [c for c in load_manifests(rendered_path) if c.get("kind") == "ConfigMap"]
        p.check(len(configmaps) == 1 and json.loads(configmaps[0]["data"]["flotilla.json"]) == board,
                "the rendered ConfigMap does not carry files/dashboards/flotilla.json unchanged")
    return p.finish()


def extract_rules(rendered_path, out_path):
    """Writes the PrometheusRule's spec (its groups) as a Prometheus rules file."""
    rules = [d for d in load_manifests(rendered_path) if d.get("kind") == "PrometheusRule"]
    if len(rules) != 1:
        print(f"expected one PrometheusRule in {rendered_path}, found {len(rules)}", file=sys.stderr)
        return 1
    Path(out_path).write_text(yaml.safe_dump({"groups": rules[0]["spec"]["groups"]}, sort_keys=False))
    return 0


def alert_metrics(rules_path, docs_path):
    p = Problems("alert expressions")
    known = documented_metrics(docs_path)
    groups = yaml.safe_load(Path(rules_path).read_text())["groups"]
    count = 0
    for group in groups:
        for rule in group["rules"]:
            count += 1
            bad = unknown_metrics(rule["expr"], known)
            p.check(not bad, f"{rule.get('alert')}: {bad} not exported by Flotilla: {rule['expr']}")
            p.check(metric_names(rule["expr"]), f"{rule.get('alert')}: reads no metric")
    p.check(count >= 7, f"only {count} rules")
    return p.finish()


def promql_selftest(docs_path):
    """The metric-name checker itself must tell known from unknown names, or the checks above prove nothing."""
    p = Problems("PromQL metric checker self-test")
    known = documented_metrics(docs_path)
    cases = [
        ('sum by (controller) (rate(controller_runtime_reconcile_total{result="error"}[5m]))', []),
        ('histogram_quantile(0.99, sum by (le) (rate(controller_runtime_reconcile_time_seconds_bucket[5m])))', []),
        ('sum(rate(made_up_requests_total{code=~"5.."}[$__rate_interval])) / 2', ["made_up_requests_total"]),
        ('workqueue_depth_bucket', ["workqueue_depth_bucket"]),  # a gauge has no buckets
        ('max(leader_election_master_status) or vector(0) offset 5m', []),
        ('flotilla_circuit_state{route="x"} == 1 and on (gateway) typo_metric', ["typo_metric"]),
        ('absent(up{job="a"} == 1)', []),
    ]
    for expr, wanted in cases:
        got = unknown_metrics(expr, known)
        p.check(got == wanted, f"{expr}: unknown metrics {got}, wanted {wanted}")
    return p.finish()


def metrics_documented(src_dir, docs_path):
    """Every metric name registered in src/ (outside the API emulator) is in the docs table."""
    p = Problems("metrics documentation")
    known = documented_metrics(docs_path)
    pattern = re.compile(r'"((?:controller_runtime|workqueue|rest_client|leader_election|flotilla)_[a-z0-9_]+)"')
    found = {}
    for path in sorted(Path(src_dir).rglob("*.cpp")):
        if "apiserver" in path.parts:
            continue
        for name in pattern.findall(path.read_text(errors="replace")):
            found.setdefault(name, str(path))
    p.check(len(found) >= 10, f"found only {len(found)} metric names in {src_dir}")
    for name, where in sorted(found.items()):
        p.check(name in known, f"{name} (registered in {where}) is missing from the docs/operations.md metrics table")
    return p.finish()


# --------------------------------------------------------------------------------------------------- values docs


def values_documented(chart_dir, docs_path):
    """Every value is described in values.yaml (a comment above it), in the schema and in docs/operations.md."""
    p = Problems("values documentation")
    chart = Path(chart_dir)
    values_text = (chart / "values.yaml").read_text()
    values = yaml.safe_load(values_text)
    schema = json.loads((chart / "values.schema.json").read_text())
    docs = Path(docs_path).read_text()
    leaves = []

    def walk(node, schema_node, path):
        props = schema_node.get("properties") if isinstance(schema_node, dict) else None
        if isinstance(node, dict) and props:
            for key, value in node.items():
                p.check(key in props, f"{'.'.join(path + [key])}: not in values.schema.json")
                walk(value, props.get(key, {}), path + [key])
        else:
            leaves.append(".".join(path))

    walk(values, schema, [])
    p.check(len(leaves) >= 40, f"only {len(leaves)} values found")
    for leaf in leaves:
        p.check(f"| `{leaf}` |" in docs, f"{leaf}: no row in the docs/operations.md values table")
    # Each leaf's key line must follow a comment block that contains a "# --" description.
    stack = []
    lines = values_text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        path = ".".join(key for _, key in stack)
        if path not in leaves:
            continue
        j, described = i - 1, False
        while j >= 0 and lines[j].strip().startswith("#"):
            described |= lines[j].strip().startswith("# --")
            j -= 1
        p.check(described, f"values.yaml line {i + 1} ({path}): no '# --' description above it")
    return p.finish()


# ----------------------------------------------------------------------------------------------------------- NOTES


def notes_yaml(rendered_path, out_path):
    """The example manifests in the install notes (indented YAML after '2. Declare'), written out for validation."""
    notes = yaml.safe_load(Path(rendered_path).read_text())["notes"]
    block = re.search(r"^2\. .*?\n\n(.*?)\n\n   and watch", notes, re.S | re.M)
    if not block:
        print("NOTES.txt: no example manifests after '2. Declare'", file=sys.stderr)
        return 1
    text = "\n".join(line[5:] for line in block.group(1).splitlines())
    docs = [d for d in yaml.safe_load_all(text) if d]
    found = sorted(d["kind"] for d in docs)
    if not {"Microservice", "Route", "Gateway"} <= set(found):
        print(f"NOTES.txt example lacks a Microservice, Route or Gateway: {found}", file=sys.stderr)
        return 1
    Path(out_path).write_text(text + "\n")
    return 0


COMMANDS = {
    "scenario": (scenario, "NAME RENDERED RELEASE NAMESPACE"),
    "pod-security": (pod_security, "RENDERED"),
    "rbac": (rbac, "RENDERED CHART_DIR cluster|namespaced"),
    "rbac-documented": (rbac_documented, "CHART_DIR DOCS"),
    "agent-role-covered": (agent_role_covered, "RENDERED_CHART FLOTILLA_RENDER_OUTPUT CHART_DIR"),
    "dashboard": (dashboard, "CHART_DIR DOCS [RENDERED_DASHBOARD]"),
    "extract-rules": (extract_rules, "RENDERED OUT"),
    "alert-metrics": (alert_metrics, "RULES DOCS"),
    "promql-selftest": (promql_selftest, "DOCS"),
    "metrics-documented": (metrics_documented, "SRC_DIR DOCS"),
    "values-documented": (values_documented, "CHART_DIR DOCS"),
    "notes-yaml": (notes_yaml, "RENDERED_NOTES OUT"),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: chart_checks.py COMMAND ARGS\n" + "\n".join(f"  {c} {a}" for c, (_, a) in COMMANDS.items()),
              file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]][0](*sys.argv[2:]))
