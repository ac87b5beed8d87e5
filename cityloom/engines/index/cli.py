"""Command line: `python -m cityloom.engines.index build --data ... --meta ... --out ...`.

A thin layer: read files, call `build`, write `result.csv`. Every engine error prints
one line per problem on stderr and exits with status 2; warnings (an indicator whose
normalisation divides by zero) print one line each on stderr and the build goes on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from .coinr_io import meta_groups, read_data, read_meta, read_weights, write_table
from .errors import DataFormatError, IndexEngineError
from .pipeline import STAGES, IndexResult, build
from .spec import PipelineSpec

# COINr's `Aggregated` data set: the normalised indicators beside every aggregate.
AGGREGATED = "Aggregated"
OUTPUT_STAGES = (*STAGES, AGGREGATED)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cityloom.engines.index")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build an index from COINr-format CSV files")
    b.add_argument("--data", required=True, help="iData CSV")
    b.add_argument("--meta", required=True, help="iMeta CSV")
    b.add_argument("--pipeline", help="pipeline YAML (absent: no step but ranks)")
    b.add_argument("--out", required=True, help="result CSV to write")
    b.add_argument("--stage", choices=OUTPUT_STAGES, help="indicator stage to write")
    b.add_argument(
        "--report-dir",
        help="also write treat_details.csv and treat_points.csv (COINr's layout) here",
    )
    return parser


def read_pipeline(path: str | None, fw_meta: str) -> dict[str, object]:
    if path is None:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFormatError(f"cannot read ({exc.strerror})", file=path) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise DataFormatError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=path, row=row
        ) from exc
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataFormatError("the pipeline must be a mapping of steps", file=path)
    return raw


def result_columns(
    result: IndexResult, stage: str | None
) -> tuple[list[str], list[list[str]], dict[str, np.ndarray], list[str]]:
    """Header keys, key rows, numeric columns and integer columns of `result.csv`."""
    fw = result.framework
    name = stage or AGGREGATED
    # The aggregates sit beside the indicators they were computed from.
    st = result.stages["Normalised" if name == AGGREGATED else name]
    header = ["uCode"] if st.times is None or np.unique(st.times).size < 2 else ["uCode", "Time"]
    keys = [
        [str(c)] if len(header) == 1 else [str(c), str(t)]
        for c, t in zip(
            st.unit_codes, st.times if st.times is not None else st.unit_codes, strict=True
        )
    ]
    columns = {code: st.X[:, j] for j, code in enumerate(fw.indicator_codes)}
    ints: list[str] = []
    if name == AGGREGATED and not np.isnan(result.aggregates).all():
        for j, code in enumerate(fw.aggregate_codes):
            columns[code] = result.aggregates[:, j]
        if stage is None:
            for code in fw.meta_order:
                columns[f"Rank_{code}"] = result.rank(code)
                ints.append(f"Rank_{code}")
    return header, keys, columns, ints


def write_treat_report(result: IndexResult, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    report = result.treat_report
    if report is None:
        return
    rows = np.flatnonzero(report.treated)
    any_log = bool(report.log.any())
    with open(directory / "treat_details.csv", "w", encoding="utf-8") as handle:
        head = [
            "iCode",
            "check_SkewKurt0.Pass",
            "check_SkewKurt0.Skew",
            "check_SkewKurt0.Kurt",
            "winsorise.nwin",
            "check_SkewKurt1.Pass",
            "check_SkewKurt1.Skew",
            "check_SkewKurt1.Kurt",
        ]
        if any_log:
            head += ["check_SkewKurt2.Pass", "check_SkewKurt2.Skew", "check_SkewKurt2.Kurt"]
        handle.write(",".join(head) + "\n")

        def num(v: float) -> str:
            return "" if np.isnan(v) else repr(float(v))

        def flag(v: float) -> str:
            return "" if np.isnan(v) else ("TRUE" if v else "FALSE")

        for j in rows:
            cells = [
                report.codes[j],
                "TRUE" if report.pass0[j] else "FALSE",
                num(report.skew0[j]),
                num(report.kurt0[j]),
                "" if np.isnan(report.nwin[j]) else str(int(report.nwin[j])),
                flag(report.pass1[j]),
                num(report.skew1[j]),
                num(report.kurt1[j]),
            ]
            if any_log:
                cells += [flag(report.pass2[j]), num(report.skew2[j]), num(report.kurt2[j])]
            handle.write(",".join(cells) + "\n")
    st = result.stages["Treated"]
    with open(directory / "treat_points.csv", "w", encoding="utf-8") as handle:
        handle.write(",".join(["uCode", *report.codes]) + "\n")
        for i, code in enumerate(st.unit_codes):
            handle.write(",".join([str(code), *[str(p) for p in report.points[i]]]) + "\n")


def run_build(args: argparse.Namespace) -> None:
    fw = read_meta(args.meta)
    raw = read_pipeline(args.pipeline, args.meta)
    spec = PipelineSpec.parse(raw, fw)
    weights = None
    if spec.aggregate is not None and spec.aggregate.weights_file is not None:
        path = Path(spec.aggregate.weights_file)
        if not path.exists() and args.pipeline is not None:
            path = Path(args.pipeline).parent / path
        weights = read_weights(path, fw)
    ds = read_data(args.data, fw, group_columns=meta_groups(args.meta))
    result = build(ds, fw, spec, weights=weights)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    header, keys, columns, ints = result_columns(result, args.stage)
    write_table(args.out, header, keys, columns, integer_columns=ints)
    if args.report_dir:
        write_treat_report(result, Path(args.report_dir))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            run_build(args)
    except IndexEngineError as exc:
        for problem in exc.problems():
            print(f"error: {problem}", file=sys.stderr)
        return 2
    return 0
