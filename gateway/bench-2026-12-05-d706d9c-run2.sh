#!/bin/bash
# Longer phases (steady state for the JIT): main d706d9c, default and batcher off
cd /work/ci34
CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
for v in default nobatch; do
  opts="-Xmx1g"; [ $v = nobatch ] && opts="-Xmx1g -Dsensorproof.batches.enabled=false"
  uptime >> /work/bench20/uptime-run2.txt
  java -cp "$CP" io.sensorproof.gateway.bench.GatewayLoadTest --devices 50 --connections 4 --window 8 --rate 0 \
    --warmup-messages 1000 --pack1-messages 1000 --pack10-messages 400 --phase-timeout-seconds 240 --gateway-jvm-options "$opts" \
    --jfr-phases none --gateway-jar gateway/target/quarkus-app/quarkus-run.jar --work /work/bench20/mqtt-long-$v --out /work/bench20/gateway-load-long-$v.json > /work/bench20/mqtt-long-$v.log 2>&1
done
uptime >> /work/bench20/uptime-run2.txt
echo done > /work/bench20/DONE2
