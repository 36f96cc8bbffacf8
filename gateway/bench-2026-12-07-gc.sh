#!/bin/bash
# G1 (the JVM's default) against ParallelGC on one gateway build (issue 18, ADR 063): the CoapLoadTest and the
# GatewayLoadTest (MQTT) with the -Pbench profile's parameters (batcher off, -Xmx1g, ES256 through AWS-LC), for each
# pair CoAP ParallelGC, CoAP G1, MQTT ParallelGC, MQTT G1, each run at a 1-minute load average below 3, with the
# gateway's GC log. Since 2026-12-07 every phase also reports the yardstick sampled while it ran
# (es256VerifyMicrosDuringWindow, VerifySampler). The build, a copy inside the repository (where the gateway finds
# node_modules for anvil):
#   mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-after
# (the generator's own classes come from gateway/target/test-classes of the last build).
# Results in $OUT: coap-{par,g1}-<pair>.json, mqtt-{par,g1}-<pair>.json, gc-{coap,mqtt}-{par,g1}-<pair>.log.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/gc3}
RUNS=${RUNS:-2}
APP=gateway/target/${APPDIR:-bench-after}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
for pair in $(seq 1 "$RUNS"); do
  for what in coap mqtt; do
    for gc in par g1; do
      opt="-XX:+UseG1GC"; [ "$gc" = par ] && opt="-XX:+UseParallelGC"
      opts="-Xmx1g $opt -Xlog:gc:file=$OUT/gc-$what-$gc-$pair.log -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native"
      while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
      echo "$what $gc $pair $(uptime)" >> "$OUT/uptime.txt"
      if [ "$what" = mqtt ]; then
        java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
          --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
          --gateway-jvm-options "$opts" --jfr-phases none --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/mqtt-$gc-$pair" \
          --out "$OUT/mqtt-$gc-$pair.json" > "$OUT/mqtt-$gc-$pair.log" 2>&1
      else
        java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
          --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
          --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$gc-$pair" \
          --out "$OUT/coap-$gc-$pair.json" > "$OUT/coap-$gc-$pair.log" 2>&1
      fi
      echo "$what $gc $pair rc=$?" >> "$OUT/uptime.txt"
    done
  done
done
