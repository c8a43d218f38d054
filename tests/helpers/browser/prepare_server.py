"""Prepare the browser tests' database with the project's own CLI commands, in one interpreter.

Run as `python -m tests.helpers.browser.prepare_server` with the server's LEARNAPP_* environment. It runs
`db upgrade` when migrations/versions holds a revision (else `db.create_all()`), then `rules load`, `scoring load`,
`content sync` and `demo load` when those commands exist, exactly as `make run` does, but in one
process (each `flask` start costs about two seconds of imports). Prints one JSON line: the commands
found, each command's output, and the routes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from learnapp import create_app
from learnapp.db import db

ROOT = Path(__file__).resolve().parents[3]
STEPS = [("rules", "load"), ("scoring", "load"), ("content", "sync"), ("demo", "load")]


def main() -> int:
    app = create_app()
    runner = app.test_cli_runner()  # its output holds stdout and stderr together
    commands = sorted(app.cli.list_commands(None))
    outputs: dict[str, str] = {}

    def run(*args: str) -> None:
        result = runner.invoke(args=list(args), catch_exceptions=False)
        text = result.output
        outputs[" ".join(args)] = text
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(args)} exited with {result.exit_code}:\n{text}")

    if any((ROOT / "migrations" / "versions").glob("*.py")):
        run("db", "upgrade")
    else:
        with app.app_context():
            db.create_all()
    for group, command in STEPS:
        if group in commands:
            run(group, command)
    routes = [(rule.endpoint, ",".join(sorted(rule.methods or ())), rule.rule) for rule in app.url_map.iter_rules()]
    print(json.dumps({"commands": commands, "outputs": outputs, "routes": routes}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
