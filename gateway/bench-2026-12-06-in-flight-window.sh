#!/bin/bash
# MQTT load test with the long warm-up, batcher off (as bench-2026-12-05-receive-maximum.sh): the gateway and
# broker of main e66fc6d (before: HiveMQ CE's internal in-flight window of 50 messages per client) and of this
# change (after: 1,024, ADR 055), alternating in one session: pair 1 before then after, pair 2 after then before.
# gateway/target/qa-before: quarkus-app of main e66fc6d; qa-after: this change's
# (both: mvn -B -o -pl gateway,firmware-sim -am package -DskipTests, then cp -r gateway/target/quarkus-app ...).
# Each waits for a 1-minute load average below 3.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-window}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for run in ${RUNS:-before-1 after-1 after-2 before-2}; do
  v=${run%-*}
  while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
  uptime >> "$OUT/uptime.txt"
  java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
    --warmup-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
    --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --jfr-phases none \
    --gateway-jar gateway/target/qa-$v/quarkus-run.jar --work "$OUT/$run" --out "$OUT/gateway-load-window-$run-2026-12-06.json" > "$OUT/$run.log" 2>&1
done
uptime >> "$OUT/uptime.txt"
