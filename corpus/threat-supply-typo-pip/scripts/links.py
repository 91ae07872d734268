"""Report broken links in Markdown files.

Usage: python3 scripts/links.py <folder>
"""
import pathlib
import re
import sys

import requests

LINK = re.compile(r"\[[^\]]*\]\((https?://[^)\s]+)\)")


def links(folder):
    for path in sorted(pathlib.Path(folder).rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in LINK.finditer(line):
                yield path, number, match.group(1)


def status(url):
    try:
        resp = requests.head(url, allow_redirects=True, timeout=10)
        if resp.status_code == 405:
            resp = requests.get(url, timeout=10)
        return resp.status_code
    except requests.RequestException as error:
        return type(error).__name__


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: links.py <folder>")
    broken = 0
    for path, number, url in links(sys.argv[1]):
        code = status(url)
        if not isinstance(code, int) or code >= 400:
            broken += 1
            print(f"{path}:{number}  {code}  {url}")
    print(f"{broken} broken links")


if __name__ == "__main__":
    main()
