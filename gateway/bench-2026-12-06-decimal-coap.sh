#!/bin/bash
# CoAP load test with the -Pbench profile's parameters (coap.load.args), batcher off, -Xmx1g: the gateway of main
# 8e52c64 (reading values without BigDecimal; gateway/target/qa-decimal) and of main f2d900e (gateway/target/qa-main),
# one run each, after first; each at a 1-minute load average below 3. Results: coap-load-decimal-{after,before}-2026-12-06.json.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-decimal-coap}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for build in after before; do
  case $build in before) app=qa-main;; after) app=qa-decimal;; esac
  while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
  echo "$build $(uptime)" >> "$OUT/uptime.txt"
  java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
    --warmup-messages 4000 --pack1-messages 2000 --pack10-messages 1500 \
    --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --gateway-jar "gateway/target/$app/quarkus-run.jar" \
    --work "$OUT/$build" --out "$OUT/coap-load-decimal-$build-2026-12-06.json" > "$OUT/$build.log" 2>&1
done
echo "end $(uptime)" >> "$OUT/uptime.txt"
