#!/usr/bin/env python3
"""Writes the request paths of the search benchmark, one file per scenario,
from the Synthea Bundles and the id mapping of load_synthea.py (no search
needed: the ids of every copy are known in advance).

    python3 bench/search/pick_values.py --out /tmp/paths [--copies 25] [--prefix /fhir]

Files written (one request target per line; wrk cycles through them):
  identifier.paths      Patient?identifier=<synthea system>|<value>-c<k>         → 1 patient
  name_birthdate.paths  Patient?name=<family>&birthdate=<date>                    → COPIES patients
  obs_code.paths        Observation?patient=<id>&code=http://loinc.org|<code>      (the patient's most frequent code)
  obs_date_sort.paths   Observation?patient=<id>&date=ge<median date>&_sort=-date  (about half of the patient's)
  enc_revinclude.paths  Encounter?patient=<id>&_revinclude=Observation:encounter
  condition_walk.paths  Condition?code=<most frequent Condition code>&_count=50 (one line: walked to the end)
and values.json: what was picked and how many matches each path should have.
"""

import argparse
import collections
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_synthea as L  # noqa: E402

SYNTHEA_ID_SYSTEM = "https://github.com/synthetichealth/synthea"


def q(v):
    return urllib.parse.quote(v, safe="")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", default=os.environ.get("BENCH_SYNTHEA", L.DEFAULT_SOURCE))
    ap.add_argument("--copies", type=int, default=int(os.environ.get("BENCH_COPIES", "25")))
    ap.add_argument("--prefix", default="/fhir", help="path of the FHIR base on the server")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    p = args.prefix.rstrip("/")

    patients = []  # per source patient: what the scenarios need
    condition_codes = collections.Counter()
    for path in L.bundles(args.source):
        with open(path, encoding="utf-8") as f:
            b = json.load(f)
        res = [e["resource"] for e in b["entry"]]
        urn = {e["resource"]["id"]: e["fullUrl"][len(L.URN):] for e in b["entry"] if e["fullUrl"].startswith(L.URN)}
        pat = next(r for r in res if r["resourceType"] == "Patient")
        ident = next(i["value"] for i in pat["identifier"] if i.get("system") == SYNTHEA_ID_SYSTEM)
        obs = [r for r in res if r["resourceType"] == "Observation"]
        codes = collections.Counter(c["code"] for o in obs for c in o["code"].get("coding", [])
                                    if c.get("system") == "http://loinc.org")
        dates = sorted(o["effectiveDateTime"][:10] for o in obs if "effectiveDateTime" in o)
        for r in res:
            if r["resourceType"] == "Condition":
                for c in r["code"].get("coding", []):
                    condition_codes[(c.get("system"), c["code"])] += 1
        code, code_n = codes.most_common(1)[0]
        median = dates[len(dates) // 2]
        patients.append({
            "uuid": urn[pat["id"]], "identifier": ident, "family": pat["name"][0]["family"],
            "birthDate": pat["birthDate"], "code": code, "code_n": code_n, "median_date": median,
            "n_after_median": sum(1 for d in dates if d >= median), "n_obs": len(obs),
            "n_enc": sum(1 for r in res if r["resourceType"] == "Encounter"),
            "n_obs_with_enc": sum(1 for o in obs if "encounter" in o),
        })

    files = collections.defaultdict(list)
    for k in range(args.copies):
        for pt in patients:
            pid = L.new_id(k, pt["uuid"])
            files["identifier"].append(f"{p}/Patient?identifier={q(SYNTHEA_ID_SYSTEM + '|' + pt['identifier'] + f'-c{k}')}")
            files["obs_code"].append(f"{p}/Observation?patient={pid}&code={q('http://loinc.org|' + pt['code'])}")
            files["obs_date_sort"].append(f"{p}/Observation?patient={pid}&date=ge{pt['median_date']}&_sort=-date")
            files["enc_revinclude"].append(f"{p}/Encounter?patient={pid}&_revinclude=Observation:encounter")
    for pt in patients:
        files["name_birthdate"].append(f"{p}/Patient?name={q(pt['family'])}&birthdate={pt['birthDate']}")
    (system, code), n = condition_codes.most_common(1)[0]
    files["condition_walk"].append(f"{p}/Condition?code={q(system + '|' + code)}&_count=50")

    # Spread consecutive requests over different patients and copies.
    for name, lines in files.items():
        if name != "condition_walk":
            lines[:] = lines[::7] + [x for i, x in enumerate(lines) if i % 7]
        with open(os.path.join(args.out, name + ".paths"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    values = {
        "copies": args.copies,
        "patients": len(patients),
        "expected": {
            "identifier": "1 Patient per path",
            "name_birthdate": f"{args.copies} Patients per path (homonyms across copies)",
            "obs_code": "per path: the patient's count of its most frequent LOINC code, "
                        f"{min(x['code_n'] for x in patients)}–{max(x['code_n'] for x in patients)}",
            "obs_date_sort": f"about half of the patient's Observations: "
                             f"{min(x['n_after_median'] for x in patients)}–{max(x['n_after_median'] for x in patients)}",
            "enc_revinclude": f"{min(x['n_enc'] for x in patients)}–{max(x['n_enc'] for x in patients)} Encounters + "
                              f"{min(x['n_obs_with_enc'] for x in patients)}–{max(x['n_obs_with_enc'] for x in patients)} "
                              "Observations included",
            "condition_walk": f"{system}|{code}: {n * args.copies} Conditions, {-(-n * args.copies // 50)} pages of 50",
        },
        "first_paths": {k: v[0] for k, v in files.items()},
    }
    with open(os.path.join(args.out, "values.json"), "w", encoding="utf-8") as f:
        json.dump(values, f, indent=1)
    print(json.dumps(values["expected"], indent=1))


if __name__ == "__main__":
    main()
