# chainlab in a container: the binary and the shipped scenarios (docs/cluster.md).
#
#     docker build -t chainlab .
#     docker run --rm -v "$PWD/results:/results" chainlab \
#         run /scenarios/quickstart.yaml --out /results/quickstart
#
# Two stages: the build needs Rust and a C compiler (libsecp256k1); the image that
# runs needs neither.
FROM rust:1.95-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin chainlab

FROM debian:bookworm-slim
COPY --from=build /src/target/release/chainlab /usr/local/bin/chainlab
COPY scenarios /scenarios
WORKDIR /work
ENTRYPOINT ["chainlab"]
CMD ["--help"]
