#!/usr/bin/env python3
"""Every JSON document pprofdiff writes validates against its published
schema (doc/schema/*.schema.json): the diff, one profile, each --by
view, text and goroutine-dump inputs (memstats, survived), trend by
stack and by function. The validator here covers the part of JSON
Schema the schemas use (type, enum, required, properties,
additionalProperties, items, minItems, anyOf, allOf, $ref) and is
checked to reject broken documents, so a test that passes means
something.

Usage: schema.py PPROFDIFF SRCDIR
"""
import glob
import json
import os
import subprocess
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def validate(v, s, root, path="$"):
    """A list of problems of v against schema s."""
    if "$ref" in s:
        ref = s["$ref"].split("/")[1:]
        node = root
        for k in ref:
            node = node[k]
        return validate(v, node, root, path)
    errs = []
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(is_type(v, t) for t in ts):
            return ["%s: %r is not %s" % (path, v, ts)]
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %s" % (path, v, s["enum"]))
    if "anyOf" in s and all(validate(v, x, root, path) for x in s["anyOf"]):
        errs.append("%s: matches none of anyOf" % path)
    for x in s.get("allOf", []):
        errs += validate(v, x, root, path)
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: %s missing" % (path, k))
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                errs += validate(x, props[k], root, path + "." + k)
            elif isinstance(s.get("additionalProperties"), dict):
                errs += validate(x, s["additionalProperties"], root,
                                 path + "." + k)
    if isinstance(v, list):
        if len(v) < s.get("minItems", 0):
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "items" in s:
            for i, x in enumerate(v):
                errs += validate(x, s["items"], root, "%s[%d]" % (path, i))
    return errs


def main():
    binary, src = sys.argv[1], sys.argv[2]
    diff = json.load(open(os.path.join(src, "doc/schema/diff.schema.json")))
    trend = json.load(open(os.path.join(src, "doc/schema/trend.schema.json")))
    L = os.path.join(src, "testdata", "leak")
    T = os.path.join(src, "testdata", "trend")
    d2 = sorted(glob.glob(os.path.join(T, "goroutine.debug2-*")))
    h1 = sorted(glob.glob(os.path.join(T, "heap.debug1-*")))
    cases = [
        (diff, [L + "/heap-0.pb.gz", L + "/heap-2.pb.gz"]),
        (diff, ["--show-unchanged", L + "/goroutine-0.pb.gz",
                L + "/goroutine-2.pb.gz"]),
        (diff, [L + "/cpu.pb.gz"]),
        (diff, ["--by", "function", L + "/heap-0.pb.gz", L + "/heap-2.pb.gz"]),
        (diff, ["--by", "line", L + "/heap-0.pb.gz", L + "/heap-2.pb.gz"]),
        (diff, ["--by", "file", L + "/cpu.pb.gz"]),
        (diff, [h1[0], h1[-1]]),
        (diff, [d2[0], d2[-1]]),
        (diff, ["--no-hints", "--by", "creator", d2[0], d2[-1]]),
        (trend, ["trend", "-t", "goroutine", T]),
        (trend, ["trend", "--by", "function", "--cum", "-t", "heap", T]),
    ]
    failed = 0
    for schema, args in cases:
        r = subprocess.run([binary, "--format", "json"] + args
                           if args[0] != "trend" else
                           [binary, "trend", "--format", "json"] + args[1:],
                           capture_output=True, text=True)
        name = " ".join(os.path.basename(a) for a in args)
        try:
            doc = json.loads(r.stdout)
            errs = validate(doc, schema, schema)
        except ValueError as e:
            errs = ["does not parse: %s" % e]
        if r.returncode != 0 or errs:
            failed += 1
            print("FAIL %s: %s %s" % (name, r.stderr.strip(), errs[:3]))
        else:
            print("ok   %s" % name)
    # The validator must reject what the schema forbids.
    broken = [
        ({"profile": "heap"}, diff),
        ({"profile": "heap", "sample": {"type": "x", "unit": "y"},
          "inputs": [], "filtered": False, "rows": []}, diff),
        ({"profile": 1, "sample": {"type": "x", "unit": "y"},
          "inputs": [{"name": "a", "time": None, "total": 1}],
          "filtered": False, "rows": [{"section": "up"}]}, diff),
    ]
    for doc, schema in broken:
        if not validate(doc, schema, schema):
            failed += 1
            print("FAIL the validator accepts a broken document: %r" % doc)
    print("schema: %d documents, %d failed" % (len(cases), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
