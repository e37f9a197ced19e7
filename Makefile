# ismsc — build, run, test, install. GNU make.
#
#   make            build build/ismsc
#   make run        build, then check samples/ (installs missing Debian packages)
#   make test       every test: unit, golden, hostile input, document control, ASan+UBSan, valgrind
#   make bench      documents per second and peak memory on generated corpora
#   make install    PREFIX (default /usr/local) and DESTDIR honoured

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
SHARED  ?= ../shared

CC      ?= cc
PKGS    := libcmark-gfm yaml-0.1 libxml-2.0 lua5.4 jansson libgit2 libarchive nettle
# cmark-gfm's extensions library has no .pc file: linked by name.
CMARK_EXT_LIBS := -lcmark-gfm-extensions
# mimalloc (no .pc file either) replaces malloc for the whole process, cmark-gfm,
# libxml2 and jansson included: a build is mostly small allocations on several
# threads. Only the binary that ships links it; the ASan one keeps ASan's.
MALLOC_LIBS := -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS  ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP \
             -DISMSC_VERSION='"$(VERSION)"' -DISMSC_DATADIR='"$(PREFIX)/share/ismsc"'
LIBS    = $(CMARK_EXT_LIBS) $(PKG_LIBS) -lpthread -lm

SRCS    := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
OBJS    := $(SRCS:compiler/%.c=build/%.o)
ASAN_OBJS := $(SRCS:compiler/%.c=build/asan/%.o)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)

.PHONY: all run test unit golden doccontrol hostile asan valgrind bench install uninstall clean deps regen fuzz \
        browser browser-deps browser-debs

all: build/ismsc

# Debian packages that provide what the build and the tests need.
DEB_PKGS := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm libyaml-dev \
            libxml2-dev liblua5.4-dev libcmocka-dev libjansson-dev libgit2-dev libarchive-dev nettle-dev \
            libmimalloc-dev mandoc git valgrind python3 python3-jsonschema python3-yaml time libxml2-utils docbook5-xml jing \
            xsltproc docbook-xsl-ns pandoc

# Install the Debian packages in $$missing (as root, with apt-get), or say which.
define INSTALL_MISSING
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null \
	      || { echo "apt-get install failed:$$missing" >&2; exit 1; }; \
	  else \
	    echo "missing Debian packages:$$missing" >&2; \
	    echo "install them with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi
endef

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	$(INSTALL_MISSING)

build/ismsc: build/main.o $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(MALLOC_LIBS) $(LIBS)

build/%.o: compiler/%.c | build
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# compile.c has PREFIX in it (the data folder it falls back on when it cannot
# find its own): rebuilt when PREFIX changes, so make install PREFIX=/usr
# after a plain make installs a binary that knows /usr.
build/prefix: FORCE | build
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
build/compile.o build/asan/compile.o: build/prefix
.PHONY: FORCE
FORCE:

build/asan/ismsc: build/asan/main.o $(ASAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/asan/%.o: compiler/%.c | build
	@mkdir -p build/asan
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c -o $@ $<

build:
	@mkdir -p build build/tests build/asan

run: deps
	$(MAKE) all
	build/ismsc build samples -o build/site
	@echo "the manual: file://$(CURDIR)/build/site/index.html"

# ---- tests ----------------------------------------------------------------

build/tests/test_%: tests/unit/test_%.c $(OBJS) | build
	$(CC) $(ALL_CFLAGS) -Icompiler $$(pkg-config --cflags cmocka) -o $@ $< $(OBJS) \
	  $$(pkg-config --libs cmocka) $(LIBS)

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; exit $$fail

golden: build/ismsc
	tests/golden.sh build/ismsc

doccontrol: build/ismsc
	tests/doccontrol.sh build/ismsc

hostile: build/ismsc
	tests/hostile.sh build/ismsc

# The suites that run again under AddressSanitizer + UBSan.
ASAN_SUITES := golden hostile diff build mandatory migrate pack doccontrol

asan: build/asan/ismsc
	@set -e; for t in $(ASAN_SUITES); do echo "asan: tests/$$t.sh"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/$$t.sh build/asan/ismsc; \
	done

valgrind: build/ismsc
	tests/valgrind.sh build/ismsc

test: deps
	$(MAKE) all build/floor
	$(MAKE) unit
	$(MAKE) golden
	$(MAKE) hostile
	tests/mandatory.sh build/ismsc
	$(MAKE) asan
	$(MAKE) valgrind
	tests/install.sh
	tests/sarif.sh build/ismsc
	tests/diff.sh build/ismsc
	python3 tests/catalogs/check.py schemas
	tests/migrate.sh build/ismsc
	tests/build.sh build/ismsc
	tests/pack.sh build/ismsc
	tests/doccontrol.sh build/ismsc
	tests/docbook.sh build/ismsc
	$(MAKE) browser
	tests/man.sh
	tests/corpus.sh build/ismsc
	@echo "make test: all suites passed"

# ---- browser test: the built sample in Debian's Chromium, driven by playwright-core ----
# Screenshots go to build/browser/.

# Debian's chromium; Node.js and npm from Debian only where none is installed (a NodeSource
# nodejs, as on these machines, ships its own npm and conflicts with Debian's npm package).
browser-debs:
	@missing=""; \
	dpkg-query -W -f='$${Status}' chromium 2>/dev/null | grep -q 'install ok installed' || missing=" chromium"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	$(INSTALL_MISSING)

# playwright-core, pinned by tests/browser/package-lock.json; it never downloads a browser.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json | browser-debs
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	@touch $@

browser-deps: tests/browser/node_modules/.installed

browser: browser-deps build/ismsc
	tests/browser/run.sh build/ismsc

# Rewrite the expected files of the golden cases (review the diff!).
regen: build/ismsc
	tests/golden.sh --regen build/ismsc
	tests/build.sh --regen build/ismsc
	tests/migrate.sh --regen build/ismsc

# Hugo, only for the benchmark's comparison.
bench: deps
	@command -v hugo >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null; } \
	  || { echo "install Debian's hugo for make bench" >&2; exit 1; }
	$(MAKE) all build/floor
	tests/bench.sh build/ismsc

# The least a build could take here: the libraries and the kernel alone.
build/floor: tests/bench/floor.c
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -o $@ $< $(MALLOC_LIBS) $(LIBS)

# ---- install --------------------------------------------------------------

install: build/ismsc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ismsc \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 build/ismsc $(DESTDIR)$(PREFIX)/bin/ismsc
	rm -rf $(DESTDIR)$(PREFIX)/share/ismsc/schemas $(DESTDIR)$(PREFIX)/share/ismsc/samples \
	  $(DESTDIR)$(PREFIX)/share/ismsc/lua $(DESTDIR)$(PREFIX)/share/ismsc/templates \
	  $(DESTDIR)$(PREFIX)/share/ismsc/docs
	for d in schemas samples lua templates docs; do \
	  if [ -d $$d ]; then cp -R $$d $(DESTDIR)$(PREFIX)/share/ismsc/; fi; done
	install -m 644 man/ismsc.1 $(DESTDIR)$(PREFIX)/share/man/man1/ismsc.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ismsc $(DESTDIR)$(PREFIX)/share/man/man1/ismsc.1
	rm -rf $(DESTDIR)$(PREFIX)/share/ismsc

clean:
	rm -rf build

-include $(wildcard build/*.d build/asan/*.d)

# ---- fuzzing (clang's libFuzzer; not part of make test) ---------------------

FUZZ_SECONDS ?= 60
build/fuzz/fuzz_document: tests/fuzz/fuzz_document.c $(SRCS)
	@mkdir -p build/fuzz
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Icompiler $(PKG_CFLAGS) \
	  -DISMSC_VERSION='"$(VERSION)"' -DISMSC_DATADIR='"$(PREFIX)/share/ismsc"' \
	  -o $@ $^ $(LIBS)

fuzz: build/fuzz/fuzz_document
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_document -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  build/fuzz/corpus tests/fuzz/corpus
