"""Serve the workspace on 127.0.0.1:8000, with a reload-notification socket."""
import http.server
import socket
import sys
import threading
from pathlib import Path


class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def reload_listener():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", 9000))
    sock.listen(5)
    while True:
        conn, _ = sock.accept()
        conn.sendall(b"reload\n")
        conn.close()


def main():
    if not Path("index.html").is_file():
        sys.exit("index.html not found; build the site first")
    threading.Thread(target=reload_listener, daemon=True).start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 8000), Handler)
    print("serving on http://127.0.0.1:8000/")
    server.serve_forever()


if __name__ == "__main__":
    main()
