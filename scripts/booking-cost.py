#!/usr/bin/env python3
"""The cost of the Nth spending booking on one project (issue 15: "the 10,000th booking costs the
same as the 10th"). Books N bookings one after the other over one keep-alive HTTP connection on a
running silo and prints the median time of each window of W bookings, plus the stored size of the
project's cash plan (journal snapshot, or the old OrleansStorage row) when --db is a SQLite file.

  scripts/booking-cost.py --url http://127.0.0.1:5080 --token $WARMTE_TOKEN --project wg-terrein \
      --count 10000 --window 200 [--db data/warmtenet.db]
"""
import argparse, http.client, json, sqlite3, statistics, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--url", default="http://127.0.0.1:5080")
p.add_argument("--token", required=True)
p.add_argument("--project", default="wg-terrein")
p.add_argument("--count", type=int, default=10000)
p.add_argument("--window", type=int, default=200)
p.add_argument("--db")
a = p.parse_args()

u = urllib.parse.urlparse(a.url)
conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
headers = {"Authorization": "Bearer " + a.token, "Content-Type": "application/json"}
kinds = ["Design", "BusinessCase", "Contracts", "Communication", "Organisation", "Advisers"]

def stored_bytes():
    if not a.db:
        return None
    db = sqlite3.connect(a.db)
    try:
        row = db.execute("SELECT length(state) FROM warmte_snapshot WHERE grain_type='cashplan' AND grain_key=?", (a.project,)).fetchone()
        return row[0] if row else None
    except sqlite3.OperationalError:  # the release before the journal
        row = db.execute("SELECT length(PayloadBinary) FROM OrleansStorage WHERE GrainTypeString='cashplan' AND GrainIdExtensionString=?", (a.project,)).fetchone()
        return row[0] if row else None
    finally:
        db.close()

times = []
print("bookings\tmedian ms (window)\tstored cash plan bytes")
for i in range(1, a.count + 1):
    body = json.dumps({"month": "2025-%02d" % (i % 12 + 1), "kind": kinds[i % 6], "amount": round(10 + (i % 997) / 100, 2), "note": "meting %d" % i})
    h = dict(headers); h["Idempotency-Key"] = "cost-%d-%d" % (a.count, i)
    start = time.perf_counter()
    conn.request("POST", "/api/projects/%s/spending" % a.project, body, h)
    r = conn.getresponse(); r.read()
    times.append(time.perf_counter() - start)
    if r.status != 201:
        raise SystemExit("booking %d: HTTP %d" % (i, r.status))
    if i % a.window == 0:
        print("%d-%d\t%.2f\t%s" % (i - a.window + 1, i, statistics.median(times[-a.window:]) * 1000, stored_bytes()), flush=True)
