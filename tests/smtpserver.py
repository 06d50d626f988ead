"""A small SMTP server on 127.0.0.1 for tests: the mail server is outside our system, and
this one lets a test say which recipients it refuses (a bounce at the door, 550) and when
it drops the connection, while Django's real SMTP backend talks to it."""

import socketserver
import threading
from email import message_from_bytes, policy


class SMTPServer:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage objects, as received
        self.refused = set()  # addresses answered 550 at RCPT TO
        self.drop_after = None  # close the connection once this many messages arrived
        self.connections = 0
        self.lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                with server.lock:
                    server.connections += 1
                self.reply("220 test ESMTP")
                recipients = []
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 test")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        address = command.split(":", 1)[1].strip().strip("<>").lower()
                        if address in server.refused:
                            self.reply("550 5.1.1 No such user")
                        else:
                            recipients.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA":
                        if (
                            server.drop_after is not None
                            and len(server.messages) >= server.drop_after
                        ):
                            return  # the server goes away mid-conversation
                        self.reply("354 go on")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        with server.lock:
                            server.messages.append(message_from_bytes(data, policy=policy.default))
                        self.reply("250 queued")
                    elif verb == "RSET" or verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def recipients(self):
        return [message["To"] for message in self.messages]
