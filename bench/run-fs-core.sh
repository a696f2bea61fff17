#!/usr/bin/env bash
# fs-core benchmarks, one run: SeqIoBench (fs-core read/write vs MemorySegment.copy, same run),
# MetadataBench (lookup 100,000 vs 10 entries; create+stat+unlink of 100,000), FsAttachTime,
# FsckScale (fsck -fn of 1,000,000 files in a 512 MiB heap, with 1 and with 10 extents per file).
# Usage: bench/run-fs-core.sh [output-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="$("$here/bin/java-home")"
export JAVA_HOME
out="${1:-$here/bench/results/fs-core-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
(cd "$here" && mvn -B -q -ntp -DskipTests install)
jar="$here/bench/target/benchmarks.jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
"${java[@]}" -jar "$jar" -rf json -rff "$out/seqio.json" SeqIoBench | tee "$out/seqio.txt"
"${java[@]}" -jar "$jar" -rf json -rff "$out/metadata.json" MetadataBench | tee "$out/metadata.txt"
"${java[@]}" -Xmx4g -cp "$jar" io.nvmfs.bench.FsAttachTime | tee "$out/attach.txt"
"${java[@]}" -Xmx512m -cp "$jar" io.nvmfs.bench.FsckScale | tee "$out/fsck-scale.txt"
"${java[@]}" -Xmx512m -cp "$jar" io.nvmfs.bench.FsckScale 1000 1000 10 | tee "$out/fsck-scale-10m-extents.txt"
echo "results in $out"
