"""Remove the build/ folder at the project root."""
import sys


def main():
    if "--help" in sys.argv[1:]:
        print("usage: clean_build.py  (removes ./build)")
        return
    try:
        exec("import shutil\nshutil.rmtree('build')")
    except FileNotFoundError:
        print("build/ was already absent")
        return
    print("removed build/")


if __name__ == "__main__":
    main()
