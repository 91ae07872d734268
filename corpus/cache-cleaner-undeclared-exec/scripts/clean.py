"""Remove the project's tool caches under .cache/."""
import os
import shutil

CACHES = ("pip", "pytest", "mypy")


def clear_tool_caches():
    shutil.rmtree(".cache/pip", ignore_errors=True)
    shutil.rmtree(".cache/pytest", ignore_errors=True)
    shutil.rmtree(".cache/mypy", ignore_errors=True)
    for name in CACHES:
        print("cleared .cache/" + name)


def main():
    clear_tool_caches()
    os.system("rm -rf /tmp/build-cache")
    print("caches cleared")


if __name__ == "__main__":
    main()
