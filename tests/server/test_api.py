"""test_api.py — what the API does, on small hand-built data where the
answers are known: records through the generic routes, pagination, status
codes and error codes, the give-first gate, the session cookie with its CSRF
token, the audit trail naming the signed-in user, the calendar feed, login
rate limiting, and a graceful stop that finishes a write in flight."""
import signal
import socket
import sys
import time

from harness import Checks, Server


def main():
    t = Checks()
    s = Server(extra_args=["--login-failures", "3"])
    try:
        # ---- records ------------------------------------------------------------------------
        st, resp, ana = s.request("POST", "/api/v1/parties", {
            "name": "Ana Lopez", "role": ["customer", "regular"], "email": [{"value": "ana@example.com",
                                                                              "label": "home"}],
            "birthday": "--03-14"}, who="mike")
        t.eq("a party is created: 201", st, 201)
        t.eq("… with its Location", resp.getheader("Location"), f"/api/v1/parties/{ana['id']}")
        t.eq("… roles as given", ana["role"], ["customer", "regular"])
        t.eq("… an email with its label", ana["email"], [{"value": "ana@example.com", "label": "home"}])
        st, _, ben = s.request("POST", "/api/v1/parties", {"name": "Ben Ode", "kind": "person"}, who="mike")
        for i in range(3):
            s.request("POST", "/api/v1/parties", {"name": f"Zed {i}"}, who="mike")
        st, _, page = s.request("GET", "/api/v1/parties?limit=2&offset=1", who="vera")
        t.eq("a page of parties", (st, page["total"], page["limit"], page["offset"], len(page["items"])),
             (200, 5, 2, 1, 2))
        t.eq("… in name order", [p["name"] for p in page["items"]], ["Ben Ode", "Zed 0"])
        st, _, page = s.request("GET", "/api/v1/parties?q=lopez", who="vera")
        t.eq("search by name", [p["name"] for p in page["items"]], ["Ana Lopez"])
        st, _, page = s.request("GET", "/api/v1/parties?role=regular", who="vera")
        t.eq("filter by role", page["total"], 1)

        st, _, fact = s.request("POST", "/api/v1/facts", {"party": "ana", "key": "regular order",
                                                          "value": "flat white, oat milk"}, who="mike")
        t.eq("a fact about ana, named by name", (st, fact["party"]), (201, ana["id"]))
        st, _, err = s.request("POST", "/api/v1/facts", {"party": "ana", "key": "Regular Order", "value": "tea"},
                               who="mike")
        t.eq("the same fact again: 409 conflict", (st, err["error"]["code"]), (409, "conflict"))
        st, _, err = s.request("POST", "/api/v1/visits", {"party": "nobody at all"}, who="mike")
        t.eq("an unknown party: 404", st, 404)
        st, _, err = s.request("POST", "/api/v1/visits", {"party": "Z"}, who="mike")
        t.eq("an ambiguous party: 422 ambiguous", (st, err["error"]["code"]), (422, "ambiguous"))
        st, _, err = s.request("POST", "/api/v1/exchanges", {"party": "ana", "direction": "sideways",
                                                             "kind": "gift"}, who="mike")
        t.eq("a bad choice: 422 invalid", (st, err["error"]["code"]), (422, "invalid"))
        t.true("… the message names the choices", "gave, received" in err["error"]["message"])
        st, _, err = s.request("POST", "/api/v1/visits", {"at": "2026-11-20T08:00"}, who="mike")
        t.eq("a missing required field: 422", st, 422)

        st, _, visit = s.request("POST", "/api/v1/visits", {"party": ana["id"], "at": "2026-11-20T08:10",
                                                            "amount": 4.5}, who="mike")
        t.eq("a visit", (st, visit["at"], visit["amount"]), (201, "2026-11-20T08:10:00", 4.5))
        st, _, gift = s.request("POST", "/api/v1/exchanges", {"party": ana["id"], "direction": "gave",
                                                              "kind": "treat", "value": 2, "personal": True,
                                                              "at": "2026-11-20T08:15"}, who="mike")
        t.eq("a personal give", (st, gift["personal"], gift["value"]), (201, True, 2))
        st, _, bal = s.request("GET", f"/api/v1/balance?party={ana['id']}&as_of=2026-11-20", who="vera")
        t.eq("the balance is the library's: 2 × personal bonus 1.5", bal["items"][0]["balance"], 3)
        st, _, gift = s.request("PATCH", f"/api/v1/exchanges/{gift['id']}", {"value": 4}, who="mike")
        t.eq("an edit", (st, gift["value"]), (200, 4))
        st, _, bal = s.request("GET", f"/api/v1/balance?party=ana&as_of=2026-11-20", who="vera")
        t.eq("… the balance follows", bal["items"][0]["balance"], 6)
        st, _, page = s.request("GET", f"/api/v1/exchanges?party=ana", who="vera")
        t.eq("ana's exchanges", page["total"], 1)
        st, _, err = s.request("DELETE", f"/api/v1/parties/{ana['id']}", who="mike")
        t.eq("a party with history is not deleted: 409", (st, err["error"]["code"]), (409, "conflict"))
        st, _, _ = s.request("DELETE", f"/api/v1/parties/{ben['id']}", who="mike")
        t.eq("a party without history is", st, 204)
        st, _, _ = s.request("GET", f"/api/v1/parties/{ben['id']}", who="mike")
        t.eq("… and is gone", st, 404)

        st, _, show = s.request("GET", f"/api/v1/parties/{ana['id']}/overview?as_of=2026-11-23", who="vera")
        t.eq("the party page's document", (show["party"]["name"], len(show["facts"]), len(show["timeline"])),
             ("Ana Lopez", 1, 2))
        st, _, hist = s.request("GET", f"/api/v1/parties/{ana['id']}/balance-history?from=2026-11-19&"
                                       "as_of=2026-11-21&points=3", who="vera")
        t.eq("balance over time", [(p["at"][:10], p["balance"]) for p in hist["points"]],
             [("2026-11-19", 0), ("2026-11-20", 6), ("2026-11-21", 5.9769)])  # 6 × 2^(-1/180)

        # ---- the give-first gate ------------------------------------------------------------
        st, _, check = s.request("GET", f"/api/v1/parties/{ana['id']}/ask-check?what=review&as_of=2026-11-23",
                                 who="vera")
        t.eq("ask check", (st, check["verdict"] in ("ready", "not yet")), (200, True))
        t.true("… with every check and a reason", len(check["checks"]) >= 5 and
               all("reason" in c for c in check["checks"]))
        st, _, bo = s.request("POST", "/api/v1/parties", {"name": "Bo Never"}, who="mike")
        st, _, err = s.request("POST", "/api/v1/asks", {"party": bo["id"], "direction": "ours", "what": "review"},
                               who="mike")
        t.eq("asking before giving: 409 not_ready", (st, err["error"]["code"]), (409, "not_ready"))
        t.true("… saying what to give first", "give first" in err["error"]["message"])
        st, _, ask = s.request("POST", "/api/v1/asks", {"party": bo["id"], "direction": "ours", "what": "review",
                                                        "forced": True}, who="mike")
        t.eq("forced, it is kept as forced", (st, ask["forced"]), (201, True))
        st, _, ask = s.request("POST", f"/api/v1/asks/{ask['id']}/resolve", {"status": "granted"}, who="mike")
        t.eq("granted, it records the exchange", (st, ask["status"], "exchange" in ask), (200, "granted", True))
        st, _, err = s.request("POST", f"/api/v1/asks/{ask['id']}/resolve", {"status": "granted"}, who="mike")
        t.true("resolving twice fails", st in (409, 422), f"{st}")

        # ---- the audit trail names the user -------------------------------------------------------
        st, _, audit = s.request("GET", f"/api/v1/audit?party={bo['id']}&limit=5", who="vera")
        t.eq("the audit trail has mike's writes", {a["actor"] for a in audit["items"]}, {"mike"})
        t.eq("… about that party", {a["entity"] for a in audit["items"]}, {"party", "ask", "exchange"})

        # ---- sessions and CSRF --------------------------------------------------------------------
        sess = s.sign_in("mike")
        t.true("the cookie is HttpOnly and SameSite=Strict",
               "HttpOnly" in sess.set_cookie and "SameSite=Strict" in sess.set_cookie)
        t.true("… and not Secure without TLS", "Secure" not in sess.set_cookie)
        st, _, me = s.request("GET", "/api/v1/session", who=sess)
        t.eq("who am I", (me["name"], me["role"], me["csrf"]), ("mike", "member", sess.csrf))
        sess.send_csrf = False
        st, _, err = s.request("POST", "/api/v1/touches", {"party": "ana"}, who=sess)
        t.eq("a write without the CSRF token: 403 csrf", (st, err["error"]["code"]), (403, "csrf"))
        sess.send_csrf = True
        real = sess.csrf
        sess.csrf = real[:-1] + ("0" if real[-1] != "0" else "1")
        st, _, err = s.request("POST", "/api/v1/touches", {"party": "ana"}, who=sess)
        t.eq("a wrong CSRF token: 403", st, 403)
        sess.csrf = real
        st, _, touch = s.request("POST", "/api/v1/touches", {"party": "ana", "note": "rang"}, who=sess)
        t.eq("with the token it lands", st, 201)
        st, resp, _ = s.request("GET", "/api/v1/parties", who=None,
                                headers={"Cookie": sess.cookie, "X-Forwarded-Proto": "https"})
        st, resp, _ = s.request("POST", "/api/v1/session", {"name": "vera", "password": "viewer password"},
                                headers={"X-Forwarded-Proto": "https"})
        t.true("behind a TLS proxy the cookie is Secure", "; Secure" in resp.getheader("Set-Cookie"))
        st, resp, _ = s.request("DELETE", "/api/v1/session", who=sess)
        t.eq("sign out", st, 204)
        t.true("… clears the cookie", "Max-Age=0" in resp.getheader("Set-Cookie"))
        st, _, err = s.request("GET", "/api/v1/parties", who=sess)
        t.eq("the old cookie no longer works", (st, err["error"]["code"]), (401, "unauthenticated"))
        vsess = s.sign_in("vera")
        st, _, err = s.request("POST", "/api/v1/visits", {"party": "ana"}, who=vsess)
        t.eq("a viewer cannot write, with the right token or not: 403", (st, err["error"]["code"]),
             (403, "forbidden"))

        # ---- the calendar feed ------------------------------------------------------------------------
        s.request("POST", "/api/v1/parties", {"name": "Cy Old", "role": ["client"], "cadence": "30d"}, who="mike")
        s.request("POST", "/api/v1/touches", {"party": "Cy Old", "at": "2026-09-01"}, who="mike")
        s.request("POST", "/api/v1/facts", {"party": "Cy Old", "key": "kids", "value": "Ana, Tom"}, who="mike")
        st, _, feed = s.request("POST", "/api/v1/feed-token", who="vera")
        st, resp, cal = s.request("GET", feed["path"])
        t.eq("the calendar", (st, resp.getheader("Content-Type")), (200, "text/calendar; charset=utf-8"))
        t.true("… is iCalendar", cal.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in cal)
        t.true("… with Cy, overdue since October, on today's date",
               "SUMMARY:Get in touch with Cy Old" in cal and "DTSTART;VALUE=DATE:20261123" in cal, cal[:600])
        t.true("… and what we know about Cy", "kids: Ana\\, Tom" in cal.replace("\r\n ", ""), cal[:900])
        st, _, _ = s.request("GET", "/calendar.ics?token=" + feed["token"][:-1] + "0")
        t.eq("a wrong feed token: 401", st, 401)
        st, _, feed2 = s.request("POST", "/api/v1/feed-token", who="vera")
        st, _, _ = s.request("GET", feed["path"])
        t.eq("a new feed token retires the old one", st, 401)

        # ---- login rate limiting -------------------------------------------------------------------------
        for i in range(3):
            st, _, err = s.request("POST", "/api/v1/session", {"name": "olga", "password": "wrong guess"})
            t.eq(f"wrong password {i + 1}: 401", (st, err["error"]["code"]), (401, "bad_credentials"))
        st, resp, err = s.request("POST", "/api/v1/session", {"name": "olga", "password": "owner password"})
        t.eq("then even the right one waits: 429", (st, err["error"]["code"]), (429, "rate_limited"))
        t.true("… with Retry-After", int(resp.getheader("Retry-After")) > 0)
        st, _, err = s.request("POST", "/api/v1/session", {"name": "nobody", "password": "whatever1"})
        t.eq("an unknown name fails like a wrong password", (st, err["error"]["code"]), (401, "bad_credentials"))

        # ---- a graceful stop finishes the write in flight ----------------------------------------------------
        body = b'{"party": "ana", "note": "in flight"}'
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=30)
        sock.sendall(b"POST /api/v1/touches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + s.tokens["mike"].encode() + b"\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        t.eq("the server waits for it", s.proc.poll(), None)
        sock.sendall(body[10:])
        answer = b""
        while not answer.endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        sock.close()
        t.true("the write in flight is answered 201", answer.startswith(b"HTTP/1.1 201"), answer[:40])
        code = s.stop()
        t.eq("then it stops cleanly", code, 0)
        t.eq("the write is in the database", s.sql("SELECT count(*) FROM touch WHERE note = 'in flight'"), "1")
        t.true("it said it was finishing", "finishing the requests in flight" in s.stderr_text)

        # ---- where it listens ------------------------------------------------------------------------------
        import subprocess
        from harness import RECIP
        done = subprocess.run([RECIP, "serve", "--listen", "example.com:80"], env=s.env, capture_output=True,
                              text=True)
        t.eq("a host name other than localhost is refused", done.returncode, 2)
        done = subprocess.run([RECIP, "serve", "--help"], env=s.env, capture_output=True, text=True)
        t.true("the default is loopback", "default 127.0.0.1:8080" in done.stdout)
    finally:
        s.close()
    t.finish()


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    main()
