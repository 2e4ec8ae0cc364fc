#!/usr/bin/env python3
"""An HTTP client the project did not write (Python's requests, like a user's script) checks a cpc server.

    http_check.py BASE_URL CHECKS_JSON

CHECKS_JSON is a JSON object:
  {"routes": ["/status", ...],          GET and HEAD, with and without gzip
   "posts": ["/tx/send", ...],           POST with a body the route refuses: the error arrives whole, as JSON
                                         (a /tx/batch route also: one rejection per unreadable entry, in order)
   "streams": ["/events"],               server-sent events: HEAD, and the first bytes of a GET
   "downloads": [{"path": "/blobs/<h>", "sha256": "<h>"}, ...]}   also ETag, Range, If-None-Match

Prints one line per failure and "N passed, N failed" at the end; exits 1 on any failure.
"""
import hashlib
import json
import sys

import requests

TIMEOUT = 30
base = sys.argv[1].rstrip("/")
checks = json.loads(sys.argv[2])
passed, failed = 0, 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what, flush=True)


def raw_get(url, headers):
    """The bytes exactly as sent (no decoding), and the response."""
    r = requests.get(url, headers=headers, stream=True, timeout=TIMEOUT)
    body = r.raw.read(decode_content=False)
    return r, body


for path in checks.get("routes", []):
    url = base + path
    # A client that asks for compression (requests sends "gzip, deflate" by default) gets a body it can decode
    # whole: requests raises on a body shorter than Content-Length or on a broken gzip stream.
    try:
        r = requests.get(url, timeout=TIMEOUT)
        check(r.status_code < 500, f"GET {path} (gzip accepted): status {r.status_code}")
        if "json" in r.headers.get("Content-Type", ""):
            try:
                r.json()
                check(True, "")
            except ValueError as e:
                check(False, f"GET {path} (gzip accepted): body is not whole JSON: {e}")
    except requests.RequestException as e:
        check(False, f"GET {path} (gzip accepted): {e}")
        continue
    # What is on the wire matches the Content-Length the server declared.
    for enc in ("gzip", "identity"):
        r2, body = raw_get(url, {"Accept-Encoding": enc})
        declared = r2.headers.get("Content-Length")
        if declared is not None:
            check(int(declared) == len(body),
                  f"GET {path} (Accept-Encoding: {enc}): Content-Length {declared} but {len(body)} bytes came")
        if r2.headers.get("Content-Encoding") == "gzip":
            import gzip
            try:
                gzip.decompress(body)
                check(True, "")
            except Exception as e:  # noqa: BLE001 - any failure to inflate is the defect
                check(False, f"GET {path}: gzip body does not inflate: {e}")
    # HEAD answers like GET, without a body.
    h = requests.head(url, headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    check(h.status_code == r.status_code, f"HEAD {path}: status {h.status_code}, GET gave {r.status_code}")
    check(len(h.content) == 0, f"HEAD {path}: {len(h.content)} bytes of body")
    check(h.headers.get("Content-Type") == r.headers.get("Content-Type"),
          f"HEAD {path}: Content-Type {h.headers.get('Content-Type')}, GET gave {r.headers.get('Content-Type')}")

for path in checks.get("posts", []):
    r = requests.post(base + path, data=b'{"not": "what this route takes"}', timeout=TIMEOUT)
    check(400 <= r.status_code < 500, f"POST {path}: status {r.status_code} for a body it cannot take")
    try:
        check("error" in r.json(), f"POST {path}: the answer has no error message")
    except ValueError as e:
        check(False, f"POST {path} (gzip accepted): body is not whole JSON: {e}")

# A batch route answers 200 with one result per entry, in order, even when no entry is a transaction.
for path in [p for p in checks.get("posts", []) if p.endswith("/tx/batch")]:
    r = requests.post(base + path, json={"transactions": [{"x": 1}, {"y": 2}]}, timeout=TIMEOUT)
    check(r.status_code == 200, f"POST {path} with unreadable entries: status {r.status_code}")
    try:
        res = r.json().get("results", [])
        check(len(res) == 2 and all(e.get("status") == "rejected" for e in res)
              and "transactions[0]" in res[0].get("error", "") and "transactions[1]" in res[1].get("error", ""),
              f"POST {path}: results are not one rejection per entry in order: {res}")
    except ValueError as e:
        check(False, f"POST {path}: body is not whole JSON: {e}")

for path in checks.get("streams", []):
    h = requests.head(base + path, headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    check(h.status_code == 200 and h.headers.get("Content-Type", "").startswith("text/event-stream") and not h.content,
          f"HEAD {path}: status {h.status_code}, type {h.headers.get('Content-Type')}")
    with requests.get(base + path, stream=True, timeout=TIMEOUT) as r:
        check(r.status_code == 200, f"GET {path}: status {r.status_code}")
        first = next(r.iter_lines(decode_unicode=True), None)
        check(first is not None and (first == "" or ":" in first), f"GET {path}: first line {first!r}")

for d in checks.get("downloads", []):
    url, sha = base + d["path"], d["sha256"]
    path = d["path"]
    r = requests.get(url, timeout=TIMEOUT)  # with gzip accepted
    check(r.status_code == 200, f"GET {path}: status {r.status_code}")
    whole = r.content
    check(hashlib.sha256(whole).hexdigest() == sha,
          f"GET {path} (gzip accepted): {len(whole)} bytes whose SHA-256 is not {sha}")
    check(r.headers.get("ETag") == '"' + sha + '"', f"GET {path}: ETag {r.headers.get('ETag')}")
    check(r.headers.get("Accept-Ranges") == "bytes", f"GET {path}: Accept-Ranges {r.headers.get('Accept-Ranges')}")
    n = len(whole)
    h = requests.head(url, headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    check(h.status_code == 200 and h.headers.get("Content-Length") == str(n) and not h.content,
          f"HEAD {path}: status {h.status_code}, Content-Length {h.headers.get('Content-Length')} (want {n})")
    # A download broken off halfway resumes where it stopped.
    half = n // 2
    p1 = requests.get(url, headers={"Range": f"bytes=0-{half - 1}"}, timeout=TIMEOUT)
    p2 = requests.get(url, headers={"Range": f"bytes={half}-", "If-Range": '"' + sha + '"'}, timeout=TIMEOUT)
    check(p1.status_code == 206 and p2.status_code == 206, f"Range {path}: statuses {p1.status_code} {p2.status_code}")
    check(p1.headers.get("Content-Range") == f"bytes 0-{half - 1}/{n}",
          f"Range {path}: Content-Range {p1.headers.get('Content-Range')}")
    check(p1.content + p2.content == whole, f"Range {path}: the two halves are not the file")
    tail = requests.get(url, headers={"Range": "bytes=-100"}, timeout=TIMEOUT)
    check(tail.status_code == 206 and tail.content == whole[-100:], f"Range {path}: the last 100 bytes")
    bad = requests.get(url, headers={"Range": f"bytes={n}-"}, timeout=TIMEOUT)
    check(bad.status_code == 416 and bad.headers.get("Content-Range") == f"bytes */{n}",
          f"Range {path}: past the end gave {bad.status_code} {bad.headers.get('Content-Range')}")
    stale = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"0000"'}, timeout=TIMEOUT)
    check(stale.status_code == 200 and stale.content == whole, f"If-Range {path}: a stale validator must get all")
    cached = requests.get(url, headers={"If-None-Match": '"' + sha + '"'}, timeout=TIMEOUT)
    check(cached.status_code == 304 and not cached.content, f"If-None-Match {path}: status {cached.status_code}")

print(f"http_check: {passed} checks passed, {failed} failed")
sys.exit(1 if failed else 0)
