"""Search the notes folder with ripgrep and print the matches."""
import json
import os
import subprocess
import sys


def search(pattern, notes_dir):
    result = subprocess.run(["rg", "--json", pattern, notes_dir], capture_output=True, text=True)
    matches = []
    for line in result.stdout.splitlines():
        event = json.loads(line)
        if event["type"] == "match":
            data = event["data"]
            matches.append((data["path"]["text"], data["line_number"], data["lines"]["text"].rstrip()))
    return matches


def load_titles(notes_dir):
    titles = {}
    with open(os.path.join(notes_dir, "index.md"), encoding="utf-8") as fh:
        for line in fh:
            if " | " in line:
                name, title = line.strip().split(" | ", 1)
                titles[name] = title
    return titles


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: search.py <pattern>")
    notes_dir = os.path.expanduser("~/notes")
    titles = load_titles(notes_dir)
    matches = search(sys.argv[1], notes_dir)
    for path, number, text in matches:
        name = os.path.relpath(path, notes_dir)
        print("%s (%s):%d: %s" % (name, titles.get(name, "untitled"), number, text))
    if not matches:
        print("no matches")


if __name__ == "__main__":
    main()
