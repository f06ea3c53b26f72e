# The two entry points (see README): `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DATA_HOME := $(if $(XDG_DATA_HOME),$(XDG_DATA_HOME),$(HOME)/.local/share)/drivecurator
CATALOG ?= $(DATA_HOME)/catalog.sqlite
SAMPLE_DIR ?= $(DATA_HOME)/sample-drive
XVFB := xvfb-run -a -s "-screen 0 1600x1000x24"

.PHONY: run test deps build configure sample bench clean

run: deps build sample
	$(BUILD_DIR)/app/gui/drivecurator --catalog "$(CATALOG)"

# The whole suite, then every fuzz harness for 20 s on its corpus (fuzz/: a clang ASan + UBSan build of the parsers).
test: deps build
	cd $(BUILD_DIR) && $(XVFB) ctest --output-on-failure --timeout 900 -j2
	$(MAKE) fuzz-build
	FUZZ_JOBS=2 fuzz/run_fuzzers.sh $(FUZZ_DIR) 20

deps:
	bash installers/debian/install-deps.sh

configure:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# A generated drive in the user's data folder, ingested once (ingest is idempotent).
sample: build
	@if [ ! -d "$(SAMPLE_DIR)" ]; then \
	  $(BUILD_DIR)/app/cli/drivecurator-cli generate --out "$(SAMPLE_DIR)" --frames 100 --cameras 2 --seed 7; \
	fi
	$(BUILD_DIR)/app/cli/drivecurator-cli --catalog "$(CATALOG)" ingest "$(SAMPLE_DIR)"

bench: build
	$(BUILD_DIR)/bench/bench_ingest

clean:
	rm -rf $(BUILD_DIR)

# The Debian package (installers/cpack.cmake): a Release build without tests, then CPack's DEB generator.
PACKAGE_DIR ?= build-package
.PHONY: package
package: deps
	cmake -S . -B $(PACKAGE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DDC_BUILD_TESTS=OFF -DDC_BUILD_BENCH=OFF
	cmake --build $(PACKAGE_DIR) -j $(JOBS)
	cd $(PACKAGE_DIR) && cpack -G DEB
	@ls -l $(PACKAGE_DIR)/drivecurator_*.deb

# libFuzzer harnesses (fuzz/): a clang build with ASan + UBSan of the parsers only, then each harness for FUZZ_SECONDS
# on a copy of its corpus (fuzz/corpus + generated seeds); fails on any crash, leak, timeout or out-of-memory.
# FUZZ_JOBS harnesses run at a time. `make fuzz FUZZ_SECONDS=20` is the CI-sized run (also: ctest in FUZZ_DIR/fuzz).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1
.PHONY: fuzz fuzz-build
fuzz-build:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDC_FUZZ=ON \
	  -DDC_BUILD_GUI=OFF -DDC_BUILD_TESTS=OFF -DDC_BUILD_BENCH=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_all

fuzz: deps fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) fuzz/run_fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)
