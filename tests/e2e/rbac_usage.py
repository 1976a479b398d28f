#!/usr/bin/env python3
"""Least privilege, checked against reality: compares the API requests the operator and the gateway agent really
made (the emulator's request log, GET /debug/requests) with what they are granted.

  operator  (user agent "... (operator)")  vs  charts/flotilla/files/operator-rbac.yaml (every section)
  agent     (user agent "... (gateway)")   vs  the Role the operator rendered for the gateway (JSON)

Fails when a request was not granted (the chart would break on a real cluster, where RBAC is enforced), and when a
granted resource was never touched at all (a permission nobody uses). Verbs granted but unused in this run are only
listed: one run does not exercise every delete. Rules marked `checkedBy: admission` are exempt: the API server
checks them while admitting other requests, so no request of their own ever shows them.

usage: rbac_usage.py REQUESTS.json OPERATOR-RBAC.yaml AGENT-ROLE.json
"""
import json
import sys
import urllib.parse

import yaml


def granted(rules, verb, group, resource, name):
    for rule in rules:
        if group not in rule.get("apiGroups", []) or resource not in rule.get("resources", []):
            continue
        if verb not in rule.get("verbs", []) and "*" not in rule.get("verbs", []):
            continue
        names = rule.get("resourceNames")
        # resourceNames never covers list/watch of a collection or create (no name yet), as in real RBAC.
        if names and (not name or name not in names):
            continue
        return True
    return False


def name_of(record):
    """The object name RBAC sees. Like kube-apiserver's RequestInfo, a list or watch narrowed by the field selector
    metadata.name=X is a request for X, so resourceNames rules cover it (the agent watches only its ConfigMap)."""
    if record.get("name") or record["verb"] not in ("list", "watch"):
        return record.get("name", "")
    query = urllib.parse.parse_qs(record.get("query", ""))
    for selector in query.get("fieldSelector", []):
        for term in selector.split(","):
            key, _, value = term.partition("=")
            if key == "metadata.name" and value and not value.startswith("="):
                return value
    return ""


def resource_of(record):
    sub = record.get("subresource") or ""
    return record["resource"] + ("/" + sub if sub else "")


def check(who, records, rules):
    problems = []
    used = set()
    for r in records:
        key = (r["verb"], r.get("group", ""), resource_of(r))
        used.add(key)
        if not granted(rules, r["verb"], r.get("group", ""), resource_of(r), name_of(r)):
            problems.append(f"{who}: {r['verb']} {r.get('group') or 'core'}/{resource_of(r)} "
                            f"{r.get('namespace', '')}/{r.get('name', '')} is NOT granted")
    touched = {(g, res) for _, g, res in used}
    unused_verbs = []
    for rule in rules:
        if rule.get("checkedBy") == "admission":
            continue
        for g in rule.get("apiGroups", []):
            for res in rule.get("resources", []):
                if (g, res) not in touched:
                    problems.append(f"{who}: {g or 'core'}/{res} is granted but never used")
                    continue
                for v in rule.get("verbs", []):
                    if (v, g, res) not in used:
                        unused_verbs.append(f"{v} {g or 'core'}/{res}")
    print(f"{who}: {len(records)} requests, {len(used)} distinct (verb, group, resource)")
    for v, g, res in sorted(used):
        print(f"  used     {v:8s} {g or 'core'}/{res}")
    for item in sorted(set(unused_verbs)):
        print(f"  unused   {item}")
    return problems


def main():
    requests_path, rbac_path, role_path = sys.argv[1:4]
    records = json.load(open(requests_path))["items"]
    rbac = yaml.safe_load(open(rbac_path))
    operator_rules = rbac.get("namespaced", []) + rbac.get("clusterScoped", []) + rbac.get("leaderElection", [])
    agent_rules = json.load(open(role_path))["rules"]
    operator = [r for r in records if "(operator)" in r.get("userAgent", "")]
    agent = [r for r in records if "(gateway)" in r.get("userAgent", "")]
    if not operator or not agent:
        print(f"rbac_usage: expected requests from both the operator ({len(operator)}) and the agent ({len(agent)})")
        return 1
    problems = check("operator", operator, operator_rules) + check("gateway agent", agent, agent_rules)
    for p in problems:
        print("FAIL", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
