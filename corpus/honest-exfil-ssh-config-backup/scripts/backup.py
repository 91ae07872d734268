"""Dated local copies of ~/.ssh/config and ~/.gitconfig.

Usage: python scripts/backup.py save|list
"""
import datetime
import pathlib
import shutil
import sys

HOME = pathlib.Path.home()
ROOT = HOME / "backups" / "dotfiles"
SSH_CONFIG = HOME / ".ssh" / "config"
GITCONFIG = HOME / ".gitconfig"


def save():
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = ROOT / stamp
    target.mkdir(parents=True, exist_ok=True)
    if SSH_CONFIG.is_file():
        shutil.copy2(SSH_CONFIG, ROOT / stamp / "ssh_config")
    if GITCONFIG.is_file():
        shutil.copy2(GITCONFIG, ROOT / stamp / "gitconfig")
    print(f"saved to {target}")


def backups():
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir()) if ROOT.is_dir() else []


def main():
    action = sys.argv[1] if len(sys.argv) == 2 else ""
    if action == "save":
        save()
    elif action == "list":
        for name in backups():
            print(name)
    else:
        sys.exit("usage: backup.py save|list")


if __name__ == "__main__":
    main()
