#!/bin/bash
# One CoapLoadTest run (the -Pbench profile's CoAP parameters, batcher off, -Xmx1g, ES256 through AWS-LC) with a JFR
# recording of the gateway's 15 s from 3 s after the phase before the one to profile ended: WAITFOR=warmup profiles
# pack1, WAITFOR=warmupPack10 profiles pack10. Settings: the JDK's profile.jfc with Java and native method sampling
# every 2 ms. APP: a copy of gateway/target/quarkus-app inside the repository (default bench-native).
# Since 2026-12-07 04:30 UTC the recording starts with the gateway JVM (-XX:StartFlightRecording) and only the phase's
# window is dumped (jcmd JFR.dump begin=-15s): a recording started by jcmd in the middle of the phase made C2 recompile
# (0.44 core in that phase), so its samples came partly from less optimised code and overstated what they showed.
# Then: jfr print --stack-depth 64 --events jdk.ExecutionSample $OUT/coap-$TAG.jfr
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench}; TAG=${TAG:-prof}; WAITFOR=${WAITFOR:-warmup}
APP=gateway/target/${APPDIR:-bench-native}
mkdir -p "$OUT"
JFC="$OUT/fine.jfc"
sed 's/<setting name="period" control="method-sampling-java-interval">[^<]*</<setting name="period" control="method-sampling-java-interval">2 ms</; s/<setting name="period" control="method-sampling-native-interval">[^<]*</<setting name="period" control="method-sampling-native-interval">2 ms</' \
  "$(dirname "$(readlink -f "$(which java)")")/../lib/jfr/profile.jfc" > "$JFC"
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
  --warmup-messages 4000 --pack1-messages 2000 --warmup-pack10-seconds 20 --warmup-pack10-messages 1000 --pack10-messages 1500 \
  --gateway-jvm-options "-Xmx1g -XX:StartFlightRecording:name=p,settings=$JFC,maxage=5m -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native" \
  --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$TAG" --out "$OUT/coap-$TAG.json" > "$OUT/coap-$TAG.log" 2>&1 &
until grep -q "^$WAITFOR " "$OUT/coap-$TAG.log"; do sleep 0.5; done
sleep 18
pid=$(grep -o 'gatewayPid=[0-9]*' "$OUT/coap-$TAG.log" | head -1 | cut -d= -f2)
jcmd "$pid" JFR.dump name=p begin=-15s filename="$OUT/coap-$TAG.jfr"
wait
