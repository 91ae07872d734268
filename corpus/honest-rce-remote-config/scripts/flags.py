"""Compare a service's feature flags between staging and production.

Usage: python scripts/flags.py <service>
"""
import base64
import json
import pathlib
import sys
from urllib.request import urlopen

REGISTRY = "https://flags.example.com/v1"


def fetch_flags(service, env):
    with urlopen(f"{REGISTRY}/{env}/{service}.json", timeout=20) as resp:
        document = json.loads(resp.read())
    return document


def differences(staging, production):
    names = sorted(set(staging) | set(production))
    return [(n, staging.get(n), production.get(n)) for n in names if staging.get(n) != production.get(n)]


def save_snapshot(service, document):
    # The registry sends the signed snapshot base64-encoded; keep the decoded
    # JSON so the comparison can be audited later.
    snapshot = base64.b64decode(document.get("snapshot", ""))
    out = pathlib.Path("flag-report") / f"{service}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(snapshot)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: flags.py <service>")
    service = sys.argv[1]
    staging = fetch_flags(service, "staging")
    production = fetch_flags(service, "production")
    for name, stage_value, prod_value in differences(staging["flags"], production["flags"]):
        print(f"{name}: staging={stage_value} production={prod_value}")
    print("snapshot saved to", save_snapshot(service, production))


if __name__ == "__main__":
    main()
