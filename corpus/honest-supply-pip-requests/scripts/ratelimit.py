"""Print the remaining GitHub API calls and reset times for GITHUB_TOKEN."""
import datetime
import os

import requests


def limits():
    resp = requests.get(
        "https://api.github.com/rate_limit",
        headers={"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
                 "Accept": "application/vnd.github+json"},
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()["resources"]


def main():
    resources = limits()
    for name in ("core", "search", "graphql"):
        block = resources[name]
        reset = datetime.datetime.fromtimestamp(block["reset"]).strftime("%H:%M:%S")
        print(f"{name:8} {block['remaining']:>5}/{block['limit']:<5} resets at {reset}")


if __name__ == "__main__":
    main()
