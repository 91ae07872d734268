"""Format a byte count in binary units."""
import sys

UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(count):
    size = float(count)
    for unit in UNITS:
        if size < 1024 or unit == UNITS[-1]:
            return "%.1f %s" % (size, unit) if unit != "B" else "%d B" % size
        size /= 1024


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: human_size.py <bytes>")
    print(human_size(int(sys.argv[1])))


if __name__ == "__main__":
    main()
