#!/usr/bin/env bash
# nvmpg benchmarks: builds bench/target/benchmarks.jar and runs, in one go,
#   AllocFreeBench (1 and 2 threads) + PersistBench (the bare-persist baseline, same run),
#   AttachBench (1 TiB, 1M records, with its read-every-record-word baseline), and Footprint.
# Usage: bench/run-nvmpg.sh [output-dir]   (default bench/results/<date>)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="$("$here/bin/java-home")"
export JAVA_HOME
out="${1:-$here/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
(cd "$here" && mvn -B -q -ntp -DskipTests package)
jar="$here/bench/target/benchmarks.jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
for t in 1 2; do
  "${java[@]}" -jar "$jar" -t "$t" -rf json -rff "$out/allocfree-t$t.json" 'AllocFreeBench|PersistBench' | tee "$out/allocfree-t$t.txt"
done
"${java[@]}" -jar "$jar" -rf json -rff "$out/attach.json" AttachBench | tee "$out/attach.txt"
"${java[@]}" -Xmx4g -cp "$jar" io.nvmfs.bench.Footprint | tee "$out/footprint.txt"
echo "results in $out"
