#!/usr/bin/env python3
"""Restart timeline of the packaged standalone gateway after kill -9 (ADR 040).

Starts target/quarkus-app/quarkus-run.jar on a fresh data directory (first start: initdb, broker, anvil,
contracts), waits until it is ready, then kills the gateway JVM with SIGKILL and starts it again,
RESTARTS times, alternating the variants given with --variant (JVM options per variant), so that the
variants are measured back to back under the same machine load. Every restart adopts the postmaster,
broker and anvil the killed JVM left (the ports are fixed). Per restart it records, from the restarted
gateway's log: each `startup phase` line, when the launcher handed over to Quarkus, when MQTT ingestion
had subscribed, when the gateway was ready, and the 1-minute load average at the kill. Writes a JSON
results file with its parameters and prints a summary.

    python3 gateway/restart-timeline.py --restarts 4 \\
        --variant before=-Dgateway.quarkus-static-init-in-background=false --variant after= \\
        --out gateway/restart-timeline-results.json

A variant may also name its own packaged application, NAME@APP=OPTIONS (e.g. a copy of the previous build's
quarkus-app, kept under the repository so that anvil is found in node_modules), to compare two builds back
to back on one data directory: every variant then runs the broker jar of the first variant's application
(--broker-jar), so that the broker is adopted across variants (its jar path is part of what adoption
compares).

No devices are connected: this times the gateway's own restart. Ports: --port-base .. +5 (default 20100).
"""
import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

LINE_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
PHASE = re.compile(r"startup phase (.+?): (\d+) ms \(JVM up (\d+) ms\)")
HANDOVER = re.compile(r"startup phase embedded services done: JVM up (\d+) ms; Quarkus starts(.*)$")
SUBSCRIBED = re.compile(r"MQTT ingestion started as .* \(JVM up (\d+) ms\)")
READY = "gateway ready: dashboard at"
# printed by Quarkus with -Dquarkus.debug.print-startup-times=true (io.quarkus.runtime.util.StepTiming)
STEP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) Build step (\S+) completed in: (\d+)ms")


def stamp(line):
    m = LINE_TIME.match(line)
    if not m:
        return None
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=datetime.timezone.utc).timestamp()


def start(app, data, env, jvm_options, log_path):
    cmd = ["java", "-Xmx384m", "-XX:+UseSerialGC"] + jvm_options + ["-jar", os.path.join(app, "quarkus-run.jar")]
    log = open(log_path, "ab")
    return subprocess.Popen(cmd, cwd=os.path.dirname(data), env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(proc, log_path, needle, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gateway exited with {proc.returncode}; see {log_path}")
        with open(log_path, errors="replace") as f:
            for line in f:
                if needle(line):
                    return time.time(), line
        time.sleep(0.1)
    raise SystemExit(f"not seen within {timeout} s in {log_path}")


def step_times(log_path, top):
    """Quarkus' start-up steps (static and runtime initialisation) by duration, longest first, from the
    lines --step-times makes Quarkus print; each with the wall-clock time it ended."""
    steps = []
    with open(log_path, errors="replace") as f:
        for line in f:
            m = STEP.match(line)
            if m:
                steps.append({"step": m.group(2), "ms": int(m.group(3)), "ended": m.group(1)})
    total = sum(s["ms"] for s in steps)
    return {"count": len(steps), "total_ms": total, "longest": sorted(steps, key=lambda s: -s["ms"])[:top]}


def timeline(log_path):
    phases, handover, subscribed, ready = {}, None, None, None
    with open(log_path, errors="replace") as f:
        for line in f:
            m = PHASE.search(line)
            if m and not line.count("embedded services done"):
                phases[m.group(1)] = {"ms": int(m.group(2)), "jvm_up_ms": int(m.group(3))}
            m = HANDOVER.search(line)
            if m:
                handover = {"jvm_up_ms": int(m.group(1)), "at": stamp(line), "note": m.group(2).strip()}
            m = SUBSCRIBED.search(line)
            if m:
                subscribed = {"jvm_up_ms": int(m.group(1)), "at": stamp(line)}
            if READY in line:
                ready = {"at": stamp(line)}
    return phases, handover, subscribed, ready


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "target", "quarkus-app"))
    ap.add_argument("--restarts", type=int, default=4)
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME[@APP]=JVM options (space separated); alternated per restart; APP: another quarkus-app directory")
    ap.add_argument("--broker-jar", help="broker jar every variant runs (default: the first variant's application's broker/embedded-broker.jar)")
    ap.add_argument("--port-base", type=int, default=20100)
    ap.add_argument("--ready-timeout", type=int, default=600)
    ap.add_argument("--step-times", type=int, default=0, metavar="N",
                    help="have Quarkus print the time of each start-up step (-Dquarkus.debug.print-startup-times=true) and record the N longest per restart")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    variants = []
    for v in args.variant or ["default="]:
        name, _, opts = v.partition("=")
        name, _, app = name.partition("@")
        opts = opts.split() + (["-Dquarkus.debug.print-startup-times=true"] if args.step_times else [])
        variants.append((name, os.path.abspath(app or args.app), opts))

    root = tempfile.mkdtemp(prefix="restart-timeline-")
    data = os.path.join(root, "gateway-data")
    os.makedirs(data)
    b = args.port_base
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENSORPROOF_", "QUARKUS_"))}
    env.update({
        "SENSORPROOF_DATA_DIR": data, "QUARKUS_HTTP_PORT": str(b), "SENSORPROOF_EMBEDDED_BROKER_PORT": str(b + 1),
        "SENSORPROOF_EMBEDDED_BROKER_TLS_PORT": str(b + 2), "SENSORPROOF_EMBEDDED_BROKER_TLS_BIND": "127.0.0.1",
        "SENSORPROOF_EMBEDDED_POSTGRES_PORT": str(b + 3), "SENSORPROOF_CHAIN_LOCAL_PORT": str(b + 4),
        "SENSORPROOF_COAP_PORT": "0", "SENSORPROOF_PROVER_ENABLED": "false", "SENSORPROOF_MQTT_CLIENT_ID": "restart-timeline",
        "SENSORPROOF_EMBEDDED_BROKER_JAR": os.path.abspath(args.broker_jar or os.path.join(variants[0][1], "broker", "embedded-broker.jar")),
    })
    results = {"command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]), "app": os.path.abspath(args.app),
               "started": datetime.datetime.now(datetime.timezone.utc).isoformat(), "cpus": os.cpu_count(),
               "variants": {n: {"app": a, "jvm_options": o} for n, a, o in variants},
               "broker_jar": env["SENSORPROOF_EMBEDDED_BROKER_JAR"], "restarts": []}
    log0 = os.path.join(root, "run-0-first.log")
    proc = start(variants[0][1], data, env, variants[0][2], log0)
    try:
        wait_for(proc, log0, lambda l: READY in l, args.ready_timeout)
        print(f"first start ready ({log0})", flush=True)
        for i in range(args.restarts):
            name, app, opts = variants[i % len(variants)]
            load = os.getloadavg()[0]
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed = time.time()
            log = os.path.join(root, f"run-{i + 1}-{name}.log")
            proc = start(app, data, env, opts, log)
            subscribed_wall, _ = wait_for(proc, log, lambda l: bool(SUBSCRIBED.search(l)), args.ready_timeout)
            ready_wall, _ = wait_for(proc, log, lambda l: READY in l, args.ready_timeout)
            phases, handover, subscribed, ready = timeline(log)
            row = {"restart": i + 1, "variant": name, "app": app, "jvm_options": opts, "load_1m_at_kill": load,
                   "kill_to_subscribed_s": round(subscribed_wall - killed, 1), "kill_to_ready_s": round(ready_wall - killed, 1),
                   "phases": phases, "handover_jvm_up_ms": handover and handover["jvm_up_ms"], "handover_note": handover and handover["note"],
                   "subscribed_jvm_up_ms": subscribed and subscribed["jvm_up_ms"],
                   "quarkus_start_to_subscribed_s": round(subscribed["at"] - handover["at"], 1) if handover and subscribed else None,
                   "quarkus_start_to_ready_s": round(ready["at"] - handover["at"], 1) if handover and ready else None,
                   "load_1m_after": os.getloadavg()[0], "log": log}
            if args.step_times:
                row["quarkus_steps"] = step_times(log, args.step_times)
            results["restarts"].append(row)
            print(json.dumps({k: row[k] for k in ("restart", "variant", "load_1m_at_kill", "kill_to_subscribed_s", "kill_to_ready_s",
                                                   "handover_jvm_up_ms", "subscribed_jvm_up_ms", "quarkus_start_to_subscribed_s")}), flush=True)
            with open(args.out, "w") as f:
                json.dump(results, f, indent=2)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(120)
            except subprocess.TimeoutExpired:
                proc.kill()
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    results["data_dir"] = data
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"results in {args.out}")


if __name__ == "__main__":
    main()
