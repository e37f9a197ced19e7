#!/usr/bin/env python3
"""The catalogues and the 2013 -> 2022 mapping, checked from the data files:
the 2013 catalogue has exactly the standard's 114 ids (per section counts),
the 2022 one its 93, every 2013 control maps to known 2022 controls, and the
2022 controls that no 2013 control feeds are exactly the 11 new ones.
    tests/catalogs/check.py [SCHEMAS]"""
import sys
import yaml

schemas = sys.argv[1] if len(sys.argv) > 1 else "schemas"
fails = []


def want(cond, what):
    if not cond:
        fails.append(what)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


c13 = load(f"{schemas}/catalogs/iso27001-2013.yaml")
c22 = load(f"{schemas}/catalogs/iso27001-2022.yaml")
mapping = load(f"{schemas}/mappings/iso27001-2013-to-2022.yaml")

# 2013: sections A.5..A.18, each with its controls A.s.c.n, as the standard counts them
per_section = {5: 2, 6: 7, 7: 6, 8: 10, 9: 14, 10: 2, 11: 15, 12: 14, 13: 7, 14: 13,
               15: 5, 16: 7, 17: 4, 18: 8}
# the objectives (A.s.c) of each section and how many controls each holds
objectives = {
    5: [2], 6: [5, 2], 7: [2, 3, 1], 8: [4, 3, 3], 9: [2, 6, 1, 5], 10: [2],
    11: [6, 9], 12: [4, 1, 1, 4, 1, 2, 1], 13: [3, 4], 14: [3, 9, 1], 15: [3, 2],
    16: [7], 17: [3, 1], 18: [5, 3],
}
expected13 = [f"A.{s}.{o + 1}.{n + 1}" for s, objs in objectives.items()
              for o, k in enumerate(objs) for n in range(k)]
want(len(expected13) == 114, "the expected 2013 id list is not 114 long")
for s, objs in objectives.items():
    want(sum(objs) == per_section[s], f"objectives of A.{s} do not add up")
ids13 = [c["id"] for c in c13["controls"]]
want(c13["catalog"] == "iso27001-2013", "2013 catalogue name")
want(len(ids13) == 114, f"2013 catalogue has {len(ids13)} controls, not 114")
want(ids13 == expected13, "2013 ids are not exactly A.5.1.1 ... A.18.2.3 in order: "
     + str(sorted(set(ids13) ^ set(expected13))))
themes13 = [t["id"] for t in c13["themes"]]
want(themes13 == [f"A.{s}" for s in range(5, 19)], "2013 themes are not A.5 ... A.18")
for c in c13["controls"]:
    want(c["theme"] == ".".join(c["id"].split(".")[:2]), f"{c['id']} has theme {c['theme']}")
    want(isinstance(c.get("title"), str) and c["title"], f"{c['id']} has no title")
for s in range(5, 19):
    n = sum(1 for i in ids13 if i.split(".")[1] == str(s))
    want(n == per_section[s], f"A.{s} has {n} controls, not {per_section[s]}")

ids22 = [c["id"] for c in c22["controls"]]
want(len(ids22) == 93, f"2022 catalogue has {len(ids22)} controls, not 93")

# the mapping
m = mapping["map"]
want(mapping["from"] == "iso27001-2013" and mapping["to"] == "iso27001-2022", "mapping from/to")
want(list(m) == ids13, "the mapping does not list the 114 2013 controls in catalogue order")
fed = set()
for k, v in m.items():
    want(isinstance(v, list) and len(v) >= 1, f"{k} maps to no 2022 control")
    for t in v or []:
        want(t in ids22, f"{k} maps to unknown 2022 id {t}")
        fed.add(t)
new = ["A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10", "A.8.11", "A.8.12",
       "A.8.16", "A.8.23", "A.8.28"]
unfed = [i for i in ids22 if i not in fed]
want(unfed == new, f"2022 controls fed by no 2013 control: {unfed}, not the 11 new ones")
# a few rows of ISO/IEC 27002:2022 table B.2 that are easy to get wrong
for k, v in {"A.18.2.3": ["A.5.36", "A.8.8"], "A.6.2.1": ["A.8.1"], "A.11.2.8": ["A.8.1"],
             "A.12.1.2": ["A.8.32"], "A.8.3.1": ["A.7.10"], "A.11.2.5": ["A.7.10"],
             "A.13.2.4": ["A.6.6"], "A.12.1.1": ["A.5.37"], "A.17.2.1": ["A.8.14"]}.items():
    want(m.get(k) == v, f"{k} maps to {m.get(k)}, not {v}")

for f in fails:
    print("FAIL catalogs:", f)
print(f"catalogs: {'ok' if not fails else str(len(fails)) + ' failed'}")
sys.exit(1 if fails else 0)
