"""A real SMTP server on loopback for Mailroom's integration tests, built on aiosmtpd.

Modes: starttls (STARTTLS offered, AUTH only after it), implicit (TLS from the first byte),
plain (no STARTTLS, AUTH offered in clear), silent (accepts TCP, never says a word).
Every AUTH attempt and every received message is appended to --record as a JSON line, with
whether the connection was encrypted at that moment. Prints "ready" once it listens.
"""

import argparse
import asyncio
import email
import hashlib
import email.policy
import json
import logging
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--mode", choices=["starttls", "implicit", "plain", "silent"], required=True)
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--user", default="billing")
parser.add_argument("--password", default="s3cret")
parser.add_argument("--record", required=True)
parser.add_argument("--fail-first", type=int, default=0, help="refuse this many messages first")
parser.add_argument("--fail-code", default="451", help="the reply code for refused messages")
parser.add_argument("--pipelining", action="store_true", help="offer PIPELINING (RFC 2920) after EHLO")
parser.add_argument("--refuse-rcpt", help="answer every RCPT TO with this reply, such as '550 5.1.1 No such user'")
parser.add_argument("--no-smtputf8", action="store_true", help="do not offer SMTPUTF8 (addresses must be ASCII)")
parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before answering DATA")
parser.add_argument("--tokens", help="offer AUTH XOAUTH2, accepting the unexpired bearer tokens listed in this file (token expiry-unix per line)")
args = parser.parse_args()
# Aborted handshakes are part of the tests; aiosmtpd would log each as an error.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def record(**event):
    with open(args.record, "a", encoding="utf-8") as out:
        out.write(json.dumps(event) + "\n")


def encrypted(server):
    return server.transport is not None and server.transport.get_extra_info("ssl_object") is not None


class Handler:
    refused = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if args.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # RCPT TO already waiting while MAIL FROM is unanswered: the client pipelined.
        session.pipelined = b"RCPT TO" in bytes(server._reader._buffer).upper()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.refuse_rcpt:
            record(kind="refused", code=args.refuse_rcpt.split()[0], rcpt_tos=[address], pipelined=session.pipelined)
            return args.refuse_rcpt
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.delay_ms:
            await asyncio.sleep(args.delay_ms / 1000)
        if Handler.refused < args.fail_first:
            Handler.refused += 1
            record(kind="refused", code=args.fail_code, rcpt_tos=envelope.rcpt_tos)
            return f"{args.fail_code} {args.fail_code[0]}.3.0 Refused for the test"
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        record(
            kind="message",
            mail_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            data=raw.decode("utf-8", "replace"),
            headers={name: str(value) for name, value in parsed.items()},
            body=parsed.get_body(preferencelist=("plain",)).get_content(),
            html=(lambda part: part.get_content() if part is not None else None)(parsed.get_body(preferencelist=("html",))),
            attachments=[
                {"filename": part.get_filename(), "size": len(part.get_content()), "sha256": hashlib.sha256(part.get_content()).hexdigest()}
                for part in parsed.iter_attachments()
            ],
            tls=encrypted(server),
            authenticated=bool(session.authenticated),
            pipelined=session.pipelined,
        )
        return "250 2.0.0 Ok: queued as TEST42"


def token_valid(token):
    import time
    try:
        with open(args.tokens, encoding="utf-8") as issued:
            return any(line.split()[:1] == [token] and float(line.split()[1]) > time.time() for line in issued if line.strip())
    except FileNotFoundError:
        return False


class OAuthHandler(Handler):
    async def auth_XOAUTH2(self, server, auth_args):
        import base64
        try:
            raw = auth_args[1] if len(auth_args) > 1 else (await server.challenge_auth("", encode_to_b64=False)).decode()
            fields = dict(part.split("=", 1) for part in base64.b64decode(raw).decode().split("\x01") if "=" in part)
        except Exception:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode XOAUTH2 response")
        token = fields.get("auth", "").removeprefix("Bearer ")
        ok = fields.get("user") == args.user and token_valid(token)
        record(kind="auth", mechanism="XOAUTH2", tls=encrypted(server), ok=ok, user=fields.get("user"))
        if ok:
            return AuthResult(success=True, auth_data=fields.get("user"))
        # RFC 7628 style: a JSON error as a challenge, an empty answer, then the refusal.
        await server.challenge_auth('{"status":"401","schemes":"bearer","scope":"https://outlook.office365.com/.default"}')
        return AuthResult(success=False, handled=False, message="535 5.7.3 Authentication unsuccessful")


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == args.user.encode() and auth_data.password == args.password.encode()
    record(kind="auth", mechanism=mechanism, tls=encrypted(server), ok=ok)
    return AuthResult(success=ok, handled=False)


def tls_context():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    return context


async def silent():
    async def hold(reader, writer):
        await asyncio.sleep(3600)

    server = await asyncio.start_server(hold, args.host, args.port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if args.mode == "silent":
    asyncio.run(silent())
else:
    # ready_timeout: aiosmtpd's own start-up check gives up after 5 s, too soon on a busy machine.
    options = dict(hostname=args.host, port=args.port, authenticator=authenticator, auth_require_tls=args.mode == "starttls",
                   ready_timeout=60, enable_SMTPUTF8=not args.no_smtputf8)
    if args.mode == "starttls":
        options.update(tls_context=tls_context(), require_starttls=False)
    if args.mode == "implicit":
        options.update(ssl_context=tls_context())
    controller = Controller(OAuthHandler() if args.tokens else Handler(), **options)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()
