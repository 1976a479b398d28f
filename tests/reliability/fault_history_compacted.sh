#!/usr/bin/env bash
# Live fault 2 (issue 10): the emulator's change history is compacted and every watch dropped while Microservices
# change. Re-watches are held back 4 s (a latency fault on verb watch) so the changes happen while the operator
# watches nothing; when they reach the server their resourceVersion is older than the compacted one → 410 Gone.
# The operator must relist (a LIST per informer, "resourceVersion expired, relisting" in its log), see the creates,
# changes and deletes it missed, and converge to exactly the declared state with the user's fields intact.
# About 60 s in CI and under FLOTILLA_SOAK=1 alike.
# shellcheck source-path=SCRIPTDIR source=live_faults.bash
source "$(dirname "$0")/live_faults.bash"

step "start the emulator and the operator"
lf_start_apiserver
lf_start_operator operator

step "30 Microservices converge"
lf_microservices h 1 30 | lf_apply
lf_expect_names h 1 30
lf_wait_converged 90 "30 Microservices"
lf_mark_user h-2
lf_wait_quiet 60

since=$(lf_last_index)
step "hold re-watches 4 s, compact the history, drop every watch"
lf_fault '{"latency": [{"ms": 4000, "verb": "watch", "userAgent": "(operator)"}]}'
# A write just before compacting: the compacted version is newer than anything an informer has seen (bookmarks
# included), so every resume is too old.
run kubectl -n faults create configmap compaction-marker
lf_fault '{"compactHistory": true, "closeWatches": true}'

step "while no watch is open: create 5, change 5, delete 5 Microservices"
lf_microservices h 31 35 | lf_apply
for i in 2 3 4 5 6; do
  run kubectl -n faults patch ms "h-$i" --type merge -p '{"spec":{"image":"flotilla/echo:3"}}'
done
run kubectl -n faults delete ms h-26 h-27 h-28 h-29 h-30 --wait=false
lf_fault '{"reset": true}'
lf_expect_names h 1 25 h 31 35

step "410 Gone → relist → the declared state"
lf_wait_converged 120 "after the compaction"
lf_user_marks_kept h-2
grep -q '"msg":"resourceVersion expired, relisting"' "$work/operator.err" || fail "the operator never said it relisted"
lf_requests "$since" "$work/requests-compaction.json"
# The server answers such a watch with 200 and a 410 ERROR event, so the relists are read from the operator's log.
lf_py "$work/requests-compaction.json" "$work/operator.err" <<'PY' >"$work/last.out" || fail "no relist of the Microservices"
import collections, json, re, sys
records = [r for r in json.load(open(sys.argv[1]))["items"] if "(operator)" in r.get("userAgent", "")]
lists = collections.Counter(r["resource"] for r in records if r["verb"] == "list")
relisted = collections.Counter()
for line in open(sys.argv[2]):
    if '"resourceVersion expired, relisting"' in line:
        relisted[re.split(r"[.{]", json.loads(line)["resource"])[0]] += 1
print("relisted after 410 (operator log):", dict(relisted))
print("LIST requests:", dict(lists))
# Every informer that got 410 listed again, once (the relist brings a fresh version); none listed without a 410.
sys.exit(0 if relisted["microservices"] == 1 and lists == relisted else 1)
PY
sed 's/^/   /' "$work/last.out"
lf_report "history compacted + watches dropped, re-watches held 4 s while 5 created, 5 changed, 5 deleted: 410 → one relist per informer, exact final state; $(paste -sd';' "$work/last.out")"
echo "$test_name: passed"
