#!/usr/bin/env python3
"""Flatten `aws cloudwatch get-metric-data` output (JSON) into the CSV `asgsim calibrate` reads.

Each MetricDataResults entry becomes a column named by its Label (give each query a Label
such as RequestCount, CPUUtilization, GroupInServiceInstances, TargetResponseTime, or name
the columns with calibrate's --column); rows are the union of the timestamps, oldest first,
with an empty cell where a metric has no datapoint. Several JSON files (pages of NextToken,
or one call per metric) are merged. Standard library only.

Usage: tools/cloudwatch-to-csv.py RESULT.json [MORE.json...] > history.csv
Exit status: 0 ok, 65 a file is not get-metric-data output, 66 a file cannot be read.
"""
import csv
import json
import sys


def main(paths):
    columns, cells = [], {}
    for path in paths:
        try:
            with open(path) as f:
                doc = json.load(f)
        except OSError as e:
            print(f"cloudwatch-to-csv: {path}: error: {e.strerror}", file=sys.stderr)
            return 66
        except json.JSONDecodeError as e:
            print(f"cloudwatch-to-csv: {path}:{e.lineno}:{e.colno}: error: {e.msg}",
                  file=sys.stderr)
            return 65
        results = doc.get("MetricDataResults") if isinstance(doc, dict) else None
        if not isinstance(results, list):
            print(f"cloudwatch-to-csv: {path}: error: no 'MetricDataResults' list "
                  "(expected the output of 'aws cloudwatch get-metric-data')", file=sys.stderr)
            return 65
        for r in results:
            label = r.get("Label") or r.get("Id")
            ts, vs = r.get("Timestamps", []), r.get("Values", [])
            if not label or len(ts) != len(vs):
                print(f"cloudwatch-to-csv: {path}: error: result '{label}' needs a Label or "
                      "Id and as many Values as Timestamps", file=sys.stderr)
                return 65
            if label not in columns:
                columns.append(label)
            for t, v in zip(ts, vs):
                cells.setdefault(t, {})[label] = v
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["Timestamp"] + columns)
    # ISO 8601 times of one call share a form, so they sort as strings; calibrate sorts too.
    for t in sorted(cells):
        w.writerow([t] + [repr(cells[t][c]) if c in cells[t] else "" for c in columns])
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) > 1 else 2)
    sys.exit(main(sys.argv[1:]))
