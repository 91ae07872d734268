"""Count the words of a Markdown file."""
import sys
from pathlib import Path


def main():
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    print(len(text.split()))


if __name__ == "__main__":
    main()
