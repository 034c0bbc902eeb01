#!/usr/bin/env python3
"""Build models/instance_types.tsv (the catalog compiled into asgsim) from the source
extracts in data/instance-catalog/ (sources, dates and licences: its README.md).

    tools/gen-instance-catalog.py                    # regenerate models/instance_types.tsv
    tools/gen-instance-catalog.py --check            # exit 1 if the committed file differs
    tools/gen-instance-catalog.py --karpenter F.go   # first refresh on-demand-us-east-1.tsv
    tools/gen-instance-catalog.py --spot-advisor F   # first refresh specs.tsv

--karpenter takes pkg/providers/pricing/zz_generated.pricing_aws.go of
github.com/aws/karpenter-provider-aws; --spot-advisor the Spot Instance Advisor feed
(spot-advisor-data.json, as AWS serves it or as alexei-led/spotinfo stores it). Both extracts
keep only the families of families.tsv. Everything else is read from the committed files,
so a rebuild needs no network.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "instance-catalog"
OUT = ROOT / "models" / "instance_types.tsv"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"]
# Largest deviation from proportional pricing (within a family, in us-east-1) for which the
# other sizes' regional prices are derived from the family's reference type.
PROPORTIONAL = 0.02


def read_tsv(path):
    """Rows of a TSV with '#' comments and a header line, as lists of strings."""
    rows, header = [], None
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            continue
        if len(fields) != len(header):
            sys.exit(f"{path}: '{line}': expected {len(header)} fields")
        rows.append(fields)
    return header, rows


def family_of(name):
    return name.split(".", 1)[0]


def size_key(name):
    """Sort sizes small to large the way AWS lists them."""
    order = ["nano", "micro", "small", "medium", "large", "xlarge"]
    size = name.split(".", 1)[1]
    if size in order:
        return order.index(size)
    m = re.fullmatch(r"(\d+)xlarge", size)
    return len(order) + int(m.group(1)) if m else 1000


def arch_of(name):
    # AWS's naming convention (README.md [A1]): 'g' among the attribute letters after the
    # generation digit marks AWS Graviton (arm64); a1 is the first Graviton family.
    fam = family_of(name)
    m = re.fullmatch(r"([a-z]+)(\d+)([a-z-]*)", fam)
    if fam == "a1" or (m and "g" in m.group(3).split("-")[0]):
        return "arm64"
    return "x86_64"


def fmt(x):
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return s if s else "0"


def refresh_on_demand(go_file, families):
    text = Path(go_file).read_text()
    m = re.search(r"generated at (\S+) for us-east-1", text)
    stamp = m.group(1) if m else "unknown"
    prices = {k: v for k, v in re.findall(r'"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)', text)}
    lines = [
        "# Linux On-Demand USD/hour in us-east-1, extracted by tools/gen-instance-catalog.py",
        f"# --karpenter from zz_generated.pricing_aws.go (generated at {stamp} for us-east-1;",
        "# source [OD1] in README.md). Only the families of families.tsv.",
        "type\tus-east-1",
    ]
    for name in sorted(prices, key=lambda n: (family_of(n), size_key(n))):
        if family_of(name) in families:
            lines.append(f"{name}\t{fmt(float(prices[name]))}")
    (DATA / "on-demand-us-east-1.tsv").write_text("\n".join(lines) + "\n")


def refresh_specs(json_file, families):
    types = json.loads(Path(json_file).read_text())["instance_types"]
    lines = [
        "# vCPUs and memory (GiB) per type, extracted by tools/gen-instance-catalog.py",
        "# --spot-advisor from the Spot Instance Advisor feed, \"instance_types\" (cores = vCPUs,",
        "# ram_gb; source [SPEC1] in README.md). Only the families of families.tsv.",
        "type\tvcpus\tmemory_gib",
    ]
    for name in sorted(types, key=lambda n: (family_of(n), size_key(n))):
        if family_of(name) in families:
            t = types[name]
            lines.append(f"{name}\t{t['cores']}\t{fmt(float(t['ram_gb']))}")
    (DATA / "specs.tsv").write_text("\n".join(lines) + "\n")


def build():
    _, fam_rows = read_tsv(DATA / "families.tsv")
    families = {r[0]: int(r[2]) for r in fam_rows}
    keep = {l.strip() for l in (DATA / "keep.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")}
    _, od_rows = read_tsv(DATA / "on-demand-us-east-1.tsv")
    od = {r[0]: float(r[1]) for r in od_rows}
    _, spec_rows = read_tsv(DATA / "specs.tsv")
    specs = {r[0]: (int(r[1]), r[2]) for r in spec_rows}
    hdr, reg_rows = read_tsv(DATA / "regional.tsv")
    if hdr[1:] != REGIONS:
        sys.exit(f"regional.tsv: columns must be type, {', '.join(REGIONS)}")
    # "-": the source lists no price for the type in that Region
    regional = {r[0]: [None if x == "-" else float(x) for x in r[1:]] for r in reg_rows}
    _, cr_rows = read_tsv(DATA / "credits.tsv")
    credits = {r[0]: (float(r[1]), float(r[2])) for r in cr_rows}
    spot = {}
    spot_notes = {}
    pending = []
    for line in (DATA / "spot-us-east-1.tsv").read_text().splitlines():
        if line.startswith("# note:"):
            pending.append(line)
        elif line and not line.startswith("#") and not line.startswith("type\t"):
            name, value = line.split("\t")
            spot[name] = value
            if pending:
                spot_notes[name] = pending
                pending = []

    errors = []
    # the reference rows' us-east-1 column is a second reading of OD1's figure
    for name, prices in regional.items():
        if od.get(name) != prices[0]:
            errors.append(f"regional.tsv: {name} us-east-1 {prices[0]} but the extract has "
                          f"{od.get(name)}")
    refs = {}
    for name in regional:
        refs.setdefault(family_of(name), name)

    names = []
    for name in od:
        fam = family_of(name)
        if fam not in families or name.split(".", 1)[1].startswith("metal"):
            continue
        if name not in specs:
            errors.append(f"{name}: priced but not in specs.tsv")
            continue
        if specs[name][0] <= families[fam] or name in keep:
            names.append(name)
    names.sort(key=lambda n: (list(families).index(family_of(n)), size_key(n)))
    for name in keep:
        if name not in names:
            errors.append(f"keep.txt: {name} is not priced")

    # A family's other sizes are priced outside us-east-1 in proportion to its reference
    # type only where us-east-1 prices them in proportion to their memory (all but the GPU
    # families here); elsewhere a size without its own regional row stays unpriced there.
    deviation = {}
    for name in names:
        fam = family_of(name)
        if fam in refs:
            ref = refs[fam]
            ratio = (od[name] / od[ref]) / (float(specs[name][1]) / float(specs[ref][1]))
            deviation[fam] = max(deviation.get(fam, 0.0), abs(ratio - 1))
    out = []
    for name in names:
        fam = family_of(name)
        vcpus, mem = specs[name]
        cred = "-"
        if name in credits:
            c, pct = credits[name]
            if abs(c / vcpus / 60 * 100 - pct) > 0.05:
                errors.append(f"credits.tsv: {name}: {c}/{vcpus}/60 is not {pct} %")
            cred = fmt(c)
        elif fam in ("t2", "t3", "t3a", "t4g"):
            errors.append(f"{name}: burstable but not in credits.tsv")
        prices = [fmt(od[name])]
        if name in regional:
            prices += ["-" if p is None else fmt(p) for p in regional[name][1:]]
        elif fam in refs and deviation[fam] <= PROPORTIONAL:
            factor = od[name] / od[refs[fam]]
            prices += ["-" if p is None else fmt(round(p * factor, 6))
                       for p in regional[refs[fam]][1:]]
        else:
            prices += ["-"] * (len(REGIONS) - 1)
        out.append((name, [str(vcpus), mem, arch_of(name), cred] + prices
                    + [spot.get(name, "-")]))
    for name in spot:
        if name not in names:
            errors.append(f"spot-us-east-1.tsv: {name} is not in the catalog")
    if errors:
        sys.exit("\n".join(errors))

    head = [
        "# GENERATED by tools/gen-instance-catalog.py from data/instance-catalog/ -- do not edit;",
        "# edit the extracts there and run the script (sources, dates, licences: its README.md).",
        "# EC2 instance types: vCPUs, memory (GiB), architecture, CPU credits earned per hour",
        "# (burstable types; '-' otherwise), Linux On-Demand USD/hour (shared tenancy) per Region,",
        "# and a typical us-east-1 Spot USD/hour ('-': derived, README.md 'Spot prices').",
        "# On-Demand '-': no price for that Region in the sources; asgsim refuses the type there.",
    ]
    for fam in sorted(deviation):
        # a family that is not derived is priced outside us-east-1 only by its own rows
        own = [n for n in names if family_of(n) == fam and n in regional]
        how = (f"in proportion to {refs[fam]} (us-east-1 prices within {deviation[fam] * 100:.1f} %"
               " of proportional to memory)" if deviation[fam] <= PROPORTIONAL
               else "not derived (us-east-1 prices not proportional); own rows: " + ", ".join(own))
        head.append(f"# {fam}: other Regions' prices {how}")
    cols = ["name", "vcpus", "memory_gib", "arch", "cpu_credits_per_hour"]
    cols += [f"on_demand@{r}" for r in REGIONS] + ["spot@us-east-1"]
    lines = head + ["\t".join(cols)]
    for name, fields in out:
        lines += spot_notes.get(name, [])
        lines.append("\t".join([name] + fields))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--karpenter", help="zz_generated.pricing_aws.go to extract")
    ap.add_argument("--spot-advisor", help="spot-advisor-data.json to extract")
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    a = ap.parse_args()
    _, fam_rows = read_tsv(DATA / "families.tsv")
    families = {r[0] for r in fam_rows}
    if a.karpenter:
        refresh_on_demand(a.karpenter, families)
    if a.spot_advisor:
        refresh_specs(a.spot_advisor, families)
    text = build()
    if a.check:
        if OUT.read_text() != text:
            sys.exit(f"{OUT} is not what tools/gen-instance-catalog.py generates")
        return
    OUT.write_text(text)


if __name__ == "__main__":
    main()
