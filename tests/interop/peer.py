"""The interop suite's Python peer: the engines our users read our tables with, in one process.

`deno task test:interop` (tests/interop/main.ts) starts it with the suite's virtual environment
and points the tests at it (TABLESTREAM_PEER). It serves loopback HTTP:

- `GET /health`: 200 once it listens (Spark may still be starting).
- `POST /exec` with `{"code": "...", "args": {...}}`: runs the Python code in a fresh namespace
  holding `args`, the engines and the helpers below, and answers `{"result": <the name result>}`
  as JSON, or status 500 with the traceback.

One Spark session (local[2], Delta's jars from Maven Central through ivy) serves every Spark
case; the first case that calls `spark()` starts it. It has Hadoop's S3A connector too (see
`S3A_PACKAGES`), so that it reads tables on an S3 API (`read_s3`, the S3 tests' moto).
Tables are compared as canonical rows (`canonical_rows`): one JSON object per row, keys sorted,
integers and decimals as exact text, floats as Python's repr, dates as ISO text, timestamps as
microseconds since the epoch, binary as hex; the rows sorted, so that a digest of their lines is
the same for the same multiset of rows whatever engine, file order or partitioning.
"""

import base64
import hashlib
import json
import os
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

_spark = None
_spark_lock = threading.Lock()

HERE = os.path.dirname(os.path.abspath(__file__))

# Hadoop's S3 connector, S3A, for the Hadoop client that pyspark bundles (hadoop-aws must be its
# exact version), with the AWS SDK v2 modules it loads instead of the SDK's whole bundle, which
# hadoop-aws depends on and which is 558 MB: s3 (with what it pulls in: the SDK's core, auth,
# regions, its Apache and Netty HTTP clients) and s3-transfer-manager, about 9 MB in all.
# Hadoop 3.4.1 is built against SDK 2.24.6, whose s3-transfer-manager Maven Central lacks;
# 2.24.8 is the nearest release with every module.
HADOOP_VERSION = "3.4.1"
S3A_PACKAGES = [
    f"org.apache.hadoop:hadoop-aws:{HADOOP_VERSION}",
    "software.amazon.awssdk:s3:2.24.8",
    "software.amazon.awssdk:s3-transfer-manager:2.24.8",
]
# Not fetched: the bundle; OpenSSL bindings S3A uses only when told to; and what Spark's own
# jars already hold (HttpClient, Commons Logging and Codec, Netty, SLF4J), of other versions.
S3A_EXCLUDES = [
    "software.amazon.awssdk:bundle",
    "org.wildfly.openssl:wildfly-openssl",
    "org.apache.httpcomponents:*",
    "commons-logging:commons-logging",
    "commons-codec:commons-codec",
    "io.netty:*",
    "org.slf4j:*",
]


def _bundled_hadoop():
    """The version of the Hadoop client in pyspark's jars."""
    import pyspark

    jars = os.path.join(os.path.dirname(pyspark.__file__), "jars")
    for name in os.listdir(jars):
        if name.startswith("hadoop-client-api-") and name.endswith(".jar"):
            return name[len("hadoop-client-api-") : -len(".jar")]
    return None


def _start_spark():
    """A Spark session with Delta, for the whole suite."""
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    cache = os.environ["TABLESTREAM_INTEROP_CACHE"]
    bundled = _bundled_hadoop()
    if bundled != HADOOP_VERSION:
        raise RuntimeError(
            f"pyspark bundles Hadoop {bundled}, S3A_PACKAGES are for {HADOOP_VERSION}: "
            "update hadoop-aws and the AWS SDK modules to the ones that Hadoop is built with"
        )
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("tablestream-interop")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        )
        .config("spark.jars.ivy", os.path.join(cache, "ivy"))
        # Maven Central alone, not ~/.m2 first (see the file).
        .config("spark.jars.ivySettings", os.path.join(HERE, "ivysettings.xml"))
        .config("spark.jars.excludes", ",".join(S3A_EXCLUDES))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # VACUUM lists files with this parallelism (10,000 by default: 51 s on a tiny table).
        .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
    )
    session = configure_spark_with_delta_pip(builder, extra_packages=S3A_PACKAGES).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark():
    """The one Spark session, started by the first case that needs it."""
    global _spark
    with _spark_lock:
        if _spark is None:
            _spark = _start_spark()
        return _spark


def _canonical_column(column, data_type):
    """A column's values in canonical form (see the module's docstring)."""
    if pa.types.is_dictionary(data_type):
        column = column.cast(data_type.value_type)
        data_type = data_type.value_type
    if pa.types.is_timestamp(data_type):
        micros = pc.cast(column, pa.timestamp("us", tz=data_type.tz), safe=False)
        return [None if v is None else str(v) for v in pc.cast(micros, pa.int64()).to_pylist()]
    values = column.to_pylist()
    if pa.types.is_integer(data_type):
        return [None if v is None else str(v) for v in values]
    if pa.types.is_floating(data_type):
        return [None if v is None else repr(float(v)) for v in values]
    if pa.types.is_decimal(data_type):
        return [None if v is None else format(v, "f") for v in values]
    if pa.types.is_date(data_type):
        return [None if v is None else v.isoformat() for v in values]
    if pa.types.is_binary(data_type) or pa.types.is_large_binary(data_type):
        return [None if v is None else v.hex() for v in values]
    return values


def canonical_rows(table):
    """The table's rows as canonical JSON lines, sorted."""
    names = sorted(table.column_names)
    columns = [
        _canonical_column(table.column(name), table.schema.field(name).type) for name in names
    ]
    rows = [
        json.dumps(dict(zip(names, values)), sort_keys=True, ensure_ascii=False)
        for values in zip(*columns)
    ] if columns else []
    rows.sort()
    return rows


def _schema_of(table):
    return [{"name": f.name, "type": str(f.type)} for f in table.schema]


def described(table):
    """What the suite compares of a table read by an engine: schema, count, digest, rows."""
    rows = canonical_rows(table)
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:24]
    return {"schema": _schema_of(table), "count": table.num_rows, "digest": digest, "rows": rows}


def read_arrow(engine, path, version=None, columns=None):
    """A table as one engine reads it, as an Arrow table."""
    if engine == "delta-rs":
        table = DeltaTable(path)
        if version is not None:
            table.load_as_version(version)
        return table.to_pyarrow_table(columns=columns)
    if engine == "polars":
        frame = pl.read_delta(path, version=version, columns=columns)
        return frame.to_arrow()
    if engine == "spark":
        reader = spark().read.format("delta")
        if version is not None:
            reader = reader.option("versionAsOf", version)
        frame = reader.load(path)
        if columns is not None:
            frame = frame.select(*columns)
        return frame.toArrow()
    if engine == "ipc":
        with pa.memory_map(path) as source:
            return pa.ipc.open_stream(source).read_all()
    if engine == "parquet":
        return pq.read_table(path, columns=columns)
    raise ValueError(f"unknown engine {engine!r}")


def read(engine, path, version=None, columns=None):
    """`described` of a table as one engine reads it."""
    return described(read_arrow(engine, path, version, columns))


def s3a_settings(endpoint):
    """
    What S3A needs to reach an S3 API at `endpoint` (`http://127.0.0.1:PORT`, moto, which takes
    any keys): the settings a user gives Spark as `spark.hadoop.fs.s3a.*`.
    """
    return {
        "fs.s3a.endpoint": endpoint,
        "fs.s3a.endpoint.region": "us-east-1",
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": "false",
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key": "test",
        "fs.s3a.secret.key": "test",
    }


def read_s3(path, endpoint, version=None, columns=None):
    """
    `described` of a table on an S3 API (`s3://bucket/key`) as Spark reads it through S3A
    (`s3a://bucket/key`). The settings are S3A's per-bucket ones (`fs.s3a.bucket.NAME.*`), set
    in the session's Hadoop configuration: each test process has its own moto, on its own
    port, and its own buckets.
    """
    if not path.startswith("s3://"):
        raise ValueError(f"not an s3:// path: {path!r}")
    bucket = path[len("s3://") :].split("/", 1)[0]
    hadoop = spark().sparkContext._jsc.hadoopConfiguration()
    for key, value in s3a_settings(endpoint).items():
        hadoop.set(key.replace("fs.s3a.", f"fs.s3a.bucket.{bucket}.", 1), value)
    return read("spark", "s3a://" + path[len("s3://") :], version, columns)


def _namespace(args):
    return {
        "args": args,
        "spark": spark,
        "pa": pa,
        "pc": pc,
        "pq": pq,
        "pl": pl,
        "DeltaTable": DeltaTable,
        "write_deltalake": write_deltalake,
        "canonical_rows": canonical_rows,
        "described": described,
        "read": read,
        "read_arrow": read_arrow,
        "read_s3": read_s3,
        "json": json,
        "os": os,
        "base64": base64,
    }


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet: the tests report what matters
        pass

    def _answer(self, status, body):
        data = json.dumps(body, default=str).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._answer(200, {"ok": True, "spark": _spark is not None})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/exec":
            self._answer(404, {"error": "not found"})
            return
        length = int(self.headers.get("content-length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        namespace = _namespace(request.get("args") or {})
        try:
            exec(compile(request["code"], "<test>", "exec"), namespace)
            self._answer(200, {"result": namespace.get("result")})
        except Exception:
            self._answer(500, {"error": traceback.format_exc()})


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
