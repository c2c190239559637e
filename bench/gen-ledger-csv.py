#!/usr/bin/env python3
"""Writes a CSV of N exchanges among P parties (and the parties' CSV), for
measuring `recip import` against sqlite3's own `.import` of the same file.
Deterministic: the same arguments give the same files.

    bench/gen-ledger-csv.py OUT_DIR [ROWS=1000000] [PARTIES=1000]
writes OUT_DIR/parties.csv and OUT_DIR/exchanges.csv."""
import csv, os, random, sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
parties = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(out, exist_ok=True)
rng = random.Random(42)
names = [f"Party {i:05d}" for i in range(1, parties + 1)]
with open(os.path.join(out, "parties.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "email", "role"])
    for i, n in enumerate(names, 1):
        w.writerow([n, f"party{i}@example.com", rng.choice(["client", "customer", "partner", "prospect"])])
kinds = ["favour", "gift", "introduction", "referral", "review", "advice", "hospitality", "discount", "treat"]
notes = ["", "", "", "coffee on the house", "sent the brochure, with thanks", "lunch, \"the usual\""]
with open(os.path.join(out, "exchanges.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["party", "direction", "kind", "value", "personal", "unexpected", "at", "note"])
    for i in range(rows):
        day = rng.randrange(0, 3 * 365)
        y, rest = divmod(day, 365)
        m, d = divmod(rest, 31)
        at = f"{2023 + y:04d}-{min(m + 1, 12):02d}-{min(d + 1, 28):02d}T{rng.randrange(8, 20):02d}:{rng.randrange(60):02d}"
        w.writerow([rng.choice(names), rng.choice(["gave", "received"]), rng.choice(kinds),
                    rng.choice(["", "1", "2", "3.5"]), rng.choice(["no", "yes"]), rng.choice(["no", "no", "yes"]),
                    at, rng.choice(notes)])
