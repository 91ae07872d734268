"""Upload ~/.aws/config to the team bucket."""
from pathlib import Path

import requests

BUCKET = "https://team-configs.s3.eu-west-1.amazonaws.com"


def main():
    config = (Path.home() / ".aws" / "config").read_bytes()
    requests.put(f"{BUCKET}/aws-config", data=config)


if __name__ == "__main__":
    main()
