#!/usr/bin/env python3
"""Loads the Synthea smart-2019 patients into a running Carnet, COPIES times
with fresh ids, for the search benchmark (python3 standard library only).

Each copy k of each transaction Bundle gets new ids: id(k, X) = uuid5(NS, f"{k}:{X}")
for every entry whose fullUrl is urn:uuid:X; every "urn:uuid:X" string becomes
"Type/id(k, X)"; then PUT [type]/[id] (a client-chosen id, so a reload is
idempotent and the ids are known without searching). The Patient identifiers
get the suffix "-c<k>" so that each copy has its own (identifier= finds one
patient); names and birth dates stay (name+birthdate finds COPIES patients,
as homonyms would).

    python3 bench/search/load_synthea.py --url http://127.0.0.1:8080/fhir
    python3 bench/search/load_synthea.py --copies 1 --check     # is it loaded?

40 patients x 25 copies: 253,650 entries, 252,250 distinct resources PUT
(the 40 Bundles repeat a few Organizations/Practitioners: PUT once per copy).
"""

import argparse
import glob
import http.client
import json
import os
import queue
import sys
import threading
import time
import urllib.parse
import uuid

NS = uuid.UUID("6f1c3a52-4b0e-4e7c-9a55-cd1e0a5e2b17")  # fixed: ids are the same on every run
DEFAULT_SOURCE = "/work/shared/fhir/synthea/smart-2019"
URN = "urn:uuid:"


def new_id(copy, old):
    return str(uuid.uuid5(NS, f"{copy}:{old}"))


def bundles(source):
    files = sorted(glob.glob(os.path.join(source, "*.json")))
    if not files:
        sys.exit(f"no *.json Bundles in {source}")
    return files


def rewrite(value, urns):
    if isinstance(value, dict):
        return {k: rewrite(v, urns) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite(v, urns) for v in value]
    if isinstance(value, str) and value.startswith(URN):
        return urns.get(value, value)
    return value


def copy_of(bundle, copy):
    """[(type, id, body bytes)] of one Bundle for copy `copy`."""
    urns = {}
    for e in bundle["entry"]:
        full = e.get("fullUrl", "")
        if full.startswith(URN):
            urns[full] = e["resource"]["resourceType"] + "/" + new_id(copy, full[len(URN):])
    out = []
    for e in bundle["entry"]:
        r = rewrite(e["resource"], urns)
        full = e.get("fullUrl", "")
        if full.startswith(URN):
            r["id"] = new_id(copy, full[len(URN):])
        if r["resourceType"] == "Patient":
            for ident in r.get("identifier", []):
                if "value" in ident:
                    ident["value"] = f"{ident['value']}-c{copy}"
        out.append((r["resourceType"], r["id"], json.dumps(r, separators=(",", ":")).encode()))
    return out


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.https = u.scheme == "https"
        self.host, self.port = u.hostname, u.port or (443 if self.https else 80)
        self.base = u.path.rstrip("/")
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(3):
            try:
                if self.conn is None:
                    cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                    kw = {"timeout": 60}
                    if self.https:
                        import ssl
                        kw["context"] = ssl._create_unverified_context()  # development certificate
                    self.conn = cls(self.host, self.port, **kw)
                self.conn.request(method, self.base + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.HTTPException, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.5)


def last_resource(source, copies):
    """The (type, id) PUT last: loaded when it exists."""
    with open(bundles(source)[-1], encoding="utf-8") as f:
        b = json.load(f)
    e = b["entry"][-1]
    return e["resource"]["resourceType"], new_id(copies - 1, e["fullUrl"][len(URN):])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("BENCH_FHIR_URL", "http://127.0.0.1:8080/fhir"))
    ap.add_argument("--source", default=os.environ.get("BENCH_SYNTHEA", DEFAULT_SOURCE))
    ap.add_argument("--copies", type=int, default=int(os.environ.get("BENCH_COPIES", "25")))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_LOAD_THREADS", "8")))
    ap.add_argument("--first-copy", type=int, default=1,
                    help="start at this copy (resume an interrupted load; earlier copies are not PUT)")
    ap.add_argument("--check", action="store_true", help="exit 0 when the last resource of the last copy exists")
    ap.add_argument("--dry-run", action="store_true", help="count the resources, PUT nothing")
    args = ap.parse_args()

    if args.check:
        t, i = last_resource(args.source, args.copies)
        status, _ = Client(args.url).request("GET", f"/{t}/{i}", headers={"Accept": "application/fhir+json"})
        print(f"# {t}/{i}: {status}")
        sys.exit(0 if status == 200 else 1)

    files = bundles(args.source)
    work = queue.Queue(maxsize=args.threads * 200)
    lock = threading.Lock()
    stats = {"ok": 0, "failed": 0, "bytes": 0}
    errors = []

    def worker():
        client = Client(args.url)
        headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json",
                   "Prefer": "return=minimal"}
        while True:
            item = work.get()
            if item is None:
                return
            t, i, body = item
            try:
                status, data = client.request("PUT", f"/{t}/{i}", body, headers)
            except Exception as e:  # noqa: BLE001 — reported, the load goes on
                status, data = 0, str(e).encode()
            with lock:
                if status in (200, 201):
                    stats["ok"] += 1
                    stats["bytes"] += len(body)
                else:
                    stats["failed"] += 1
                    if len(errors) < 20:
                        errors.append(f"{t}/{i}: {status} {data[:200]!r}")

    threads = [] if args.dry_run else [threading.Thread(target=worker, daemon=True) for _ in range(args.threads)]
    for th in threads:
        th.start()
    start = time.time()
    total = 0
    unique = set()
    parsed = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            parsed.append(json.load(f))
    for copy in range(args.first_copy - 1, args.copies):
        for b in parsed:
            for t, i, body in copy_of(b, copy):
                total += 1
                if (t, i) in unique:
                    continue  # an Organization/Practitioner repeated in several Bundles: PUT once
                unique.add((t, i))
                if not args.dry_run:
                    work.put((t, i, body))
        if not args.dry_run:
            with lock:
                done = stats["ok"] + stats["failed"]
            el = time.time() - start
            print(f"# copy {copy + 1}/{args.copies} queued; {done} done, {done / el:.0f} PUT/s, "
                  f"{stats['failed']} failed", flush=True)
    for _ in threads:
        work.put(None)
    for th in threads:
        th.join()
    el = time.time() - start
    print(f"# {total} entries, {len(unique)} distinct resources PUT, from {len(files)} Bundles x {args.copies}")
    if not args.dry_run:
        print(f"RESULT phase=load puts={stats['ok']} failed={stats['failed']} seconds={el:.1f} "
              f"rps={stats['ok'] / el:.0f} mbytes={stats['bytes'] / 1e6:.0f}")
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1 if stats["failed"] else 0)


if __name__ == "__main__":
    main()
