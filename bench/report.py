#!/usr/bin/env python3
"""Writes docs/performance.md, docs/performance/results.json and the plots
from the results scripts/bench.sh collected (one JSON object per line, from
certshare_loadgen, rabbitmq_bench, redis_bench and the script itself).

The report keeps the hand-written part of docs/performance.md (everything
above MARKER) and replaces everything below it.

usage: report.py --results R.jsonl --out DIR --profile P --seconds S
                 --root REPO --certshare BIN --broker BIN
"""
import argparse
import json
import os
import platform
import subprocess
import time

MARKER = "<!-- Everything below is written by scripts/bench.sh (bench/report.py). -->"

PEERS = ("rabbitmq", "redis")
NAMES = {"certshare": "certshare", "rabbitmq": "RabbitMQ", "redis": "Redis Streams"}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    debian = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "debian": debian, "load": open("/proc/loadavg").read().split()[:3]}


def versions(args):
    def pkg(*names):
        out = sh("dpkg-query", "-W", "-f", "${Package} ${Version}\n", *names)
        return "; ".join(out.splitlines()) or "?"
    return {
        "certshare": sh("git", "-C", args.root, "describe", "--always", "--dirty") + " (" +
                     sh(args.certshare, "--version").splitlines()[0] + ")" if os.path.exists(args.certshare) else "?",
        "RabbitMQ": pkg("rabbitmq-server") + ", Erlang " + pkg("erlang-base"),
        "Redis": pkg("redis-server"),
        "ZeroMQ": pkg("libzmq5"),
        "RocksDB": pkg("librocksdb7.8"),
        "libsodium": pkg("libsodium23"),
        "rabbitmq-c (client)": pkg("librabbitmq4"),
        "hiredis (client)": pkg("libhiredis0.14"),
    }


def fmt(x, digits=0):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:,.{digits}f}"


def ratio(a, b):
    if not a or not b:
        return "—"
    return f"{a / b:.2f}×"


def busiest(r, n=3):
    """The broker's (or peer's) busiest threads: 'main 95%, ZMQbg/IO/0 60%'."""
    server = r.get("server") or {}
    out = []
    for t in server.get("busiest", [])[:n]:
        name = t["name"]
        if r["system"] == "certshare":
            # Its own threads are named (docs/architecture.md, "Threads"); the
            # others inherit the program's name (cpp-httplib's, for metrics).
            name = {"main": "socket thread", "certshare-broke": "unnamed"}.get(name, name)
        out.append(f"{name} {t['cpu']:.0f}%")
    total = server.get("cpu_percent")
    if total is not None:
        out.append(f"all {total:.0f}%")
    return ", ".join(out) or "—"


class Report:
    def __init__(self, results):
        self.results = results
        self.lines = []

    def find(self, system, scenario, **match):
        for r in self.results:
            if r.get("system") == system and r.get("scenario") == scenario and all(
                    r.get(k) == v for k, v in match.items()):
                return r
        return None

    def w(self, text=""):
        self.lines.append(text)

    def table(self, header, rows):
        self.w("| " + " | ".join(header) + " |")
        self.w("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for row in rows:
            self.w("| " + " | ".join(row) + " |")
        self.w()


def write_plots(rep, out):
    """Data files and gnuplot scripts, then PNGs. Returns the PNG names made."""
    d = os.path.join(out, "performance")
    made = []

    def plot(name, data, script):
        # The numbers after each row's quoted label (growth's rows have none).
        values = [float(x) for line in data.splitlines() for x in line.rsplit('"', 1)[-1].split()]
        if not any(x > 0.001 for x in values):
            return  # nothing measured for this plot in this run
        with open(os.path.join(d, name + ".dat"), "w") as f:
            f.write(data)
        with open(os.path.join(d, name + ".gp"), "w") as f:
            f.write(f'set terminal pngcairo size 900,500 font "sans,10"\n'
                    f'set output "{os.path.join(d, name + ".png")}"\n'
                    'set style data histograms\nset style histogram clustered gap 1\n'
                    'set style fill solid 0.8 border -1\nset grid ytics\nset key top left\n'
                    f'datafile = "{os.path.join(d, name + ".dat")}"\n' + script)
        if subprocess.run(["gnuplot", os.path.join(d, name + ".gp")], check=False).returncode == 0:
            made.append(name + ".png")
        os.remove(os.path.join(d, name + ".gp"))
        os.remove(os.path.join(d, name + ".dat"))

    def v(r, key):
        return (r or {}).get(key) or 0

    rows = []
    for p in (1, 4, 16):
        rows.append(f'"{p} publisher{"s" if p > 1 else ""}" '
                    f'{v(rep.find("certshare", "ingest", publishers=p, batch=256), "ingest_rate"):.0f} '
                    f'{v(rep.find("certshare", "ingest", publishers=p, batch=1), "ingest_rate"):.0f} '
                    f'{v(rep.find("rabbitmq", "ingest", publishers=p), "ingest_rate"):.0f} '
                    f'{v(rep.find("redis", "ingest", publishers=p, window=256), "ingest_rate"):.0f}')
    for s in (4, 32):
        rows.append(f'"fan-out to {s}" '
                    f'{v(rep.find("certshare", "fanout", subscribers=s), "end_to_end_rate"):.0f} 0 '
                    f'{v(rep.find("rabbitmq", "fanout", consumers=s), "end_to_end_rate"):.0f} '
                    f'{v(rep.find("redis", "fanout", consumers=s), "end_to_end_rate"):.0f}')
    plot("ingest", "\n".join(rows) + "\n",
         'set title "Ingest and fan-out: records (messages) per second acknowledged after a synced write"\n'
         'set ylabel "records/s"\n'
         'plot datafile using 2:xtic(1) title "certshare, batches of 256", '
         '"" using 3 title "certshare, single records", "" using 4 title "RabbitMQ", '
         '"" using 5 title "Redis Streams"\n')

    rows = []
    for rate in (1000, 10000):
        for q in ("p50", "p99", "p999"):
            vals = []
            for system in ("certshare", "rabbitmq", "redis"):
                r = rep.find(system, "latency", target_rate=rate)
                vals.append(f'{max((r or {}).get("latency_ms", {}).get(q, 0), 0.001):.3f}')
            rows.append(f'"{rate:,}/s {q.replace("p999", "p99.9")}" ' + " ".join(vals))
    plot("latency", "\n".join(rows) + "\n",
         'set title "Latency, publish to delivery, 4 subscribers (ms, log scale)"\n'
         'set logscale y\nset ylabel "ms"\n'
         'plot datafile using 2:xtic(1) title "certshare", "" using 3 title "RabbitMQ", '
         '"" using 4 title "Redis Streams"\n')

    rows = []
    for label, r in (("certshare, verifying", rep.find("certshare", "catchup", verify=1)),
                     ("certshare, not verifying", rep.find("certshare", "catchup", verify=0)),
                     ("certshare subscribe (JSON lines)", rep.find("certshare", "catchup-subscribe")),
                     ("RabbitMQ", rep.find("rabbitmq", "catchup")),
                     ("Redis Streams", rep.find("redis", "catchup"))):
        rows.append(f'"{label}" {v(r, "rate"):.0f}')
    plot("catchup", "\n".join(rows) + "\n",
         'set title "Catch-up: stored records read by one subscriber (records/s)"\n'
         'set ylabel "records/s"\nset key off\n'
         'plot datafile using 2:xtic(1) title "records/s"\n')

    growth = [r for r in rep.results if r.get("scenario") == "growth"]
    if growth:
        rows = [f'{int(r["stored"])} {r["ingest_rate"]:.0f} {r["server"]["rss_peak_mb"]:.0f}' for r in growth]
        plot("growth", "\n".join(rows) + "\n",
             'set title "Growth: ingest (4 publishers, batches of 256) and broker RSS by records stored"\n'
             'set style data linespoints\nset xlabel "records stored"\nset ylabel "records/s"\n'
             'set y2label "RSS (MB)"\nset y2tics\nset ytics nomirror\nset yrange [0:*]\nset y2range [0:*]\n'
             'plot datafile using 1:2 title "ingest records/s" lw 2, '
             '"" using 1:3 axes x1y2 title "broker peak RSS (MB)" lw 2\n')
    return made


def main():
    ap = argparse.ArgumentParser()
    for a in ("--results", "--out", "--profile", "--root", "--certshare", "--broker"):
        ap.add_argument(a, required=True)
    ap.add_argument("--seconds", type=int, required=True)
    # Percent of the CPU idle over 3 s before the run (scripts/bench.sh).
    ap.add_argument("--idle-before", type=int, required=True)
    args = ap.parse_args()

    results = [json.loads(line) for line in open(args.results) if line.strip()]
    # Counts are printed as JSON numbers (doubles): make them integers again.
    for r in results:
        for k, val in list(r.items()):
            if isinstance(val, float) and val.is_integer() and k not in ("seconds",):
                r[k] = int(val)
    run = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "profile": args.profile,
           "seconds": args.seconds, "machine": machine(), "versions": versions(args)}
    os.makedirs(os.path.join(args.out, "performance"), exist_ok=True)
    with open(os.path.join(args.out, "performance", "results.json"), "w") as f:
        json.dump({"run": run, "results": results}, f, indent=1)
        f.write("\n")

    rep = Report(results)
    made = write_plots(rep, args.out)
    m = run["machine"]
    rep.w(MARKER)
    rep.w()
    rep.w(f"## The last run: {run['date']}, `--{args.profile}`" if args.profile != "full"
          else f"## The last run: {run['date']}, full")
    rep.w()
    if args.idle_before >= 90:
        quiet = (f"The machine was otherwise idle: {args.idle_before}% of its CPU idle in the 3 s "
                 "before the run (load average at the end "
                 f"{' '.join(m['load'])}, the benchmark's own processes).")
    else:
        quiet = (f"**A shared machine**: only {args.idle_before}% of its CPU idle in the 3 s before "
                 "the run (other work ran beside it; load average at the end "
                 f"{' '.join(m['load'])}), so figures vary between runs by tens of percent; compare "
                 "ratios measured in the same run, not figures across runs.")
    rep.w(f"{args.seconds // 60} min {args.seconds % 60} s in all. Raw results: "
          "[performance/results.json](performance/results.json). " + quiet)
    rep.w()
    rep.table(["machine", ""], [
        ["CPU", m["cpu"]], ["cores", str(m["cores"])], ["RAM", f"{m['ram_gb']} GB"],
        ["kernel", m["kernel"]], ["Debian", m["debian"]]])
    rep.table(["software", "version"], [[k, v] for k, v in run["versions"].items()])

    cs_bytes = next((r["record_bytes"] for r in results if r.get("scenario") == "ingest" and r.get("batch") == 256), None)
    peer_bytes = next((r["bytes"] for r in results if r.get("system") in PEERS and r.get("scenario") == "ingest"), None)
    rep.w("Settings: certshare records are TLP:AMBER STIX incidents encrypted to 4 recipients, "
          f"{fmt(cs_bytes)} bytes each sealed in batches of 256 under one signature "
          "(single records are about 250 bytes smaller: no Merkle path); the broker runs with its "
          "defaults (`ingest_workers` one per core, `connection_queue_bytes` 16 MiB, ...) but "
          "`max_connections_per_org` 64 and `log_level` warn, on its own empty store per scenario. "
          "Each publisher pipelines up to max(256, 1,024 / publishers) records. Live subscribers "
          "verify every record as `certshare subscribe` does (`agent::Verify`, a batch's signature "
          "once) and run in the "
          "load generator's process on the same 2 cores as the broker. "
          f"Peers' messages are {fmt(peer_bytes)} bytes, acknowledged only after a synced write: "
          "RabbitMQ a durable fanout exchange to durable classic queues (4, or one per consumer), "
          "persistent messages, publisher confirms, consumers with prefetch 1,000 acknowledging "
          "every 100; Redis one stream, `appendonly yes`, `appendfsync always`, no RDB snapshots, "
          "`XADD` pipelined 256 deep per client, each consumer its own consumer group "
          "(`XREADGROUP COUNT 500`, then `XACK`). Every client is C or C++ (rabbitmq-c, hiredis, "
          "certshare's own), one connection per publisher or consumer.")
    rep.w()

    def row_ingest(label, cs, rmq, rds, key="ingest_rate"):
        c = (cs or {}).get(key)
        return [label, fmt(c), fmt((rmq or {}).get(key)), fmt((rds or {}).get(key)),
                ratio(c, (rmq or {}).get(key)), ratio(c, (rds or {}).get(key)),
                busiest(cs) if cs else "—"]

    if rep.find("certshare", "ingest"):
        rep.w("### 1. Broker ingest (records/s acknowledged, no subscribers)")
        rep.w()
        rows = []
        for p in (1, 4, 16):
            rmq, rds = rep.find("rabbitmq", "ingest", publishers=p), rep.find("redis", "ingest", publishers=p, window=256)
            rows.append(row_ingest(f"{p} publisher(s), batches of 256",
                                   rep.find("certshare", "ingest", publishers=p, batch=256), rmq, rds))
            rows.append(row_ingest(f"{p} publisher(s), single records",
                                   rep.find("certshare", "ingest", publishers=p, batch=1), rmq, rds))
        rep.table(["publishers", "certshare", "RabbitMQ", "Redis", "÷ RabbitMQ", "÷ Redis",
                   "certshare broker's busiest threads (% of a core)"], rows)
        extra = [r for r in results if r.get("system") in PEERS and
                 (r.get("scenario") == "ingest-1.5k" or r.get("publishers") == 50)]
        if extra:
            rep.w("Peers, other settings: " + "; ".join(
                f"{NAMES[r['system']]} {r['publishers']} clients, window {r['window']}, "
                f"{r['bytes']} bytes: {fmt(r['ingest_rate'])}/s (busiest: {busiest(r)})" for r in extra) + ".")
            rep.w()

    if rep.find("certshare", "fanout"):
        rep.w("### 2. Live fan-out (4 publishers; every subscriber receives every record)")
        rep.w()
        rep.w("End to end: records published ÷ time until the last subscriber had them all. "
              "Slowest: the slowest subscriber's records/s.")
        rep.w()
        rows = []
        for s in (4, 32):
            cs = rep.find("certshare", "fanout", subscribers=s)
            rmq, rds = rep.find("rabbitmq", "fanout", consumers=s), rep.find("redis", "fanout", consumers=s)
            e = lambda r, k: (r or {}).get(k)
            rows.append([f"{s} subscribers", fmt(e(cs, "ingest_rate")), fmt(e(cs, "end_to_end_rate")),
                         fmt(e(rmq, "ingest_rate")), fmt(e(rmq, "end_to_end_rate")),
                         fmt(e(rds, "ingest_rate")), fmt(e(rds, "end_to_end_rate")),
                         ratio(e(cs, "end_to_end_rate"), e(rmq, "end_to_end_rate")),
                         ratio(e(cs, "end_to_end_rate"), e(rds, "end_to_end_rate")), busiest(cs) if cs else "—"])
        rep.table(["", "certshare ingest", "certshare end to end", "RabbitMQ ingest", "RabbitMQ end to end",
                   "Redis ingest", "Redis end to end", "÷ RabbitMQ", "÷ Redis", "certshare broker's busiest threads"], rows)

    if rep.find("certshare", "latency"):
        rep.w("### 3. Latency, publish to delivery (ms; 1 publisher at a fixed rate, 4 subscribers)")
        rep.w()
        rows = []
        for rate in (1000, 10000):
            for system in ("certshare", "rabbitmq", "redis"):
                r = rep.find(system, "latency", target_rate=rate)
                if not r:
                    continue
                lat = r.get("latency_ms", {})
                rows.append([f"{rate:,}/s", NAMES[system], fmt(r.get("end_to_end_rate")), fmt(lat.get("p50"), 1),
                             fmt(lat.get("p99"), 1), fmt(lat.get("p999"), 1), fmt(lat.get("max"), 1), busiest(r)])
        rep.table(["rate asked", "system", "achieved /s", "p50", "p99", "p99.9", "max", "server's busiest threads"], rows)

    if rep.find("certshare", "catchup") or rep.find("certshare", "catchup-subscribe"):
        rep.w("### 4. Catch-up (one subscriber reads every stored record)")
        rep.w()
        fill = rep.find("certshare", "catchup-fill")
        if fill:
            rep.w(f"{fmt(fill['records'])} records stored first (4 publishers: {fmt(fill['ingest_rate'])}/s).")
            rep.w()
        rmq, rds = rep.find("rabbitmq", "catchup"), rep.find("redis", "catchup")
        rows = []
        for label, r in (("certshare, load generator verifying (`agent::Verify`)", rep.find("certshare", "catchup", verify=1)),
                         ("certshare, load generator decoding only (the broker's delivery)", rep.find("certshare", "catchup", verify=0)),
                         ("`certshare subscribe --from 1 --until-caught-up` writing JSON lines", rep.find("certshare", "catchup-subscribe"))):
            if r:
                extra = f", {r['cpu_seconds']:.1f} CPU s" if "cpu_seconds" in r else ""
                rows.append([label, fmt(r.get("rate")), ratio(r.get("rate"), (rmq or {}).get("rate")),
                             ratio(r.get("rate"), (rds or {}).get("rate")), (busiest(r) if r.get("server") else "—") + extra])
        for r in (rmq, rds):
            if r:
                rows.append([NAMES[r["system"]] + " (one consumer, one queue / group)", fmt(r.get("rate")), "", "", busiest(r)])
        rep.table(["reader", "records/s", "÷ RabbitMQ", "÷ Redis", "busiest threads"], rows)

    growth = [r for r in results if r.get("scenario") == "growth"]
    if growth or rep.find("certshare", "stalled"):
        rep.w("### 5. Growth (certshare only)")
        rep.w()
        if growth:
            base = growth[0]["ingest_rate"]
            rep.table(["records stored", "ingest /s (4 publishers, batches of 256)", "of the empty store's",
                       "broker peak RSS (MB)", "store on disk (MB)", "busiest threads"],
                      [[fmt(r["stored"]), fmt(r["ingest_rate"]), f"{100 * r['ingest_rate'] / base:.0f}%",
                        fmt(r["server"]["rss_peak_mb"]), fmt(r.get("store_mb")), busiest(r)] for r in growth])
            per = [r for r in growth if r.get("stored")]
            if per:
                last = per[-1]
                rep.w(f"On disk: about {1024 * 1024 * last['store_mb'] / last['stored'] / 1000:.1f} KB per stored "
                      f"record at {fmt(last['stored'])} records (RocksDB's files, `du`).")
                rep.w()
        for r in results:
            if r.get("scenario") == "growth-skipped":
                rep.w(f"Not run: {fmt(r['stored'])} records stored ({r['why']}).")
                rep.w()
        s = rep.find("certshare", "stalled")
        if s:
            rep.w(f"100 subscriptions, 50 of them stalled (credit {s['credit']}, subscribed and reading "
                  f"nothing), 50 live (decoding only), while {fmt(s['records'])} records arrive: ingest "
                  f"{fmt(s['ingest_rate'])}/s, the slowest live subscriber {fmt(s.get('subscriber_rate_min'))}/s, "
                  f"**broker peak RSS {fmt(s['server']['rss_peak_mb'])} MB** (busiest: {busiest(s)}).")
            rep.w()

    e2e, alone, pub = rep.find("certshare", "e2e"), rep.find("certshare", "e2e-no-feeds"), rep.find("certshare", "publish")
    if e2e or alone or pub:
        rep.w("### 6. The real programs end to end")
        rep.w()
        rows = []
        for label, r in (("2 `certshare sensor` → broker, no feeds", alone),
                         ("2 `certshare sensor` → broker → 4 `certshare subscribe` feeds", e2e)):
            if r:
                rows.append([label, fmt(r["records"]), fmt(r["sensors_rate"]), fmt(r["end_to_end_rate"]),
                             fmt(r["server"]["rss_peak_mb"]), busiest(r)])
        if rows:
            rep.table(["", "alerts", "sensors done (records/s)", "end to end (records/s)",
                       "broker peak RSS (MB)", "broker's busiest threads"], rows)
            rep.w("Sensors done: until both sensor processes exited (every record acknowledged by the "
                  "broker); end to end: until the last feed had written every record (JSON lines).")
            rep.w()
        if pub:
            rep.w(f"An analyst's `certshare publish incident.json --to <4 CERTs>` (a TLP:AMBER bundle), "
                  f"process start to exit after the ACK, {pub['runs']} runs: median **{pub['ms_median']:.1f} ms** "
                  f"(min {pub['ms_min']:.1f}, max {pub['ms_max']:.1f}).")
            rep.w()

    # The targets against this run.
    def get(system, scenario, key, **m):
        r = rep.find(system, scenario, **m)
        return (r or {}).get(key)
    fan4 = get("certshare", "fanout", "end_to_end_rate", subscribers=4)
    lat = (rep.find("certshare", "latency", target_rate=1000) or {}).get("latency_ms", {}).get("p99")
    g = [r for r in results if r.get("scenario") == "growth"]
    targets = [
        ("Broker ingest with 4 live subscribers keeping up", "≥ 50,000/s", fan4, lambda x: x >= 50000, 0, "/s"),
        ("Real programs end to end, 4 feeds", "≥ 10,000/s", get("certshare", "e2e", "end_to_end_rate"),
         lambda x: x >= 10000, 0, "/s"),
        ("Catch-up to a verifying subscriber", "≥ 200,000/s", get("certshare", "catchup", "rate", verify=1),
         lambda x: x >= 200000, 0, "/s"),
        ("Catch-up through `certshare subscribe`", "≥ 50,000/s", get("certshare", "catchup-subscribe", "rate"),
         lambda x: x >= 50000, 0, "/s"),
        ("Latency p99 at 1,000/s", "< 5 ms", lat, lambda x: x < 5, 1, " ms"),
        ("Ingest at the largest store ÷ empty store", "≥ 90%",
         100 * g[-1]["ingest_rate"] / g[0]["ingest_rate"] if len(g) > 1 else None, lambda x: x >= 90, 0, "%"),
        ("Broker RSS, 100 subscriptions of which 50 stalled", "< 512 MB",
         (rep.find("certshare", "stalled") or {}).get("server", {}).get("rss_peak_mb"), lambda x: x < 512, 0, " MB"),
        ("Analyst `publish`, start to ACK", "< 50 ms", get("certshare", "publish", "ms_median"),
         lambda x: x < 50, 1, " ms"),
    ]
    rep.w("### The issue's targets, this run")
    rep.w()
    rep.table(["target", "wanted", "measured", ""],
              [[t, want, "—" if x is None else fmt(x, d) + unit, "—" if x is None else ("met" if ok(x) else "**missed**")]
               for t, want, x, ok, d, unit in targets])
    if made:
        rep.w("### Plots")
        rep.w()
        for png in made:
            rep.w(f"![{png[:-4]}](performance/{png})")
            rep.w()

    path = os.path.join(args.out, "performance.md")
    header = ""
    for candidate in (path, os.path.join(args.root, "docs", "performance.md")):
        if os.path.exists(candidate):
            text = open(candidate).read()
            if MARKER in text:
                header = text.split(MARKER)[0]
                break
    with open(path, "w") as f:
        f.write(header + "\n".join(rep.lines).rstrip() + "\n")


if __name__ == "__main__":
    main()
