#!/usr/bin/env bash
# Real programs on nvmfs and on tmpfs, back to back in one run; seconds per program (median of
# ROUNDS) and the ratio nvmfs/tmpfs (issue 16's goal: each at most 2x with the best transport).
#   sqlite-wal, sqlite-rollback  sqlite3: ROWS single-row INSERT transactions, then ROWS UPDATEs,
#                                in journal_mode=WAL and DELETE (synchronous=FULL in both)
#   tar-x        extract a tarball of a generated source-like tree: FILES entries (directories of
#                100 files of 1-8 KiB, made once in /dev/shm from a fixed seed)
#   rsync-in     rsync -a of that tree into the filesystem; rsync-out: from it back to /dev/shm
#   files-100k   create (100 bytes each), stat, unlink of FILES100K files in one directory
#                (bench/programs/manyfiles.c)
#   git-clone    git clone --no-hardlinks of this checkout's repository
# Usage: bench/run-programs.sh [output-file]   Knobs: ROUNDS (1), ROWS (20000), FILES (80000),
# FILES100K (100000), NVMFS (launcher, default bin/nvmfs), NVMFS_OPTS (mount options), CASES (regex),
# URING (1: also nvmfs -o io_uring, a second mount in the same run; default 1 when the kernel's
# /sys/module/fuse/parameters/enable_uring is Y)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/bench/results/programs-$(date -u +%Y%m%dT%H%M%SZ).txt}"
ROUNDS="${ROUNDS:-1}"
ROWS="${ROWS:-20000}"
FILES="${FILES:-80000}"
FILES100K="${FILES100K:-100000}"
CASES="${CASES:-.}"
nvmfs="${NVMFS:-$here/bin/nvmfs}"
need=()
for p in sqlite3 rsync git; do command -v "$p" >/dev/null || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
mkdir -p "$(dirname "$out")" "$here/bench/programs/build"
gcc -O2 -Wall -Wextra -o "$here/bench/programs/build/manyfiles" "$here/bench/programs/manyfiles.c"
work="$(mktemp -d /dev/shm/nvmfs-programs.XXXXXX)"
cleanup() {
  fusermount -u "$work/nvmfs" 2>/dev/null || true
  fusermount -u "$work/uring" 2>/dev/null || true
  umount "$work/tmpfs" 2>/dev/null || true
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/nvmfs" "$work/tmpfs" "$work/src"
mount -t tmpfs -o size=4G tmpfs "$work/tmpfs"

# The tree: FILES entries, 100 per directory, sizes 1-8 KiB from a fixed seed.
python3 - "$work/src/tree" "$FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
r = random.Random(16)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 10000), "s%03d" % (i // 100 % 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.c" % i), "wb") as f:
        f.write(r.randbytes(r.randint(1024, 8192)))
PY
tar -C "$work/src" -cf "$work/src/tree.tar" tree

sql() { # $1 dir, $2 journal mode
  sqlite3 "$1/db.sqlite" "PRAGMA journal_mode=$2; PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);" >/dev/null
  { for i in $(seq "$ROWS"); do echo "INSERT INTO t(v) VALUES('row $i of the insert workload');"; done
    for i in $(seq "$ROWS"); do echo "UPDATE t SET v='updated $i' WHERE id=$i;"; done; } | sqlite3 "$1/db.sqlite"
  rm -f "$1"/db.sqlite*
}
run_case() { # $1 case, $2 dir -> seconds on stdout
  local d="$2" t0 t1
  t0=$(date +%s.%N)
  case "$1" in
    sqlite-wal) sql "$d" WAL ;;
    sqlite-rollback) sql "$d" DELETE ;;
    tar-x) tar -C "$d" -xf "$work/src/tree.tar" && rm -rf "$d/tree" ;;
    rsync-in) rsync -a "$work/src/tree/" "$d/tree/" ;;
    rsync-out) rm -rf "$work/src/out" && rsync -a "$d/tree/" "$work/src/out/" && rm -rf "$work/src/out" "$d/tree" ;;
    files-100k) "$here/bench/programs/build/manyfiles" "$d" "$FILES100K" >/dev/null ;;
    git-clone) git clone -q --no-hardlinks "$here" "$d/clone" && rm -rf "$d/clone" ;;
  esac
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
results="$work/results"
: > "$results"
cases=(sqlite-wal sqlite-rollback tar-x rsync-in rsync-out files-100k git-clone)
if [ -z "${URING:-}" ]; then
  URING=0; [ "$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null)" = Y ] && URING=1
fi
systems=(tmpfs nvmfs); [ "$URING" = 1 ] && systems=(tmpfs nvmfs uring)
mkdir -p "$work/uring"
for r in $(seq "$ROUNDS"); do
  rm -f "$work/nvmfs.img"
  "$nvmfs" mkfs -q --size 6G "$work/nvmfs.img" >/dev/null
  "$nvmfs" mount "$work/nvmfs.img" "$work/nvmfs" ${NVMFS_OPTS:+-o "$NVMFS_OPTS"} >/dev/null
  if [ "$URING" = 1 ]; then
    rm -f "$work/uring.img"
    "$nvmfs" mkfs -q --size 6G "$work/uring.img" >/dev/null
    "$nvmfs" mount "$work/uring.img" "$work/uring" -o "io_uring${NVMFS_OPTS:+,$NVMFS_OPTS}" >/dev/null
  fi
  for c in "${cases[@]}"; do
    [[ "$c" =~ $CASES ]] || continue
    for fs in "${systems[@]}"; do
      echo "$fs $c $(run_case "$c" "$work/$fs")" >> "$results"
    done
  done
  "$nvmfs" umount "$work/nvmfs"
  [ "$URING" = 1 ] && "$nvmfs" umount "$work/uring"
done
{
  echo "# bench/run-programs.sh $(date -u +%FT%TZ) on $(nproc) cores, $(uname -r); ROUNDS=$ROUNDS ROWS=$ROWS FILES=$FILES FILES100K=$FILES100K; nvmfs -o ${NVMFS_OPTS:-(defaults)}"
  python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    fs, case, secs = line.split()
    rows[(fs, case)].append(float(secs))
    if case not in order:
        order.append(case)
uring = any(fs == "uring" for fs, _ in rows)
if uring:
    print("| program | tmpfs s | nvmfs s | io_uring s | nvmfs/tmpfs | io_uring/tmpfs |")
    print("|---|---:|---:|---:|---:|---:|")
else:
    print("| program | tmpfs s | nvmfs s | nvmfs/tmpfs |")
    print("|---|---:|---:|---:|")
for c in order:
    t, n = statistics.median(rows[("tmpfs", c)]), statistics.median(rows[("nvmfs", c)])
    if uring:
        u = statistics.median(rows[("uring", c)])
        print(f"| {c} | {t:.2f} | {n:.2f} | {u:.2f} | {n / t:.1f}× | {u / t:.1f}× |")
    else:
        print(f"| {c} | {t:.2f} | {n:.2f} | {n / t:.1f}× |")
PY
} | tee "$out"
