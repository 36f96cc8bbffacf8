#!/bin/bash
# Scandium's DTLS worker and Californium's protocol-stage pool as the libraries make them (bench-base: main at
# a301fec) against one executor shared by both (bench-shared: 8669060, ADR 065, withdrawn in the commit after it),
# on the CoapLoadTest with the -Pbench profile's parameters (ADR 056 amendment: 90 s / 40 s warm-ups; batcher off,
# ES256 through AWS-LC, -Xms1g -Xmx1g), alternating in the order ORDER, each run at a 1-minute load average below 3.
# The builds, copies inside the repository (where the gateway finds node_modules for anvil):
#   git checkout a301fec && mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-base
#   git checkout 8669060 && mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-shared
# (the generator's own classes come from gateway/target/test-classes of the last build).
# Ran 2026-12-07 as `RUNS=3 …` (pairs 1-3, base first) and `OUT=/work/bench/executor2 ORDER="shared base" RUNS=3 …`
# (pairs 4-6, shared first); results gateway/coap-load-executor-{base,shared}-{1..6}-2026-12-07.json.
# Results in $OUT: coap-{base,shared}-<pair>.json and .log.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/executor}
RUNS=${RUNS:-3}
ORDER=${ORDER:-base shared}
mkdir -p "$OUT"
opts="-Xms1g -Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native"
for pair in $(seq 1 "$RUNS"); do
  for build in $ORDER; do
    APP=gateway/target/bench-$build
    CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "$build $pair $(uptime)" >> "$OUT/uptime.txt"
    java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 90 --seconds 25 \
      --warmup-messages 9000 --pack1-messages 2000 --warmup-pack10-seconds 40 --warmup-pack10-messages 2500 --pack10-messages 1500 \
      --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$build-$pair" \
      --out "$OUT/coap-$build-$pair.json" > "$OUT/coap-$build-$pair.log" 2>&1
    echo "$build $pair rc=$?" >> "$OUT/uptime.txt"
    rm -rf "$OUT/coap-$build-$pair"  # the run's PostgreSQL and device directories: 1.4-1.9 GB
  done
done
