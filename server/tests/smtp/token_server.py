"""A local OAuth2 provider for Mailroom's tests: the client credentials grant, and an
authorisation page (/authorize, which approves at once) with the authorisation-code grant
(PKCE S256 checked) and the refresh-token grant, answering as Microsoft Entra ID does. It issues random bearer tokens that expire after --expires-in
seconds and lists each in --tokens ("token expiry-unix" per line) for server.py's XOAUTH2 check;
it refuses a wrong client ID, secret or scope with Entra's AADSTS codes. Every request is
appended to --record as a JSON line (without the secret). Prints "ready" once it listens.
"""

import argparse
import base64
import hashlib
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--client-id", required=True)
parser.add_argument("--client-secret", required=True)
parser.add_argument("--scope", default="https://outlook.office365.com/.default")
parser.add_argument("--expires-in", type=int, default=3599)
parser.add_argument("--tokens", required=True)
parser.add_argument("--record", required=True)
args = parser.parse_args()
# Codes waiting to be exchanged (code -> challenge, redirect URI) and refresh tokens issued.
codes = {}
refresh_tokens = set()


class TokenEndpoint(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"path": url.path, "client_id": query.get("client_id"), "scope": query.get("scope"), "login_hint": query.get("login_hint")}) + "\n")
        if url.path != "/authorize":
            return self.answer(404, {"error": "not_found"})
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != args.client_id or query.get("code_challenge_method") != "S256" or not redirect:
            return self.answer(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        codes[code] = (query.get("code_challenge"), redirect)
        self.send_response(302)
        self.send_header("location", redirect + "?" + urlencode({"code": code, "state": query.get("state", "")}))
        self.end_headers()

    def issue(self, refresh=False):
        token = secrets.token_urlsafe(32)
        with open(args.tokens, "a", encoding="utf-8") as issued:
            issued.write(f"{token} {time.time() + args.expires_in}\n")
        body = {"token_type": "Bearer", "expires_in": args.expires_in, "ext_expires_in": args.expires_in, "access_token": token}
        if refresh:
            body["refresh_token"] = secrets.token_urlsafe(32)
            refresh_tokens.add(body["refresh_token"])
        self.answer(200, body)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        with open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"path": self.path, "grant_type": form.get("grant_type"), "client_id": form.get("client_id"), "scope": form.get("scope")}) + "\n")
        if self.path != "/token":
            return self.answer(404, {"error": "not_found"})
        grant = form.get("grant_type")
        if grant not in ("client_credentials", "authorization_code", "refresh_token"):
            return self.answer(400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003: The app requested an unsupported grant type."})
        if form.get("client_id") != args.client_id:
            return self.answer(400, {"error": "unauthorized_client", "error_description": f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found in the directory 'Test'."})
        if form.get("client_secret") != args.client_secret:
            return self.answer(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + args.client_id + "'."})
        if grant == "authorization_code":
            challenge, redirect = codes.pop(form.get("code", ""), (None, None))
            verifier = form.get("code_verifier", "")
            computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if challenge is None or computed != challenge or form.get("redirect_uri") != redirect:
                return self.answer(400, {"error": "invalid_grant", "error_description": "AADSTS70008: The provided authorization code or refresh token has expired or is invalid."})
            return self.issue(refresh=True)
        if grant == "refresh_token":
            if form.get("refresh_token") not in refresh_tokens:
                return self.answer(400, {"error": "invalid_grant", "error_description": "AADSTS70008: The provided authorization code or refresh token has expired or is invalid."})
            return self.issue()
        if form.get("scope") != args.scope:
            return self.answer(400, {"error": "invalid_scope", "error_description": f"AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid."})
        self.issue()


server = ThreadingHTTPServer(("127.0.0.1", args.port), TokenEndpoint)
print("ready", flush=True)
server.serve_forever()
