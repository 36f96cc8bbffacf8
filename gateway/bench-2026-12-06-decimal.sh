#!/bin/bash
# MQTT load test with the -Pbench profile's parameters, batcher off, -Xmx1g: the gateway of main f2d900e
# (gateway/target/qa-main) before, and of main 8e52c64 (reading values without BigDecimal; gateway/target/qa-decimal,
# a copy of gateway/target/quarkus-app after mvn -B -pl gateway,firmware-sim -am package -DskipTests) after,
# alternating, RUNS pairs, each run at a 1-minute load average below 3.
# Results: gateway-load-decimal-{before,after}-<pair>-2026-12-06.json.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-decimal}
RUNS=${RUNS:-2}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for pair in $(seq 1 "$RUNS"); do
  for build in after before; do
    case $build in before) app=qa-main;; after) app=qa-decimal;; esac
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "pair $pair $build $(uptime)" >> "$OUT/uptime.txt"
    java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
      --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
      --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --jfr-phases none \
      --gateway-jar "gateway/target/$app/quarkus-run.jar" --work "$OUT/$build-$pair" \
      --out "$OUT/gateway-load-decimal-$build-$pair-2026-12-06.json" > "$OUT/$build-$pair.log" 2>&1
  done
done
echo "end $(uptime)" >> "$OUT/uptime.txt"
