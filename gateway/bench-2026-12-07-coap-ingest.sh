#!/bin/bash
# CoAP ingest before/after 88f8d0b (issue 18): two gateway builds on the CoapLoadTest with the -Pbench profile's parameters
# (batcher off, -Xmx1g, ES256 through AWS-LC), alternating before/after, RUNS pairs, each run at a 1-minute load average
# below 3. The builds, each a copy inside the repository (where the gateway finds node_modules for anvil):
#   git checkout afb8d64 && mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-native
#   git checkout 88f8d0b && mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-after
# (the generator's own classes come from gateway/target/test-classes of the last build).
# Results: coap-load-ingest-{before,after}-<pair>-2026-12-07.json in $OUT.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
for pair in $(seq 1 "$RUNS"); do
  for build in before after; do
    app=bench-after; [ "$build" = before ] && app=bench-native
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "coap $build-$pair $(uptime)" >> "$OUT/uptime.txt"
    APP=gateway/target/$app
    CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
    java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
      --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
      --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native" \
      --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$build-$pair" \
      --out "$OUT/coap-load-ingest-$build-$pair-2026-12-07.json" > "$OUT/coap-$build-$pair.log" 2>&1
    echo "coap $build-$pair rc=$?" >> "$OUT/uptime.txt"
  done
done
