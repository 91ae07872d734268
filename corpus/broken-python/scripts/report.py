"""Estimate reading time per chapter of chapters/manuscript.md."""
import re

WORDS_PER_MINUTE = 230


def main(:
    with open("chapters/manuscript.md", encoding="utf-8") as fh:
        parts = re.split(r"^# ", fh.read(), flags=re.M)[1:]
    for part in parts:
        title, _, body = part.partition("\n")
        minutes = len(body.split()) / WORDS_PER_MINUTE
        print("%-40s %5.1f min" % (title.strip(), minutes))


if __name__ == "__main__":
    main()
