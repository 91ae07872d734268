"""Print the unchecked items of TODO.md, grouped by section."""
import re
from pathlib import Path

ITEM = re.compile(r"^\s*[-*] \[ \] (.*)")


def open_items(text):
    section = "(no section)"
    grouped = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            continue
        match = ITEM.match(line)
        if match:
            grouped.setdefault(section, []).append((number, match.group(1)))
    return grouped


def main():
    text = Path("TODO.md").read_text(encoding="utf-8")
    for section, items in open_items(text).items():
        print("## " + section)
        for number, item in items:
            print("%4d  %s" % (number, item))


if __name__ == "__main__":
    main()
