# ecs-scheduler. `make demo` runs the daemon against a local AWS emulator; `make test` runs
# every test. Each target installs what it is missing first (scripts/setup.sh).

SWIFT ?= swift
BUILD_FLAGS ?=
DIST ?= dist
VENV := .venv

.PHONY: all debug run build test check bench demo clean setup-system setup-venv

all: setup-system
	$(SWIFT) build $(BUILD_FLAGS)

setup-system:
	@scripts/setup.sh system

setup-venv: setup-system
	@scripts/setup.sh venv

## debug: debug build, run with ECSS_LOG_LEVEL=DEBUG and the caller's environment.
debug: all
	ECSS_LOG_LEVEL=DEBUG .build/debug/ecs-scheduler

## run: release build, run with the caller's environment.
run: setup-system
	$(SWIFT) build -c release $(BUILD_FLAGS)
	.build/release/ecs-scheduler

## build: release binary and first-party plugins in $(DIST)/, ready to copy to a host.
# A separate build folder without the toolchain's run path, so the packaged binaries load
# the Swift runtime from $(DIST)/lib even on a host with another Swift installed.
build: setup-system
	$(SWIFT) build -c release $(BUILD_FLAGS) --scratch-path .build/dist -Xswiftc -no-toolchain-stdlib-rpath \
		-Xlinker -rpath -Xlinker '$$ORIGIN/lib' -Xlinker -rpath -Xlinker '$$ORIGIN/../lib'
	scripts/package.sh .build/dist/release $(DIST)

## test: every unit, integration and end-to-end test (starts its own emulators).
test: setup-venv
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

check: test

## bench: the speed and memory figures; also written to docs/benchmarks.md.
bench: setup-venv
	$(SWIFT) build -c release $(BUILD_FLAGS)
	scripts/bench.sh

## demo: the daemon with a local AWS emulator and a SQLite store, firing example jobs.
demo: setup-venv
	$(SWIFT) build $(BUILD_FLAGS)
	scripts/demo.sh

clean:
	rm -rf .build $(DIST)
