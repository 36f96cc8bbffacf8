#!/bin/bash
# fleetnice.sh NAME REPO [SIZES]: as fleetrun.sh, but the simulator runs at nice 19 and the gateway, its broker and
# PostgreSQL are put back to nice 0 (every thread) as soon as they run, so that the simulator gets only what they leave
set -u
NAME=$1; REPO=$2; SIZES=${SIZES:-${3:-1000}}; STEP=${STEP:-60}
W=${FLEET_ROOT:-/work/fleet}/$NAME
mkdir -p $W
if [ ! -d $W/work ] && [ -d ${FLEET_ROOT:-/work/fleet}/base/work ]; then cp -a ${FLEET_ROOT:-/work/fleet}/base/work $W/work; fi
while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
cd $REPO
JAR=$REPO/gateway/target/quarkus-app/quarkus-run.jar
( for i in $(seq 1 2000); do sleep 3;
   for P in $(pgrep -f -- "-jar $JAR") $(pgrep -f "embedded-broker.jar") $(pgrep -f "postgres"); do
     for t in /proc/$P/task/*; do renice -n 0 -p ${t##*/} >/dev/null 2>&1; done; done
   if [ $((i % 5)) -eq 0 ]; then P=$(pgrep -f -- "-jar $JAR" | head -1); [ -n "$P" ] || continue;
   echo "$(date +%T) load=$(cut -d' ' -f1 /proc/loadavg) $(for u in $(ss -ltnp | grep "pid=$P," | grep -o ':[0-9]*  ' | tr -d ': '); do curl -s -m 2 http://127.0.0.1:$u/q/metrics 2>/dev/null | grep -E '^sensorproof_(mqtt_acknowledgements_held_back_total|ingest_stored_messages_total|ingest_transport_received_total)' | tr '\n' ' '; done)"; fi
 done ) > $W/samples.log 2>&1 &
SAMPLER=$!
nice -n 19 java -Xmx1g -jar $REPO/firmware-sim/target/firmware-sim.jar load --start-gateway $JAR --work-dir $W/work \
  --sizes $SIZES --step-seconds $STEP --non-durable-outbox --reuse-devices --processes 2 --out $W/result.json > $W/run.log 2>&1
echo "rc=$?" >> $W/run.log
kill $SAMPLER 2>/dev/null
