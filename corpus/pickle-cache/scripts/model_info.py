"""Print the metadata of the cached model in .cache/model.pkl."""
import pickle
from pathlib import Path


def load_model():
    return pickle.loads(Path(".cache/model.pkl").read_bytes())


def main():
    model = load_model()
    meta = model.get("metadata", {})
    print("name:    %s" % meta.get("name", "unknown"))
    print("version: %s" % meta.get("version", "unknown"))
    print("trained: %s" % meta.get("trained_at", "unknown"))
    for metric, value in sorted(meta.get("metrics", {}).items()):
        print("%-8s %.4f" % (metric + ":", value))


if __name__ == "__main__":
    main()
