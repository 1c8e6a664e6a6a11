#!/usr/bin/env python3
"""Times collecting and evaluating a served cluster: 5,000 pods in 500 namespaces (controlled by
1,000 Deployments and their ReplicaSets), 2,000 RBAC objects, service accounts, network policies
and secrets. A loopback HTTP server answers the Kubernetes list API with paging and the
metadata-only format; `rampart scan k8s` (release) reads it through a kubeconfig.

Usage: bench/k8s_collect.py [--pods N] [--namespaces N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from terraform_scan import release_binary, run_once  # noqa: E402

TOKEN = "bench-token"


def generate(pods, namespaces):
    lists = {}
    nss = [f"ns-{i:03d}" for i in range(namespaces)]
    def meta(name, ns=None, **extra):
        m = {"name": name, "uid": f"{abs(hash((name, ns))):032x}"[:32], "resourceVersion": "1"}
        if ns:
            m["namespace"] = ns
        m.update(extra)
        return m
    spec = lambda sa, i: {"serviceAccountName": sa, "containers": [{"name": "app", "image": f"registry.example.edu/app-{i % 50}:1.{i % 7}.0",
                                                                    "securityContext": {"allowPrivilegeEscalation": i % 5 != 0},
                                                                    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}}]}
    lists["/api/v1/namespaces"] = [{"metadata": meta(n, labels={"data-classification": "ferpa" if i % 4 == 0 else "internal"})} for i, n in enumerate(nss)]
    deployments, replicasets, podlist, sas = [], [], [], []
    per_ns_deploy = 2
    for i, ns in enumerate(nss):
        sas.append({"metadata": meta("app", ns, annotations={"eks.amazonaws.com/role-arn": f"arn:aws:iam::111122223333:role/app-{i}"})})
        for d in range(per_ns_deploy):
            name = f"svc-{d}"
            deployments.append({"metadata": meta(name, ns), "spec": {"replicas": 5, "template": {"spec": spec("app", i)}}})
            replicasets.append({"metadata": meta(f"{name}-rs", ns, ownerReferences=[{"kind": "Deployment", "name": name, "controller": True}]), "spec": {"template": {"spec": spec("app", i)}}})
    for p in range(pods):
        ns = nss[p % namespaces]
        podlist.append({"metadata": meta(f"pod-{p}", ns, ownerReferences=[{"kind": "ReplicaSet", "name": f"svc-{p % per_ns_deploy}-rs", "controller": True}]), "spec": spec("app", p)})
    lists["/api/v1/pods"] = podlist
    lists["/apis/apps/v1/deployments"] = deployments
    lists["/apis/apps/v1/replicasets"] = replicasets
    lists["/api/v1/serviceaccounts"] = sas
    roles, bindings, croles, cbindings = [], [], [], []
    for i in range(700):
        ns = nss[i % namespaces]
        roles.append({"metadata": meta(f"role-{i}", ns), "rules": [{"apiGroups": [""], "resources": ["pods", "secrets" if i % 10 == 0 else "configmaps"], "verbs": ["get", "list"]}]})
        bindings.append({"metadata": meta(f"rb-{i}", ns), "roleRef": {"kind": "Role", "name": f"role-{i}"}, "subjects": [{"kind": "Group", "name": f"team-{i % 30}"}]})
    for i in range(300):
        croles.append({"metadata": meta(f"cr-{i}"), "rules": [{"apiGroups": ["*" if i % 50 == 0 else "apps"], "resources": ["deployments"], "verbs": ["get", "list", "watch"]}]})
        cbindings.append({"metadata": meta(f"crb-{i}"), "roleRef": {"kind": "ClusterRole", "name": f"cr-{i}"}, "subjects": [{"kind": "Group", "name": f"org-{i % 20}"}]})
    lists["/apis/rbac.authorization.k8s.io/v1/roles"] = roles
    lists["/apis/rbac.authorization.k8s.io/v1/rolebindings"] = bindings
    lists["/apis/rbac.authorization.k8s.io/v1/clusterroles"] = croles
    lists["/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"] = cbindings
    lists["/apis/networking.k8s.io/v1/networkpolicies"] = [{"metadata": meta("default-deny", ns), "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}} for ns in nss[::2]]
    lists["/api/v1/secrets"] = [{"metadata": meta(f"s-{i}", nss[i % namespaces]), "data": {"k": "dmFsdWU="}} for i in range(1000)]
    lists["/api/v1/nodes"] = [{"metadata": meta(f"node-{i}")} for i in range(20)]
    for p in ["/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets", "/apis/batch/v1/jobs", "/apis/batch/v1/cronjobs"]:
        lists[p] = []
    return lists


def server(lists):
    encoded = {}

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self.send_response(401); self.end_headers(); return
            u = urlparse(self.path)
            q = parse_qs(u.query)
            items = lists.get(u.path)
            if items is None:
                body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404, "reason": "NotFound", "message": "not found"}).encode()
                self.send_response(404); self.send_header("content-type", "application/json"); self.end_headers(); self.wfile.write(body); return
            limit = int(q.get("limit", ["500"])[0]); start = int(q.get("continue", ["0"])[0] or 0)
            page = items[start:start + limit]
            nxt = str(start + limit) if start + limit < len(items) else ""
            if "as=PartialObjectMetadataList" in self.headers.get("Accept", ""):
                doc = {"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList", "metadata": {"continue": nxt},
                       "items": [{"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": i["metadata"]} for i in page]}
            else:
                doc = {"apiVersion": "v1", "kind": "List", "metadata": {"continue": nxt}, "items": page}
            body = json.dumps(doc).encode()
            self.send_response(200); self.send_header("content-type", "application/json"); self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pods", type=int, default=5000)
    ap.add_argument("--namespaces", type=int, default=500)
    args = ap.parse_args()
    lists = generate(args.pods, args.namespaces)
    httpd = server(lists)
    work = tempfile.mkdtemp(prefix="rampart-k8s-bench-")
    kc = os.path.join(work, "kubeconfig")
    with open(kc, "w") as f:
        f.write(f"apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: http://127.0.0.1:{httpd.server_address[1]}\n"
                f"contexts:\n- name: bench\n  context: {{cluster: bench, user: u}}\ncurrent-context: bench\nusers:\n- name: u\n  user: {{token: {TOKEN}}}\n")
    rampart = release_binary(features=("--no-default-features", "--features", "kubernetes"))
    cmd = [rampart, "scan", "k8s", "--kubeconfig", kc, "--format", "json", "--fail-on", "never", "--root", work]
    run_once(cmd, work)
    wall, rss, cpu = run_once(cmd, work)
    out = subprocess.run(cmd + ["--timings"], cwd=work, capture_output=True, text=True)
    summary = json.loads(out.stdout)["summary"]
    rbac = sum(len(lists[p]) for p in lists if "rbac" in p)
    print(f"{args.pods} pods, {args.namespaces} namespaces, {rbac} RBAC objects, {summary['resources']} resources")
    print(f"rampart scan k8s: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MiB")
    print("\n".join(l for l in out.stderr.splitlines() if "rampart:" in l))
    print(f"results: {summary['by_status']}")
    httpd.shutdown()


if __name__ == "__main__":
    main()
