"""Print word counts per chapter of chapters/manuscript.md."""
import re


def words(text):
    return len(re.findall(r"\b[\w'-]+\b", text))


def main():
    with open("chapters/manuscript.md", encoding="utf-8") as fh:
        parts = re.split(r"^# ", fh.read(), flags=re.M)[1:]
    total = 0
    for part in parts:
        title, _, body = part.partition("\n")
        count = words(body)
        total += count
        print("%-40s %7d" % (title.strip(), count))
    print("%-40s %7d" % ("total", total))


if __name__ == "__main__":
    main()
