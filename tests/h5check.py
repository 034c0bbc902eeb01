#!/usr/bin/python3
"""Check that an asgsim run file follows the trace conventions (ecosystem.md section 3).

Usage: /usr/bin/python3 tests/h5check.py RUN.h5

Run it with Debian's /usr/bin/python3, which has python3-h5py. Checks that:
- the root has the attributes Conventions, tool and tool_version;
- /provenance, /timeseries, /events, /instances and /summary exist; /events and /instances
  are 1-D compound datasets; /timeseries is a group of equal-length 1-D datasets;
- every dataset has a `units` attribute: a str for plain datasets, a list of str with one
  entry per field for compound datasets (text datasets, such as /provenance/scenario,
  carry no units);
- every string attribute reads as str, not bytes (variable-length UTF-8 in the file);
- /provenance/scenario is text whose SHA-256 equals the /provenance attribute
  scenario_sha256;
- text fields that are never cut (/activities description and cause; /decisions policy,
  kind, alarm, metric_values and formula, when the run scales) are variable-length UTF-8,
  and every variable-length text value of a compound table decodes as UTF-8;
- /decisions, when present, is a 1-D compound dataset.
Prints "h5check: OK PATH" and exits 0, or prints one line per problem and exits 1.
"""

import hashlib
import sys

import h5py
import numpy as np

ROOT_ATTRS = ("Conventions", "tool", "tool_version")
REQUIRED = ("/provenance", "/timeseries", "/events", "/instances", "/summary")


def is_text_dataset(ds):
    return h5py.check_string_dtype(ds.dtype) is not None


def check_attr_types(name, obj, problems):
    """Every string attribute must come back as str (vlen UTF-8), never bytes."""
    where = obj.name if name is None else "/" + name
    for key, value in obj.attrs.items():
        if isinstance(value, bytes) or isinstance(value, np.bytes_):
            problems.append(f"attribute '{key}' of '{where}' reads as bytes, not str")
        elif isinstance(value, np.ndarray):
            if value.dtype.kind == "S":
                problems.append(f"attribute '{key}' of '{where}' is fixed-length bytes, not str")
            elif value.dtype.kind == "O":
                for item in value.flat:
                    if isinstance(item, bytes):
                        problems.append(f"attribute '{key}' of '{where}' holds bytes, not str")
                        break


def check_units(ds, problems):
    if is_text_dataset(ds):
        return
    if "units" not in ds.attrs:
        problems.append(f"dataset '{ds.name}' has no 'units' attribute")
        return
    units = ds.attrs["units"]
    if ds.dtype.names is not None:
        if not isinstance(units, np.ndarray) or units.ndim != 1:
            problems.append(f"compound dataset '{ds.name}': 'units' is not a 1-D list")
            return
        if len(units) != len(ds.dtype.names):
            problems.append(
                f"compound dataset '{ds.name}': {len(units)} units for {len(ds.dtype.names)} fields"
            )
        if not all(isinstance(u, str) for u in units):
            problems.append(f"compound dataset '{ds.name}': 'units' entries are not all str")
    elif not isinstance(units, str):
        problems.append(f"dataset '{ds.name}': 'units' is {type(units).__name__}, not str")


def walk(f, problems):
    def visit(name, obj):
        check_attr_types(name, obj, problems)
        if isinstance(obj, h5py.Dataset):
            check_units(obj, problems)

    check_attr_types(None, f, problems)
    f.visititems(visit)


def check_layout(f, problems):
    for key in ROOT_ATTRS:
        if key not in f.attrs:
            problems.append(f"root has no '{key}' attribute")
    conv = f.attrs.get("Conventions")
    if isinstance(conv, str) and not conv.startswith("asgsim-trace/"):
        problems.append(f"root Conventions is '{conv}', expected 'asgsim-trace/...'")

    for path in REQUIRED:
        if path not in f:
            problems.append(f"'{path}' is missing")
    if "/provenance" in f and not isinstance(f["/provenance"], h5py.Group):
        problems.append("'/provenance' is not a group")
    for path in ("/events", "/instances"):
        obj = f.get(path)
        if obj is None:
            continue
        if not isinstance(obj, h5py.Dataset) or obj.dtype.names is None or obj.ndim != 1:
            problems.append(f"'{path}' is not a 1-D compound dataset")
    ts = f.get("/timeseries")
    if ts is not None:
        if not isinstance(ts, h5py.Group):
            problems.append("'/timeseries' is not a group")
        else:
            lengths = {}
            for key, obj in ts.items():
                if not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
                    problems.append(f"'/timeseries/{key}' is not a 1-D dataset")
                else:
                    lengths[key] = obj.shape[0]
            if not lengths:
                problems.append("'/timeseries' holds no datasets")
            elif len(set(lengths.values())) > 1:
                shown = ", ".join(f"{k}={n}" for k, n in sorted(lengths.items()))
                problems.append(f"'/timeseries' datasets differ in length: {shown}")


VLEN_TEXT = {
    "/activities": ("description", "cause"),
    "/decisions": ("policy", "kind", "alarm", "metric_values", "formula"),
}


def check_vlen_text(f, problems):
    """Never-cut text is vlen UTF-8; every vlen text value of a table decodes."""
    for path, fields in VLEN_TEXT.items():
        ds = f.get(path)
        if ds is None:
            continue
        if not isinstance(ds, h5py.Dataset) or ds.dtype.names is None or ds.ndim != 1:
            problems.append(f"'{path}' is not a 1-D compound dataset")
            continue
        for name in fields:
            if name not in ds.dtype.names:
                problems.append(f"'{path}' has no field '{name}'")
                continue
            info = h5py.check_string_dtype(ds.dtype.fields[name][0])
            if info is None or info.length is not None or info.encoding != "utf-8":
                problems.append(f"'{path}' field '{name}' is not variable-length UTF-8 text")

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or obj.dtype.names is None:
            return
        vlen = [
            n
            for n in obj.dtype.names
            if (i := h5py.check_string_dtype(obj.dtype.fields[n][0])) is not None
            and i.length is None
        ]
        if not vlen or obj.shape[0] == 0:
            return
        rows = obj[:]
        for n in vlen:
            for v in rows[n]:
                try:
                    (v if isinstance(v, bytes) else str(v).encode()).decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(f"'/{name}' field '{n}' holds text that is not UTF-8")
                    break

    f.visititems(visit)


def check_scenario(f, problems):
    ds = f.get("/provenance/scenario")
    if ds is None:
        problems.append("'/provenance/scenario' is missing")
        return
    if not isinstance(ds, h5py.Dataset) or not is_text_dataset(ds) or ds.shape != ():
        problems.append("'/provenance/scenario' is not a scalar string dataset")
        return
    try:
        text = ds.asstr()[()]
    except (UnicodeDecodeError, TypeError, ValueError) as e:
        problems.append(f"'/provenance/scenario' does not read as text: {e}")
        return
    want = f["/provenance"].attrs.get("scenario_sha256")
    if want is None:
        problems.append("'/provenance' has no 'scenario_sha256' attribute")
        return
    got = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if got != want:
        problems.append(f"SHA-256 of '/provenance/scenario' is {got}, scenario_sha256 says {want}")


def main(argv):
    if len(argv) != 2:
        print("usage: h5check.py RUN.h5", file=sys.stderr)
        return 2
    path = argv[1]
    problems = []
    try:
        with h5py.File(path, "r") as f:
            check_layout(f, problems)
            walk(f, problems)
            check_scenario(f, problems)
            check_vlen_text(f, problems)
    except OSError as e:
        problems.append(f"cannot read: {e}")
    if problems:
        for p in problems:
            print(f"h5check: {path}: {p}")
        return 1
    print(f"h5check: OK {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
