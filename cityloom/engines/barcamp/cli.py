"""Command line of the BarCamp engine.

::

    python -m cityloom.engines.barcamp schedule INSTANCE.json --out SCHEDULE.json
        [--time-limit SECONDS | --iterations N] [--seed N] [--effort X] [--pin PINS.json]
        [--previous SCHEDULE.json [--move-penalty W]] [--report REPORT.json]
    python -m cityloom.engines.barcamp evaluate INSTANCE.json SCHEDULE.json
        [--previous SCHEDULE.json]

The first line printed is ``objective: <value>``. Malformed or infeasible input exits
with status 2 and one ``error: ...`` line per problem on standard error. ``--iterations``
runs exactly that many search steps with no clock, so a seed gives the same grid on
any machine, however loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import BarcampError
from .model import (
    Assignment,
    assignments_from_list,
    assignments_to_list,
    instance_from_dict,
    pins_from_list,
)
from .scheduler import DEFAULT_SEED, Report, default_time_limit, evaluate, solve

EXIT_INPUT = 2


class InputError(Exception):
    """A file that cannot be read or parsed; carries one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _load_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError([f"cannot read the {what} {path}: {exc.strerror or exc}"]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([f"the {what} {path} is not valid JSON: {exc}"]) from exc


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text}")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def _summary(report: Report, *, previous: bool) -> list[str]:
    lines = [
        f"objective: {_number(report.objective)}",
        f"satisfied interests: {report.satisfied_interests}",
        f"overflow: {report.overflow_seats} seats over capacity "
        f"(penalty {_number(report.overflow_penalty)}) in {len(report.overflows)} sessions",
        f"unscheduled: {len(report.unscheduled)} topics "
        f"(penalty {_number(report.unscheduled_penalty)})",
    ]
    lines += [f"  left out {x.topic} ({x.demand} votes): {x.reason}" for x in report.unscheduled]
    lines.append(f"clashes: {len(report.clashes)} participant-slots with several voted topics")
    if previous:
        lines.append(f"moves from the previous schedule: {len(report.moved)}")
        if report.withdrawn:
            lines.append(f"withdrawn since: {', '.join(report.withdrawn)}")
    return lines


def _process_age() -> float:
    """Seconds since this process started (Linux /proc), 0 where unknown.

    Interpreter start-up and imports count against ``--time-limit`` too: a caller
    timing the command sees them.
    """
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, uptime - int(stat[19]) / ticks)
    except (OSError, ValueError, IndexError):
        return 0.0


def _schedule(args: argparse.Namespace) -> int:
    instance = instance_from_dict(_load_json(args.instance, "instance"))
    limit = None
    if args.iterations is None:
        limit = (
            args.time_limit
            if args.time_limit is not None
            else default_time_limit(len(instance.topics))
        )
        # Keep at least a tenth of the limit for the search itself.
        limit = max(0.1 * limit, limit - _process_age())
    pins = pins_from_list(_load_json(args.pin, "pin file")) if args.pin else ()
    previous: tuple[Assignment, ...] | None = None
    if args.previous:
        previous = assignments_from_list(
            _load_json(args.previous, "previous schedule"), what="previous schedule"
        )
    solution = solve(
        instance,
        pins=pins,
        previous=previous,
        move_penalty=args.move_penalty,
        seed=args.seed,
        time_limit=limit,
        effort=args.effort,
        iterations=args.iterations,
    )
    Path(args.out).write_text(
        json.dumps(assignments_to_list(solution.schedule), indent=1) + "\n", encoding="utf-8"
    )
    if args.report:
        Path(args.report).write_text(
            json.dumps(dataclasses.asdict(solution.report), indent=1) + "\n", encoding="utf-8"
        )
    report = solution.report
    print("\n".join(_summary(report, previous=previous is not None)))
    stop = "time limit" if report.timed_out else "iteration budget"
    print(f"search: {report.iterations} steps, {report.seconds:.2f} s, seed {report.seed} ({stop})")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    instance = instance_from_dict(_load_json(args.instance, "instance"))
    schedule = assignments_from_list(_load_json(args.schedule, "schedule"))
    previous = None
    if args.previous:
        previous = assignments_from_list(
            _load_json(args.previous, "previous schedule"), what="previous schedule"
        )
    report = evaluate(instance, schedule, previous=previous)
    print("\n".join(_summary(report, previous=previous is not None)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cityloom.engines.barcamp",
        description="Mini BarCamp session grid: build or score a schedule.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sched = sub.add_parser("schedule", help="build a schedule and print its objective")
    sched.add_argument("instance", help="instance JSON (cityloom-barcamp-instance/1)")
    sched.add_argument("--out", required=True, help="where to write the schedule JSON")
    budget = sched.add_mutually_exclusive_group()
    budget.add_argument(
        "--time-limit",
        type=_positive,
        help="seconds; the default grows with the number of topics (1.6 s up to ~46 topics)",
    )
    budget.add_argument(
        "--iterations",
        type=_positive_int,
        help="exact number of search steps, no clock: the same grid on any machine",
    )
    sched.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    sched.add_argument(
        "--effort",
        type=_positive,
        default=1.0,
        help="scales the iteration budget (default 1; not with --iterations)",
    )
    sched.add_argument("--pin", help="JSON list of {topic, slot, room?} forced assignments")
    sched.add_argument(
        "--previous", help="published schedule JSON: re-plan with as few moves as possible"
    )
    sched.add_argument(
        "--move-penalty",
        type=_non_negative,
        help="objective points per moved topic (default: fewest moves among the best grids)",
    )
    sched.add_argument("--report", help="where to write the full report JSON")
    sched.set_defaults(run=_schedule)

    ev = sub.add_parser("evaluate", help="check a schedule and print its objective")
    ev.add_argument("instance")
    ev.add_argument("schedule")
    ev.add_argument("--previous", help="count moves from this schedule")
    ev.set_defaults(run=_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "move_penalty", None) is not None and not args.previous:
        parser.error("--move-penalty needs --previous")
    try:
        return int(args.run(args))
    except (BarcampError, InputError) as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
