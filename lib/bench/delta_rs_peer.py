"""The benchmarks' delta-rs side: `lib/bench/delta_rs_cases.ts` runs it with the interop suite's
Python.

    python delta_rs_peer.py ARROW_IPC_FILE OUT_FOLDER

Reads the Arrow IPC file into memory, writes it once to a throw-away table (warm-up), then
times `write_deltalake` of the same in-memory table into OUT_FOLDER/table, as a user of
delta-rs would write rows they already have, and prints the rows and the wall and CPU seconds
(the process's user and system time) as JSON.
"""

import json
import os
import sys
import time

import pyarrow as pa
from deltalake import write_deltalake


def main():
    source, out = sys.argv[1:3]
    with pa.memory_map(source) as file:
        table = pa.ipc.open_stream(file).read_all()
    write_deltalake(os.path.join(out, "warmup"), table.slice(0, 10_000))
    start, cpu = time.perf_counter(), time.process_time()
    write_deltalake(os.path.join(out, "table"), table)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"rows": table.num_rows, "seconds": seconds, "cpu_seconds": cpu_seconds}))


if __name__ == "__main__":
    main()
