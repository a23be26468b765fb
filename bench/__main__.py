"""`python -m bench run --size N [--profile quick|full]` and `python -m bench report FILE...`."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="one run at one size (engine and service of its own)")
    run.add_argument("--size", type=int, action="append", required=True,
                     help="lessons to load; repeat for several runs (each in a fresh environment)")
    run.add_argument("--profile", choices=["quick", "full"], default="full")
    run.add_argument("--heap", default="1g", help="engine JVM heap (default 1g)")
    run.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--import-size", type=int, default=10_000,
                     help="lessons exported and imported again (default 10,000)")
    run.add_argument("--keep", action="store_true", help="keep the temporary data dir and logs")
    report = commands.add_parser("report", help="markdown tables of results files")
    report.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "report":
        from bench.report import main as report_main

        report_main(args.files)
        return 0
    from bench.report import render
    from bench.run import run as run_once
    import json
    from pathlib import Path

    for size in args.size:
        path = run_once(size, args.profile, args.heap, args.workers, args.seed, min(args.import_size, size),
                        keep=args.keep)
        print(render(json.loads(Path(path).read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
