#!/usr/bin/env python3
"""bench/measure.py — the measuring half of bench/run (which builds the binary
and generates the data set first): import speed against sqlite3's .import,
the reports against hand-written SQL (bench/sql/*.sql) on the same database,
the server under wrk against nginx serving a file of the same size, and the
peak memory of each. Every figure is the median of --runs runs. Writes
RESULTS/<scale>.json, then the table (latest.md) and the plot
(report-time.svg) from every RESULTS/*.json there is.

    bench/measure.py --scale S --data DIR --recip PATH --work DIR --results DIR
                     [--runs N] [--wrk-seconds N] [--command TEXT]
    bench/measure.py --render --results DIR   (the table and plot again)
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
AS_OF = "2026-11-23T12:00"
AS_OF_EPOCH = 1795435200
LEDGER = ["asks", "exchanges", "touches", "visits", "promises", "referrals", "nps"]
REPORTS = {"agenda": ["agenda"], "due": ["due"], "balance": ["balance"], "advocates": ["advocates"]}


class StepFailed(Exception):
    pass


def run(cmd, env=None, stdin=None, name=None):
    """Runs cmd to the end; returns (seconds, peak RSS in KiB, stdout).
    Fails the step on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(stdin.encode() if stdin is not None else None)
    # communicate() has reaped it; the rusage comes from wait4 below only when
    # we reap it ourselves, so Popen is told not to
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise StepFailed(f"{name or cmd[0]}: exit {proc.returncode}: {err.decode(errors='replace').strip()[:300]}")
    return seconds, proc.maxrss_kib, out


def _patch_popen():
    """Popen reaps its child with waitpid; reap with wait4 instead to keep the
    child's own peak RSS (getrusage(RUSAGE_CHILDREN) would be the maximum over
    every child so far)."""
    original = subprocess.Popen._try_wait

    def try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return original(self, wait_flags)
        if pid == self.pid:
            self.maxrss_kib = usage.ru_maxrss
        return (pid, status)

    subprocess.Popen._try_wait = try_wait
    subprocess.Popen.maxrss_kib = 0


_patch_popen()


def median(values):
    return statistics.median(values) if values else None


def recip_env(args, db):
    env = dict(os.environ)
    home = os.path.join(args.work, "home")
    env.update({"RECIP_DB": db, "RECIP_NOW": AS_OF, "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, "config"),
                "XDG_DATA_HOME": os.path.join(home, "data"), "NO_COLOR": "1", "LC_ALL": "C.UTF-8",
                "RECIP_ACTOR": "bench"})
    return env


def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def csv_file(args, kind):
    return os.path.join(args.data, kind + ".csv")


# ---- import -----------------------------------------------------------------------

# The storage's own floor for the two biggest files: the same rows put into
# recip's schema (its indexes, a unique key per row ordered by time as recip
# makes them, the party found by email) by one INSERT … SELECT from the table
# sqlite3 .import made. What is left between recip and this is recip's work;
# what is left between this and .import is what the schema costs.
FLOOR = {
    "visits": "INSERT INTO visit (party_id, at, amount, source_key, created_at) "
              "SELECT pv.party_id, t, NULLIF(v.amount, '') + 0.0, "
              "'c:' || printf('%010x', t) || ':' || lower(hex(randomblob(16))), 0 "
              "FROM (SELECT rowid AS r, *, CAST(strftime('%s', at) AS INTEGER) AS t FROM p.visits) v "
              "JOIN party_value pv ON pv.field = 'email' AND pv.value_key = v.party ORDER BY v.r",
    "exchanges": "INSERT INTO exchange (party_id, direction, kind, value, personal, unexpected, at, note, "
                 "source_key, created_at) "
                 "SELECT pv.party_id, e.direction, e.kind, COALESCE(NULLIF(e.value, ''), 1) + 0.0, e.personal = 'yes', "
                 "e.unexpected = 'yes', t, NULLIF(e.note, ''), "
                 "'c:' || printf('%010x', t) || ':' || lower(hex(randomblob(16))), 0 "
                 "FROM (SELECT rowid AS r, *, CAST(strftime('%s', at) AS INTEGER) AS t FROM p.exchanges) e "
                 "JOIN party_value pv ON pv.field = 'email' AND pv.value_key = e.party ORDER BY e.r",
}


def measure_import(args, counts):
    """recip import of every ledger file into a database holding the parties
    and facts (imported once, untimed) against sqlite3 .import of the same
    files into plain tables, and the storage floor (FLOOR) for the biggest
    two. Leaves the last recip database as args.work/bench.db."""
    rows = sum(counts[k] for k in LEDGER)
    base = os.path.join(args.work, "base.db")
    db = os.path.join(args.work, "bench.db")
    plain = os.path.join(args.work, "plain.db")
    floor = os.path.join(args.work, "floor.db")
    env = recip_env(args, base)
    run([args.recip, "init"], env, name="recip init")
    for kind in ("parties", "facts"):
        run([args.recip, "import", kind, csv_file(args, kind)], env, name=f"recip import {kind}")
    run(["sqlite3", base, "PRAGMA wal_checkpoint(TRUNCATE)"], name="sqlite3 checkpoint")
    times = {who: {kind: [] for kind in LEDGER} for who in ("recip", "sqlite")}
    times["floor"] = {kind: [] for kind in FLOOR}
    rss = []
    for i in range(args.import_runs or args.runs):
        remove_db(db)
        shutil.copyfile(base, db)
        env = recip_env(args, db)
        peak = 0
        for kind in LEDGER:
            seconds, kib, _ = run([args.recip, "import", kind, csv_file(args, kind)], env, name=f"recip import {kind}")
            times["recip"][kind].append(seconds)
            peak = max(peak, kib)
        rss.append(peak)
        remove_db(plain)
        for kind in LEDGER:
            seconds, _, _ = run(["sqlite3", plain, f".import --csv {csv_file(args, kind)} {kind}"],
                                name=f"sqlite3 .import {kind}")
            times["sqlite"][kind].append(seconds)
        for kind, sql in FLOOR.items():
            remove_db(floor)
            shutil.copyfile(base, floor)
            seconds, _, _ = run(["sqlite3", "-bail", floor],
                                stdin=f"PRAGMA cache_size = -262144;\nATTACH '{plain}' AS p;\nBEGIN;\n{sql};\nCOMMIT;\n",
                                name=f"sqlite3 floor {kind}")
            times["floor"][kind].append(seconds)
        recip_s = sum(times["recip"][k][-1] for k in LEDGER)
        sqlite_s = sum(times["sqlite"][k][-1] for k in LEDGER)
        log(f"import run {i + 1}: recip {total_rate(rows, recip_s)} rows/s, sqlite3 {total_rate(rows, sqlite_s)} rows/s")
    remove_db(plain)
    remove_db(floor)
    run([args.recip, "check"], recip_env(args, db), name="recip check")
    recip_s = median([sum(t) for t in zip(*times["recip"].values())])
    sqlite_s = median([sum(t) for t in zip(*times["sqlite"].values())])
    files = {}
    for kind in FLOOR:
        r, s, f = (median(times[who][kind]) for who in ("recip", "sqlite", "floor"))
        files[kind] = {"rows": counts[kind], "recip_rows_per_s": counts[kind] / r, "sqlite_rows_per_s": counts[kind] / s,
                       "floor_rows_per_s": counts[kind] / f}
    return {"rows": rows, "recip_seconds": recip_s, "sqlite_seconds": sqlite_s, "recip_rows_per_s": rows / recip_s,
            "sqlite_rows_per_s": rows / sqlite_s, "ratio": sqlite_s / recip_s, "target": 0.5,
            "met": sqlite_s / recip_s >= 0.5, "peak_rss_kib": max(rss), "files": files}


def total_rate(rows, seconds):
    return f"{rows / seconds:,.0f}"


# ---- reports ----------------------------------------------------------------------

def sql_text(name):
    with open(os.path.join(HERE, "sql", name + ".sql")) as f:
        return f".parameter set $as_of {AS_OF_EPOCH}\n" + f.read()


def check_answers(args, db):
    """The hand-written SQL must give recip's answer where the two are the
    same report: the parties in balance (and their balances), due and
    advocates (and their scores), in order. Returns what differs."""
    env = recip_env(args, db)
    problems = []

    def recip_json(*cmd):
        return json.loads(run([args.recip, *cmd, "--json"], env, name="recip " + cmd[0])[2])

    def sql_rows(name):
        out = run(["sqlite3", "-bail", "-separator", "\t", db], stdin=sql_text(name), name=f"sqlite3 {name}.sql")[2]
        return [line.split("\t") for line in out.decode().splitlines()]

    mine = [(i["party"], i["balance"]) for i in recip_json("balance")["items"]]
    theirs = [(int(r[0]), float(r[2])) for r in sql_rows("balance")]
    differ = [k for k, (a, b) in enumerate(zip(mine, theirs))
              if a[0] != b[0] or abs(a[1] - b[1]) > 6e-5]  # recip prints 4 decimals
    if len(mine) != len(theirs) or differ:
        problems.append(f"balance: recip lists {len(mine)} parties, the SQL {len(theirs)}; "
                        f"{len(differ)} differ, the first at {differ[0] if differ else '-'}")
    mine = [i["party"] for i in recip_json("due")["items"]]
    theirs = [int(r[0]) for r in sql_rows("due")]
    if mine != theirs:
        problems.append(f"due: recip lists {len(mine)} parties, the SQL {len(theirs)}")
    report = recip_json("advocates")
    mine = [(i["party"], i["score"]) for i in report["items"]]
    rows = sql_rows("advocates")
    theirs = [(int(r[1]), int(r[3])) for r in rows[:len(rows) - len(report["detractors"])]]
    if mine != theirs:
        problems.append(f"advocates: recip ranks {len(mine)} parties, the SQL {len(theirs)}")
    return problems


def measure_reports(args):
    db = os.path.join(args.work, "bench.db")
    env = recip_env(args, db)
    out = {}
    # what starting the process costs before any work: recip loads 38
    # shared libraries (libpq, libical and ICU, GnuTLS …), sqlite3 a few
    starts = {"recip": [], "sql": []}
    for _ in range(args.runs):
        starts["recip"].append(run([args.recip, "--version"], env, name="recip --version")[0])
        starts["sql"].append(run(["sqlite3", ":memory:", "SELECT 1"], name="sqlite3")[0])
    out["_startup"] = {"recip_ms": median(starts["recip"]) * 1000, "sql_ms": median(starts["sql"]) * 1000}
    log(f"process start: recip {out['_startup']['recip_ms']:.1f} ms, sqlite3 {out['_startup']['sql_ms']:.1f} ms")
    for name, cmd in REPORTS.items():
        mine, theirs, rss = [], [], []
        for _ in range(args.runs):
            seconds, kib, _ = run([args.recip, *cmd], env, name=f"recip {name}")
            mine.append(seconds)
            rss.append(kib)
            seconds, _, _ = run(["sqlite3", "-bail", db], stdin=sql_text(name), name=f"sqlite3 {name}.sql")
            theirs.append(seconds)
        r, s = median(mine), median(theirs)
        out[name] = {"recip_ms": r * 1000, "sql_ms": s * 1000, "met": r <= s, "peak_rss_kib": max(rss)}
        log(f"{name}: recip {r * 1000:.1f} ms, SQL {s * 1000:.1f} ms")
    return out


# ---- server -----------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_wrk(text, what):
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", text, re.M)
    if not rate or not p99:
        raise StepFailed(f"wrk {what}: no figures in its output: {text.strip()[:300]}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if bad:
        raise StepFailed(f"wrk {what}: {bad.group(1)} answers were not 2xx")
    # connections the server closed or refused are counted and shown with
    # the figures, not thrown away with them: a handful in a run of 100,000
    # requests says something, but not that the run measured nothing
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    count = sum(int(n) for n in errors.groups()) if errors else 0
    if count:
        log(f"wrk {what}: {errors.group(0)}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return float(rate.group(1)), float(p99.group(1)) * scale, count


def wrk(args, url, what, token=None, script=None):
    rates, p99s, errors = [], [], 0
    for _ in range(args.runs):
        # the server retires the last run's 16 connections as it notices
        # them closed; one run straight after another could find the 32
        # per address still taken ("Server reached connection limit")
        time.sleep(1)
        # wrk's own 2 s timeout would turn a slow report (the agenda at L)
        # into a storm of abandoned requests and new connections, measuring
        # the storm instead of the report
        cmd = ["wrk", "-t2", "-c16", f"-d{args.wrk_seconds}s", "--timeout", "60s", "--latency"]
        if token:
            cmd += ["-H", f"Authorization: Bearer {token}"]
        if script:
            cmd += ["-s", script]
        cmd.append(url)
        rate, p99, failed = parse_wrk(run(cmd, name=f"wrk {what}")[2].decode(), what)
        rates.append(rate)
        p99s.append(p99)
        errors += failed
    return {"req_per_s": median(rates), "p99_ms": median(p99s), "socket_errors": errors}


def start_server(args, env):
    """recip serve on a free port; its messages go to a file (a pipe nobody
    reads would stop the server once full)."""
    log_path = os.path.join(args.work, "serve.log")
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen([args.recip, "serve", "--listen", "127.0.0.1:0"], env=env, stdout=subprocess.PIPE,
                                stderr=log_file, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        proc.kill()
        proc.wait()
        raise StepFailed("recip serve did not start: " + (line + server_log(args)).strip()[:300])
    return proc, int(match.group(1))


def server_log(args, lines=5):
    """The last lines recip serve wrote, for a message."""
    try:
        with open(os.path.join(args.work, "serve.log")) as f:
            return " | ".join(f.read().splitlines()[-lines:])
    except OSError:
        return ""


def stop(proc, what):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise StepFailed(f"{what} did not stop within 60 s of SIGTERM")
    return proc.maxrss_kib


def start_nginx(root, size_file):
    port = free_port()
    conf = os.path.join(root, "nginx.conf")
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(conf, "w") as f:
        f.write(f"""{user}daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy; fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  default_type application/json;
  server {{ listen 127.0.0.1:{port}; root {root}/www; location / {{ }} }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", root, "-e", os.path.join(root, "error.log"), "-c", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{size_file}", timeout=1) as answer:
                answer.read()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise StepFailed("nginx did not start: " + proc.stderr.read().decode().strip()[:300])
            time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise StepFailed("nginx did not answer within 5 s")


def measure_server(args):
    """recip serve over a copy of the imported database (the POSTs add
    visits), then nginx serving the agenda's bytes as a file."""
    db = os.path.join(args.work, "serve.db")
    remove_db(db)
    shutil.copyfile(os.path.join(args.work, "bench.db"), db)
    env = recip_env(args, db)
    run([args.recip, "user", "add", "bench", "--role", "member"], env, stdin="bench-password\n", name="recip user add")
    token = json.loads(run([args.recip, "token", "create", "bench", "--json"], env, name="recip token create")[2])["token"]
    with sqlite3.connect(db) as con:
        party = con.execute("SELECT party_id FROM visit GROUP BY party_id ORDER BY count(*) DESC, party_id "
                            "LIMIT 1").fetchone()[0]
    script = os.path.join(args.work, "post-visit.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n'
                f'wrk.body = \'{{"party": {party}, "at": "2026-11-23T11:30", "amount": 4.5}}\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    proc, port = start_server(args, env)
    base = f"http://127.0.0.1:{port}/api/v1"
    out = {"party_id": party}
    try:
        request = urllib.request.Request(base + "/agenda", headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                agenda = answer.read()
        except OSError as e:
            raise StepFailed(f"GET /api/v1/agenda: {e}") from e
        out["agenda_bytes"] = len(agenda)
        for what, path, lua in (("agenda", "/agenda", None), ("party", f"/parties/{party}", None),
                                ("post_visit", "/visits", script)):
            out[what] = wrk(args, base + path, what, token, lua)
            log(f"server {what}: {out[what]['req_per_s']:.0f} req/s, p99 {out[what]['p99_ms']:.1f} ms")
    except BaseException as e:
        # the server is stopped all the same; its failure to stop must not
        # hide what went wrong first
        try:
            stop(proc, "recip serve")
        except StepFailed as also:
            raise StepFailed(f"{e}; then {also}; the server said: {server_log(args)}") from e
        if isinstance(e, StepFailed):
            raise StepFailed(f"{e}; the server said: {server_log(args)}") from e
        raise
    out["peak_rss_kib"] = stop(proc, "recip serve")
    with open(os.path.join(args.work, "serve.log")) as f:
        out["server_messages"] = sum(1 for line in f if not re.match(r"recip serve: (stopping|stopped)", line))
    root = os.path.join(args.work, "nginx")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "www"))
    with open(os.path.join(root, "www", "agenda.json"), "wb") as f:
        f.write(agenda)
    nginx, port = start_nginx(root, "agenda.json")
    try:
        out["nginx_static"] = wrk(args, f"http://127.0.0.1:{port}/agenda.json", "nginx")
        log(f"nginx static: {out['nginx_static']['req_per_s']:.0f} req/s, p99 {out['nginx_static']['p99_ms']:.1f} ms")
    finally:
        stop(nginx, "nginx")
    remove_db(db)
    return out


# ---- results ----------------------------------------------------------------------

def log(text):
    print("bench: " + text, flush=True)


def machine():
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) / 1048576:.0f} GiB"
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "memory": memory, "kernel": platform.release(),
            "sqlite": sqlite3.sqlite_version}


def commit():
    done = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


def fmt_ms(v):
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def mib(kib):
    return f"{kib / 1024:,.1f} MiB"


def mark(met):
    return "met" if met else "**not met**"


def write_table(results_dir, results):
    lines = ["# recip benchmarks: latest results", "",
             "Written by `bench/run`; each figure is the median of the runs shown. "
             "BENCHMARKS.md at the root discusses them.", ""]
    for r in results:
        m = r["machine"]
        lines.append(f"- **{r['scale']}**: {r['parties']:,} parties, {r['ledger_rows']:,} ledger rows; {r['runs']} "
                     f"run(s); {r['date']}; commit {r['commit']}; {m['cpu']}, {m['cores']} cores, {m['memory']}; "
                     f"SQLite {m['sqlite']}; `{r['command']}`")
    lines += ["", "## Import (ledger rows/s)", "",
              "| scale | recip import | sqlite3 .import | ratio | target ≥ 0.5 | peak RSS |", "|---|---:|---:|---:|---|---:|"]
    for r in results:
        i = r["import"]
        lines.append(f"| {r['scale']} | {i['recip_rows_per_s']:,.0f} | {i['sqlite_rows_per_s']:,.0f} | "
                     f"{i['ratio']:.2f} | {mark(i['met'])} | {mib(i['peak_rss_kib'])} |")
    lines += ["", "The biggest files alone, with the storage floor: one `INSERT … SELECT` of the same rows "
              "into recip's schema (its indexes and unique row keys) from the table `.import` made.", "",
              "| scale | file | rows | recip import | sqlite3 .import | INSERT … SELECT into recip's schema | "
              "recip / floor |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for kind, f in r["import"]["files"].items():
            lines.append(f"| {r['scale']} | {kind}.csv | {f['rows']:,} | {f['recip_rows_per_s']:,.0f} | "
                         f"{f['sqlite_rows_per_s']:,.0f} | {f['floor_rows_per_s']:,.0f} | "
                         f"{f['recip_rows_per_s'] / f['floor_rows_per_s']:.2f} |")
    lines += ["", "## Reports (ms)", "",
              "Whole process, as a user sees it; the target is marked on these. In brackets: less the time "
              "the process takes to start (`recip --version`, `sqlite3 :memory: 'SELECT 1'`).", "",
              "| scale | report | recip | hand-written SQL | target: recip no slower | recip peak RSS |",
              "|---|---|---:|---:|---|---:|"]
    for r in results:
        start = r["reports"].get("_startup")
        if start:
            lines.append(f"| {r['scale']} | (process start) | {fmt_ms(start['recip_ms'])} | {fmt_ms(start['sql_ms'])} | | |")

        def net(x, key):
            return f" ({fmt_ms(max(0, x[key] - start[key]))})" if start else ""
        for name, x in r["reports"].items():
            if name.startswith("_"):
                continue
            lines.append(f"| {r['scale']} | {name} | {fmt_ms(x['recip_ms'])}{net(x, 'recip_ms')} | "
                         f"{fmt_ms(x['sql_ms'])}{net(x, 'sql_ms')} | {mark(x['met'])} | {mib(x['peak_rss_kib'])} |")
    by_scale = {r["scale"]: r for r in results}
    if "S" in by_scale and len(by_scale) > 1:
        base = by_scale["S"]["reports"]["agenda"]["recip_ms"]
        lines += ["", "## Agenda against ledger size (target: L within 2× of S)", "",
                  "| scale | ledger rows | agenda ms | × S |", "|---|---:|---:|---:|"]
        for r in results:
            a = r["reports"]["agenda"]["recip_ms"]
            lines.append(f"| {r['scale']} | {r['ledger_rows']:,} | {fmt_ms(a)} | {a / base:.2f} |")
        if "L" in by_scale:
            ratio = by_scale["L"]["reports"]["agenda"]["recip_ms"] / base
            lines.append(f"\nL / S = {ratio:.2f}: {mark(ratio <= 2)}.")
        else:
            lines.append("\nNo L results: the L / S target is not measured.")
    lines += ["", "## Server (wrk -t2 -c16 on loopback)", "",
              "| scale | endpoint | req/s | p99 ms | socket errors |", "|---|---|---:|---:|---:|"]
    for r in results:
        if "server" not in r:
            lines.append(f"| {r['scale']} | not measured: {r.get('server_error', '?')} | | | |")
            continue
        s = r["server"]
        for what, label in (("agenda", "recip GET /api/v1/agenda"), ("party", f"recip GET /api/v1/parties/{s.get('party_id', '{id}')}"),
                            ("post_visit", "recip POST /api/v1/visits"),
                            ("nginx_static", f"nginx, static file of {s['agenda_bytes']:,} bytes")):
            lines.append(f"| {r['scale']} | {label} | {s[what]['req_per_s']:,.0f} | {s[what]['p99_ms']:.2f} | "
                         f"{s[what].get('socket_errors', 0):,} |")
        lines.append(f"| {r['scale']} | recip serve peak RSS under load | {mib(s['peak_rss_kib'])} | | |")
    problems = [(r["scale"], p) for r in results for p in r.get("answer_differences", [])]
    lines += ["", "## Same answers", ""]
    if problems:
        lines += [f"- {scale}: {p}" for scale, p in problems]
    else:
        lines.append("balance, due and advocates: the hand-written SQL gives recip's parties in recip's order "
                     "(and the same balances and scores) at every scale shown.")
    with open(os.path.join(results_dir, "latest.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def write_plot(results_dir, results):
    """Report time (recip, solid; SQL, dashed) against ledger rows, both axes
    logarithmic, as hand-written SVG."""
    import math
    colours = {"agenda": "#1f77b4", "due": "#2ca02c", "balance": "#d62728", "advocates": "#9467bd"}
    points = sorted(results, key=lambda r: r["ledger_rows"])
    xs = [r["ledger_rows"] for r in points]
    ys = [r["reports"][n][k] for r in points for n in colours for k in ("recip_ms", "sql_ms")]
    x0, x1 = math.floor(math.log10(min(xs))) - 0.3, math.ceil(math.log10(max(xs))) + 0.3
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if y1 <= y0:
        y1 = y0 + 1
    w, h, left, right, top, bottom = 720, 440, 70, 170, 40, 50

    def px(v):
        return left + (math.log10(v) - x0) / (x1 - x0) * (w - left - right)

    def py(v):
        return h - bottom - (math.log10(v) - y0) / (y1 - y0) * (h - top - bottom)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2 - 60}" y="22" font-size="14">Report time against ledger size</text>']
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        svg.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    for r in points:
        x = px(r["ledger_rows"])
        svg.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{h - bottom}" stroke="#eee"/>')
        svg.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle">{r["scale"]}: {r["ledger_rows"]:,}</text>')
    svg.append(f'<text x="{(left + w - right) / 2:.0f}" y="{h - 12}" text-anchor="middle">ledger rows (log)</text>')
    svg.append(f'<text x="16" y="{h / 2:.0f}" transform="rotate(-90 16 {h / 2:.0f})" text-anchor="middle">'
               'ms, whole process (log)</text>')
    svg.append(f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>')
    svg.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>')
    legend = top
    for name, colour in colours.items():
        for key, dash, label in (("recip_ms", "", f"recip {name}"), ("sql_ms", ' stroke-dasharray="5,4"', f"SQL {name}")):
            coords = [(px(r["ledger_rows"]), py(r["reports"][name][key])) for r in points]
            svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
            for x, y in coords:
                svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
            svg.append(f'<line x1="{w - right + 10}" y1="{legend + 10}" x2="{w - right + 34}" y2="{legend + 10}" '
                       f'stroke="{colour}" stroke-width="2"{dash}/>')
            svg.append(f'<text x="{w - right + 40}" y="{legend + 14}">{label}</text>')
            legend += 18
    svg.append("</svg>")
    with open(os.path.join(results_dir, "report-time.svg"), "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--recip", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-runs", type=int, default=0, help="runs of the import (default: --runs)")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--command", default="bench/run")
    parser.add_argument("--render", action="store_true", help="only write the table and plot from the results")
    args = parser.parse_args()
    if args.render:
        render(args.results)
        return 0
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.data, "counts.json")) as f:
        counts = json.load(f)
    result = {"scale": args.scale, "parties": counts["parties"], "ledger_rows": counts["ledger_rows"],
              "runs": args.runs, "import_runs": args.import_runs or args.runs, "wrk_seconds": args.wrk_seconds, "date": datetime.date.today().isoformat(),
              "commit": commit(), "command": args.command, "machine": machine()}
    try:
        result["import"] = measure_import(args, counts["rows"])
        result["answer_differences"] = check_answers(args, os.path.join(args.work, "bench.db"))
        for p in result["answer_differences"]:
            log("answers differ: " + p)
        result["reports"] = measure_reports(args)
    except StepFailed as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    # the import and reports of a large scale took long to measure: a
    # server that fails here does not throw them away
    failed = 0
    try:
        result["server"] = measure_server(args)
    except StepFailed as e:
        print(f"bench: {e}", file=sys.stderr)
        result["server_error"] = str(e)
        failed = 1
    with open(os.path.join(args.results, args.scale + ".json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    render(args.results)
    log(f"wrote {args.results}/{args.scale}.json, latest.md and report-time.svg")
    return failed


def render(results_dir):
    order = {"S": 0, "M": 1, "L": 2}
    results = []
    for name in sorted(os.listdir(results_dir), key=lambda n: (order.get(n[:-5], 9), n)):
        if name.endswith(".json"):
            with open(os.path.join(results_dir, name)) as f:
                results.append(json.load(f))
    write_table(results_dir, results)
    write_plot(results_dir, results)


if __name__ == "__main__":
    sys.exit(main())
