# Mailroom. The README promises two commands: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/.tools/npm/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true

UI_SOURCES := $(shell find app/src frontend style -type f 2>/dev/null) .cargo/config.toml app/Cargo.toml frontend/Cargo.toml Cargo.toml Cargo.lock Trunk.toml
SERVER_SOURCES := $(shell find server/src server/migrations .sqlx -type f 2>/dev/null) server/Cargo.toml server/build.rs

.PHONY: run build tools test bench fuzz sqlx-prepare clean

## make run: install what is missing, build, serve on http://127.0.0.1:3000 with ./data
run: build
	@echo "==> Starting Mailroom (Ctrl-C stops it)"
	./target/release/mailroom

## make build: target/release/mailroom, one binary with the UI embedded
build: tools target/release/mailroom

tools:
	@./scripts/tools.sh

dist/index.html: $(UI_SOURCES) | tools
	@echo "==> Building the web interface (release wasm, wasm-opt)"
	trunk build --release --offline
	@touch dist/index.html

target/release/mailroom: dist/index.html $(SERVER_SOURCES) $(UI_SOURCES)
	@echo "==> Building the server"
	cargo build --release -p mailroom
	@touch target/release/mailroom

## make test: every suite, then one summary line
test: tools
	@./scripts/test.sh

## make bench: wasm size, filter keystroke time, the server's data path and outbox throughput, each beside a baseline
## measured in the same run
bench: build
	@./bench/run.sh
	@./bench/api.sh
	@BENCH_POSTGRES=1 ./bench/api.sh
	@./bench/outbox.sh
	@BENCH_POSTGRES=1 ./bench/outbox.sh

## make fuzz: every cargo fuzz target for FUZZ_SECONDS (default 180) each, on nightly
fuzz: tools
	@./scripts/fuzz.sh

## make sqlx-prepare: refresh .sqlx/ after changing a query or a migration
sqlx-prepare:
	@./scripts/sqlx-prepare.sh

clean:
	rm -rf dist target
