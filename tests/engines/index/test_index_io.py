"""Reading COINr's CSV format with the standard library: empty fields, blank lines, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from cityloom.engines.index.coinr_io import meta_groups, read_data, read_meta, read_weights
from cityloom.engines.index.errors import DataFormatError, MetadataError, ProblemList

META = """\
"iCode","Level","Direction","Weight","Parent","Type","iName"
"a","1","1","1","I","Indicator","Alpha"

"b"," 1 ","-1","2","I","Indicator",""
"G","","","","","Group"
"I","2","","1","","Aggregate","Index"
"""


def test_meta_reads_quoted_fields_skips_blank_lines_and_pads_short_rows(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("\ufeff" + META, encoding="utf-8")  # a byte-order mark is ignored
    fw = read_meta(path)
    assert fw.indicator_codes == ("a", "b")
    assert fw.aggregate_codes == ("I",)
    np.testing.assert_array_equal(fw.direction, [1.0, -1.0])
    assert fw.weight == {"a": 1.0, "b": 2.0, "I": 1.0}
    assert fw.names == {"a": "Alpha", "I": "Index"}
    assert meta_groups(path) == ["G"]


def test_data_reads_empty_fields_as_missing_values_and_groups_as_none(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text(META, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text('uCode,a,b,G\nu1,1.5,2,x\nu2,"",3,\nu3,4,1e2,y\n', encoding="utf-8")
    ds = read_data(data, read_meta(meta), group_columns=["G"])
    assert list(ds.unit_codes) == ["u1", "u2", "u3"]
    np.testing.assert_array_equal(ds.X, [[1.5, 2.0], [np.nan, 3.0], [4.0, 100.0]])
    assert list(ds.groups["G"]) == ["x", None, "y"]


def test_every_bad_cell_is_reported_with_its_file_line(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text(META, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("uCode,a,b\nu1,1,2\n,four,1_000\n", encoding="utf-8")
    with pytest.raises(ProblemList) as info:
        read_data(data, read_meta(meta))
    assert [str(p) for p in info.value.problems()] == [
        f"{data}, row 3, column 'uCode': empty uCode",
        f"{data}, row 3, column 'a': 'four' is not a number",
        f"{data}, row 3, column 'b': '1_000' is not a number",
    ]


def test_weights_file_with_an_unknown_code(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text(META, encoding="utf-8")
    weights = tmp_path / "weights.csv"
    weights.write_text("iCode,Weight\na,3\nzz,1\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="row 3, iCode 'zz'"):
        read_weights(weights, read_meta(meta))
    weights.write_text("iCode,Weight\na,3\nI,0.5\n", encoding="utf-8")
    assert read_weights(weights, read_meta(meta)) == {"a": 3.0, "I": 0.5}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable CSV file (no header row)"),
        (b"iCode,Level\na,1,extra\n", "not a readable CSV file (expected 2 fields, saw 3)"),
        (b"iCode,Level\n\xe9,1\n", "not a readable CSV file ('utf-8' codec"),
    ],
)
def test_unreadable_files_are_data_format_errors(tmp_path, content, message):
    path = tmp_path / "meta.csv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_meta(path)


def test_command_line_start_up_does_not_import_pandas():
    code = "import sys, cityloom.engines.index.cli; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
