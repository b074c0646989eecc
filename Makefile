# kazi build. `make` builds build/release/kazi; `make test` builds the sanitizer build and runs
# every test; `make run` installs what is missing, builds and starts kazi on ./data.
#
# Build-time module switch: `make MODULES="crm tasks"` compiles only those modules
# (default: every directory under src/modules/). `make BUILD_DIR=dir` builds into dir instead
# of build/, so a second configuration does not clobber the first.

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
CC ?= cc
PKGS := libmicrohttpd sqlite3 jansson libsodium gnutls libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

BUILD_DIR ?= build
ALL_MODULES := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard src/modules/*/*.c)))))
MODULES ?= $(ALL_MODULES)
MODULE_DEFS := $(foreach m,$(MODULES),-DKAZI_WITH_$(shell echo $(m) | tr a-z A-Z)=1)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wvla -Wimplicit-fallthrough -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -I$(BUILD_DIR)/gen $(WARN) $(PKG_CFLAGS) $(MODULE_DEFS) \
               -DKAZI_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS := $(PKG_LIBS) -lwslay -lpthread -lm # libwslay-dev ships no pkg-config file

REL := $(BUILD_DIR)/release
ASAN := $(BUILD_DIR)/asan
# CPPFLAGS, CFLAGS and LDFLAGS from the environment go into the release build (the Debian
# package build passes dpkg-buildflags' hardening flags this way)
REL_CFLAGS := -O2 -g $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined $(BASE_CFLAGS)
ASAN_LDFLAGS := -fsanitize=address,undefined

CORE_SRC := $(shell find src/core -name '*.c' | sort)
MOD_SRC := src/modules/modules.c $(foreach m,$(MODULES),$(wildcard src/modules/$(m)/*.c))

# migrations: core and each module, embedded at build time
MIG_DIRS := core:src/core/migrations $(foreach m,$(MODULES),$(m):src/modules/$(m)/migrations)
MIG_GEN := $(foreach d,$(MIG_DIRS),$(BUILD_DIR)/gen/migrations_$(firstword $(subst :, ,$(d))).c)

# Test builds only: EXTRA_MIGRATIONS="MODULE:tests/fixtures/DIR ..." appends the numbered SQL
# files of each fixture directory to that module's migrations, e.g. for a kazi whose upgrade
# fails on purpose (tests/api/upgrade.sh):
#   make BUILD_DIR=build/failmig EXTRA_MIGRATIONS=crm:tests/fixtures/failing-migration asan
# It needs a BUILD_DIR of its own under build/, takes fixture directories only and builds no
# release binary (and no unit tests), so no product build carries them. BUILD_DIR/gen/extra-migrations records the
# setting, so changing it regenerates the embedded migrations.
EXTRA_MIGRATIONS ?=
ifneq ($(strip $(EXTRA_MIGRATIONS)),)
ifeq ($(filter build/%,$(BUILD_DIR)),)
$(error EXTRA_MIGRATIONS needs a build directory of its own: BUILD_DIR=build/NAME)
endif
ifneq ($(filter-out tests/fixtures/%,$(foreach d,$(EXTRA_MIGRATIONS),$(word 2,$(subst :, ,$(d))))),)
$(error EXTRA_MIGRATIONS takes directories under tests/fixtures/ only)
endif
ifneq ($(filter-out core $(MODULES),$(foreach d,$(EXTRA_MIGRATIONS),$(firstword $(subst :, ,$(d))))),)
$(error EXTRA_MIGRATIONS names a module that is not built)
endif
ifneq ($(filter-out asan gen,$(or $(MAKECMDGOALS),all)),)
$(error EXTRA_MIGRATIONS builds test binaries only: make BUILD_DIR=build/NAME EXTRA_MIGRATIONS=... asan)
endif
endif
MIG_STAMP := $(BUILD_DIR)/gen/extra-migrations
$(shell mkdir -p $(BUILD_DIR)/gen && [ -f $(MIG_STAMP) ] && \
        [ "$$(cat $(MIG_STAMP))" = "$(strip $(EXTRA_MIGRATIONS))" ] || \
        echo "$(strip $(EXTRA_MIGRATIONS))" >$(MIG_STAMP))
# the migration directories of module $(1): its own, then a test build's extra ones
mig_dirs = $(if $(filter core,$(1)),src/core/migrations,src/modules/$(1)/migrations) \
           $(foreach d,$(EXTRA_MIGRATIONS),$(if $(filter $(1),$(firstword $(subst :, ,$(d)))),$(word 2,$(subst :, ,$(d)))))

# the browser app: web/ bundled by esbuild into web/dist (hashed names, gzip twins), embedded
WEB_GEN := $(BUILD_DIR)/gen/assets_web.c
WEB_SRC := package.json package-lock.json \
           $(shell find web -name dist -prune -o -name '.dist-*' -prune -o -type f -print 2>/dev/null)

LIB_SRC := $(CORE_SRC) $(MOD_SRC)
GEN_SRC := $(MIG_GEN) $(wildcard $(BUILD_DIR)/gen/assets_*.c)

REL_OBJ := $(patsubst %.c,$(REL)/obj/%.o,$(LIB_SRC) $(MIG_GEN) $(WEB_GEN)) $(REL)/obj/src/main.o
ASAN_LIB_OBJ := $(patsubst %.c,$(ASAN)/obj/%.o,$(LIB_SRC) $(MIG_GEN) $(WEB_GEN))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ := $(patsubst %.c,$(ASAN)/obj/%.o,$(UNIT_SRC))

.PHONY: all release asan test test-quick run bench fuzz fuzz-lib gen clean deps format format-check \
        routes deb
all: release
release: $(REL)/kazi
asan: $(ASAN)/kazi $(if $(strip $(EXTRA_MIGRATIONS)),,$(ASAN)/unit-tests)

$(REL)/kazi: $(REL_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(ASAN)/kazi: $(ASAN_LIB_OBJ) $(ASAN)/obj/src/main.o
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LDLIBS)

$(ASAN)/unit-tests: $(ASAN_LIB_OBJ) $(UNIT_OBJ)
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LDLIBS)

$(REL)/obj/%.o: %.c | $(MIG_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c $< -o $@

$(ASAN)/obj/%.o: %.c | $(MIG_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c $< -o $@

# the fuzz targets' library: every source built by clang with coverage for libFuzzer plus the
# sanitizers, without main.c and without the web app (a target brings its own assets table).
# clang also applies -Wformat-nonliteral to the va_list logger handed to libmicrohttpd, which
# receives the library's own format strings.
FUZZ := $(BUILD_DIR)/fuzz
FUZZ_CC ?= clang
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined $(BASE_CFLAGS) -Wno-format-nonliteral
FUZZ_OBJ := $(patsubst %.c,$(FUZZ)/obj/%.o,$(LIB_SRC) $(MIG_GEN))

fuzz-lib: $(FUZZ)/libkazi.a
gen: $(MIG_GEN) # the generated sources alone (embedded migrations)

$(FUZZ)/libkazi.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ)/obj/%.o: %.c | $(MIG_GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD_DIR)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

# one generated file per module; regenerated when a .sql file or EXTRA_MIGRATIONS changes
.SECONDEXPANSION:
$(BUILD_DIR)/gen/migrations_%.c: $(BUILD_DIR)/tools/embed $(MIG_STAMP) \
                          $$(wildcard $$(addsuffix /*.sql,$$(call mig_dirs,$$*)))
	@mkdir -p $(BUILD_DIR)/gen
	@$(BUILD_DIR)/tools/embed migrations migrations_$* $@ \
	 $(wildcard $(addsuffix /*.sql,$(call mig_dirs,$*)))

# npm ci first when node_modules is missing; the embed output is renamed into place so two
# builds running at once never compile a half-written file
$(WEB_GEN): $(BUILD_DIR)/tools/embed $(WEB_SRC)
	@mkdir -p $(BUILD_DIR)/gen
	@[ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@$(BUILD_DIR)/tools/embed assets assets_web $@.$$$$ web/dist/ $$(find web/dist -type f | LC_ALL=C sort) && \
	 mv $@.$$$$ $@

deps:
	scripts/install-deps

run: deps
	$(MAKE) release
	scripts/run-dev

test: deps
	$(MAKE) asan
	tests/run-all

# the edit-test loop: unit, layering and API suites (no fuzzing, SDKs, browser or load tests)
test-quick: deps
	$(MAKE) asan
	KAZI_TEST_QUICK=1 tests/run-all

bench: deps
	$(MAKE) release
	bench/run

# FUZZ_RUNS executions per target, split over FUZZ_JOBS processes (one per free core)
FUZZ_RUNS ?= 10000000
FUZZ_JOBS ?= 1
fuzz: deps
	tests/fuzz/run-fuzzers --runs $(FUZZ_RUNS) --jobs $(FUZZ_JOBS)

# clang-format (.clang-format) over the C files, prettier (.prettierrc) over the browser app and
# the JavaScript tests and benchmarks; format-check writes nothing and lists the files that differ
format: deps
	tools/format

format-check: deps
	tools/format --check

routes: release
	$(REL)/kazi routes

# the Debian package $(BUILD_DIR)/deb/kazi_VERSION_ARCH.deb: dpkg-buildpackage on a copy of the
# tree in $(BUILD_DIR)/deb/ (see scripts/build-deb and docs/operations.md)
deb: deps
	scripts/build-deb $(BUILD_DIR)/deb

clean:
	rm -rf $(BUILD_DIR)

# dependency files are only read, never remade; the package build's copy of the tree in
# $(BUILD_DIR)/deb has its own
%.d: ;
-include $(shell find $(BUILD_DIR) -path '$(BUILD_DIR)/deb' -prune -o -name '*.d' -type f -print \
           2>/dev/null)
