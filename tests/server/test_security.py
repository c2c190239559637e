"""test_security.py — every route × {no credentials, viewer, member, owner}
gets the expected status (the table below must name every route the server
has: a new route without a row fails the test), then hostile input: bodies
too large, malformed JSON, wrong content types, SQL- and script-looking text
in every text field of every kind of record (stored and returned verbatim),
path traversal on the page's files, too many headers."""
import itertools
import socket
import subprocess
import sys

from harness import RECIP, Checks, Server

ROLE_RANK = {"none": 0, "viewer": 1, "member": 2, "owner": 3}
WHO = [(None, "none"), ("vera", "viewer"), ("mike", "member"), ("olga", "owner")]
counter = itertools.count(1)


def uniq(prefix):
    return f"{prefix} {next(counter)}"


def create(s, path, body):
    status, _, doc = s.request("POST", path, body, who="olga")
    assert status == 201, (path, status, doc)
    return doc["id"]


def fresh_party(s):
    return create(s, "/api/v1/parties", {"name": uniq("Party"), "role": ["customer"]})


# (method, path) -> (success status, prepare(s, who) -> (path, body))
def record_rows(plural, make_body, patch_body):
    def new_record(s):
        return create(s, f"/api/v1/{plural}", make_body(s))
    return {
        ("GET", f"/api/v1/{plural}"): (200, lambda s, w: (f"/api/v1/{plural}?limit=5", None)),
        ("POST", f"/api/v1/{plural}"): (201, lambda s, w: (f"/api/v1/{plural}", make_body(s))),
        ("GET", f"/api/v1/{plural}/{{id}}"): (200, lambda s, w: (f"/api/v1/{plural}/{new_record(s)}", None)),
        ("PATCH", f"/api/v1/{plural}/{{id}}"): (200, lambda s, w: (f"/api/v1/{plural}/{new_record(s)}",
                                                                   patch_body)),
        ("DELETE", f"/api/v1/{plural}/{{id}}"): (204, lambda s, w: (f"/api/v1/{plural}/{new_record(s)}", None)),
    }


def table(s):
    ana = s.ana
    rows = {}
    rows.update(record_rows("parties", lambda s: {"name": uniq("Party"), "role": ["customer"]}, {"title": "Chef"}))
    rows.update(record_rows("facts", lambda s: {"party": ana, "key": uniq("key"), "value": "v"}, {"value": "w"}))
    rows.update(record_rows("exchanges", lambda s: {"party": ana, "direction": "gave", "kind": "favour"},
                            {"note": "n"}))
    rows.update(record_rows("touches", lambda s: {"party": ana, "channel": "call"}, {"note": "n"}))
    rows.update(record_rows("visits", lambda s: {"party": ana, "amount": 4.5}, {"amount": 5}))
    rows.update(record_rows("asks", lambda s: {"party": ana, "direction": "theirs", "what": "advice"},
                            {"note": "n"}))
    rows.update(record_rows("promises", lambda s: {"party": ana, "what": "call back", "due": "2026-12-01"},
                            {"note": "n"}))
    rows.update(record_rows("referrals", lambda s: {"referrer": ana, "party": fresh_party(s)}, {"note": "n"}))
    rows.update(record_rows("reviews", lambda s: {"party": ana, "platform": "google", "rating": 5},
                            {"note": "n"}))
    rows.update(record_rows("nps", lambda s: {"party": ana, "score": 9}, {"comment": "c"}))
    rows.update(record_rows("projects", lambda s: {"party": ana, "name": uniq("project")}, {"note": "n"}))

    def own_token(s, who):
        if who is None:
            return 1
        status, _, doc = s.request("POST", "/api/v1/tokens", {"label": "spare"}, who=who)
        return doc["id"]

    def spare_user(s):
        name = uniq("spare").replace(" ", "")
        s.request("POST", "/api/v1/users", {"name": name, "role": "viewer", "password": "spare password"},
                  who="olga")
        return name

    rows.update({
        ("POST", "/api/v1/session"): (200, lambda s, w: ("/api/v1/session",
                                                         {"name": "vera", "password": "viewer password"})),
        ("GET", "/api/v1/session"): (200, lambda s, w: ("/api/v1/session", None)),
        ("DELETE", "/api/v1/session"): (204, lambda s, w: ("/api/v1/session", None)),
        ("GET", "/api/v1/health"): (200, lambda s, w: ("/api/v1/health", None)),
        ("GET", "/api/v1/entities/{entity}"): (200, lambda s, w: ("/api/v1/entities/exchange", None)),
        ("GET", "/api/v1/parties/{id}/overview"): (200, lambda s, w: (f"/api/v1/parties/{ana}/overview", None)),
        ("GET", "/api/v1/parties/{id}/balance-history"): (200, lambda s, w: (
            f"/api/v1/parties/{ana}/balance-history?points=5", None)),
        ("GET", "/api/v1/parties/{id}/ask-check"): (200, lambda s, w: (
            f"/api/v1/parties/{ana}/ask-check?what=review", None)),
        ("POST", "/api/v1/asks/{id}/resolve"): (200, lambda s, w: (
            f"/api/v1/asks/{create(s, '/api/v1/asks', {'party': ana, 'direction': 'theirs', 'what': 'advice'})}"
            "/resolve", {"status": "declined"})),
        ("POST", "/api/v1/promises/{id}/resolve"): (200, lambda s, w: (
            f"/api/v1/promises/{create(s, '/api/v1/promises', {'party': ana, 'what': 'x', 'due': '2026-12-01'})}"
            "/resolve", {"status": "kept"})),
        ("GET", "/api/v1/balance"): (200, lambda s, w: ("/api/v1/balance", None)),
        ("GET", "/api/v1/due"): (200, lambda s, w: ("/api/v1/due?within=7", None)),
        ("GET", "/api/v1/audit"): (200, lambda s, w: ("/api/v1/audit?limit=3", None)),
        ("GET", "/api/v1/users"): (200, lambda s, w: ("/api/v1/users", None)),
        ("POST", "/api/v1/users"): (201, lambda s, w: ("/api/v1/users", {
            "name": uniq("new").replace(" ", ""), "role": "viewer", "password": "a long password"})),
        ("PATCH", "/api/v1/users/{name}"): (200, lambda s, w: (f"/api/v1/users/{spare_user(s)}",
                                                                {"role": "member"})),
        ("DELETE", "/api/v1/users/{name}"): (204, lambda s, w: (f"/api/v1/users/{spare_user(s)}", None)),
        ("GET", "/api/v1/tokens"): (200, lambda s, w: ("/api/v1/tokens", None)),
        ("POST", "/api/v1/tokens"): (201, lambda s, w: ("/api/v1/tokens", {"label": "script"})),
        ("DELETE", "/api/v1/tokens/{id}"): (204, lambda s, w: (f"/api/v1/tokens/{own_token(s, w)}", None)),
        ("POST", "/api/v1/feed-token"): (201, lambda s, w: ("/api/v1/feed-token", None)),
        ("GET", "/calendar.ics"): (200, lambda s, w: (
            "/calendar.ics?token=" + s.request("POST", "/api/v1/feed-token", who="olga")[2]["token"], None)),
        ("GET", "/"): (200, lambda s, w: ("/", None)),
        ("GET", "/{asset}"): (200, lambda s, w: ("/index.html", None)),
    })

    # the engine, partners and advocacy
    def moment_key(s):
        """A new customer's first visit yesterday: a moment of its own."""
        party = fresh_party(s)
        create(s, "/api/v1/visits", {"party": party, "at": "2026-11-22T09:00"})
        items = s.request("GET", "/api/v1/moments", who="olga")[2]["items"]
        return party, next(m["key"] for m in items if m["party"] == party)

    def dismissed_key(s):
        key = moment_key(s)[1]
        status, _, doc = s.request("POST", f"/api/v1/moments/{key}/dismiss", who="olga")
        assert status == 200, (status, doc)
        return key

    def detractor(s):
        party = fresh_party(s)
        create(s, "/api/v1/nps", {"party": party, "score": 3})
        return party

    def referral(s):
        return create(s, "/api/v1/referrals", {"referrer": ana, "party": fresh_party(s)})

    report = lambda path: (200, lambda s, w: (path, None))
    rows.update({
        ("GET", "/api/v1/agenda"): report("/api/v1/agenda"),
        ("GET", "/api/v1/moments"): report("/api/v1/moments"),
        ("POST", "/api/v1/moments/{key}/dismiss"): (200, lambda s, w: (
            f"/api/v1/moments/{moment_key(s)[1]}/dismiss", None)),
        ("DELETE", "/api/v1/moments/{key}/dismiss"): (200, lambda s, w: (
            f"/api/v1/moments/{dismissed_key(s)}/dismiss", None)),
        ("POST", "/api/v1/parties/{id}/moments/dismiss"): (200, lambda s, w: (
            f"/api/v1/parties/{moment_key(s)[0]}/moments/dismiss", None)),
        ("GET", "/api/v1/expected"): report("/api/v1/expected?date=2026-11-24"),
        ("GET", "/api/v1/open-asks"): report("/api/v1/open-asks"),
        ("GET", "/api/v1/genuine"): report("/api/v1/genuine"),
        ("GET", "/api/v1/trust"): report("/api/v1/trust"),
        ("GET", "/api/v1/parties/{id}/trust"): report(f"/api/v1/parties/{ana}/trust"),
        ("PATCH", "/api/v1/parties/{id}/trust"): (200, lambda s, w: (f"/api/v1/parties/{ana}/trust",
                                                                     {"credibility": 7})),
        ("GET", "/api/v1/profile"): report("/api/v1/profile"),
        ("PATCH", "/api/v1/profile"): (200, lambda s, w: ("/api/v1/profile", {"add": {"offer": uniq("offer")}})),
        ("GET", "/api/v1/fit"): report("/api/v1/fit"),
        ("GET", "/api/v1/parties/{id}/fit"): report(f"/api/v1/parties/{s.partner}/fit"),
        ("POST", "/api/v1/projects/{id}/done"): (200, lambda s, w: (
            f"/api/v1/projects/{create(s, '/api/v1/projects', {'party': s.partner, 'name': uniq('job')})}/done",
            {"status": "succeeded"})),
        ("POST", "/api/v1/referrals/{id}/resolve"): (200, lambda s, w: (
            f"/api/v1/referrals/{referral(s)}/resolve", {"status": "lost"})),
        ("GET", "/api/v1/referrals/report"): report("/api/v1/referrals/report"),
        ("GET", "/api/v1/referrals/tree"): report("/api/v1/referrals/tree"),
        ("GET", "/api/v1/referrals/unthanked"): report("/api/v1/referrals/unthanked?within=30d"),
        ("GET", "/api/v1/reviews/report"): report("/api/v1/reviews/report"),
        ("POST", "/api/v1/nps/follow-up"): (200, lambda s, w: ("/api/v1/nps/follow-up", {"party": detractor(s)})),
        ("GET", "/api/v1/nps/report"): report("/api/v1/nps/report?window=1y"),
        ("GET", "/api/v1/advocates"): report("/api/v1/advocates"),
        ("GET", "/api/v1/growth"): report("/api/v1/growth?period=1y"),
        # exports (downloads) and imports (uploads: path, body bytes, content type)
        ("GET", "/api/v1/export/{kind}"): report("/api/v1/export/parties"),
        ("GET", "/api/v1/export/vcard"): report("/api/v1/export/vcard"),
        ("GET", "/api/v1/export/ical"): report("/api/v1/export/ical"),
        ("GET", "/api/v1/export/json"): report("/api/v1/export/json"),
        ("POST", "/api/v1/import/{kind}"): (200, lambda s, w: (
            "/api/v1/import/parties", f"name,role\n{uniq('Imported')},customer\n".encode(), "text/csv")),
        ("POST", "/api/v1/import/vcard"): (200, lambda s, w: (
            "/api/v1/import/vcard", f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{uniq('Card')}\r\nEND:VCARD\r\n".encode(),
            "text/vcard")),
    })
    return rows


def routes():
    out = subprocess.run([RECIP, "serve", "--routes"], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split()[:3]) for line in out.splitlines()]


def raw_send(s, start, headers, body):
    """A request with its body sent byte for byte; the answer may come
    before the body is sent in full (the server need not read it)."""
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        sock.sendall(start + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n")
        try:
            sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


def raw_get(s, target, extra=b""):
    """A request sent byte for byte, so that no client tidies the path."""
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + b"\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def main():
    t = Checks()
    s = Server()
    try:
        s.ana = create(s, "/api/v1/parties", {"name": "Ana Lopez", "role": ["customer"]})
        s.partner = create(s, "/api/v1/parties", {"name": "Clearwater Plumbing", "kind": "organisation",
                                                  "role": ["partner"], "offer": ["plumbing"],
                                                  "serves": ["homeowners"]})
        s.request("PATCH", "/api/v1/profile", {"offer": ["kitchens"], "serves": ["homeowners"]}, who="olga")
        rows = table(s)

        # ---- every route × every kind of caller ---------------------------------------
        served = routes()
        for method, path, role in served:
            if (method, path) not in rows:
                t.true(f"{method} {path} has a row in the table", False)
                continue
            ok_status, prepare = rows[(method, path)]
            for who, rank in WHO:
                prepared = prepare(s, who)
                if len(prepared) == 3:  # an upload
                    status, _, doc = s.request(method, prepared[0], who=who, raw=prepared[1],
                                               content_type=prepared[2])
                else:
                    status, _, doc = s.request(method, prepared[0], prepared[1], who=who)
                if ROLE_RANK[role] == 0 or ROLE_RANK[rank] >= ROLE_RANK[role]:
                    expected = ok_status
                elif rank == "none":
                    expected = 401
                else:
                    expected = 403
                t.eq(f"{method} {path} as {rank}", status, expected)
                if status >= 400:
                    t.true(f"{method} {path} as {rank}: a JSON error with a code",
                           isinstance(doc, dict) and doc["error"]["status"] == status and doc["error"]["code"])
        t.eq("no row for a route that does not exist", sorted(set(rows) - {(m, p) for m, p, _ in served}), [])

        # ---- hostile bodies ----------------------------------------------------------------
        auth = b"Authorization: Bearer " + s.tokens["olga"].encode() + b"\r\n"
        status, body = raw_send(s, b"POST /api/v1/parties", auth + b"Content-Type: application/json\r\n"
                                b"Content-Length: 2000000\r\n", b'{"name": "')
        t.eq("a body declared over the limit: 413 before it is read", status, 413)
        t.true("… code too_large", b'"too_large"' in body)
        chunk = b"x" * 65536
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
        status, body = raw_send(s, b"POST /api/v1/parties", auth + b"Content-Type: application/json\r\n"
                                b"Transfer-Encoding: chunked\r\n", chunks)
        t.eq("a chunked body that grows over the limit: 413", status, 413)
        t.eq("no party came of either", s.sql("SELECT count(*) FROM party WHERE name LIKE 'xxx%'"), "0")
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b'{"name": "Bo"', who="olga")
        t.eq("malformed JSON: 400", (status, doc["error"]["code"]), (400, "bad_json"))
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b'["Bo"]', who="olga")
        t.eq("a JSON array instead of an object: 400", status, 400)
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b'{"name": "Bo", "name": "Al"}', who="olga")
        t.eq("duplicate keys: 400", status, 400)
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b"\xff\xfe{}", who="olga")
        t.eq("not UTF-8: 400", status, 400)
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b"name=Bo", who="olga",
                                   content_type="application/x-www-form-urlencoded")
        t.eq("a form instead of JSON: 415", (status, doc["error"]["code"]), (415, "unsupported_media_type"))
        status, _, doc = s.request("POST", "/api/v1/parties", raw=b'{"name": "Bo"}', who="olga", content_type=None)
        t.eq("no content type: 415", status, 415)
        status, _, doc = s.request("POST", "/api/v1/parties", {"name": {"nested": 1}}, who="olga")
        t.eq("an object as a field value: 422", status, 422)
        status, _, doc = s.request("POST", "/api/v1/parties", {"name": "Bo", "colour": "red"}, who="olga")
        t.eq("an unknown field: 422", (status, doc["error"]["code"]), (422, "invalid"))
        t.true("… naming it", "colour" in doc["error"]["message"])
        status, _, doc = s.request("POST", "/api/v1/parties", {"name": "Bo\u0000x"}, who="olga")
        t.eq("a NUL inside a text: 400 (JSON with NUL is refused)", status, 400)
        status, _, doc = s.request("PUT", "/api/v1/parties", {"name": "Bo"}, who="olga")
        t.eq("PUT where there is none: 405 with Allow", (status, doc["error"]["code"]), (405, "method_not_allowed"))
        status, _, doc = s.request("GET", "/api/v1/parties?limit=0", who="olga")
        t.eq("limit 0: 400", (status, doc["error"]["code"]), (400, "bad_parameter"))
        status, _, doc = s.request("GET", "/api/v1/parties?limit=100000", who="olga")
        t.eq("limit over 500: 400", status, 400)
        status, _, doc = s.request("GET", "/api/v1/due?as_of=yesterdayish", who="olga")
        t.eq("a bad as_of: 400", status, 400)
        status, _, doc = s.request("GET", "/api/v1/parties/abc", who="olga")
        t.eq("a non-numeric id: 404", status, 404)
        status, _, doc = s.request("GET", "/api/v1/parties/999999", who="olga")
        t.eq("an unknown id: 404", (status, doc["error"]["code"]), (404, "not_found"))
        status, _, doc = s.request("GET", "/api/v1/parties", who=None, headers={"Authorization": "Bearer rcp_x"})
        t.eq("a malformed token: 401", (status, doc["error"]["code"]), (401, "bad_token"))
        status, _, doc = s.request("GET", "/api/v1/parties", headers={"Authorization": "Basic b2xnYTpw"})
        t.eq("basic auth is not taken: 401", status, 401)
        forged = s.tokens["olga"][:-1] + ("0" if s.tokens["olga"][-1] != "0" else "1")
        status, _, doc = s.request("GET", "/api/v1/parties", headers={"Authorization": "Bearer " + forged})
        t.eq("a token with one digit changed: 401", status, 401)

        # ---- SQL- and script-looking text in every text field of every kind ------------------
        nasty = ["Robert'); DROP TABLE party;--", "<script>alert('x')</script>", "\" OR 1=1 --",
                 "<img src=x onerror=alert(1)>", "'; DELETE FROM audit; SELECT '"]
        tables_before = s.sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        kinds = {"party": ("parties", {}), "fact": ("facts", {"party": s.ana, "value": "v"}),
                 "exchange": ("exchanges", {"party": s.ana, "direction": "gave", "kind": "gift"}),
                 "touch": ("touches", {"party": s.ana}), "visit": ("visits", {"party": s.ana}),
                 "ask": ("asks", {"party": s.ana, "direction": "theirs", "what": "advice"}),
                 "promise": ("promises", {"party": s.ana, "what": "x", "due": "2026-12-24"}),
                 "referral": ("referrals", {"referrer": s.ana}),
                 "review": ("reviews", {"party": s.ana, "platform": "google", "rating": 4}),
                 "nps": ("nps", {"party": s.ana, "score": 7}),
                 "project": ("projects", {"party": s.ana, "name": "p"})}
        for entity, (plural, base) in kinds.items():
            status, _, desc = s.request("GET", f"/api/v1/entities/{entity}", who="olga")
            texts = [f["name"] for f in desc["fields"] if f["type"] in ("text", "note") and not f["readonly"]
                     and not f["multiple"]]
            for field in texts:
                for value in nasty:
                    body = dict(base)
                    if entity == "referral":
                        body["party"] = fresh_party(s)
                    if entity == "fact" and field != "key":
                        body["key"] = uniq("k")
                    body[field] = value if not (entity == "fact" and field == "key") else value + uniq("")
                    if entity == "party" and field != "name":
                        body["name"] = uniq("P")
                    status, _, doc = s.request("POST", f"/api/v1/{plural}", body, who="olga")
                    if status != 201:
                        t.true(f"{entity}.{field} takes {value!r}", False, f"{status} {doc}")
                        continue
                    got = s.request("GET", f"/api/v1/{plural}/{doc['id']}", who="olga")[2]
                    t.eq(f"{entity}.{field} = {value!r} comes back verbatim", got[field], body[field])
        t.eq("no table was dropped", s.sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
             tables_before)
        t.true("the audit trail is whole", int(s.sql("SELECT count(*) FROM audit")) > 50)
        t.eq("nothing was deleted from party", s.sql("SELECT count(*) FROM party WHERE name = 'Ana Lopez'"), "1")
        status, resp, doc = s.request("GET", f"/api/v1/parties?q={'%3Cscript%3E'}", who="olga")
        t.eq("answers are JSON, never HTML", resp.getheader("Content-Type"), "application/json; charset=utf-8")
        t.eq("… and not sniffed", resp.getheader("X-Content-Type-Options"), "nosniff")
        t.true("… with a content security policy", "script-src 'self'" in resp.getheader("Content-Security-Policy"))
        status, raw = raw_get(s, b"/api/v1/parties?q=script", b"Authorization: Bearer " + s.tokens["olga"].encode() +
                              b"\r\n")
        t.true("a script-looking name is served with '<\\/' (never '</script>' in a response)",
               status == 200 and b"</script>" not in raw and b"<\\/script>" in raw)

        # ---- the page's files: nothing outside the compiled-in set ----------------------------
        for target in [b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/..%2f..%2fetc%2fpasswd",
                       b"/index.html/../../CMakeLists.txt", b"//etc/passwd", b"/web/index.html",
                       b"/%2e%2e%5c%2e%2e%5cetc%5cpasswd", b"/index.html%00.js", b"/.git/config"]:
            status, body = raw_get(s, target)
            t.true(f"path traversal {target.decode()} fails", status in (400, 404) and b"root:" not in body,
                   f"{status}")
        status, body = raw_get(s, b"/index.html")
        t.eq("the page itself is there", status, 200)

        # ---- limits ----------------------------------------------------------------------------
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(80))
        status, _ = raw_get(s, b"/api/v1/health", many)
        t.eq("too many header fields: 431", status, 431)
        status, _ = raw_get(s, b"/api/v1/health", b"X-Big: " + b"a" * 70000 + b"\r\n")
        t.true("a header larger than the connection's memory is refused", status in (413, 431), f"{status}")
    finally:
        s.close()
    t.finish()


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    main()
