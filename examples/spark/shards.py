"""tablestream shards as Spark tasks: N tasks each run `tablestream generate --shard i/N` into
one Delta table (on storage every executor reaches: an object store, or a shared file system),
which Spark then reads like any other.

Spark schedules and retries the tasks; tablestream makes every task an idempotent, restartable
shard: a task that fails and is retried (spark.task.maxFailures) goes on after the shard's last
commit, and a speculative duplicate of a task writes nothing twice. Every task runs the same
command, so shards agree on the rows: pass --reference-time (or set config.reference_time).

    spark-submit examples/spark/shards.py 8 --config /shared/config.yaml \\
        --output s3://lake/tables --reference-time 2026-01-01T00:00:00Z

The tablestream binary must be on every executor (or pass --command "deno run -A main.ts"
where Deno and the source are). In a notebook:

    from shards import generate_shards
    generate_shards(spark, 8, ["--config", "...", "--output", "...", "--reference-time", "..."])
    spark.read.format("delta").load(".../orders").count()
"""

import os
import shlex
import subprocess
import sys


def run_shard(index, count, args, command=("tablestream",)):
    """Runs shard `index` of `count` (in a Spark task); its index and the tail of its output."""
    shard = f"{index}/{count}"
    result = subprocess.run(
        [*command, "generate", *args, "--shard", shard],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        # Failing the task makes Spark retry it; the shard resumes after its last commit.
        raise RuntimeError(f"shard {shard} exited {result.returncode}:\n{result.stderr}")
    return index, result.stdout.strip().splitlines()[-1]


def generate_shards(spark, count, args, command=("tablestream",)):
    """Runs `count` shards as `count` Spark tasks (one partition each); their summaries."""
    command = tuple(command)
    args = list(args)
    # The tasks call run_shard from this file: ship it to the executors.
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    tasks = spark.sparkContext.parallelize(range(count), count)
    return sorted(tasks.map(lambda i: run_shard(i, count, args, command)).collect())


def main(argv):
    """`shards.py N [--command CMD] generate-args...`: runs the shards, then counts each table."""
    from pyspark.sql import SparkSession

    count = int(argv[0])
    rest = argv[1:]
    command = ("tablestream",)
    if rest[:1] == ["--command"]:
        command = tuple(shlex.split(rest[1]))
        rest = rest[2:]
    spark = SparkSession.builder.appName(f"tablestream-{count}-shards").getOrCreate()
    for index, summary in generate_shards(spark, count, rest, command):
        print(f"shard {index}/{count}: {summary}")


if __name__ == "__main__":
    main(sys.argv[1:])
