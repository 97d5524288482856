#!/bin/sh
# Decoding benchmark of docs/benchmarks.md ("Decoding with the inference path"): PyTorch with a
# KV cache (scripts/bench_decode_torch.py) and ours (dev.scratchllm.bench.DecodeBench), one
# after the other, twice (or [passes] times), on the same machine.
# Usage: scripts/bench_decode.sh [rounds] [124m|355m] [passes]
# JAVA (default: java on PATH) must be JDK 21+; PYTHON (default: /usr/bin/python3) needs torch.
# JAVA_FOOTING (default: -XX:+UseTransparentHugePages, as the CLI's JVM runs): the JVM's page
# footing; -XX:-UseTransparentHugePages gives the 4 KB pages of the tables before session 13.
set -e
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SIZE=${2:-124m}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
JAVA_FOOTING=${JAVA_FOOTING:--XX:+UseTransparentHugePages}
mvn -q test-compile
CPFILE=$(mktemp)
mvn -q dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null
SNAP=$(mktemp -d)  # a copy of the classes, so that a rebuild during the run cannot remove them
cp -r target/classes target/test-classes "$SNAP"/
CP=$SNAP/classes:$SNAP/test-classes:$(cat "$CPFILE")
rm -f "$CPFILE"
trap 'rm -rf "$SNAP"' EXIT
lscpu | grep -E "Model name|^CPU\(s\)"
uptime
TSIZE=$(echo "$SIZE" | tr m M)
PASSES=${3:-2}
for pass in $(seq "$PASSES"); do
  echo "## pass $pass: PyTorch"
  # glibc's malloc on transparent huge pages, as for the training comparison: PyTorch's prompt
  # ran 1.4-1.6x faster with them in session 12, its decode the same
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    "$PYTHON" scripts/bench_decode_torch.py --rounds "$ROUNDS" --size "$TSIZE"
  echo "## pass $pass: ScratchLLM ($JAVA_FOOTING)"
  # on huge pages as the CLI (the pom's heap.flags): one-thread float32 decoded 1.11-1.18x
  # faster with them in session 13 (docs/benchmarks.md)
  "$JAVA" --add-modules jdk.incubator.vector -XX:+UseG1GC -XX:G1HeapRegionSize=1m $JAVA_FOOTING -Xmx4g -cp "$CP" dev.scratchllm.bench.DecodeBench "$ROUNDS" "$SIZE" 2>&1 \
    | grep -v "incubator modules"
done
uptime
