# SPDX-License-Identifier: Apache-2.0
# Gantry build. `make` builds the library, the CLI and the example;
# `make check` builds and runs every test (plain, ASan+UBSan, ThreadSanitizer);
# `make demo` compiles the shipped packs and matches the shipped corpus.
#
# Sources are picked up by wildcard per folder, so adding a file needs no
# edit here. Build trees: build/ (plain), build-asan/ (SAN=1), build-tsan/
# (SAN=thread).
#
# Every public target first makes sure the Debian packages are there, then
# runs itself again in a new make: pkg-config flags are computed when a
# Makefile is read, so a make that installed packages must not build with
# the flags it read before.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-asan
OPT ?= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(SAN),thread)
# The ThreadSanitizer build also takes the VM's computed-goto dispatch, so
# `make check` runs both dispatches (plain and ASan builds use the switch).
BUILD ?= build-tsan
OPT ?= -O1 -fsanitize=thread -fno-omit-frame-pointer -DGANTRY_COMPUTED_GOTO=1
else
BUILD ?= build
OPT ?= -O2
endif

PREFIX ?= /usr/local
CC ?= cc
PKGS := libcjson libpcre2-8 zlib yaml-0.1
# Compressed input (cli/common/decode.c): xz, zstd; bzip2 has no .pc file on
# Debian 12, so its header is checked and -lbz2 linked by hand.
INPUT_PKGS := liblzma libzstd
# gantry serve (cli/serve/): the audit webhook receiver, TLS through GnuTLS.
# It checks TLS client certificates itself, through GnuTLS.
SERVE_PKGS := libmicrohttpd gnutls
# Everything a build or a test uses, tools included: a test never skips for
# want of a package this list could have installed.
APT_PACKAGES := gcc make pkg-config flex bison libcjson-dev libpcre2-dev libcmocka-dev \
	libyaml-dev zlib1g-dev libnats-dev nats-server jq valgrind python3 \
	python3-venv python3-setuptools python3-wheel golang-go liblzma-dev libzstd-dev libbz2-dev \
	xz-utils zstd bzip2 libmicrohttpd-dev libgnutls28-dev curl openssl
DEP_TOOLS := flex bison pkg-config jq valgrind nats-server python3 go xz zstd bzip2 curl openssl
DEP_PKGS := $(PKGS) $(INPUT_PKGS) $(SERVE_PKGS) cmocka libnats
DEP_HEADERS := bzlib.h
# Python modules the binding's install test needs (Debian's python3, not any
# other interpreter first on PATH).
DEP_PY_MODULES := ensurepip setuptools wheel

ifeq ($(GANTRY_DEPS_CHECKED),)
# ---- first pass: dependencies, then the same goals in a fresh make --------
PUBLIC_GOALS := all check test demo bench install fuzz fuzz-build tsan-test docs
GOALS := $(or $(MAKECMDGOALS),all)
.PHONY: $(PUBLIC_GOALS) depcheck deps forward
# Every goal is handed to one second-pass make: a make per goal would build
# the objects they share twice at once under -j. Only public goals need the
# packages checked first; other targets (files, clean, format) pass straight
# through.
forward: $(if $(filter $(PUBLIC_GOALS),$(GOALS)),depcheck)
	@$(MAKE) --no-print-directory GANTRY_DEPS_CHECKED=1 $(GOALS)
$(PUBLIC_GOALS): forward
	@:

depcheck:
	@missing=""; \
	for t in $(DEP_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	for p in $(DEP_PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	for m in $(DEP_PY_MODULES); do /usr/bin/python3 -c "import $$m" 2>/dev/null || missing="$$missing python3:$$m"; done; \
	for h in $(DEP_HEADERS); do echo "#include <$$h>" | $(CC) -E -x c - >/dev/null 2>&1 \
	  || missing="$$missing $$h"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && [ "$(AUTO_DEPS)" != 0 ]; then \
	    echo "missing:$$missing; installing them (running as root)"; \
	    $(MAKE) --no-print-directory deps || exit 1; \
	  else \
	    echo "missing build dependencies:$$missing"; \
	    echo "install them with: sudo apt-get install -y $(APT_PACKAGES)"; \
	    echo "(or: sudo make deps)"; exit 1; \
	  fi; \
	fi

deps:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES)

# The Makefile itself is never remade. Any other target reaches the second
# pass through `forward`, which always runs: an existing file such as
# build/tests/test_vm is rebuilt there when its sources changed.
Makefile: ;
%: forward
	@:
else
# ---- second pass: the build itself -----------------------------------------
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# The CLI's own packages (compressed input, the HTTP server): their include
# paths go to what may see cli/, never to runtime/, grammar/ or compiler/.
CLI_PKG_CFLAGS := $(shell pkg-config --cflags $(INPUT_PKGS) $(SERVE_PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)
# Only the CLI (gantry consume) talks to NATS; the runtime library does not.
NATS_LIBS := $(shell pkg-config --libs libnats)
# Only the CLI reads compressed input.
INPUT_LIBS := $(shell pkg-config --libs $(INPUT_PKGS)) -lbz2
# Only the CLI serves HTTP (gantry serve).
SERVE_LIBS := $(shell pkg-config --libs $(SERVE_PKGS))
CLI_LIBS := $(NATS_LIBS) $(INPUT_LIBS) $(SERVE_LIBS)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -fPIC $(OPT) $(WARN) \
	$(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(OPT) $(LDFLAGS)

# ---- the rules between folders ----------------------------------------------
# Each runtime subsystem sees the public header and the folders named here,
# nothing else: the compiler enforces the layering, not a reviewer.
#   base       status, limits, string helpers: needs nothing
#   normalize  raw events -> schema: never sees the pack
#   pack       format, loader, verifier, disassembler
#   read       the pack-driven event reader (raw line -> the paths a pack reads)
#   index      field extraction (from the tree or the reader), logsource dispatch, prefilter
#   vm         the interpreter and its predicates
#   correlate  counts and sequences over time windows
#   api        the public functions: the one place that sees every subsystem
RT_DIRS := base normalize pack read index vm correlate api
RT_SEES_base :=
RT_SEES_normalize := base
RT_SEES_pack := base
RT_SEES_read := base pack
RT_SEES_index := base pack read
RT_SEES_vm := base pack index
RT_SEES_correlate := base pack index
RT_SEES_api := base normalize pack read index vm correlate
rt_inc = -Iinclude -Iruntime/$(1) $(foreach d,$(RT_SEES_$(1)),-Iruntime/$(d))
# The front ends build syntax trees and know nothing of bytecode; the compiler
# sees the pack format (to write it) and the limits, never the VM.
GRAMMAR_INC := -Iinclude -Igrammar -I$(BUILD)/gen -Iruntime/base
COMPILER_INC := $(GRAMMAR_INC) -Icompiler -Icompiler/sigma -Iruntime/pack
# The CLI, tests, benchmarks and fuzz targets may see everything.
ALL_INC := $(COMPILER_INC) $(foreach d,$(RT_DIRS),-Iruntime/$(d)) -Icli $(addprefix -I,$(wildcard cli/*/))
CFLAGS_ALL := $(BASE_CFLAGS) $(CLI_PKG_CFLAGS) $(ALL_INC)
# Generated flex/bison code is not ours to warn about.
GEN_CFLAGS := $(filter-out -Werror -Wshadow -Wstrict-prototypes,$(BASE_CFLAGS)) $(GRAMMAR_INC) \
	-Wno-unused-function -Wno-sign-compare

RUNTIME_SRC := $(sort $(wildcard runtime/*/*.c))
FRONT_SRC := $(sort $(wildcard grammar/*.c compiler/*.c compiler/*/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c cli/*/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
# field_knowledge: what the CLI gives the compiler for W030, for the golden diagnostics
TEST_SUPPORT_SRC := $(sort $(wildcard tests/support/*.c)) cli/common/field_knowledge.c
LEXER := $(wildcard grammar/*.l)
PARSER := $(wildcard grammar/*.y)
GEN_C := $(patsubst grammar/%.y,$(BUILD)/gen/%.tab.c,$(PARSER)) \
	$(patsubst grammar/%.l,$(BUILD)/gen/%.yy.c,$(LEXER))
GEN_H := $(patsubst grammar/%.y,$(BUILD)/gen/%.tab.h,$(PARSER)) \
	$(patsubst grammar/%.l,$(BUILD)/gen/%.yy.h,$(LEXER))
# The built-in Sigma mappings are the files in rules/mappings/, compiled in.
MAPPINGS := $(sort $(wildcard rules/mappings/*.yml))
GEN_C += $(BUILD)/gen/sigma_builtin.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
RUNTIME_OBJ := $(call obj,$(RUNTIME_SRC))
FRONT_OBJ := $(call obj,$(FRONT_SRC)) $(patsubst $(BUILD)/gen/%.c,$(BUILD)/obj/gen/%.o,$(GEN_C))
CLI_OBJ := $(call obj,$(CLI_SRC))
TEST_SUPPORT_OBJ := $(call obj,$(TEST_SUPPORT_SRC))
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(sort $(wildcard bench/*.c)))

LIB_A := $(BUILD)/libgantry.a
# The shared library's ABI version, apart from the program's version: the
# major number (the SONAME) changes only when the ABI breaks.
SO_MAJOR := 1
SO_FULL := $(SO_MAJOR).0.0
LIB_SO := $(BUILD)/libgantry.so
LIB_SONAME := libgantry.so.$(SO_MAJOR)
LIB_SO_REAL := libgantry.so.$(SO_FULL)
VERSION := $(shell sed -n 's/^\#define GANTRY_VERSION_STRING "\(.*\)"/\1/p' include/gantry.h)
FRONT_A := $(BUILD)/libgantryc.a
# libgantry-compiler: the front ends and compiler as an installed library
# (include/gantry_compiler.h); it links against libgantry, never the reverse.
COMPILER_A := $(BUILD)/libgantry-compiler.a
COMPILER_SO := $(BUILD)/libgantry-compiler.so
COMPILER_SONAME := libgantry-compiler.so.1
FILTER := $(BUILD)/examples/filter
GANTRY := $(BUILD)/gantry
EMBED := $(BUILD)/examples/embed
PACK_DOC_GEN := $(BUILD)/tools/gen_pack_doc

.PHONY: all check test demo bench install clean fuzz format tsan-test docs
all: $(LIB_A) $(LIB_SO) $(GANTRY) $(EMBED) $(FILTER) $(COMPILER_A) $(COMPILER_SO) $(PACK_DOC_GEN)

# ---- code generation -----------------------------------------------------
# Generated sources are kept: make must not delete them as intermediates.
.SECONDARY: $(GEN_C) $(GEN_H)
$(BUILD)/gen/%.tab.c $(BUILD)/gen/%.tab.h: grammar/%.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/$*.tab.h -o $(BUILD)/gen/$*.tab.c $<

$(BUILD)/gen/%.yy.c $(BUILD)/gen/%.yy.h: grammar/%.l $(patsubst grammar/%.y,$(BUILD)/gen/%.tab.h,$(PARSER))
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/$*.yy.h -o $(BUILD)/gen/$*.yy.c $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(GEN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/sigma_builtin.c: tools/gen_builtin_mappings.sh $(MAPPINGS)
	@mkdir -p $(dir $@)
	sh tools/gen_builtin_mappings.sh $(MAPPINGS) > $@.tmp && mv $@.tmp $@
# generated by us, so held to our warnings
$(BUILD)/obj/gen/sigma_builtin.o: GEN_CFLAGS := $(BASE_CFLAGS) $(COMPILER_INC)

# docs/pack-format.md's opcode and section tables come from the pack headers:
# `make docs` rewrites them, tests/cli/pack_doc.sh fails when they differ.
$(PACK_DOC_GEN): tools/gen_pack_doc.c runtime/pack/opcodes.h runtime/pack/pack_format.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iruntime/pack -o $@ $<

docs: $(PACK_DOC_GEN)
	$(PACK_DOC_GEN) < docs/pack-format.md > $(BUILD)/pack-format.md.tmp
	mv $(BUILD)/pack-format.md.tmp docs/pack-format.md

# ---- objects ---------------------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# runtime/ links alone, each subsystem seeing only what RT_SEES_* allows.
$(foreach d,$(RT_DIRS),$(eval $(BUILD)/obj/runtime/$(d)/%.o: CFLAGS_ALL := \
	$(BASE_CFLAGS) -fvisibility=hidden $(call rt_inc,$(d))))
$(BUILD)/obj/grammar/%.o: CFLAGS_ALL := $(BASE_CFLAGS) $(GRAMMAR_INC)
$(BUILD)/obj/compiler/%.o: CFLAGS_ALL := $(BASE_CFLAGS) $(COMPILER_INC)

# ---- libraries and programs -------------------------------------------------
$(LIB_A): $(RUNTIME_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# libgantry.so.1.0.0 with SONAME libgantry.so.1; libgantry.so.1 and the
# development link libgantry.so point at it, as installed.
$(LIB_SO): $(RUNTIME_OBJ) runtime/api/libgantry.map
	$(CC) -shared -o $(BUILD)/$(LIB_SO_REAL) -Wl,-soname,$(LIB_SONAME) $(RUNTIME_OBJ) \
		-Wl,--version-script=runtime/api/libgantry.map $(LDFLAGS_ALL) $(PKG_LIBS) -lm
	ln -sf $(LIB_SO_REAL) $(BUILD)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $@

$(FRONT_A): $(FRONT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(COMPILER_A): $(FRONT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The front ends use runtime/base helpers (number text, CIDR, file reading),
# which libgantry.so keeps hidden: the shared compiler library carries its
# own copy of those objects, local to it.
COMPILER_SO_OBJ := $(FRONT_OBJ) $(filter $(BUILD)/obj/runtime/base/%,$(RUNTIME_OBJ))
$(COMPILER_SO): $(COMPILER_SO_OBJ) compiler/libgantry-compiler.map $(LIB_SO)
	$(CC) -shared -o $@ $(COMPILER_SO_OBJ) -Wl,--version-script=compiler/libgantry-compiler.map \
		-Wl,-soname,$(COMPILER_SONAME) $(LDFLAGS_ALL) -L$(BUILD) -lgantry $(PKG_LIBS) -lm
	ln -sf libgantry-compiler.so $(BUILD)/$(COMPILER_SONAME)

$(GANTRY): $(CLI_OBJ) $(FRONT_A) $(LIB_A)
	$(CC) -o $@ $(CLI_OBJ) $(FRONT_A) $(LIB_A) $(LDFLAGS_ALL) $(PKG_LIBS) $(CLI_LIBS) -lm -lpthread

# The example links the runtime alone, proving it needs nothing else.
$(EMBED): examples/embed.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iinclude -o $@ $< $(LIB_A) $(LDFLAGS_ALL) $(PKG_LIBS) -lm

$(FILTER): examples/filter.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iinclude -o $@ $< $(LIB_A) $(LDFLAGS_ALL) $(PKG_LIBS) -lm -lpthread

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(FRONT_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(TEST_SUPPORT_OBJ) $(FRONT_A) $(LIB_A) $(LDFLAGS_ALL) $(PKG_LIBS) $(CMOCKA_LIBS) -lm -lpthread

$(BUILD)/bench/%: bench/%.c $(FRONT_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(FRONT_A) $(LIB_A) $(LDFLAGS_ALL) $(PKG_LIBS) -lm -lpthread

# bench/keywords_bench times vectorscan against the keyword automaton
# (docs/performance.md): the one bench program with a package of its own,
# which `make bench` needs and `make check` does not.
BENCH_PKGS := libhs
BENCH_APT_PACKAGES := libvectorscan-dev
$(BUILD)/bench/keywords_bench: bench/keywords_bench.c $(FRONT_A) $(LIB_A)
	@pkg-config --exists $(BENCH_PKGS) || { echo "make bench needs $(BENCH_PKGS): \
	sudo apt-get install -y $(BENCH_APT_PACKAGES)"; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $$(pkg-config --cflags $(BENCH_PKGS)) -o $@ $< $(FRONT_A) $(LIB_A) \
		$(LDFLAGS_ALL) $(PKG_LIBS) $$(pkg-config --libs $(BENCH_PKGS)) -lm -lpthread

# test_reader compares the reader with cJSON over generated events too.
$(BUILD)/tests/test_reader: | $(BUILD)/bench/gen_events

# ---- running ---------------------------------------------------------------
test: all $(TEST_BIN)
	@BUILD=$(BUILD) SAN=$(SAN) sh tests/run_tests.sh

# Each build's runner leaves its counts in $(BUILD)/test-summary; the last
# line of `make check` adds them up. A failing build does not stop the
# others, so one run shows everything that fails.
check:
	@rc=0; rm -f build/test-summary build-asan/test-summary build-tsan/test-summary; \
	$(MAKE) --no-print-directory test SAN=0 || rc=1; \
	$(MAKE) --no-print-directory test SAN=1 || rc=1; \
	$(MAKE) --no-print-directory tsan-test || rc=1; \
	sh tests/summary.sh build build-asan build-tsan; exit $$rc

# ThreadSanitizer (build-tsan/): only what the threaded tests need, run
# through the runner. test_threads shares one pack between threads above the
# lazy-path thresholds; match_parallel.sh runs `gantry match -j 2`;
# time_order.sh runs -j 2 and -j 3 over inputs merged by event time (cJSON
# nodes freed on another thread than their block's, cli/common/cjson_arena.c);
# test_vm runs every opcode on the computed-goto dispatch this build uses;
# serve.sh runs `gantry serve`'s HTTP threads against its matching thread.
TSAN_TESTS := test_threads test_vm match_parallel.sh time_order.sh serve.sh
tsan-test:
	@$(MAKE) --no-print-directory SAN=thread build-tsan/gantry \
		$(patsubst %,build-tsan/tests/%,$(filter test_%,$(TSAN_TESTS)))
	@BUILD=build-tsan SAN=thread TESTS="$(TSAN_TESTS)" sh tests/run_tests.sh

demo: all
	@sh cli/demo.sh $(BUILD)

# standard: 120,000 events (a few minutes); quick: what make check runs;
# full: standard plus the correlation and NATS benches
BENCH_MODE ?= standard
bench: all $(BENCH_BIN)
	@sh bench/run.sh $(BUILD) $(BENCH_MODE)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(GANTRY) $(DESTDIR)$(PREFIX)/bin/gantry
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libgantry.a
	install -m 755 $(BUILD)/$(LIB_SO_REAL) $(DESTDIR)$(PREFIX)/lib/$(LIB_SO_REAL)
	ln -sf $(LIB_SO_REAL) $(DESTDIR)$(PREFIX)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(PREFIX)/lib/libgantry.so
	install -m 644 include/gantry.h $(DESTDIR)$(PREFIX)/include/gantry.h
	sed -e 's|@VERSION@|$(VERSION)|g' docs/gantry.1 > $(DESTDIR)$(PREFIX)/share/man/man1/gantry.1
	install -d $(DESTDIR)$(PREFIX)/share/doc/gantry
	install -m 644 LICENSE $(DESTDIR)$(PREFIX)/share/doc/gantry/LICENSE
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' gantry.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/gantry.pc
	@# the loader's cache learns the new SONAME at once in the system prefixes
	@case "$(DESTDIR)$(PREFIX)" in /usr|/usr/local) [ "$$(id -u)" = 0 ] && ldconfig || true;; esac

# The embedding headers and the compiler library, beside what `install`
# puts in place for the runtime.
.PHONY: install-embed
install: install-embed
install-embed: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 644 include/gantry_cjson.h include/gantry_compiler.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(COMPILER_A) $(DESTDIR)$(PREFIX)/lib/libgantry-compiler.a
	install -m 755 $(COMPILER_SO) $(DESTDIR)$(PREFIX)/lib/$(COMPILER_SONAME)
	ln -sf $(COMPILER_SONAME) $(DESTDIR)$(PREFIX)/lib/libgantry-compiler.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' gantry-compiler.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/gantry-compiler.pc

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan


# ---- fuzzing and hardening tests (issue 9) ----------------------------------
# `make fuzz FUZZ_SECONDS=N` builds every fuzz/fuzz_*.c target with clang's
# libFuzzer plus ASan/UBSan (objects in $(FUZZ_BUILD)) and runs each for N
# seconds, one at a time, over its seeds in fuzz/corpus/<target>/. New inputs
# go to $(FUZZ_BUILD)/corpus/<target>/, crashes to $(FUZZ_BUILD)/artifacts/.
# `make check` does not need clang: tests/test_fuzz_regress.c replays every
# seed and tests/fuzz-regressions/ file through the same targets.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
# Every command-line object but main(): `gantry match` end to end needs the
# command and whatever it calls, which grows as the CLI does.
FUZZ_CLI_SRC := $(filter-out cli/main.c,$(CLI_SRC))
FUZZ_ARGS ?=

# Debian packages `make fuzz` needs beyond APT_PACKAGES (`make check` does not).
FUZZ_APT_PACKAGES := clang libclang-rt-14-dev

.PHONY: fuzz-build
fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz needs $(FUZZ_CC): \
	sudo apt-get install -y $(FUZZ_APT_PACKAGES)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT="$(FUZZ_OPT)" \
		$(FUZZ_BUILD)/libgantry.a $(FUZZ_BUILD)/libgantryc.a \
		$(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_CLI_SRC))
	@mkdir -p $(FUZZ_BUILD)/fuzz
	@for t in $(FUZZ_TARGETS); do \
	  echo "link $(FUZZ_BUILD)/fuzz/$$t"; \
	  $(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(FUZZ_OPT) -fsanitize=fuzzer \
	    $(WARN) $(subst $(BUILD)/gen,$(FUZZ_BUILD)/gen,$(ALL_INC)) $(PKG_CFLAGS) $(CLI_PKG_CFLAGS) \
	    -o $(FUZZ_BUILD)/fuzz/$$t fuzz/$$t.c \
	    $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_CLI_SRC)) \
	    $(FUZZ_BUILD)/libgantryc.a $(FUZZ_BUILD)/libgantry.a $(PKG_LIBS) $(CLI_LIBS) -lm \
	    -lpthread || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts fuzz/corpus/$$t; \
	  extra=""; [ $$t = fuzz_match ] && extra="-close_fd_mask=3"; \
	  dict=""; [ -f fuzz/$$t.dict ] && dict="-dict=fuzz/$$t.dict"; \
	  echo "== $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- $$extra $$dict \
	    $(FUZZ_ARGS) $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

# The regression replay links the command-line objects `gantry match` uses.
# (field_knowledge.o is already in TEST_SUPPORT_OBJ)
FUZZ_REGRESS_CLI_OBJ := $(filter-out $(TEST_SUPPORT_OBJ),$(call obj,$(FUZZ_CLI_SRC)))
$(BUILD)/tests/test_fuzz_regress: $(FUZZ_REGRESS_CLI_OBJ) $(wildcard fuzz/*.c fuzz/*.h)
$(BUILD)/tests/test_fuzz_regress: LDFLAGS_ALL += $(FUZZ_REGRESS_CLI_OBJ) $(FRONT_A) $(LIB_A) \
	$(PKG_LIBS) $(CLI_LIBS)
# gantry compile/check load what they build: the test calls the commands
# in-process and wraps the loader to see (and refuse) what they load.
$(BUILD)/tests/test_cli_compile: $(FUZZ_REGRESS_CLI_OBJ)
$(BUILD)/tests/test_cli_compile: LDFLAGS_ALL += $(FUZZ_REGRESS_CLI_OBJ) $(FRONT_A) $(LIB_A) \
	$(PKG_LIBS) $(CLI_LIBS) -Wl,--wrap=gantry_pack_load_buffer
# gantry serve's body decoder, inflation and queue, called in-process.
$(BUILD)/tests/test_serve_body: $(FUZZ_REGRESS_CLI_OBJ)
$(BUILD)/tests/test_serve_body: LDFLAGS_ALL += $(FUZZ_REGRESS_CLI_OBJ) $(FRONT_A) $(LIB_A) \
	$(PKG_LIBS) $(CLI_LIBS)
# Allocation-failure test: every allocation in our code goes through the
# test's counting wrappers.
$(BUILD)/tests/test_alloc_fail: LDFLAGS_ALL += \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
endif
