#!/usr/bin/env python3
"""An HTTP proxy in front of an AWS endpoint (moto) that fails chosen operations the way AWS does.

    python3 tests/aws/fault_proxy.py --upstream http://127.0.0.1:5000 --faults '{"GetBucketPolicy": "deny"}'

Prints `listening <port>` once ready (on 127.0.0.1, a free port unless --port is given). Faults by
operation name (or `service:Operation`, e.g. `s3control:GetPublicAccessBlock`):

    "deny"      403 AccessDenied (EC2: UnauthorizedOperation) in the service's own error format
    "throttle"  the service's throttling error, on every attempt
    "500"       500 InternalError, on every attempt
    {"slow": S} wait S seconds, then answer normally
    {"kind": K, "only": TEXT}  fault K ("deny", "throttle", "500") only for requests that name
                TEXT (in the path or the body): one bucket, one parameter group

and, as a key of its own, `"__gone_after__": N`: after N requests, every connection is closed
without an answer (an endpoint that goes away part way through).

`GET /__stats` returns how many requests each operation got (faulted ones included).
"""

import argparse
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

S3_SUBRESOURCES = {
    "policy": "GetBucketPolicy",
    "acl": "GetBucketAcl",
    "encryption": "GetBucketEncryption",
    "versioning": "GetBucketVersioning",
    "logging": "GetBucketLogging",
    "lifecycle": "GetBucketLifecycleConfiguration",
    "object-lock": "GetObjectLockConfiguration",
    "tagging": "GetBucketTagging",
    "ownershipControls": "GetBucketOwnershipControls",
    "publicAccessBlock": "GetPublicAccessBlock",
    "location": "GetBucketLocation",
}


def operation(method, path, headers, body):
    """(service, operation, is_json) of a request, from the AWS protocol it uses."""
    auth = headers.get("Authorization", "")
    signed_for = auth.split("/")[3] if auth.count("/") >= 4 else ""
    target = headers.get("X-Amz-Target")
    if target:
        return signed_for, target.rpartition(".")[2], True
    if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return signed_for, form["Action"][0], False
    url = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    if url.path.startswith("/v20180820/configuration/publicAccessBlock"):
        return "s3control", "GetPublicAccessBlock", False
    if url.path.startswith("/clusters"):
        parts = [p for p in url.path.split("/") if p]
        if len(parts) == 1:
            return "eks", "ListClusters", True
        if len(parts) == 2:
            return "eks", "DescribeCluster", True
        if parts[2] == "access-entries":
            return "eks", "ListAccessEntries" if len(parts) == 3 else "DescribeAccessEntry", True
        return "eks", "Unknown", True
    if method == "GET":
        for key, op in S3_SUBRESOURCES.items():
            if key in query:
                return "s3", op, False
        if url.path in ("", "/"):
            return "s3", "ListBuckets", False
    return signed_for, f"{method} {url.path}", False


def fault_response(kind, service, op, is_json):
    """Status, content type and body of the error AWS would send."""
    if kind == "deny":
        code, status, msg = "AccessDenied", 403, f"User is not authorized to perform {op}"
        if service == "ec2":
            code = "UnauthorizedOperation"
        elif is_json:
            code, status = "AccessDeniedException", 400
    elif kind == "throttle":
        code, status, msg = "Throttling", 400, "Rate exceeded"
        if service in ("s3", "s3control"):
            code, status, msg = "SlowDown", 503, "Please reduce your request rate."
        elif service == "ec2":
            code, status = "RequestLimitExceeded", 503
        elif is_json:
            code = "ThrottlingException"
    else:
        code, status, msg = "InternalError", 500, "We encountered an internal error. Please try again."
    if is_json:
        return status, "application/x-amz-json-1.1", json.dumps({"__type": code, "message": msg}).encode()
    if service == "ec2":
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error></Errors><RequestID>fault</RequestID></Response>"
    elif service in ("s3", "s3control"):
        body = f"<Error><Code>{code}</Code><Message>{msg}</Message><RequestId>fault</RequestId></Error>"
    else:
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{msg}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
    return status, "text/xml", body.encode()


def make_handler(upstream, faults, stats, lock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path == "/__stats":
                with lock:
                    out = json.dumps(stats, sort_keys=True).encode()
                return self.reply(200, {"Content-Type": "application/json"}, out)
            service, op, is_json = operation(self.command, self.path, self.headers, body)
            with lock:
                stats[op] = stats.get(op, 0) + 1
                stats["__total__"] = stats.get("__total__", 0) + 1
                total = stats["__total__"]
            gone = faults.get("__gone_after__")
            if gone is not None and total > gone:
                self.close_connection = True
                return
            fault = faults.get(f"{service}:{op}", faults.get(op))
            if isinstance(fault, dict) and "only" in fault:
                named = fault["only"] in self.path or fault["only"].encode() in body
                fault = fault["kind"] if named else None
            if isinstance(fault, dict) and "slow" in fault:
                time.sleep(float(fault["slow"]))
            elif fault:
                status, ctype, payload = fault_response(fault, service, op, is_json)
                return self.reply(status, {"Content-Type": ctype}, payload)
            req = urllib.request.Request(upstream + self.path, data=body or None, method=self.command)
            for k, v in self.headers.items():
                if k.lower() not in ("host", "content-length", "connection"):
                    req.add_header(k, v)
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    self.reply(r.status, dict(r.getheaders()), r.read())
            except urllib.error.HTTPError as e:
                self.reply(e.code, dict(e.headers.items()), e.read())

        def reply(self, status, headers, payload):
            try:
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout), as it should on a slow answer

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--faults", default="{}", help="JSON object: operation -> fault")
    args = ap.parse_args()
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), make_handler(args.upstream.rstrip("/"), json.loads(args.faults), {}, threading.Lock())
    )
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
