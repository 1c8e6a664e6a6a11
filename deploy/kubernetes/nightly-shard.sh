#!/bin/sh
# One shard of the nightly scan (run by the indexed Job in cronjob.yaml, one pod per index).
# Collects its share of the organization's account x region work; the last shard to finish
# merges every shard's snapshot and evaluates the whole (rules that join regions, such as
# CloudTrail data events for buckets, need the whole). Two shards finishing together both merge,
# which is harmless: the merge is deterministic and written by rename.
#
# Environment: SHARDS (N), JOB_COMPLETION_INDEX (0..N-1, set by Kubernetes), EVIDENCE_DIR,
# RAMPART_ARGS (what to read, e.g. "--organization --role-name rampart-readonly"), RUN_ID
# (default: today's date, UTC).
set -eu
: "${SHARDS:?}" "${JOB_COMPLETION_INDEX:?}" "${EVIDENCE_DIR:?}"
run="${RUN_ID:-$(date -u +%F)}"
dir="$EVIDENCE_DIR/$run"
mkdir -p "$dir"
k=$((JOB_COMPLETION_INDEX + 1))

status=0
# shellcheck disable=SC2086 # RAMPART_ARGS is a list of arguments
rampart collect aws $RAMPART_ARGS --shard "$k/$SHARDS" -o "$dir/.shard-$k.json" -v || status=$?
# 2 is an incomplete shard: keep it (its gaps are in its coverage) and let the merge report them.
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || exit "$status"
mv "$dir/.shard-$k.json" "$dir/shard-$k.json"

done_count=$(find "$dir" -maxdepth 1 -name 'shard-*.json' | wc -l)
if [ "$done_count" -lt "$SHARDS" ]; then
  echo "shard $k/$SHARDS done; $done_count of $SHARDS finished"
  exit 0
fi
echo "shard $k/$SHARDS finished last: merging"
tmp="$dir/.merge-$k"
mkdir -p "$tmp"
merged=0
rampart merge "$dir"/shard-*.json -o "$tmp/snapshot.json" || merged=$?
[ "$merged" -eq 0 ] || [ "$merged" -eq 2 ] || exit "$merged"
scanned=0
rampart scan "$tmp/snapshot.json" --output-dir "$tmp/report" --fail-on never --format markdown || scanned=$?
[ "$scanned" -eq 0 ] || [ "$scanned" -eq 2 ] || exit "$scanned"
mv "$tmp/snapshot.json" "$dir/snapshot.json"
rm -rf "$dir/report"
mv "$tmp/report" "$dir/report"
rm -rf "$tmp"
echo "merged $SHARDS shards into $dir/snapshot.json; findings in $dir/report"
exit "$scanned"
