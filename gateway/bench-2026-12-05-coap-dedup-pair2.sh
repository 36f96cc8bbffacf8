#!/bin/bash
for v in before2:/work/ci34 after2:/work/int; do
  l=${v%%:*}; d=${v#*:}; cd $d
  CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*"
  uptime >> /work/bench20/uptime-pair2.txt
  java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 40 --seconds 25 \
    --warmup-messages 4000 --pack1-messages 2000 --pack10-messages 1500 --gateway-jvm-options "-Xmx1g -Dsensorproof.batches.enabled=false" --gateway-jar gateway/target/quarkus-app/quarkus-run.jar \
    --work /work/bench20/coap-$l --out /work/bench20/coap-load-$l.json > /work/bench20/coap-$l.log 2>&1
done
uptime >> /work/bench20/uptime-pair2.txt
echo done > /work/bench20/DONE-pair2
