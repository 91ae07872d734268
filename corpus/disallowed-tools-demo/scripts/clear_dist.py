"""Remove dist/ and show the project folder afterwards."""
import subprocess
import sys


def main():
    removed = subprocess.run(["rm", "-rf", "dist"])
    if removed.returncode != 0:
        sys.exit("could not remove dist/")
    print("removed dist/")
    subprocess.run(["ls", "-la"])


if __name__ == "__main__":
    main()
