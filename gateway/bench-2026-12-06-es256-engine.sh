#!/bin/bash
# The ES256 engine (ADR 062), measured with one gateway build and the -Pbench profile's parameters (batcher off, -Xmx1g),
# alternating -Dsensorproof.es256=native and =bouncycastle, RUNS pairs each, each run at a 1-minute load average below 3.
# WHAT=mqtt: GatewayLoadTest; WHAT=coap: CoapLoadTest. The build: mvn -B -pl gateway -am package -DskipTests, then
# cp -r gateway/target/quarkus-app gateway/target/bench-native (a copy inside the repository, where the gateway finds
# node_modules for anvil). Results: gateway-load-es256-<engine>-<pair>-2026-12-06.json, coap-load-es256-<engine>-<pair>-2026-12-06.json.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-s1}
RUNS=${RUNS:-2}
WHAT=${WHAT:-mqtt}
APP=gateway/target/bench-native
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
for pair in $(seq 1 "$RUNS"); do
  for engine in native bouncycastle; do
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "$WHAT $engine-$pair $(uptime)" >> "$OUT/uptime.txt"
    opts="-Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.es256=$engine"
    if [ "$WHAT" = mqtt ]; then
      java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
        --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
        --gateway-jvm-options "$opts" --jfr-phases none --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/mqtt-$engine-$pair" \
        --out "$OUT/gateway-load-es256-$engine-$pair-2026-12-06.json" > "$OUT/mqtt-$engine-$pair.log" 2>&1
    else
      java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
        --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
        --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$engine-$pair" \
        --out "$OUT/coap-load-es256-$engine-$pair-2026-12-06.json" > "$OUT/coap-$engine-$pair.log" 2>&1
    fi
    echo "$WHAT $engine-$pair rc=$?" >> "$OUT/uptime.txt"
  done
done
