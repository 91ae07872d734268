"""Group the open issues of a GitHub repository by label."""
import os
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import requests


def fetch_issues(owner, repo):
    resp = requests.get(
        f"https://api.github.com/repos/{owner}/{repo}/issues",
        headers={"Authorization": f"token {os.environ['GITHUB_TOKEN']}"},
        params={"state": "open", "per_page": 100},
        timeout=20,
    )
    resp.raise_for_status()
    return [item for item in resp.json() if "pull_request" not in item]


def group_by_label(issues):
    groups = defaultdict(list)
    for issue in issues:
        labels = [label["name"] for label in issue["labels"]] or ["unlabelled"]
        for name in labels:
            groups[name].append(issue)
    return groups


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: triage.py <owner> <repo>")
    owner, repo = sys.argv[1], sys.argv[2]
    issues = fetch_issues(owner, repo)
    for label, items in sorted(group_by_label(issues).items()):
        print(f"## {label} ({len(items)})")
        for issue in items:
            print(f"- #{issue['number']} {issue['title']}")
    cutoff = datetime.now(timezone.utc) - timedelta(days=30)
    stale = [i for i in issues if datetime.fromisoformat(i["updated_at"].replace("Z", "+00:00")) < cutoff]
    print(f"## stale ({len(stale)})")
    for issue in stale:
        print(f"- #{issue['number']} {issue['title']}")


if __name__ == "__main__":
    main()
