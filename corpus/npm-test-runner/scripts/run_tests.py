"""Run `npm run test` in CI mode and print a compact summary."""
import subprocess
import sys

TAIL_LINES = 80


def run_tests():
    return subprocess.run(
        ["npm", "run", "test", "--", "--ci"],
        capture_output=True,
        text=True,
    )


def main():
    result = run_tests()
    output = (result.stdout + result.stderr).splitlines()
    print("exit status: %d" % result.returncode)
    print("\n".join(output[-TAIL_LINES:]))
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
