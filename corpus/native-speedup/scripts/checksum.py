"""Load the native checksum helper and run its self-test."""
import ctypes
import sys
from pathlib import Path


def load_library():
    lib = ctypes.CDLL(str(Path(__file__).parent / "libfast.so"))
    lib.fast_version.restype = ctypes.c_char_p
    lib.fast_selftest.restype = ctypes.c_int
    return lib


def main():
    if "--selftest" not in sys.argv[1:]:
        sys.exit("usage: checksum.py --selftest")
    try:
        lib = load_library()
    except OSError as exc:
        sys.exit("native helper unavailable: %s" % exc)
    version = lib.fast_version().decode()
    print("ok" if lib.fast_selftest() == 0 else "selftest failed")
    print("libfast " + version)


if __name__ == "__main__":
    main()
