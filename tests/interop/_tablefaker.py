"""tablefaker's side of tests/interop/tablefaker_test.ts, run in the interop peer.

The test sends this file's text with a line that calls one of its functions (the peer runs it
in its namespace, see peer.py):

- `run_tablefaker(config, out, file_type, seed)` runs tablefaker 1.11.1's export of a config
  into a folder, as `tablefaker --config ... --file_type ... --target out` would.
- `profile(paths, file_type, keys)` reads what a tool wrote for one table and describes it as
  the test compares it. Both tools' files go through it, so they are described alike.
"""

import contextlib
import csv
import io
import json
import os
import re

import pyarrow.parquet as pq


def run_tablefaker(config, out, file_type, seed):
    """Runs tablefaker's export; None when it worked, else the error it raised, as text."""
    from tablefaker import tablefaker

    os.makedirs(out, exist_ok=True)
    maker = tablefaker.TableFaker
    sample = maker.print_sys_stats
    # After every file tablefaker samples the CPU for a second (psutil.cpu_percent with
    # interval=1): a sleep that changes nothing it writes.
    maker.print_sys_stats = lambda self: None
    try:
        # Its progress bar prints a line per row.
        with contextlib.redirect_stdout(io.StringIO()):
            tablefaker.to_target(file_type, config, out, seed=seed)
        return None
    except Exception as error:  # the test decides which failures are expected
        return f"{type(error).__name__}: {error}"
    finally:
        maker.print_sys_stats = sample


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d([ T])\d\d:\d\d:\d\d(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?")


def text_form(text):
    """What a value written as text looks like, as a reader would take it: a pattern."""
    if text == "":
        return "empty"
    if re.fullmatch(r"-?\d+", text):
        return "123"
    if re.fullmatch(r"-?\d+\.\d+", text):
        return "1.5"
    if re.fullmatch(r"-?\d+(\.\d+)?[eE][-+]\d+", text):
        return "1e-05"
    if text in ("True", "False"):
        return "True"
    if text in ("true", "false"):
        return "true"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return "YYYY-MM-DD"
    match = _TIMESTAMP.fullmatch(text)
    if match:
        fraction = "." + "f" * len(match.group(2)) if match.group(2) else ""
        zone = match.group(3) or ""
        if zone not in ("", "Z"):
            zone = "+HH:MM"
        return f"YYYY-MM-DD{match.group(1)}HH:MM:SS{fraction}{zone}"
    return "text"


def json_form(value):
    """What a JSON value looks like: its JSON type, and a string's text form."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int):
        return "123"
    if isinstance(value, float):
        return "1.5"
    if isinstance(value, str):
        return '"' + text_form(value) + '"'
    return type(value).__name__


def _read_text_files(paths, file_type):
    """Columns, rows per file, and every value (None for a null) of CSV or JSON files."""
    columns, file_rows, values = None, [], []
    for path in paths:
        if file_type == "csv":
            with open(path, newline="", encoding="utf-8") as file:
                records = list(csv.reader(file))
            header, rows = records[0], records[1:]
        else:
            with open(path, encoding="utf-8") as file:
                objects = json.load(file)
            header = list(objects[0].keys()) if objects else columns or []
            rows = [[obj.get(name) for name in header] for obj in objects]
        if columns is not None and header != columns:
            raise ValueError(f"{path} has columns {header}, the first file {columns}")
        columns = header
        file_rows.append(len(rows))
        values.extend(rows)
    return columns or [], file_rows, values


def profile(paths, file_type, keys):
    """
    One table as a tool wrote it in `paths`: its files' names and rows, columns in order, row
    count, per column the null count, the Parquet types and nullability or the forms of the
    values (text forms in CSV, where an empty field is a null; JSON types and text forms in
    JSON), and the values of the `keys` columns (as text, None for a null) to check keys with.
    """
    result = {"files": [os.path.basename(p) for p in paths]}
    if not paths:
        return {**result, "file_rows": [], "columns": [], "rows": 0, "nulls": {}, "values": {}}
    if file_type == "parquet":
        tables = [pq.read_table(p) for p in paths]
        columns = tables[0].column_names
        result["file_rows"] = [t.num_rows for t in tables]
        result["types"] = {
            name: sorted({str(t.schema.field(name).type) for t in tables}) for name in columns
        }
        result["nullable"] = {
            name: all(t.schema.field(name).nullable for t in tables) for name in columns
        }
        result["nulls"] = {name: sum(t.column(name).null_count for t in tables) for name in columns}
        result["values"] = {
            name: [None if v is None else str(v) for t in tables for v in t.column(name).to_pylist()]
            for name in keys
        }
    else:
        columns, file_rows, rows = _read_text_files(paths, file_type)
        result["file_rows"] = file_rows
        form = text_form if file_type == "csv" else json_form
        null = "empty" if file_type == "csv" else "null"
        forms = {name: {} for name in columns}
        for row in rows:
            for name, value in zip(columns, row):
                kind = form(value)
                forms[name][kind] = forms[name].get(kind, 0) + 1
        result["forms"] = forms
        result["nulls"] = {name: forms[name].get(null, 0) for name in columns}
        index = {name: i for i, name in enumerate(columns)}
        text = (lambda v: v) if file_type == "csv" else json.dumps
        result["values"] = {
            name: [None if row[index[name]] in ("", None) else text(row[index[name]]) for row in rows]
            for name in keys
            if name in index
        }
    result["columns"] = columns
    result["rows"] = sum(result["file_rows"])
    return result
