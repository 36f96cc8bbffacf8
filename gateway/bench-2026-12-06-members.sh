#!/bin/bash
# MQTT load test, batcher off, with the -Pbench profile's warm-ups: the same gateway build (gateway/target/qa-members, a copy of
# gateway/target/quarkus-app built with mvn -B -pl gateway,firmware-sim -am package -DskipTests on branch wt/members,
# commit 87322a0, the experiment of ADR 058, not merged) with one
# share-group member (-Dsensorproof.mqtt.members=1, as on main) and with two, alternating,
# RUNS pairs; then the durable insert limit. Each run waits for a 1-minute load average below 3.
# Results: gateway-load-members-{1,2}-<pair>-2026-12-06.json, persistence-throughput-members-2026-12-06.txt.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench-members}
RUNS=${RUNS:-2}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for pair in $(seq 1 "$RUNS"); do
  for members in 2 1; do
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
    echo "pair $pair members $members $(uptime)" >> "$OUT/uptime.txt"
    java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
      --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
      --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.mqtt.members=$members" --jfr-phases none \
      --gateway-jar gateway/target/qa-members/quarkus-run.jar --work "$OUT/m$members-$pair" \
      --out "$OUT/gateway-load-members-$members-$pair-2026-12-06.json" > "$OUT/m$members-$pair.log" 2>&1
  done
done
(cd gateway && java -cp "$(echo "$CP" | sed 's#gateway/##g; s#edge-agent/#../edge-agent/#g')" io.sensorproof.gateway.persistence.MessageStoreThroughput 5 2) \
  > "$OUT/persistence-throughput-members-2026-12-06.txt" 2>&1
echo "end $(uptime)" >> "$OUT/uptime.txt"
