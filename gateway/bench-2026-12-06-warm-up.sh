#!/bin/bash
# MQTT load test, batcher off, the gateway of main f8ea043 (gateway/target/qa-main: its quarkus-app, built with
# mvn -B -pl gateway,firmware-sim -am package -DskipTests, then cp -r gateway/target/quarkus-app gateway/target/qa-main),
# with the warm-ups of the -Pbench profile since 2026-12-06 (4,000 pack-of-1 messages per device before the pack-1 phase,
# 1,000 packs of 10 per device right before the pack-10 phase); three runs back to back, then the durable insert limit.
# Each run waits for a 1-minute load average below 3. Results: gateway-load-warmup-{1,2,3}-2026-12-06.json and
# persistence-throughput-2026-12-06.txt (the comparison runs of the README section: gateway-load-warmup-short-jfr-2026-12-06.json,
# warm-up 1,000 and a JFR recording with every compilation, -XX:StartFlightRecording=settings=<profile.jfc with
# jdk.Compilation threshold 0 ms>; gateway-load-warmup-pack1-only-2026-12-06.json, warm-up 4,000 and no pack-10 warm-up).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-warm-up}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for run in 1 2 3; do
  while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
  uptime >> "$OUT/uptime.txt"
  java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
    --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
    --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --jfr-phases none \
    --gateway-jar gateway/target/qa-main/quarkus-run.jar --work "$OUT/$run" --out "$OUT/gateway-load-warmup-$run-2026-12-06.json" > "$OUT/$run.log" 2>&1
done
(cd gateway && java -cp "$(echo "$CP" | sed 's#gateway/##g; s#edge-agent/#../edge-agent/#g')" io.sensorproof.gateway.persistence.MessageStoreThroughput 5 2) \
  > "$OUT/persistence-throughput-2026-12-06.txt" 2>&1
uptime >> "$OUT/uptime.txt"
