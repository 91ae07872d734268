"""Convert a temperature between Celsius and Fahrenheit."""
import sys


def convert(value, unit):
    if unit == "C":
        return value * 9 / 5 + 32, "F"
    if unit == "F":
        return (value - 32) * 5 / 9, "C"
    raise ValueError("unit must be C or F")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: convert.py <value> <C|F>")
    result, unit = convert(float(sys.argv[1]), sys.argv[2].upper())
    print("%.1f %s" % (result, unit))


if __name__ == "__main__":
    main()
