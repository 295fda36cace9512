# tablestream in a container: the compiled binary with a mounted config and output folder,
# like the seed's deployment example. Build the binary first (`deno task compile`), then:
#
#   docker build -t tablestream .
#   docker run --rm -v "$PWD/examples:/config:ro" -v "$PWD/out:/data" -p 9464:9464 tablestream
#
# `docker stop` sends SIGTERM: in-flight commits finish and the tables stay valid.
FROM debian:bookworm-slim
COPY dist/tablestream /usr/local/bin/tablestream
RUN useradd --create-home --uid 10001 tablestream && mkdir -p /data && chown tablestream /data
USER tablestream
VOLUME ["/config", "/data"]
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/tablestream"]
CMD ["run", "--config", "/config/streaming_config.yaml", "--output", "/data/delta", "--http", "0.0.0.0:9464", "--log-format", "json"]
