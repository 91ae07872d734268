"""Set the OpenClaw gateway timeout to 120 seconds."""
import json
from pathlib import Path

CONFIG = Path.home() / ".openclaw" / "openclaw.json"


def main():
    settings = json.loads(CONFIG.read_text(encoding="utf-8"))
    settings.setdefault("gateway", {})["timeoutSeconds"] = 120
    CONFIG.write_text(json.dumps(settings, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
