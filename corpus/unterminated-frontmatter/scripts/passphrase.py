"""Print a random passphrase of common words."""
import secrets
import sys

WORDS = (
    "anchor", "bamboo", "candle", "dolphin", "ember", "falcon", "glacier", "harbor",
    "island", "jasmine", "kettle", "lantern", "meadow", "nebula", "orchid", "pepper",
    "quartz", "ribbon", "saddle", "timber", "umbrella", "velvet", "walnut", "yonder",
)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not 3 <= count <= 12:
        sys.exit("choose between 3 and 12 words")
    print("-".join(secrets.choice(WORDS) for _ in range(count)))


if __name__ == "__main__":
    main()
