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

test: deps build
	cd $(BUILD_DIR) && $(XVFB) ctest --output-on-failure --timeout 900 -j2

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
