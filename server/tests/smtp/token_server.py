"""A local OAuth2 token endpoint for Mailroom's tests: the client credentials grant, answering
as Microsoft Entra ID does. It issues random bearer tokens that expire after --expires-in
seconds and lists each in --tokens ("token expiry-unix" per line) for server.py's XOAUTH2 check;
it refuses a wrong client ID, secret or scope with Entra's AADSTS codes. Every request is
appended to --record as a JSON line (without the secret). Prints "ready" once it listens.
"""

import argparse
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--client-id", required=True)
parser.add_argument("--client-secret", required=True)
parser.add_argument("--scope", default="https://outlook.office365.com/.default")
parser.add_argument("--expires-in", type=int, default=3599)
parser.add_argument("--tokens", required=True)
parser.add_argument("--record", required=True)
args = parser.parse_args()


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

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        with open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"path": self.path, "grant_type": form.get("grant_type"), "client_id": form.get("client_id"), "scope": form.get("scope")}) + "\n")
        if self.path != "/token":
            return self.answer(404, {"error": "not_found"})
        if form.get("grant_type") != "client_credentials":
            return self.answer(400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003: The app requested an unsupported grant type."})
        if form.get("client_id") != args.client_id:
            return self.answer(400, {"error": "unauthorized_client", "error_description": f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found in the directory 'Test'."})
        if form.get("client_secret") != args.client_secret:
            return self.answer(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + args.client_id + "'."})
        if form.get("scope") != args.scope:
            return self.answer(400, {"error": "invalid_scope", "error_description": f"AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid."})
        token = secrets.token_urlsafe(32)
        with open(args.tokens, "a", encoding="utf-8") as issued:
            issued.write(f"{token} {time.time() + args.expires_in}\n")
        self.answer(200, {"token_type": "Bearer", "expires_in": args.expires_in, "ext_expires_in": args.expires_in, "access_token": token})


server = ThreadingHTTPServer(("127.0.0.1", args.port), TokenEndpoint)
print("ready", flush=True)
server.serve_forever()
