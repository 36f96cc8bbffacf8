#!/bin/bash
# The -Pbench profile's load tests as they stand after ADR 064 and the ADR 056 amendment (2026-12-07): heap committed
# whole (-Xms1g -Xmx1g), the doubled warm-ups, batcher off, ES256 through AWS-LC; RUNS rounds of one CoAP and one MQTT
# run (WHAT="coap mqtt"), each at a 1-minute load average below 3. The build, a copy inside the repository:
#   mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-new
# Results in $OUT: {coap,mqtt}-<round>.json and .log.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/defaults}
RUNS=${RUNS:-2}
WHAT=${WHAT:-coap mqtt}
APP=gateway/target/${APPDIR:-bench-new}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
opts="-Xms1g -Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native"
for round in $(seq 1 "$RUNS"); do
  for what in $WHAT; do
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "$what $round $(uptime)" >> "$OUT/uptime.txt"
    if [ "$what" = mqtt ]; then
      java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
        --warmup-messages 8000 --warmup-pack10-messages 2000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
        --gateway-jvm-options "$opts" --jfr-phases none --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/mqtt-$round" \
        --out "$OUT/mqtt-$round.json" > "$OUT/mqtt-$round.log" 2>&1
    else
      java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 90 --seconds 25 \
        --warmup-messages 9000 --pack1-messages 2000 --warmup-pack10-seconds 40 --warmup-pack10-messages 2500 --pack10-messages 1500 \
        --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$round" \
        --out "$OUT/coap-$round.json" > "$OUT/coap-$round.log" 2>&1
    fi
    echo "$what $round rc=$?" >> "$OUT/uptime.txt"
    rm -rf "$OUT/$what-$round"  # the run's PostgreSQL, broker and device directories: 1.4-1.9 GB each
  done
done
