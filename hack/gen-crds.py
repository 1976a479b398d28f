#!/usr/bin/env python3
"""Generates crds/*.yaml, the four Flotilla CustomResourceDefinitions (flotilla.io/v1alpha1).

The schemas are written here once, from small builders, so that shared pieces (conditions, autoscaling, resource
requirements, probes, references, durations) are defined in one place and every CRD describes them identically.
They must describe exactly the typed model in src/api/types.h: same field names, types and defaults.

Every x-kubernetes-validations rule used here has a C++ twin in src/api/schema_rules.cpp (keyed by the rule
text), because the API emulator cannot evaluate CEL; tests/unit/schema checks that no rule is left without one.

Usage: hack/gen-crds.py            rewrite crds/
       hack/gen-crds.py --check    exit 1 when crds/ differs from what this script generates
"""

import argparse
import pathlib
import sys

import yaml

GROUP = "flotilla.io"
VERSION = "v1alpha1"

# ------------------------------------------------------------------------------------------------ patterns
# Each pattern is both an RE2 (kube-apiserver) and an ECMAScript (std::regex, the emulator) expression. They mirror
# the whitelists of src/api/names.h where a regular expression can say the same (the C++ validation stays the
# authority for what a regex cannot express, such as "no %[ or ${ sequence").
DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"
DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS1035_LABEL = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
DNS1123_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
# IANA service name: letters, digits and single inner hyphens, with at least one letter.
PORT_NAME = r"^([a-z0-9]+-)*[a-z0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$"
PERCENT = r"^[0-9]+%$"
QUANTITY = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)"
            r"|(\.[0-9]+))))?$")
# Paths that reach haproxy.cfg: '/' then unreserved characters, '/' and %XX escapes.
URL_PATH = r"^/([-A-Za-z0-9/._~]|%[0-9A-Fa-f]{2})*$"
# Path regular expressions: printable ASCII without space, quotes, '#' or backquote.
PATH_REGEX = r"^[!$-&(-_a-~]+$"
HOSTNAME = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
HEADER_NAME = r"^[A-Za-z0-9][-A-Za-z0-9_.]*$"
# Header values written into haproxy.cfg: printable ASCII without quotes, '#', backslash or backquote.
SAFE_TEXT = r"^[ !$-&(-\[\]-_a-~]*$"
# Header values matched by Exact or RegularExpression: as SAFE_TEXT, but backslashes allowed for regexes.
HEADER_MATCH_VALUE = r"^[ !$-&(-_a-~]*$"
LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
IMAGE = r"^[^\s]+$"
CONDITION_TYPE = (r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                  r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")
CONDITION_REASON = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"


# ------------------------------------------------------------------------------------------------ builders
def _with(schema, default=None, validations=None, nullable=False):
    if default is not None:
        schema["default"] = default
    if nullable:
        schema["nullable"] = True
    if validations:
        schema["x-kubernetes-validations"] = validations
    return schema


def string(description, *, pattern=None, max_length=None, min_length=None, enum=None, default=None, fmt=None):
    s = {"description": description, "type": "string"}
    if fmt:
        s["format"] = fmt
    if enum:
        s["enum"] = list(enum)
    if min_length is not None:
        s["minLength"] = min_length
    if max_length is not None:
        s["maxLength"] = max_length
    if pattern:
        s["pattern"] = pattern
    return _with(s, default)


def integer(description, *, minimum=None, maximum=None, default=None, fmt="int32"):
    s = {"description": description, "type": "integer", "format": fmt}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    return _with(s, default)


def boolean(description, *, default=None):
    return _with({"description": description, "type": "boolean"}, default)


def int_or_string(description, *, pattern=None, minimum=None, maximum=None, max_length=None, default=None):
    """An IntOrString: numbers are checked by minimum/maximum, strings by pattern/maxLength."""
    s = {"description": description, "x-kubernetes-int-or-string": True}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    if max_length is not None:
        s["maxLength"] = max_length
    if pattern:
        s["pattern"] = pattern
    return _with(s, default)


def obj(description, properties, *, required=(), default=None, validations=None):
    s = {"description": description, "type": "object"}
    if required:
        s["required"] = list(required)
    s["properties"] = properties
    return _with(s, default, validations)


def array(description, items, *, max_items, min_items=None, list_type="atomic", map_keys=None, validations=None,
          default=None):
    s = {"description": description, "type": "array"}
    if min_items is not None:
        s["minItems"] = min_items
    s["maxItems"] = max_items
    s["items"] = items
    s["x-kubernetes-list-type"] = list_type
    if map_keys:
        s["x-kubernetes-list-map-keys"] = list(map_keys)
    return _with(s, default, validations)


def string_map(description, *, max_properties, value_max_length, value_pattern=None):
    values = {"type": "string", "maxLength": value_max_length}
    if value_pattern:
        values["pattern"] = value_pattern
    return {
        "description": description,
        "type": "object",
        "maxProperties": max_properties,
        "additionalProperties": values,
    }


def string_list(description, *, max_items, item_max_length, item_description, pattern=None, list_type="atomic"):
    return array(description, string(item_description, max_length=item_max_length, pattern=pattern),
                 max_items=max_items, list_type=list_type)


def rule(text, message, *, field_path=None, reason=None):
    r = {"rule": text, "message": message}
    if field_path:
        r["fieldPath"] = field_path
    if reason:
        r["reason"] = reason
    return r


def duration(description, *, default=None):
    return string(description + " A duration such as 250ms, 5s, 1m30s or 1h.", pattern=DURATION, max_length=32,
                  default=default)


# ------------------------------------------------------------------------------------------------ CEL rules
# The rule texts are matched verbatim by src/api/schema_rules.cpp: change both together.
RULE_REPLICAS_OR_AUTOSCALING = rule(
    "!(has(self.replicas) && has(self.autoscaling))",
    "replicas and autoscaling are mutually exclusive: the autoscaler owns the replica count",
    field_path=".replicas", reason="FieldValueForbidden")
RULE_MAX_GE_MIN = rule(
    "!has(self.minReplicas) || self.maxReplicas >= self.minReplicas",
    "maxReplicas must be greater than or equal to minReplicas", field_path=".maxReplicas")
RULE_ONE_BUDGET = rule(
    "has(self.minAvailable) != has(self.maxUnavailable)",
    "set exactly one of minAvailable or maxUnavailable")
RULE_ONE_REWRITE = rule(
    "has(self.pathPrefix) != has(self.fullPath)",
    "set exactly one of pathPrefix or fullPath")
RULE_ABSOLUTE_PATH = rule(
    "self.type == 'RegularExpression' || self.value.matches('" + URL_PATH + "')",
    "value must be an absolute URL path ('/' followed by URL path characters) unless type is RegularExpression",
    field_path=".value")
RULE_NONZERO_WEIGHT = rule(
    "self.exists(b, !has(b.weight) || b.weight > 0)",
    "at least one backend needs a weight greater than 0")
RULE_HTTPS_NEEDS_TLS = rule(
    "self.protocol != 'HTTPS' || has(self.tls)",
    "an HTTPS listener needs tls.secretRef", field_path=".tls", reason="FieldValueRequired")
RULE_UNIQUE_PORTS = rule(
    "self.all(l, self.exists_one(m, m.port == l.port))",
    "listener ports must be unique")
RULE_SELECTOR_REQUIRED = rule(
    "self.from != 'Selector' || has(self.selector)",
    "selector is required when from is Selector", field_path=".selector", reason="FieldValueRequired")


# ------------------------------------------------------------------------------------------------ shared pieces
def local_ref(description, what):
    return obj(description, {
        "name": string(f"Name of the {what}, in the same namespace.", pattern=DNS1123_SUBDOMAIN, max_length=253,
                       min_length=1),
    }, required=["name"])


def breaker_policy_ref(description):
    return obj(description, {
        "name": string("Name of the BreakerPolicy, in the same namespace.", pattern=DNS1123_LABEL, max_length=63,
                       min_length=1),
    }, required=["name"])


def condition():
    """metav1.Condition, as Kubernetes and Gateway API define it."""
    return obj("A condition of this object (metav1.Condition).", {
        "type": string("Type of condition in CamelCase, e.g. Ready, Accepted, Programmed.", pattern=CONDITION_TYPE,
                       max_length=316),
        "status": string("Status of the condition: True, False or Unknown.", enum=["True", "False", "Unknown"]),
        "observedGeneration": integer("The .metadata.generation the condition was set for.", minimum=0,
                                      fmt="int64"),
        "lastTransitionTime": string("When the condition last changed from one status to another.",
                                     fmt="date-time"),
        "reason": string("Programmatic identifier of the last transition's cause, in CamelCase.",
                         pattern=CONDITION_REASON, min_length=1, max_length=1024),
        "message": string("Human-readable details about the last transition.", max_length=32768),
    }, required=["type", "status", "lastTransitionTime", "reason", "message"])


def conditions(types):
    return array(f"Current state of the object as conditions ({', '.join(types)}).", condition(), max_items=8,
                 list_type="map", map_keys=["type"])


def observed_generation():
    return integer("The .metadata.generation this status was computed from.", minimum=0, fmt="int64")


def quantity(description):
    return int_or_string(description, pattern=QUANTITY, max_length=64)


def resource_requirements(description):
    """core/v1.ResourceRequirements, copied verbatim into the container."""
    def resource_list(d):
        return {
            "description": d + " Keys are resource names (cpu, memory, ephemeral-storage, ...), values quantities.",
            "type": "object",
            "maxProperties": 16,
            "additionalProperties": quantity("A quantity such as 100m, 0.5, 128Mi or 1G."),
        }
    return obj(description, {
        "requests": resource_list("Minimum resources the container needs; the scheduler reserves them and "
                                  "utilization targets are percentages of them."),
        "limits": resource_list("Maximum resources the container may use."),
        "claims": array("Dynamic resource claims the container uses (core/v1.ResourceClaim).",
                        obj("A resource claim.", {
                            "name": string("Name of a resource claim of the pod.", max_length=253, min_length=1),
                        }, required=["name"]), max_items=16, list_type="map", map_keys=["name"]),
    })


def label_selector(description):
    """metav1.LabelSelector."""
    return obj(description, {
        "matchLabels": string_map("Labels that must all be present with these values.", max_properties=64,
                                  value_max_length=63, value_pattern=LABEL_VALUE),
        "matchExpressions": array("Set-based requirements, all of which must hold.", obj("A label requirement.", {
            "key": string("The label key.", max_length=317, min_length=1),
            "operator": string("How the key relates to values.", enum=["In", "NotIn", "Exists", "DoesNotExist"]),
            "values": string_list("Values for In and NotIn; empty for Exists and DoesNotExist.", max_items=64,
                                  item_max_length=63, item_description="A label value.", pattern=LABEL_VALUE),
        }, required=["key", "operator"]), max_items=16),
    })


def autoscaling(what):
    policy = obj("One scaling policy.", {
        "type": string("Whether value counts pods or a percentage of the current replicas.",
                       enum=["Pods", "Percent"]),
        "value": integer("How many pods (or percent) may change within periodSeconds.", minimum=1),
        "periodSeconds": integer("Window the policy applies to, in seconds.", minimum=1, maximum=1800),
    }, required=["type", "value", "periodSeconds"])

    def rules(direction):
        return obj(f"How to scale {direction} (autoscaling/v2 HPAScalingRules).", {
            "stabilizationWindowSeconds": integer(
                "Seconds of past recommendations considered before scaling, to avoid flapping.",
                minimum=0, maximum=3600),
            "selectPolicy": string("Which policy wins when several apply.", enum=["Max", "Min", "Disabled"]),
            "policies": array("Limits on how fast the replica count may change.", policy, max_items=8),
        })

    return obj(
        f"Horizontal autoscaling of the {what}, rendered as an autoscaling/v2 HorizontalPodAutoscaler. When set, "
        "the Deployment has no replicas field and the autoscaler owns the replica count.", {
            "minReplicas": integer("Lowest replica count the autoscaler may choose.", minimum=1, default=1),
            "maxReplicas": integer("Highest replica count the autoscaler may choose.", minimum=1, maximum=10000),
            "targetCPUUtilization": integer(
                "Target average CPU use, in percent of the containers' CPU requests.", minimum=1, maximum=1000),
            "targetMemoryUtilization": integer(
                "Target average memory use, in percent of the containers' memory requests.", minimum=1,
                maximum=1000),
            "behavior": obj("Scaling behaviour, copied into the HPA's spec.behavior (autoscaling/v2).", {
                "scaleUp": rules("up"),
                "scaleDown": rules("down"),
            }),
        }, required=["maxReplicas"], validations=[RULE_MAX_GE_MIN])


# ------------------------------------------------------------------------------------------------ probes / env
def probe(kind):
    port = int_or_string("Container port, by number or by name.", pattern=PORT_NAME, minimum=1, maximum=65535,
                         max_length=15)
    return obj(f"The {kind} probe (core/v1.Probe), copied into the container.", {
        "httpGet": obj("Probe with an HTTP GET; 2xx and 3xx answers pass.", {
            "path": string("Path to request.", max_length=1024),
            "port": port,
            "host": string("Host to connect to; defaults to the pod IP.", max_length=253),
            "scheme": string("HTTP or HTTPS.", enum=["HTTP", "HTTPS"]),
            "httpHeaders": array("Extra request headers.", obj("A request header.", {
                "name": string("Header name.", max_length=256, min_length=1),
                "value": string("Header value.", max_length=4096),
            }, required=["name", "value"]), max_items=16),
        }, required=["port"]),
        "tcpSocket": obj("Probe by opening a TCP connection.", {
            "port": port,
            "host": string("Host to connect to; defaults to the pod IP.", max_length=253),
        }, required=["port"]),
        "grpc": obj("Probe with the gRPC health checking protocol.", {
            "port": integer("Port number of the gRPC service.", minimum=1, maximum=65535),
            "service": string("Service name sent in the HealthCheckRequest.", max_length=253),
        }, required=["port"]),
        "exec": obj("Probe by running a command in the container; exit status 0 passes.", {
            "command": string_list("Command and arguments (not run in a shell).", max_items=64,
                                   item_max_length=4096, item_description="One argument."),
        }),
        "initialDelaySeconds": integer("Seconds after container start before the first probe.", minimum=0),
        "periodSeconds": integer("Seconds between probes.", minimum=1),
        "timeoutSeconds": integer("Seconds after which a probe times out.", minimum=1),
        "successThreshold": integer("Consecutive successes needed after a failure.", minimum=1),
        "failureThreshold": integer("Consecutive failures that count as failed.", minimum=1),
        "terminationGracePeriodSeconds": integer("Grace period when a failing probe kills the pod.", minimum=1,
                                                 fmt="int64"),
    })


def env_var():
    def key_ref(what):
        return obj(f"A key of a {what}.", {
            "name": string(f"Name of the {what}.", max_length=253),
            "key": string("The key to read.", max_length=253, min_length=1),
            "optional": boolean(f"Whether the {what} or its key may be missing."),
        }, required=["key"])

    return obj("An environment variable (core/v1.EnvVar).", {
        "name": string("Name of the variable.", max_length=256, min_length=1),
        "value": string("Literal value; $(VAR) references expand as in Kubernetes.", max_length=32768),
        "valueFrom": obj("Source of the value, instead of a literal.", {
            "configMapKeyRef": key_ref("ConfigMap"),
            "secretKeyRef": key_ref("Secret"),
            "fieldRef": obj("A field of the pod, e.g. metadata.name or status.podIP.", {
                "apiVersion": string("Schema version of fieldPath; defaults to v1.", max_length=64),
                "fieldPath": string("Path of the field.", max_length=256, min_length=1),
            }, required=["fieldPath"]),
            "resourceFieldRef": obj("A resource request or limit of the container, e.g. limits.cpu.", {
                "containerName": string("Container name; defaults to this container.", max_length=63),
                "resource": string("Resource to read.", max_length=64, min_length=1),
                "divisor": quantity("Unit the value is expressed in; defaults to 1."),
            }, required=["resource"]),
        }),
    }, required=["name"])


def env_from_source():
    def ref(what):
        return obj(f"The {what} to read.", {
            "name": string(f"Name of the {what}.", max_length=253),
            "optional": boolean(f"Whether the {what} may be missing."),
        })

    return obj("A source of environment variables (core/v1.EnvFromSource).", {
        "prefix": string("Prefix added to every variable name.", max_length=256),
        "configMapRef": ref("ConfigMap"),
        "secretRef": ref("Secret"),
    })


# ------------------------------------------------------------------------------------------------ Microservice
def microservice_spec():
    port = obj("A port the service listens on.", {
        "name": string("Port name (an IANA service name), referenced by probes and Route backends.",
                       pattern=PORT_NAME, max_length=15, min_length=1),
        "port": integer("Port the Service exposes.", minimum=1, maximum=65535),
        "targetPort": integer("Port the container listens on; defaults to port.", minimum=1, maximum=65535),
        "protocol": string("Transport protocol.", enum=["TCP", "UDP", "SCTP"], default="TCP"),
        "appProtocol": string("Application protocol, e.g. http or grpc (informational).", max_length=64),
    }, required=["name", "port"])

    return obj("Desired state of the Microservice.", {
        "image": string("Container image to run, e.g. ghcr.io/acme/user-service:1.4.2.", pattern=IMAGE,
                        min_length=1, max_length=1024),
        "imagePullPolicy": string("When to pull the image; empty means the Kubernetes default.",
                                  enum=["Always", "IfNotPresent", "Never"]),
        "command": string_list("Entrypoint override (the container's command).", max_items=64, item_max_length=4096,
                               item_description="One element of the command."),
        "args": string_list("Arguments to the entrypoint.", max_items=256, item_max_length=4096,
                            item_description="One argument."),
        "ports": array("Ports the service exposes; the first one is the default target of Route backends.", port,
                       max_items=16, list_type="map", map_keys=["name"]),
        "env": array("Environment variables of the container (core/v1.EnvVar).", env_var(), max_items=256,
                     list_type="map", map_keys=["name"]),
        "envFrom": array("Sources of environment variables (core/v1.EnvFromSource).", env_from_source(),
                         max_items=32),
        "resources": resource_requirements("Compute resources of the container (core/v1.ResourceRequirements)."),
        "replicas": integer("Number of pods when autoscaling is not set; defaults to 1.", minimum=0,
                            maximum=10000),
        "autoscaling": autoscaling("service"),
        "probes": obj("Health probes of the container.", {
            "readiness": probe("readiness"),
            "liveness": probe("liveness"),
            "startup": probe("startup"),
        }),
        "disruptionBudget": obj("Voluntary-disruption budget, rendered as a policy/v1 PodDisruptionBudget.", {
            "minAvailable": int_or_string("Pods that must stay available, as a number or a percentage (50%).",
                                          pattern=PERCENT, minimum=0, max_length=8),
            "maxUnavailable": int_or_string("Pods that may be unavailable, as a number or a percentage (25%).",
                                            pattern=PERCENT, minimum=0, max_length=8),
        }, validations=[RULE_ONE_BUDGET]),
        "strategy": obj("Rolling update parameters of the Deployment.", {
            "maxSurge": int_or_string("Pods created above the desired count during an update (number or %).",
                                      pattern=PERCENT, minimum=0, max_length=8, default="25%"),
            "maxUnavailable": int_or_string("Pods that may be unavailable during an update (number or %).",
                                            pattern=PERCENT, minimum=0, max_length=8, default="25%"),
        }, default={}),
        "breakerPolicyRef": breaker_policy_ref(
            "BreakerPolicy used by Routes to this service unless the Route rule names its own."),
        "serviceAccountName": string("ServiceAccount the pods run as.", pattern=DNS1123_SUBDOMAIN,
                                     max_length=253),
        "podTemplate": obj("Metadata merged into the pod template.", {
            "labels": string_map("Extra pod labels.", max_properties=64, value_max_length=63,
                                 value_pattern=LABEL_VALUE),
            "annotations": string_map("Extra pod annotations.", max_properties=64, value_max_length=4096),
        }),
        "rolloutOnConfigChange": boolean(
            "Restart the pods when a ConfigMap or Secret they reference through env or envFrom changes.",
            default=False),
    }, required=["image"], validations=[RULE_REPLICAS_OR_AUTOSCALING])


def microservice_status():
    def count(d):
        return integer(d, minimum=0)

    return obj("Observed state of the Microservice, written by the operator.", {
        "observedGeneration": observed_generation(),
        "replicas": count("Pods of the Deployment (all versions)."),
        "readyReplicas": count("Pods passing their readiness probe."),
        "updatedReplicas": count("Pods running the current pod template."),
        "availableReplicas": count("Pods ready for at least minReadySeconds."),
        "currentReplicas": count("Replica count the autoscaler last observed."),
        "desiredReplicas": count("Replica count the autoscaler last asked for."),
        "endpoints": count("Ready endpoints of the service, as seen in its EndpointSlices."),
        "url": string("In-cluster URL of the service's first port.", max_length=1024),
        "selector": string("Label selector of the pods, in string form (used by the scale subresource).",
                           max_length=1024),
        "conditions": conditions(["Ready", "Available", "Progressing", "Degraded"]),
    })


# ------------------------------------------------------------------------------------------------ Route
def header_values(what):
    return obj(f"Changes to {what} headers.", {
        "set": array("Headers to set, replacing any value already present.", header_value(), max_items=16,
                     list_type="map", map_keys=["name"]),
        "add": array("Headers to append to any value already present.", header_value(), max_items=16,
                     list_type="map", map_keys=["name"]),
        "remove": string_list("Names of headers to remove.", max_items=16, item_max_length=256,
                              item_description="A header name.", pattern=HEADER_NAME, list_type="set"),
    })


def header_value():
    return obj("A header name and value.", {
        "name": string("Header name.", pattern=HEADER_NAME, max_length=256, min_length=1),
        "value": string("Header value.", pattern=SAFE_TEXT, max_length=4096),
    }, required=["name", "value"])


def route_rule():
    path = obj("How the request path is matched; absent means PathPrefix /.", {
        "type": string("Exact, PathPrefix (segment-aware: /api/users matches /api/users/7, not /api/usersx) or "
                       "RegularExpression.", enum=["Exact", "PathPrefix", "RegularExpression"],
                       default="PathPrefix"),
        "value": string("The path, or a regular expression for RegularExpression.", pattern=PATH_REGEX,
                        max_length=1024, default="/"),
    }, validations=[RULE_ABSOLUTE_PATH])

    header_match = obj("A request header condition.", {
        "type": string("Exact or RegularExpression.", enum=["Exact", "RegularExpression"], default="Exact"),
        "name": string("Header name (case-insensitive).", pattern=HEADER_NAME, max_length=256, min_length=1),
        "value": string("Value or regular expression the header must match.", pattern=HEADER_MATCH_VALUE,
                        max_length=4096),
    }, required=["name", "value"])

    match = obj("Conditions that must all hold for a request to match.", {
        "path": path,
        "methods": array("HTTP methods that match; empty means any.", string(
            "An HTTP method.", enum=["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                                     "PATCH"]), max_items=9, list_type="set"),
        "headers": array("Request headers that must all match.", header_match, max_items=16, list_type="map",
                         map_keys=["name"]),
    })

    backend = obj("A Microservice that receives a share of the traffic.", {
        "service": string("Name of a Microservice in the Route's namespace.", pattern=DNS1035_LABEL, max_length=63,
                          min_length=1),
        "port": int_or_string("Port of the Microservice, by name or number; defaults to its first port.",
                              pattern=PORT_NAME, minimum=1, maximum=65535, max_length=15),
        "weight": integer("Relative share of the traffic; 0 sends none.", minimum=0, maximum=1000000, default=1),
    }, required=["service"])

    return obj("A set of matches and where matching requests go.", {
        "name": string("Optional name of the rule, used in generated names and status.", pattern=DNS1123_LABEL,
                       max_length=63),
        "matches": array("Alternatives: a request matches the rule when it matches any of them. Empty means "
                         "every request (PathPrefix /).", match, max_items=16),
        "rewrite": obj("Path rewrite before the request is forwarded.", {
            "pathPrefix": string("Replaces the matched path prefix (PathPrefix matches only).", pattern=URL_PATH,
                                 max_length=1024),
            "fullPath": string("Replaces the whole path.", pattern=URL_PATH, max_length=1024),
        }, validations=[RULE_ONE_REWRITE]),
        "requestHeaders": header_values("request"),
        "responseHeaders": header_values("response"),
        "backends": array("Microservices that serve matching requests, sharing traffic by weight.", backend,
                          min_items=1, max_items=16, validations=[RULE_NONZERO_WEIGHT]),
        "timeout": obj("Timeouts; an expired request is answered 504.", {
            "request": duration("Time for the whole request, retries included."),
            "backendRequest": duration("Time for one attempt to a backend."),
        }),
        "retries": obj("Retries of failed attempts, each on another endpoint when possible.", {
            "attempts": integer("Retries after the first attempt; 0 disables retries.", minimum=0, maximum=10,
                                default=0),
            "perTryTimeout": duration(
                "Time for each attempt. Timed-out attempts are retried only as often as whole attempts fit in "
                "timeout.request."),
            "retryOn": array(
                "What is retried: connect-failure, 5xx, reset, timeout or an HTTP status code (e.g. 503). "
                "Retried 5xx answers are hidden from the circuit breaker, so the default is connect-failure only.",
                int_or_string("A failure kind or an HTTP status code.",
                              pattern=r"^(connect-failure|5xx|reset|timeout|[45][0-9][0-9])$", minimum=400,
                              maximum=599, max_length=16),
                max_items=16, list_type="set"),
        }),
        "breakerPolicyRef": breaker_policy_ref("BreakerPolicy for this rule's backends; overrides the "
                                               "Microservice's and the Gateway's default."),
        "rateLimit": obj("Request rate limit per gateway replica; requests above it are answered 429.", {
            "requestsPerSecond": integer("Sustained requests per second.", minimum=1, maximum=1000000),
            "burst": integer("Requests allowed in a burst; 0 means requestsPerSecond.", minimum=0, maximum=1000000,
                             default=0),
        }, required=["requestsPerSecond"]),
    }, required=["backends"])


def route_spec():
    return obj("Desired state of the Route.", {
        "gatewayRef": obj("The Gateway that serves this Route.", {
            "name": string("Name of the Gateway.", pattern=DNS1035_LABEL, max_length=63, min_length=1),
            "namespace": string("Namespace of the Gateway; defaults to the Route's. A Gateway in another namespace "
                                "must allow it (spec.allowedRoutes).", pattern=DNS1123_LABEL, max_length=63),
        }, required=["name"]),
        "hostnames": array("Host names the Route answers for (exact, or *.example.com for any subdomain); empty "
                           "means any host.", string("A host name.", pattern=HOSTNAME, max_length=253),
                           max_items=16, list_type="set"),
        "rules": array("Routing rules. The most specific match wins across all Routes of a Gateway: exact path, "
                       "then longest prefix, then regular expression, then more header matches, then the oldest "
                       "Route, then name.", route_rule(), min_items=1, max_items=32),
    }, required=["gatewayRef", "rules"])


def route_status():
    return obj("Observed state of the Route, written by the operator.", {
        "observedGeneration": observed_generation(),
        "parents": array("Status per Gateway the Route attaches to.", obj("Status for one Gateway.", {
            "gateway": string("The Gateway, as namespace/name.", max_length=253),
            "conditions": conditions(["Accepted", "ResolvedRefs", "Programmed"]),
        }, required=["gateway"]), max_items=16, list_type="map", map_keys=["gateway"]),
    })


# ------------------------------------------------------------------------------------------------ BreakerPolicy
def breaker_policy_spec():
    return obj("Desired state of the BreakerPolicy.", {
        "consecutiveFailures": integer("Consecutive failures of one endpoint that open its circuit.", minimum=1,
                                       maximum=1000, default=5),
        "openDuration": duration("How long an open circuit keeps the endpoint out of rotation.", default="60s"),
        "halfOpen": obj("How an endpoint is probed after openDuration before its circuit closes.", {
            "probeInterval": duration("Time between health probes of a half-open endpoint.", default="5s"),
            "successesToClose": integer("Consecutive successful probes that close the circuit.", minimum=1,
                                        maximum=100, default=2),
        }, default={}),
        "failureOn": array("What counts as a failure.", string(
            "5xx (500, 502, 503, 504, 507 answers), connect-failure, timeout or reset.",
            enum=["5xx", "connect-failure", "timeout", "reset"]), max_items=4, list_type="set",
            default=["5xx", "connect-failure", "timeout"]),
        "maxConnections": integer("Concurrent connections per backend (bulkhead).", minimum=1, maximum=1000000,
                                  default=1024),
        "maxPendingRequests": integer("Requests that may queue per backend; beyond it the gateway answers 503 at "
                                      "once.", minimum=0, maximum=1000000, default=1024),
        "maxRequestsPerConnection": integer("Requests per backend connection before it is closed; 0 means "
                                            "unlimited.", minimum=0, maximum=1000000, default=0),
        "maxRetries": integer("Concurrent retries allowed per backend.", minimum=0, maximum=1000000, default=3),
        "scaleLimitsWithReplicas": boolean("Divide the per-backend limits over its endpoints and recompute them as "
                                           "replicas change.", default=True),
        "fallback": obj("Answer given when no endpoint of the backend is usable.", {
            "status": integer("HTTP status code of the answer.", minimum=200, maximum=599, default=503),
            "body": string("Body of the answer.", pattern=SAFE_TEXT, max_length=1024,
                           default="service unavailable"),
            "service": string("A Microservice to send the traffic to instead of answering.", pattern=DNS1035_LABEL,
                              max_length=63),
        }, default={}),
        "healthCheck": obj("Active health check of the endpoints (used while half-open).", {
            "path": string("Path requested; a 2xx or 3xx answer passes.", pattern=URL_PATH, max_length=1024,
                           default="/healthz"),
        }, default={}),
    }, default={})


def breaker_policy_status():
    return obj("Observed state of the BreakerPolicy, written by the operator.", {
        "observedGeneration": observed_generation(),
        "attachedRoutes": integer("Route rules using this policy.", minimum=0),
        "openCircuits": array("Endpoints whose circuit is open now.", obj("An open circuit.", {
            "route": string("The Route, as namespace/name.", max_length=253),
            "backend": string("The backend Microservice.", max_length=63),
            "endpoint": string("The endpoint address, host:port.", max_length=64),
            "since": string("When the circuit opened.", fmt="date-time"),
        }, required=["route", "backend", "endpoint"]), max_items=1024),
        "conditions": conditions(["Accepted"]),
    })


# ------------------------------------------------------------------------------------------------ Gateway
def gateway_spec():
    listener = obj("A port the gateway accepts traffic on.", {
        "name": string("Listener name.", pattern=DNS1123_LABEL, max_length=63, min_length=1),
        "port": integer("Port of the gateway Service.", minimum=1, maximum=65535),
        "protocol": string("HTTP or HTTPS (TLS terminated at the gateway).", enum=["HTTP", "HTTPS"],
                           default="HTTP"),
        "tls": obj("TLS settings of an HTTPS listener.", {
            "secretRef": local_ref("kubernetes.io/tls Secret with the certificate and key.", "Secret"),
        }, required=["secretRef"]),
        "redirectToHttps": boolean("Answer every request on this HTTP listener with a 301 to the HTTPS listener.",
                                   default=False),
    }, required=["name", "port"], validations=[RULE_HTTPS_NEEDS_TLS])

    return obj("Desired state of the Gateway.", {
        "replicas": integer("Gateway pods when autoscaling is not set; defaults to 1.", minimum=0, maximum=1000),
        "autoscaling": autoscaling("gateway"),
        "image": string("Image of the gateway pod (HAProxy and the flotilla gateway agent).", pattern=IMAGE,
                        min_length=1, max_length=1024, default="flotilla/gateway:latest"),
        "resources": resource_requirements("Compute resources of the gateway container."),
        "service": obj("The Service in front of the gateway pods.", {
            "type": string("Service type.", enum=["ClusterIP", "NodePort", "LoadBalancer"], default="ClusterIP"),
            "annotations": string_map("Annotations of the Service (e.g. for a cloud load balancer).",
                                      max_properties=64, value_max_length=4096),
        }, default={}),
        "listeners": array("Ports the gateway accepts traffic on.", listener, min_items=1, max_items=16,
                           list_type="map", map_keys=["name"], validations=[RULE_UNIQUE_PORTS]),
        "allowedRoutes": obj("Which Routes may attach to this Gateway.", {
            "namespaces": obj("Namespaces Routes may come from.", {
                "from": string("Same (the Gateway's namespace), All, or Selector.",
                               enum=["Same", "All", "Selector"], default="Same"),
                "selector": label_selector("Namespaces allowed when from is Selector."),
            }, default={}, validations=[RULE_SELECTOR_REQUIRED]),
        }, default={}),
        "defaults": obj("Defaults for every Route rule of this Gateway.", {
            "timeout": duration("Request timeout of rules without one."),
            "breakerPolicyRef": breaker_policy_ref("BreakerPolicy of rules and services without one."),
        }),
    }, required=["listeners"], validations=[RULE_REPLICAS_OR_AUTOSCALING])


def gateway_status():
    return obj("Observed state of the Gateway, written by the operator and its agent.", {
        "observedGeneration": observed_generation(),
        "addresses": array("Addresses the gateway is reachable at.", obj("An address.", {
            "type": string("IPAddress or Hostname.", enum=["IPAddress", "Hostname"], default="IPAddress"),
            "value": string("The address.", max_length=253, min_length=1),
        }, required=["value"]), max_items=16),
        "attachedRoutes": integer("Routes accepted by this Gateway.", minimum=0),
        "configHash": string("Hash of the haproxy.cfg the data plane has loaded, as sha256:<hex>.",
                             max_length=128),
        "loadedGeneration": integer("The .metadata.generation whose configuration the data plane has loaded.",
                                    minimum=0, fmt="int64"),
        "conditions": conditions(["Accepted", "Programmed"]),
    })


# ------------------------------------------------------------------------------------------------ CRDs
def metadata_schema(name_pattern, name_max_length):
    """Only name restrictions are allowed under metadata; the object's name becomes Kubernetes object names."""
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": name_max_length, "pattern": name_pattern},
        },
    }


def crd(kind, plural, short, spec, status, columns, *, name_pattern, description, name_max_length=63,
        spec_required=True, scale=None):
    root_properties = {
        "apiVersion": string("APIVersion of this object: flotilla.io/v1alpha1."),
        "kind": string(f"Kind of this object: {kind}."),
        "metadata": metadata_schema(name_pattern, name_max_length),
        "spec": spec,
        "status": status,
    }
    root = {"description": description, "type": "object"}
    if spec_required:
        root["required"] = ["spec"]
    root["properties"] = root_properties
    subresources = {"status": {}}
    if scale:
        subresources["scale"] = scale
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{GROUP}",
            "labels": {"app.kubernetes.io/name": "flotilla", "app.kubernetes.io/part-of": "flotilla"},
        },
        "spec": {
            "group": GROUP,
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
                "shortNames": [short],
                "categories": ["flotilla"],
            },
            "scope": "Namespaced",
            "versions": [{
                "name": VERSION,
                "served": True,
                "storage": True,
                "subresources": subresources,
                "additionalPrinterColumns": columns,
                "schema": {"openAPIV3Schema": root},
            }],
        },
    }


def column(name, json_path, typ="string", description="", priority=None):
    c = {"name": name, "type": typ, "jsonPath": json_path}
    if description:
        c["description"] = description
    if priority:
        c["priority"] = priority
    return c


def condition_column(name, condition_type, prefix=".status"):
    return column(name, f'{prefix}.conditions[?(@.type=="{condition_type}")].status',
                  description=f"Status of the {condition_type} condition.")


AGE = column("Age", ".metadata.creationTimestamp", "date")


def all_crds():
    return {
        "microservices": crd(
            "Microservice", "microservices", "ms", microservice_spec(), microservice_status(),
            [condition_column("Ready", "Ready"),
             column("Replicas", ".status.replicas", "integer", "Pods of the service."),
             column("Available", ".status.availableReplicas", "integer", "Available pods."),
             column("URL", ".status.url", description="In-cluster URL."),
             column("Image", ".spec.image", description="Container image.", priority=1),
             column("Endpoints", ".status.endpoints", "integer", "Ready endpoints.", priority=1),
             AGE],
            name_pattern=DNS1035_LABEL,
            description="A Microservice is one deployable service: Flotilla renders its Deployment, Service, "
                        "HorizontalPodAutoscaler and PodDisruptionBudget, and Routes send traffic to it.",
            scale={"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
                   "labelSelectorPath": ".status.selector"}),
        "routes": crd(
            "Route", "routes", "rt", route_spec(), route_status(),
            [column("Gateway", ".spec.gatewayRef.name", description="The Gateway serving the Route."),
             column("Hostnames", ".spec.hostnames", description="Host names of the Route."),
             condition_column("Accepted", "Accepted", ".status.parents[0]"),
             condition_column("Programmed", "Programmed", ".status.parents[0]"),
             AGE],
            name_pattern=DNS1123_LABEL,
            description="A Route sends HTTP requests that match its rules, on a Gateway, to Microservices, with "
                        "rewrites, timeouts, retries, rate limits and circuit breaking."),
        "breakerpolicies": crd(
            "BreakerPolicy", "breakerpolicies", "bp", breaker_policy_spec(), breaker_policy_status(),
            [column("Failures", ".spec.consecutiveFailures", "integer", "Consecutive failures that open a circuit."),
             column("Open-Duration", ".spec.openDuration", description="How long a circuit stays open."),
             column("Attached", ".status.attachedRoutes", "integer", "Route rules using the policy."),
             AGE],
            name_pattern=DNS1123_LABEL, spec_required=False,
            description="A BreakerPolicy is a circuit breaker and bulkhead for the endpoints of a backend: it "
                        "takes an endpoint out of rotation after consecutive failures, probes it, and limits "
                        "concurrent and queued requests."),
        "gateways": crd(
            "Gateway", "gateways", "gw", gateway_spec(), gateway_status(),
            [column("Replicas", ".spec.replicas", "integer", "Gateway pods (without autoscaling)."),
             column("Address", ".status.addresses[0].value", description="First address of the gateway."),
             column("Routes", ".status.attachedRoutes", "integer", "Routes attached."),
             condition_column("Programmed", "Programmed"),
             AGE],
            # The gateway's Deployment, Service and ServiceAccount are named <name>-gateway (a DNS-1035 label).
            name_pattern=DNS1035_LABEL, name_max_length=63 - len("-gateway"),
            description="A Gateway is an HAProxy-based HTTP gateway: Flotilla renders its Deployment, Service and "
                        "configuration from the Routes attached to it."),
    }


HEADER = "# Generated by hack/gen-crds.py from the Flotilla API model (src/api/types.h). Do not edit by hand.\n"


def render(doc):
    return HEADER + yaml.safe_dump(doc, sort_keys=False, width=120, allow_unicode=True, default_flow_style=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare crds/ with the generated output")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "crds"))
    args = parser.parse_args()

    out = pathlib.Path(args.out)
    stale = []
    for plural, doc in all_crds().items():
        path = out / f"{plural}.{GROUP}.yaml"
        text = render(doc)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run hack/gen-crds.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
