#!/bin/bash
# CoAP load test with the -Pbench profile's parameters since 2026-12-06 (coap.load.args: a 20 s warm-up of packs of 10
# right before the pack-10 phase), batcher off, -Xmx1g, the gateway of main 8e52c64 (gateway/target/qa-decimal: the same
# gateway as the "after" run of bench-2026-12-06-decimal-coap.sh, which had no pack-10 warm-up), at a load average below 3.
# Result: coap-load-warmup-pack10-2026-12-06.json.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-coap-warmup}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
echo "$(uptime)" >> "$OUT/uptime.txt"
java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
  --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
  --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --gateway-jar gateway/target/qa-decimal/quarkus-run.jar \
  --work "$OUT/run" --out "$OUT/coap-load-warmup-pack10-2026-12-06.json" > "$OUT/run.log" 2>&1
echo "end $(uptime)" >> "$OUT/uptime.txt"
