#!/bin/bash
# G1 with the heap the JVM grows by itself (-Xmx1g, what deploy/systemd/gateway.env says) against G1 with the whole
# heap committed from the start (-Xms1g -Xmx1g), on one gateway build (issue 18): the CoapLoadTest (and, with
# WHAT="coap mqtt", the GatewayLoadTest) with the -Pbench profile's parameters (batcher off, ES256 through AWS-LC),
# alternating, each run at a 1-minute load average below 3, with the gateway's GC log. The build, a copy inside the
# repository (where the gateway finds node_modules for anvil):
#   mvn -B -pl gateway -am package -DskipTests && cp -r gateway/target/quarkus-app gateway/target/bench-after
# (the generator's own classes come from gateway/target/test-classes of the last build).
# Results in $OUT: {coap,mqtt}-{grow,fixed}-<pair>.json, gc-{coap,mqtt}-{grow,fixed}-<pair>.log.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/heap}
RUNS=${RUNS:-2}
WHAT=${WHAT:-coap}
APP=gateway/target/${APPDIR:-bench-after}
mkdir -p "$OUT"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
for pair in $(seq 1 "$RUNS"); do
  for what in $WHAT; do
    for heap in grow fixed; do
      opt="-Xmx1g"; [ "$heap" = fixed ] && opt="-Xms1g -Xmx1g"
      opts="$opt -XX:+UseG1GC -Xlog:gc:file=$OUT/gc-$what-$heap-$pair.log -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native"
      while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
      echo "$what $heap $pair $(uptime)" >> "$OUT/uptime.txt"
      if [ "$what" = mqtt ]; then
        java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
          --warmup-messages 4000 --warmup-pack10-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 \
          --gateway-jvm-options "$opts" --jfr-phases none --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/mqtt-$heap-$pair" \
          --out "$OUT/mqtt-$heap-$pair.json" > "$OUT/mqtt-$heap-$pair.log" 2>&1
      else
        java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
          --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
          --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$heap-$pair" \
          --out "$OUT/coap-$heap-$pair.json" > "$OUT/coap-$heap-$pair.log" 2>&1
      fi
      echo "$what $heap $pair rc=$?" >> "$OUT/uptime.txt"
      rm -rf "$OUT/$what-$heap-$pair"  # the run's PostgreSQL, broker and device directories: 1.4-1.9 GB each
    done
  done
done
