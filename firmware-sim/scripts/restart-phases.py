#!/usr/bin/env python3
"""Where a standalone gateway's start goes, from its log (ADR 028).

Usage: restart-phases.py GATEWAY_LOG   (e.g. <chaos work dir>/gateway-data.log)

The log holds every start of the gateway on that data directory; each start begins with the Quarkus
banner. For each start it prints seconds from the start's first log line (the launcher running, after
the JVM started) to: the embedded PostgreSQL listening, the broker started or adopted, the local chain
ready, the launcher done (all three ready; logged since ADR 028), Flyway connecting, the MQTT ingest
client subscribed, and Quarkus started.
"""
import datetime
import re
import sys

MARKERS = [
    ("db", ("embedded PostgreSQL (pid",)),
    ("broker", ("broker started, pid", "adopted the running broker")),
    ("chain", ("local chain ready in",)),
    ("launcher", ("database, broker and chain ready",)),
    ("flyway", ("FlywayExecutor",)),
    ("subscribed", ("subscribed to $share",)),
    ("quarkus", ("started in ",)),
]
STAMP = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})")


def starts(lines):
    current = None
    for line in lines:
        if line.startswith("__  ____  __"):
            current = {"first": None, "marks": {}}
            yield current
            continue
        if current is None:
            continue
        m = STAMP.match(line)
        if not m:
            continue
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f")
        if current["first"] is None:
            current["first"] = t
        for name, patterns in MARKERS:
            if name not in current["marks"] and any(p in line for p in patterns):
                current["marks"][name] = t


def main():
    with open(sys.argv[1], errors="replace") as f:
        found = list(starts(f))
    print("start " + " ".join("%10s" % name for name, _ in MARKERS))
    for i, s in enumerate(found, 1):
        cells = []
        for name, _ in MARKERS:
            t = s["marks"].get(name)
            cells.append("%10s" % ("-" if t is None else "%.1f" % (t - s["first"]).total_seconds()))
        print("%5d " % i + " ".join(cells))


if __name__ == "__main__":
    main()
