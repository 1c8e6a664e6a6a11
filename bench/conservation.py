#!/usr/bin/env python3
"""Conservation on real repositories: every resource block rampart should read is accounted
for, counted independently of rampart.

For each directory given, `rampart collect` writes a snapshot. Independently, python-hcl2 (from
PyPI, another HCL parser) reads every root module rampart reports and follows its module calls
(local paths, and registry or git modules where `terraform init` installed them), listing every
resource block of every module instance by address (instance keys left out: `count` and
`for_each` are evaluated by rampart, not here). Kubernetes manifests are counted by parsing each
YAML document with PyYAML. A block is accounted for when the snapshot has a resource of that
address in that root, a resource folded it in (`attribute_meta.*.from`), or a diagnostic or
coverage entry names it (or names the module call it sits under).

Usage: python3 bench/conservation.py [--rampart PATH] DIR...
Prints, per directory: blocks expected, accounted, missing (with the first few named), and
Kubernetes objects expected and read. Exits 1 if anything is missing.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import hcl2
    import yaml
except ImportError:
    sys.exit("needs python-hcl2 and PyYAML: python3 -m pip install python-hcl2 pyyaml")

INDEX = re.compile(r"\[[^\]]*\]")


def strip_keys(address):
    return INDEX.sub("", address)


def unquote(label):
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def root_modules(d):
    """Directories with Terraform files that no other directory calls as a local module."""
    tf_dirs, called = set(), set()
    for f in glob.glob(os.path.join(d, "**", "*.tf"), recursive=True) + glob.glob(os.path.join(d, "**", "*.tf.json"), recursive=True):
        rel = os.path.relpath(f, d)
        if any(part.startswith(".") for part in rel.split(os.sep)[:-1]):
            continue
        tf_dirs.add(os.path.dirname(f))
        _, calls = load_module(os.path.dirname(f))
        for _, source in calls:
            if isinstance(source, str) and (source.startswith("./") or source.startswith("../")):
                target = os.path.realpath(os.path.join(os.path.dirname(f), source))
                if target != os.path.realpath(os.path.dirname(f)):
                    called.add(target)
    roots = sorted(os.path.relpath(t, d) for t in tf_dirs if os.path.realpath(t) not in called)
    return roots, len(tf_dirs)


def load_module(d):
    """Resource blocks and module calls of one module directory."""
    blocks, calls = [], []
    for f in sorted(glob.glob(os.path.join(d, "*.tf"))):
        try:
            with open(f) as fh:
                doc = hcl2.load(fh)
        except Exception as e:  # a file python-hcl2 cannot read is reported, not skipped
            print(f"  note: python-hcl2 cannot read {f}: {str(e)[:80]}")
            continue
        for r in doc.get("resource", []):
            for rtype, named in r.items():
                for name in named:
                    blocks.append(f"{unquote(rtype)}.{unquote(name)}")
        for m in doc.get("module", []):
            for name, body in m.items():
                source = body.get("source", "")
                source = unquote(source) if isinstance(source, str) else source
                calls.append((unquote(name), source))
    for f in sorted(glob.glob(os.path.join(d, "*.tf.json"))):
        with open(f) as fh:
            try:
                doc = json.load(fh)
            except ValueError:
                continue
        for rtype, named in (doc.get("resource") or {}).items():
            for name in named:
                blocks.append(f"{rtype}.{name}")
        for name, body in (doc.get("module") or {}).items():
            calls.append((name, body.get("source", "")))
    return blocks, calls


def expected_blocks(root_dir):
    """(address, call address it sits under) for every block of the root's module tree."""
    installed = {}
    manifest = os.path.join(root_dir, ".terraform", "modules", "modules.json")
    if os.path.exists(manifest):
        for m in json.load(open(manifest)).get("Modules", []):
            if m.get("Key"):
                installed[m["Key"]] = os.path.join(root_dir, m["Dir"])
    out, stack = [], [(root_dir, "", "", 0)]
    while stack:
        d, prefix, key, depth = stack.pop()
        if depth > 32:
            continue
        blocks, calls = load_module(d)
        out.extend((prefix + b, prefix.rstrip(".")) for b in blocks)
        for name, source in calls:
            ckey = f"{key}.{name}" if key else name
            if isinstance(source, list):
                source = source[0] if source else ""
            if source.startswith("./") or source.startswith("../"):
                child = os.path.normpath(os.path.join(d, source))
            else:
                child = installed.get(ckey)
            call = f"{prefix}module.{name}"
            if child and os.path.isdir(child):
                stack.append((child, call + ".", ckey, depth + 1))
            else:
                out.append((call + ".<module not installed>", call))
    return out


def manifest_objects(path):
    n = 0
    with open(path, errors="replace") as fh:
        text = fh.read()
    try:
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
                items = doc.get("items") if str(doc["kind"]).endswith("List") else None
                n += len(items) if isinstance(items, list) else 1
    except yaml.YAMLError:
        pass
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rampart", default=os.path.expanduser("~/.cache/rampart/target/debug/rampart"))
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    missing_any = False
    for d in args.dirs:
        d = os.path.abspath(d)
        with tempfile.TemporaryDirectory() as tmp:
            snap_path = os.path.join(tmp, "s.json")
            subprocess.run([args.rampart, "collect", d, "--root", d, "-o", snap_path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            snap = json.load(open(snap_path))
        # What the snapshot holds, by root module (older snapshots do not say: then any root's).
        from collections import Counter
        accounted = Counter()
        for r in snap["resources"]:
            o = r["origin"]
            if o.get("source") not in ("terraform", "terraform-plan"):
                continue
            root = o.get("root")
            if o.get("address"):
                accounted[(root, strip_keys(o["address"]))] += 1
            for m in r.get("attribute_meta", {}).values():
                if m.get("from"):
                    accounted[(root, strip_keys(m["from"]))] += 1
        # Coverage names what it concerns as the snapshot does: `root:address` (the address
        # alone in the root at the scanned directory); diagnostics name it in their message.
        named = [strip_keys(c["scope"]) for c in snap["coverage"]]
        named += [strip_keys(x["message"]) for x in snap["diagnostics"]]
        roots, n_dirs = root_modules(d)
        expected, missing, seen = 0, [], set()
        for root in roots:
            for address, call in expected_blocks(os.path.join(d, root)):
                expected += 1
                key = strip_keys(address)
                if (root, key) in seen:
                    continue  # the same block reached twice (a module called twice)
                seen.add((root, key))
                if accounted[(root, key)] > 0:
                    continue
                if accounted[(None, key)] > 0:
                    accounted[(None, key)] -= 1
                    continue
                within = [f"{root}:{key}"] + ([key] if root == "." else [])
                if call:
                    c = strip_keys(call)
                    within += [f"{root}:{c}"] + ([c] if root == "." else [])
                # Named itself, or under a module call that is named (one with no instance, say).
                if any(n == w or w.startswith(n + ".") or w in n for n in named for w in within):
                    continue
                missing.append(f"{root}:{address}")
        expected = len(seen)
        manifests = [f for ext in ("yaml", "yml") for f in glob.glob(os.path.join(d, "**", f"*.{ext}"), recursive=True)]
        k8s_expected = sum(manifest_objects(f) for f in manifests)
        k8s_read = sum(1 for r in snap["resources"] if r["origin"].get("source") == "manifest" and not r["attributes"].get("implied"))
        k8s_gaps = sum(1 for c in snap["coverage"] if c["status"] == "error" and "Helm" in c["detail"])
        k8s_errors = sum(1 for x in snap["diagnostics"] if x["level"] == "error")
        print(f"{os.path.basename(d)}: {len(roots)} root module(s), {n_dirs} directories with .tf files")
        print(f"  Terraform blocks expected {expected}, accounted {expected - len(missing)}, missing {len(missing)}")
        for m in missing[:10]:
            print(f"    missing {m}")
        print(f"  Kubernetes objects in YAML {k8s_expected}, read {k8s_read} "
              f"({k8s_gaps} unrendered template document(s), {k8s_errors} input error(s) reported)")
        gaps = sum(1 for c in snap["coverage"] if c["status"] != "ok")
        print(f"  snapshot: {len(snap['resources'])} resources, {gaps} coverage gap(s)")
        missing_any |= bool(missing)
    sys.exit(1 if missing_any else 0)


if __name__ == "__main__":
    main()
