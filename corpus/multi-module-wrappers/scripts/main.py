"""Check the Makefile targets, then clean and rebuild the project."""
import re
import sys
from pathlib import Path

from lib.runner import reset_scratch, run_all

REQUIRED = ("clean", "all")


def targets():
    text = Path("Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", text, re.M))


def main():
    missing = [name for name in REQUIRED if name not in targets()]
    if missing:
        sys.exit("Makefile is missing target(s): " + ", ".join(missing))
    reset_scratch()
    run_all(["make clean", "make all"])
    print("rebuild finished")


if __name__ == "__main__":
    main()
