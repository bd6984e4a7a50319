#!/usr/bin/env bash
# Lists one workspace's first page of threads among 1,000,000 over 10,000 workspaces, on SQLite
# and on PostgreSQL, and prints p50/p99 and each database's plan. See bench/README.md.
# Arguments are passed on: dbs=sqlite,postgres threads=1000000 workspaces=10000 warmup=2000 calls=20000
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
if [[ ! -f bench/target/benchmarks.jar || -n "$(find store/src core/src bench/src -newer bench/target/benchmarks.jar -print -quit)" ]]; then
  mvn -B -ntp -q -pl bench -am package -DskipTests
fi
mkdir -p bench/results
out="bench/results/scale-$(date +%Y%m%d-%H%M%S).txt"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out"
java --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp bench/target/benchmarks.jar dev.portcullis.bench.ThreadListScale "$@" 2>&1 | grep -v '^\[postgres' | tee -a "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
