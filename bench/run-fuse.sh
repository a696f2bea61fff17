#!/usr/bin/env bash
# FUSE benchmarks, all in one run: nvmfs (image in /dev/shm), the C reference bench/reference/memfs.c
# (same data-path design, libfuse 2 low-level, built here with gcc) and tmpfs, back to back.
#   fio: sequential write and read, 1 GiB per job, bs 4k/128k/1m, 1 and 2 jobs; random 4k read and write,
#        1 and 2 jobs (10 s each); metadata: create, stat, unlink 20,000 files in one directory, with the
#        default and with zero attr/entry timeouts; a cached re-read (1 MiB reads of a file read once already, from
#        a new descriptor: the kernel's page cache kept across opens).
# Each figure is the median of REPEATS runs (default 3). Prints MB/s or ops/s and the ratios
# nvmfs/reference and reference/tmpfs.   Usage: bench/run-fuse.sh [output-file]
# Knobs (environment): REPEATS, SIZE, FILES; CASES (a regex of case names to run, default all);
# NVMFS (the nvmfs launcher to benchmark, default this checkout's bin/nvmfs; for before/after runs);
# NVMFS_OPTS (mount options for nvmfs only, e.g. writeback_cache; the reference never has it);
# URING (1: also nvmfs -o io_uring, a second mount in the same run, column "uring"; default 1 when
# /sys/module/fuse/parameters/enable_uring is Y, which root can set).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/bench/results/fuse-$(date -u +%Y%m%dT%H%M%SZ).txt}"
REPEATS="${REPEATS:-3}"
SIZE="${SIZE:-1G}"
FILES="${FILES:-20000}"
CASES="${CASES:-.}"
mkdir -p "$(dirname "$out")"

need=()
command -v fio >/dev/null || need+=(fio)
dpkg -s libfuse-dev >/dev/null 2>&1 || need+=(libfuse-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
"$here/bin/setup"
JAVA_HOME="$("$here/bin/java-home")"; export JAVA_HOME
(cd "$here" && mvn -B -q -ntp -DskipTests -pl fuse-mount -am install)
mkdir -p "$here/bench/reference/build"
gcc -O2 -Wall -Wextra -o "$here/bench/reference/build/memfs" "$here/bench/reference/memfs.c" $(pkg-config fuse --cflags --libs)

work="$(mktemp -d /dev/shm/nvmfs-bench.XXXXXX)"
mkdir -p "$work/nvmfs" "$work/uring" "$work/ref" "$work/tmpfs"
nvmfs="${NVMFS:-$here/bin/nvmfs}"
if [ -z "${URING:-}" ]; then
  URING=0; [ "$(cat /sys/module/fuse/parameters/enable_uring 2>/dev/null)" = Y ] && URING=1
fi
systems=(nvmfs ref tmpfs); [ "$URING" = 1 ] && systems=(nvmfs uring ref tmpfs)
cleanup() {
  fusermount -u "$work/nvmfs" 2>/dev/null || true
  fusermount -u "$work/uring" 2>/dev/null || true
  fusermount -u "$work/ref" 2>/dev/null || true
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

mount_all() { # $1: extra options for both FUSE filesystems
  local opts="${1:-}"
  local nopts="${opts}${opts:+${NVMFS_OPTS:+,}}${NVMFS_OPTS:-}"
  rm -f "$work/nvmfs.img"
  "$nvmfs" mkfs --size 6G "$work/nvmfs.img" >/dev/null
  if [ -n "$nopts" ]; then "$nvmfs" mount "$work/nvmfs.img" "$work/nvmfs" -o "$nopts" >/dev/null
  else "$nvmfs" mount "$work/nvmfs.img" "$work/nvmfs" >/dev/null; fi
  if [ "$URING" = 1 ]; then
    rm -f "$work/uring.img"
    "$nvmfs" mkfs --size 6G "$work/uring.img" >/dev/null
    "$nvmfs" mount "$work/uring.img" "$work/uring" -o "io_uring${nopts:+,$nopts}" >/dev/null
  fi
  rm -f "$work/ref.img"
  if [ -n "$opts" ]; then "$here/bench/reference/build/memfs" "$work/ref.img" 6144 "$work/ref" -o "$opts"
  else "$here/bench/reference/build/memfs" "$work/ref.img" 6144 "$work/ref"; fi
  for i in $(seq 50); do grep -q " $work/ref " /proc/mounts && break; sleep 0.1; done
}
umount_all() {
  "$nvmfs" umount "$work/nvmfs"
  [ "$URING" = 1 ] && "$nvmfs" umount "$work/uring"
  fusermount -u "$work/ref"; sleep 0.5
  rm -rf "${work:?}/tmpfs/"*
}

fio_mbs() { # dir rw bs jobs [more fio options] -> MB/s (aggregate)
  local dir="$1" rw="$2" bs="$3" jobs="$4" extra=("${@:5}")
  case "$rw" in
    write) extra+=(--end_fsync=1) ;;
    randread|randwrite) extra+=(--time_based --runtime=10) ;;
  esac
  fio --name=b --directory="$dir" --rw="$rw" --bs="$bs" --size="$SIZE" --numjobs="$jobs" --group_reporting \
      --ioengine=psync --output-format=json "${extra[@]}" 2>/dev/null \
    | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print("%.1f" % ((j["read"]["bw_bytes"]+j["write"]["bw_bytes"])/1e6))'
  rm -f "$dir"/b.*
}

reread_mbs() { # dir -> MB/s of reading a file a second time, from a new descriptor, its pages cached by the first
  fio --name=b --directory="$1" --rw=read --bs=1m --size="$SIZE" --ioengine=psync --invalidate=0 >/dev/null 2>&1
  fio_mbs "$1" read 1m 1 --invalidate=0
}

meta_ops() { # dir -> create+stat+unlink operations per second
  python3 - "$1" "$FILES" <<'PY'
import os, sys, time
d = os.path.join(sys.argv[1], "meta"); n = int(sys.argv[2])
os.mkdir(d)
t = time.perf_counter()
for i in range(n): os.close(os.open(os.path.join(d, "f%d" % i), os.O_CREAT | os.O_WRONLY, 0o644))
for i in range(n): os.stat(os.path.join(d, "f%d" % i))
for i in range(n): os.unlink(os.path.join(d, "f%d" % i))
e = time.perf_counter() - t
os.rmdir(d)
print("%.0f" % (3 * n / e))
PY
}

median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

declare -A R
run_case() { # key fn args... ; fills R[key,fs] with the median over REPEATS
  local key="$1"; shift
  [[ "$key" =~ $CASES ]] || return 0
  for fs in "${systems[@]}"; do
    local vals=()
    for r in $(seq "$REPEATS"); do vals+=("$("$@" "$work/$fs")"); done
    R[$key,$fs]="$(median "${vals[@]}")"
  done
}
fio_case() { local rw="$1" bs="$2" jobs="$3" dir="$4"; fio_mbs "$dir" "$rw" "$bs" "$jobs"; }

mount_all
for rw in write read; do for bs in 4k 128k 1m; do for jobs in 1 2; do
  run_case "seq-$rw-$bs-j$jobs" fio_case "$rw" "$bs" "$jobs"
done; done; done
for rw in randread randwrite; do for jobs in 1 2; do
  run_case "$rw-4k-j$jobs" fio_case "$rw" 4k "$jobs"
done; done
run_case "reread-1m-j1" reread_mbs
run_case "metadata-default" meta_ops
umount_all
if [[ "metadata-zero-timeouts" =~ $CASES ]]; then
  mount_all "attr_timeout=0,entry_timeout=0"
  run_case "metadata-zero-timeouts" meta_ops
  umount_all
fi

{
  echo "# bench/run-fuse.sh $(date -u +%FT%TZ) on $(nproc) cores, $(uname -r); medians of $REPEATS; fio $SIZE per job; nvmfs -o ${NVMFS_OPTS:-(defaults)}$([ "$URING" = 1 ] && echo ", uring: the same with io_uring")"
  if [ "$URING" = 1 ]; then
    printf '%-26s %12s %12s %12s %12s %10s %10s %10s\n' case nvmfs uring reference tmpfs nvmfs/ref uring/ref ref/tmpfs
  else
    printf '%-26s %12s %12s %12s %10s %10s\n' case nvmfs reference tmpfs nvmfs/ref ref/tmpfs
  fi
  for key in $(printf '%s\n' "${!R[@]}" | cut -d, -f1 | sort -u); do
    [ -n "${R[$key,nvmfs]:-}" ] || continue
    n="${R[$key,nvmfs]}"; c="${R[$key,ref]}"; t="${R[$key,tmpfs]}"
    if [ "$URING" = 1 ]; then
      u="${R[$key,uring]}"
      printf '%-26s %12s %12s %12s %12s %10s %10s %10s\n' "$key" "$n" "$u" "$c" "$t" \
        "$(python3 -c "print('%.2f' % ($n/$c))")" "$(python3 -c "print('%.2f' % ($u/$c))")" "$(python3 -c "print('%.2f' % ($c/$t))")"
    else
      printf '%-26s %12s %12s %12s %10s %10s\n' "$key" "$n" "$c" "$t" \
        "$(python3 -c "print('%.2f' % ($n/$c))")" "$(python3 -c "print('%.2f' % ($c/$t))")"
    fi
  done
  echo "(MB/s for fio cases, operations/s for metadata)"
} | tee "$out"
