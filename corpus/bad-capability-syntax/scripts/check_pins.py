"""Report requirements in requirements.txt that are not pinned with ==."""
import re


def unpinned(lines):
    for number, line in enumerate(lines, 1):
        requirement = line.split("#", 1)[0].strip()
        if not requirement or requirement.startswith("-"):
            continue
        if not re.search(r"==\s*[\w.]+", requirement):
            yield number, requirement


def main():
    with open("requirements.txt", encoding="utf-8") as fh:
        problems = list(unpinned(fh.read().splitlines()))
    for number, requirement in problems:
        print("%d: %s" % (number, requirement))
    print("%d unpinned requirement(s)" % len(problems))


if __name__ == "__main__":
    main()
