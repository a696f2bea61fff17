#!/usr/bin/env bash
# Per-request cost, in one run: bench/percall/percall.c against tmpfs, nvmfs as built from this
# checkout, and (when BEFORE names another nvmfs launcher, e.g. a checkout of the previous
# commit's bin/nvmfs) that one, back to back, each case ROUNDS times; prints the median of the
# per-round medians in microseconds and the ratios to tmpfs and to BEFORE. The two nvmfs run in
# alternating order (after first in odd rounds, before first in even ones), so neither always
# runs on a machine the other has just warmed or loaded.
#   Usage: bench/run-percall.sh [output-file]
#   Knobs: ROUNDS (3), SCALE (1), BEFORE, NVMFS_OPTS (both), AFTER_OPTS and BEFORE_OPTS (each; default NVMFS_OPTS).
#   Transports: BEFORE=bin/nvmfs AFTER_OPTS=io_uring compares io_uring (after) with /dev/fuse (before).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/bench/results/percall-$(date -u +%Y%m%dT%H%M%SZ).txt}"
ROUNDS="${ROUNDS:-3}"
SCALE="${SCALE:-1}"
mkdir -p "$(dirname "$out")" "$here/bench/percall/build"
gcc -O2 -Wall -Wextra -o "$here/bench/percall/build/percall" "$here/bench/percall/percall.c"
work="$(mktemp -d /dev/shm/nvmfs-percall.XXXXXX)"
cleanup() {
  for d in "$work"/mnt-*; do fusermount -u "$d" 2>/dev/null || true; done
  umount "$work/tmpfs" 2>/dev/null || true
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT
declare -A launchers=([after]="$here/bin/nvmfs")
declare -A options=([after]="${AFTER_OPTS-${NVMFS_OPTS:-}}" [before]="${BEFORE_OPTS-${NVMFS_OPTS:-}}")
order=(after)
if [ -n "${BEFORE:-}" ]; then launchers[before]="$BEFORE"; order=(after before); fi
mkdir -p "$work/tmpfs"
mount -t tmpfs -o size=1G tmpfs "$work/tmpfs"
run_one() { # $1 label $2 dir -> appends "label case median" lines
  "$here/bench/percall/build/percall" "$2" "$SCALE" | while read -r c med p90 n; do echo "$1 $c $med"; done
}
results="$work/results"
: > "$results"
for r in $(seq "$ROUNDS"); do
  run_one tmpfs "$work/tmpfs" >> "$results"
  labels=("${order[@]}")
  if [ $((r % 2)) -eq 0 ]; then labels=($(printf '%s\n' "${order[@]}" | tac)); fi
  for l in "${labels[@]}"; do
    img="$work/$l.img"; mnt="$work/mnt-$l"
    mkdir -p "$mnt"; rm -f "$img"
    "${launchers[$l]}" mkfs -q --size 2G "$img" >/dev/null
    "${launchers[$l]}" mount "$img" "$mnt" ${options[$l]:+-o "${options[$l]}"} >/dev/null
    run_one "$l" "$mnt" >> "$results"
    "${launchers[$l]}" umount "$mnt"
  done
done
{
  echo "# percall, $(date -u +%FT%TZ), ROUNDS=$ROUNDS SCALE=$SCALE, $(nproc) cores, $(uname -r); after -o ${options[after]:-(defaults)}${BEFORE:+, before ($BEFORE) -o ${options[before]:-(defaults)}}"
  echo "# median of per-round medians, microseconds per call"
  python3 - "$results" "${BEFORE:+before}" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, case, med = line.split()
    rows[(label, case)].append(float(med))
labels = ["tmpfs"] + (["before"] if len(sys.argv) > 2 and sys.argv[2] else []) + ["after"]
cases = []
for (l, c) in rows:
    if c not in cases:
        cases.append(c)
head = "| case | " + " | ".join(labels) + " | after/tmpfs |" + (" after/before |" if "before" in labels else "")
print(head)
print("|" + "---|" * (head.count("|") - 1))
for c in cases:
    m = {l: statistics.median(rows[(l, c)]) for l in labels if rows.get((l, c))}
    line = f"| {c} | " + " | ".join(f"{m.get(l, float('nan')):.1f}" for l in labels) + f" | {m['after'] / m['tmpfs']:.1f}× |"
    if "before" in labels:
        line += f" {m['after'] / m['before']:.2f}× |"
    print(line)
PY
} | tee "$out"
