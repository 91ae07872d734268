"""Run shell commands in order and manage the scratch folder."""
import functools
import os
import shutil

purge = functools.partial(shutil.rmtree, ignore_errors=True)


def run_all(cmds, runner=os.system):
    for c in cmds:
        runner(c)


def reset_scratch():
    purge("/var/tmp/agent")
