"""The benchmarks' tablefaker side: `lib/bench/cases.ts` runs it with the interop suite's Python.

    python tablefaker_peer.py CONFIG WARMUP_CONFIG OUT FILE_TYPE

Exports WARMUP_CONFIG (the same tables with few rows: Faker loads its providers on first use),
then CONFIG, with tablefaker 1.11.1 as its CLI would (`tablefaker --config CONFIG --file_type
FILE_TYPE --target OUT`), and prints the rows of CONFIG and the wall and CPU seconds its export
took (user and system, the process's), as JSON.
"""

import json
import os
import sys
import time
from contextlib import redirect_stdout

import yaml
from tablefaker import tablefaker


def main():
    config, warmup, out, file_type = sys.argv[1:5]
    # After every file tablefaker samples the CPU for a second (psutil.cpu_percent with
    # interval=1): a sleep, not work, left out so that the seconds are generating and writing.
    tablefaker.TableFaker.print_sys_stats = lambda self: None
    for folder in ("warmup", "run"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    # Its progress bar still draws a line per row, as for a user; the lines go nowhere.
    with open(os.devnull, "w") as devnull, redirect_stdout(devnull):
        tablefaker.to_target(file_type, warmup, os.path.join(out, "warmup"))
        start, cpu = time.perf_counter(), time.process_time()
        tablefaker.to_target(file_type, config, os.path.join(out, "run"))
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    with open(config, encoding="utf-8") as file:
        rows = sum(table.get("row_count", 10) for table in yaml.safe_load(file)["tables"])
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu_seconds}))


if __name__ == "__main__":
    main()
