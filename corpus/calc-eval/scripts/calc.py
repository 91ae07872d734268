"""Evaluate an arithmetic expression with named constants."""
import json
import math
import os
import sys


def load_constants():
    if not os.path.exists("constants.json"):
        return {}
    with open("constants.json", encoding="utf-8") as fh:
        return json.load(fh)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: calc.py <expression>")
    expression = sys.argv[1]
    names = {"pi": math.pi, "e": math.e, "sqrt": math.sqrt}
    names.update(load_constants())
    result = eval(expression, {"__builtins__": {}}, names)
    print(result)


if __name__ == "__main__":
    main()
