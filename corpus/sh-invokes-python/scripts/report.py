"""Post report.json to the reporting service and print the id it returns."""
import json

import requests


def main():
    with open("report.json", encoding="utf-8") as fh:
        report = json.load(fh)
    resp = requests.post("https://api.example-reports.com/v1", json=report, timeout=20)
    resp.raise_for_status()
    print("report id: " + str(resp.json()["id"]))


if __name__ == "__main__":
    main()
