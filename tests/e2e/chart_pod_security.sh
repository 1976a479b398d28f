#!/usr/bin/env bash
# The operator Deployment and the `helm test` Pod meet the restricted Pod Security Standard (non-root, uid 65532,
# read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault), whatever
# the values.
source "$(dirname "$0")/chart_common.bash"

variants=(
  ""
  "--set watchNamespace=team-a --set monitoring.enabled=true"
  "--set leaderElection.enabled=false --set replicaCount=1 --set serviceAccount.create=false"
  "--set extraEnv[0].name=X --set extraEnv[0].value=1 --set podAntiAffinityPreset=none --set priorityClassName=high"
)
for i in "${!variants[@]}"; do
  # shellcheck disable=SC2086
  render "$scratch/$i.yaml" ${variants[$i]}
  python3 "$checks" pod-security "$scratch/$i.yaml" || fail "not restricted with: ${variants[$i]:-(defaults)}"
done

# The check must catch a loosened pod: flip allowPrivilegeEscalation in a copy of the rendering.
sed 's/allowPrivilegeEscalation: false/allowPrivilegeEscalation: true/' "$scratch/0.yaml" >"$scratch/loose.yaml"
if python3 "$checks" pod-security "$scratch/loose.yaml" 2>/dev/null; then
  fail "the pod security check accepted allowPrivilegeEscalation: true"
fi
