#!/bin/bash
# The Java prover under G1 and under ParallelGC in a 1 GB heap, as in the gateway JVM (ADR 063): ProverBenchmark (3
# sequential proofs per claim circuit through a one-worker pool, then 6 excursion proofs on two workers; the fixed-base
# tables of both keys are built on the way, 99 + 190 MB) with a GC log, ParallelGC first, each run at a 1-minute load
# average below 3. Needs the built module (mvn -B -pl zk-circuits -am install -DskipTests) and the circuits'
# cache (zk-circuits/target/zk-build, built by the tests or by the gateway's first start; ZK_BUILD overrides).
# Results in $OUT: prover-{par,g1}.json, gc-{par,g1}.log.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/provergc}
ZK_BUILD=${ZK_BUILD:-zk-circuits/target/zk-build}
mkdir -p "$OUT"
mvn -o -B -q -pl zk-circuits dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test > /dev/null
CP="zk-circuits/target/test-classes:zk-circuits/target/classes:$(cat "$OUT/classpath.txt")"
for gc in par g1; do
  opt="-XX:+UseG1GC"; [ "$gc" = par ] && opt="-XX:+UseParallelGC"
  while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
  echo "$gc $(uptime)" >> "$OUT/uptime.txt"
  java -Xmx1g $opt -Xlog:gc:file="$OUT/gc-$gc.log" -Drepo.root="$PWD" -Dzk.build.cache="$ZK_BUILD" \
    -cp "$CP" io.sensorproof.zk.bench.ProverBenchmark "$OUT/prover-$gc.json" 3 6 > "$OUT/prover-$gc.log" 2>&1
  echo "$gc rc=$?" >> "$OUT/uptime.txt"
done
