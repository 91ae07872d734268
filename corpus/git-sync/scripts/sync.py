"""Fast-forward the current branch and list the commits that arrived."""
import subprocess


def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def main():
    before = git("rev-parse", "HEAD").strip()
    git("pull", "--ff-only")
    print(git("log", "--oneline", f"{before}..HEAD") or "already up to date")


if __name__ == "__main__":
    main()
