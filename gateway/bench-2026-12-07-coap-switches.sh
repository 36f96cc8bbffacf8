#!/bin/bash
# Context switches per CoAP message, per gateway thread (ADR 065): one CoapLoadTest run per build (bench-base,
# bench-shared, built as gateway/bench-2026-12-07-coap-executor.sh says) with the -Pbench profile's parameters,
# reading every gateway thread's
# voluntary_ctxt_switches and nonvoluntary_ctxt_switches (/proc/<pid>/task/*/status) when the pack-1 phase starts
# (the load test's "warmup" line) and when it ends (its first "phase" line). A voluntary switch is a thread that
# blocked (waiting for work); every one is later a wake-up by another thread or a timer. Only pack 1: the pack-10
# phase is the run's last, and the load test stops the gateway right after its line, before a snapshot can be read.
# Results in $OUT: coap-switches-<build>.json (the load test's), switches-<build>.json (per thread). Ran 2026-12-07
# twice (BUILDS="base shared", then BUILDS="shared base"): gateway/switches-2026-12-07/coap-load-<build>-<run>.json
# and threads-<build>-<run>.json (the first run's script also read snapshots around the pack-10 phase; its end
# snapshot raced with the gateway's stop, so those are not used and the script no longer takes them).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/work/bench/switches}
BUILDS=${BUILDS:-base shared}
mkdir -p "$OUT"
snap() {  # pid -> {thread name: [voluntary, nonvoluntary]} summed over threads of one name
  python3 - "$1" <<'PY'
import json, os, sys, re
pid = sys.argv[1]; out = {}
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        st = open(f"/proc/{pid}/task/{tid}/status").read()
    except OSError:
        continue
    name = re.sub(r"[0-9]+$", "#", name)
    v = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", st, re.M).group(1))
    n = int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", st, re.M).group(1))
    a = out.setdefault(name, [0, 0]); a[0] += v; a[1] += n
print(json.dumps(out))
PY
}
opts="-Xms1g -Xmx1g -Dsensorproof.batches.enabled=false -Dsensorproof.es256=native"
for build in $BUILDS; do
  APP=gateway/target/bench-$build
  CP="gateway/target/test-classes:gateway/target/classes:edge-agent/target/classes:$APP/lib/main/*:$APP/lib/boot/*"
  while [ "$(cut -d. -f1 /proc/loadavg)" -ge 3 ]; do sleep 10; done
  log="$OUT/coap-switches-$build.log"
  java -cp "$CP" io.sensorproof.gateway.bench.CoapLoadTest --devices 50 --window 8 --warmup-seconds 90 --seconds 25 \
    --warmup-messages 9000 --pack1-messages 2000 --warmup-pack10-seconds 40 --warmup-pack10-messages 2500 --pack10-messages 1500 \
    --gateway-jvm-options "$opts" --gateway-jar "$APP/quarkus-run.jar" --work "$OUT/coap-$build" \
    --out "$OUT/coap-switches-$build.json" > "$log" 2>&1 &
  run=$!
  # a load test that fails before a phase (the gateway does not start, say) ends the wait instead of hanging it
  until grep -q "^warmup " "$log" || ! kill -0 "$run" 2>/dev/null; do sleep 0.1; done
  pid=$(grep -o 'gatewayPid=[0-9]*' "$log" | head -1 | cut -d= -f2)
  if ! grep -q "^warmup " "$log" || [ -z "$pid" ]; then
    echo "$build: the load test ended before its pack-1 phase, see $log" >&2; wait "$run"; continue
  fi
  s1=$(snap "$pid")
  until [ "$(grep -c '^phase ' "$log")" -ge 1 ] || ! kill -0 "$run" 2>/dev/null; do sleep 0.1; done
  s2=$(snap "$pid")
  wait "$run" || { echo "$build: the load test failed, see $log" >&2; rm -rf "$OUT/coap-$build"; continue; }
  printf '{"pack1":{"start":%s,"end":%s}}\n' "$s1" "$s2" > "$OUT/switches-$build.json"
  rm -rf "$OUT/coap-$build"  # the run's PostgreSQL and device directories: 1.4-1.9 GB
done
