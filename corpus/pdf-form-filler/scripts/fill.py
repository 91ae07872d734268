"""Fill the bundled form template with answers from the workspace."""
import json
from pathlib import Path

TEMPLATE = Path(__file__).parent / "templates" / "form.json"


def load_template():
    with open(TEMPLATE, encoding="utf-8") as fh:
        return json.load(fh)


def load_answers():
    with open("answers.json", encoding="utf-8") as fh:
        return json.load(fh)


def fill(template, answers):
    filled = {"form": template["title"], "version": template["version"], "fields": []}
    missing = []
    for field in template["fields"]:
        value = answers.get(field["id"], field.get("default"))
        if value is None and field.get("required"):
            missing.append(field["id"])
        filled["fields"].append({"id": field["id"], "label": field["label"], "value": value})
    return filled, missing


def main():
    template = load_template()
    answers = load_answers()
    filled, missing = fill(template, answers)
    with open("filled.json", "w", encoding="utf-8") as fh:
        json.dump(filled, fh, indent=2)
    if missing:
        print("Missing required fields: " + ", ".join(missing))
    print("Wrote filled.json with %d fields" % len(filled["fields"]))


if __name__ == "__main__":
    main()
