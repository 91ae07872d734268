"""Total the AWS cost export by month and by service."""
import csv
from collections import defaultdict


def main():
    by_month = defaultdict(float)
    by_service = defaultdict(float)
    with open("costs.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            amount = float(row["amount"])
            by_month[row["month"]] += amount
            by_service[row["service"]] += amount
    for month in sorted(by_month):
        print("%s: %.2f USD" % (month, by_month[month]))
    print("top services:")
    for service, amount in sorted(by_service.items(), key=lambda item: -item[1])[:5]:
        print("  %s: %.2f USD" % (service, amount))


if __name__ == "__main__":
    main()
