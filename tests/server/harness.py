"""harness.py — starts `recip serve` on a free loopback port over a fresh
database with three users (owner, member, viewer) and an API token each, and
speaks HTTP to it. Shared by the server tests (tests/server/test_*.py) and
the browser tests' launcher (tests/browser/serve.py)."""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

RECIP = os.environ.get("RECIP", "recip")
NOW = "2026-11-23T12:00"
PASSWORDS = {"olga": "owner password", "mike": "member password", "vera": "viewer password"}
ROLES = {"olga": "owner", "mike": "member", "vera": "viewer"}


class Server:
    """db: the database's address (default: a new SQLite file); tokens: the
    users' API tokens when another Server already set the database up (two
    servers over one database), else the users are made here."""

    def __init__(self, demo=False, extra_args=(), env=None, db=None, tokens=None):
        self.dir = tempfile.mkdtemp(prefix="recip-server-")
        self.db = db or os.path.join(self.dir, "test.db")
        self.env = dict(os.environ)
        self.env.update({"RECIP_DB": self.db, "RECIP_NOW": NOW, "HOME": self.dir,
                         "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
                         "XDG_DATA_HOME": os.path.join(self.dir, "data"), "RECIP_ACTOR": "setup",
                         "NO_COLOR": "1", "LC_ALL": "C.UTF-8"})
        if env:
            self.env.update(env)
        if tokens is not None:
            self.tokens = dict(tokens)
        else:
            self.recip("demo" if demo else "init")
            self.tokens = {}
            for name, password in PASSWORDS.items():
                self.recip("user", "add", name, "--role", ROLES[name], stdin=password + "\n")
                out = self.recip("token", "create", name, "--json")
                self.tokens[name] = json.loads(out)["token"]
        self.extra_args = list(extra_args)
        self.proc = None
        self.start()

    def recip(self, *args, stdin=None):
        """The command's standard output, as text with its line ends as
        written (CRLF stays CRLF)."""
        done = subprocess.run([RECIP, *args], input=stdin.encode() if stdin else None, capture_output=True,
                              env=self.env)
        if done.returncode != 0:
            raise RuntimeError(f"recip {' '.join(args)}: {done.stderr.decode().strip()}")
        return done.stdout.decode()

    def start(self):
        self.proc = subprocess.Popen([RECIP, "serve", "--listen", "127.0.0.1:0", *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("the server did not start: " + line + self.proc.stderr.read())
        self.port = int(match.group(1))

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else 0
        if self.proc:
            self.proc.stdout.close()
            self.stderr_text = self.proc.stderr.read()
            self.proc.stderr.close()
        self.proc = None
        return code

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, query):
        if self.db.startswith("postgres"):
            command = ["psql", "-qAtX", "-F", "|", self.db, "-c", query]
        else:
            command = ["sqlite3", self.db, query]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    # ---- HTTP -------------------------------------------------------------------------
    def request(self, method, path, body=None, who=None, headers=None, raw=None, content_type="application/json"):
        """One request; who is a user name (API token), None (no credentials)
        or a Session. Returns (status, headers, parsed JSON or text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        data = raw
        if body is not None and raw is None:
            data = json.dumps(body).encode()
        if data is not None and content_type:
            h.setdefault("Content-Type", content_type)
        if isinstance(who, str):
            h["Authorization"] = "Bearer " + self.tokens[who]
        elif who is not None:
            who.apply(h, method)
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        ctype = resp.getheader("Content-Type", "")
        parsed = payload.decode("utf-8", "replace")
        if ctype.split(";")[0].strip() == "application/json" and payload:
            parsed = json.loads(payload)
        return resp.status, resp, parsed

    def sign_in(self, name, password=None):
        status, resp, doc = self.request("POST", "/api/v1/session",
                                         {"name": name, "password": password or PASSWORDS[name]})
        if status != 200:
            raise RuntimeError(f"sign in as {name}: {status} {doc}")
        cookie = resp.getheader("Set-Cookie")
        return Session(cookie.split(";")[0], doc["csrf"], cookie)


class Session:
    def __init__(self, cookie, csrf, set_cookie):
        self.cookie = cookie
        self.csrf = csrf
        self.set_cookie = set_cookie
        self.send_csrf = True

    def apply(self, headers, method):
        headers["Cookie"] = self.cookie
        if method not in ("GET", "HEAD") and self.send_csrf:
            headers["X-CSRF-Token"] = self.csrf


class Checks:
    """A tiny TAP-style checker: each check prints ok / not ok."""

    def __init__(self):
        self.run = 0
        self.failed = 0

    def eq(self, what, actual, expected):
        self.run += 1
        if actual == expected:
            print(f"ok {self.run} - {what}")
        else:
            self.failed += 1
            print(f"not ok {self.run} - {what}\n#   got:      {actual!r}\n#   expected: {expected!r}")

    def true(self, what, cond, detail=""):
        self.eq(what + (f" ({detail})" if detail and not cond else ""), bool(cond), True)

    def finish(self):
        print(f"1..{self.run}")
        print(f"{self.run - self.failed} passed, {self.failed} failed")
        raise SystemExit(1 if self.failed else 0)
