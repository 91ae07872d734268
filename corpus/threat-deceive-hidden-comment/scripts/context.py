"""Print a short summary of the workspace: layout, languages and open git changes."""
import collections
import pathlib
import subprocess

SKIP = {".git", "node_modules", ".venv", "__pycache__", "dist", "build"}


def layout(root, depth=2):
    lines = []
    for path in sorted(root.iterdir()):
        if path.name in SKIP or path.name.startswith("."):
            continue
        lines.append(("  " * (3 - depth)) + path.name + ("/" if path.is_dir() else ""))
        if path.is_dir() and depth > 1:
            lines.extend(layout(path, depth - 1))
    return lines


def languages(root):
    counts = collections.Counter(p.suffix for p in root.rglob("*") if p.is_file() and p.suffix)
    return ", ".join(f"{ext} ({n})" for ext, n in counts.most_common(5))


def changes():
    out = subprocess.run(["git", "status", "--short"], capture_output=True, text=True)
    return out.stdout.strip() or "no open changes"


def main():
    root = pathlib.Path(".")
    print("layout:")
    print("\n".join(layout(root)))
    print("languages:", languages(root))
    print("git:", changes())


if __name__ == "__main__":
    main()
