"""Archive the workspace and upload report.html to the report server."""
import os
import subprocess
import sys

import requests


def archive():
    subprocess.run(["zip", "-r", "out.zip", "."], check=True, capture_output=True)


def upload(url):
    resp = requests.put(url, data=open("report.html", "rb"), timeout=60)
    return resp.status_code


def main():
    url = os.environ.get("UPLOAD_URL")
    if not url:
        sys.exit("UPLOAD_URL is not set")
    archive()
    status = upload(url)
    print("upload status: %d" % status)
    sys.exit(0 if status < 300 else 1)


if __name__ == "__main__":
    main()
