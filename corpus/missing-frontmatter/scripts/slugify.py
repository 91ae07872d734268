"""Print a URL slug for a title."""
import re
import sys
import unicodedata

MAX_LENGTH = 60


def slugify(title):
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = "-".join(words)
    return slug[:MAX_LENGTH].rstrip("-")


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: slugify.py "<title>"')
    print(slugify(sys.argv[1]))


if __name__ == "__main__":
    main()
