"""Print the short status and staged diff of the current repository."""
import subprocess
import sys

MAX_DIFF_CHARS = 20000


def short_status():
    result = subprocess.run(["git", "status", "--short"], capture_output=True, text=True, check=True)
    return result.stdout


def staged_diff():
    return subprocess.check_output(["git", "diff", "--staged"], text=True)


def main():
    status = short_status()
    staged = [line for line in status.splitlines() if line[:1] not in (" ", "?")]
    if not staged:
        print("nothing staged")
        sys.exit(0)
    print("# status")
    print(status)
    diff = staged_diff()
    if len(diff) > MAX_DIFF_CHARS:
        diff = diff[:MAX_DIFF_CHARS] + "\n[diff truncated]"
    print("# staged diff")
    print(diff)


if __name__ == "__main__":
    main()
