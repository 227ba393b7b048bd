# oms -- the ОМС billing cycle toolkit
#
# make            build the programs; they run from this tree (xsd/, ref/ are
#                 found next to them) before make install
# make deps       install the Debian packages missing (as root; else say which)
# make check      make deps, then all tests; make sanitize: the same under
#                 ASan and UBSan
# make faults     the full fault-injection sweep (tests/faults/sweep.sh)
# make demo       a month on a generated example workspace
# make demo-yar76 the same for a Yaroslavl МО (profile yar76)
# make install    PREFIX=/usr/local DESTDIR=

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(PREFIX)/share/man
COMPDIR    ?= $(DATADIR)/bash-completion/completions
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -g -O2
# The library at -O3 when CFLAGS is this file's own (not one given, as
# make sanitize gives its own): the 1M export's main thread, which bounds
# its time, took 1 to 3 % fewer samples (19,410 at 999 Hz at -O2; 18,836
# and 19,165 in two runs at -O3; perf)
ifeq ($(origin CFLAGS),file)
lib/%.o: CFLAGS += -O3
endif

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 -fno-common
DEPS = libxml-2.0 libarchive libpcre2-8 zlib libdeflate
# recursively expanded: pkg-config runs after the deps step
OMS_CPPFLAGS = -Ilib -Icmd -D_DEFAULT_SOURCE \
	$(shell $(PKG_CONFIG) --cflags $(DEPS))
LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS))

BINS   = oms-select oms-export oms-import oms-nsi oms-analyze oms-requeue \
	 oms-invoice
# every file of lib/ and every tests/unit/test_*.c: a new one needs no line here
LIBOBJ = $(patsubst %.c,%.o,$(sort $(wildcard lib/*.c)))
UNIT   = $(patsubst %.c,%,$(sort $(wildcard tests/unit/test_*.c)))
TOOLS  = examples/oms-gen examples/oms-fund
# the LD_PRELOAD fault injector and its probe (tests/faults), test-only; the
# shim keeps its own flags: one built with -fsanitize would not preload
FAULTS = tests/faults/faultshim.so tests/faults/probe
FAULT_CFLAGS ?= -g -O2
MAN1   = man/oms-select.1 man/oms-export.1 man/oms-import.1 man/oms-nsi.1 \
	 man/oms-analyze.1 man/oms-requeue.1 \
	 man/oms-invoice.1
MAN5   = man/oms.conf.5 man/oms-tsv.5 man/oms-ledger.5 man/oms-rules.5
MAN7   = man/oms.7

all: $(BINS) $(TOOLS)

# the only target that may run apt-get (tools/deps.sh: as root, not under
# fakeroot, and only for a package that is missing); make check and the
# demos call it, a plain make does not
deps:
	@./tools/deps.sh

# each object depends on the headers it includes (-MMD writes them to .d)
%.o: %.c
	$(CC) $(OMS_CPPFLAGS) $(CPPFLAGS) -std=c11 $(WARN) -pthread $(CFLAGS) \
	    -MMD -MP -c -o $@ $<
-include $(LIBOBJ:.o=.d) $(wildcard cmd/*.d tests/unit/*.d)

# the installed data paths; rewritten only when PREFIX or DATADIR change
cmd/paths.h: FORCE
	@printf '#define OMS_XSDDIR "%s"\n#define OMS_REFDIR "%s"\n' \
	    '$(DATADIR)/oms/xsd' '$(DATADIR)/oms/ref' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
cmd/cli.o: cmd/paths.h

# made anew, so that the object of a file removed from lib/ goes too
liboms.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(BINS): %: cmd/%.o cmd/cli.o liboms.a
	$(CC) -pthread $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) liboms.a $(LIBS)
oms-analyze: cmd/analyze-rows.o cmd/analyze-group.o cmd/analyze-out.o \
	cmd/report-html.o cmd/html.o
oms-invoice: cmd/invoice-html.o cmd/html.o

examples/oms-gen: examples/oms-gen.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $<

examples/oms-fund: examples/oms-fund.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
	    $(shell $(PKG_CONFIG) --cflags libxml-2.0 libarchive) $(LDFLAGS) \
	    -o $@ $< $(shell $(PKG_CONFIG) --libs libxml-2.0 libarchive)

tests/faults/faultshim.so: tests/faults/faultshim.c
	$(CC) -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wvla $(FAULT_CFLAGS) \
	    -shared -fPIC -o $@ $< -ldl

tests/faults/probe: tests/faults/probe.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) $(FAULT_CFLAGS) -o $@ $<

# applies the edits of the rule fixtures (tests/rules/README), test-only
tests/rules/xmut: tests/rules/xmut.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
	    $(shell $(PKG_CONFIG) --cflags libxml-2.0) $(LDFLAGS) \
	    -o $@ $< $(shell $(PKG_CONFIG) --libs libxml-2.0)

tests/unit/%: tests/unit/%.o liboms.a
	$(CC) -pthread $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) liboms.a $(LIBS) \
	    $(shell $(PKG_CONFIG) --libs cmocka)
tests/unit/test_words: cmd/invoice-html.o cmd/html.o

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all $(UNIT) $(FAULTS) tests/rules/xmut
	OMS_XSDDIR=$(CURDIR)/xsd OMS_REFDIR=$(CURDIR)/ref \
	PATH="$(CURDIR):$(CURDIR)/examples:$$PATH" LC_ALL=C \
	    prove -e '' $(UNIT) tests/e2e/*.t
	@$(MAKE) --no-print-directory lint-man lint-calls lint-q015

# the Q015 table of oms-rules(5) is current, every implemented check has a
# row of ref/rules.tsv and every row a fixture (tools/q015-table.sh)
lint-q015:
	@./tools/q015-table.sh -c

# no circle of calls between the files of lib/ (tools/calls.sh)
lint-calls: liboms.a
	@./tools/calls.sh -c

sanitize:
	$(MAKE) clean
	$(MAKE) check CFLAGS='-O1 -g -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean

# every point of the sweep, then the large workspace: several minutes;
# results in tests/faults/results/full and large
faults: all $(FAULTS)
	@st=0; for s in full large; do \
	    OMS_XSDDIR=$(CURDIR)/xsd OMS_REFDIR=$(CURDIR)/ref \
	    PATH="$(CURDIR):$(CURDIR)/examples:$$PATH" LC_ALL=C \
	        sh tests/faults/sweep.sh --$$s -o tests/faults/results/$$s || st=1; \
	done; exit $$st

lint-man:
	@out=$$(mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

# libFuzzer targets, built with clang into fuzz-build/ (apart from the
# normal objects); each runs FUZZ_TIME seconds from its seeds
FUZZ       = fuzz_tsv fuzz_conf fuzz_name fuzz_reply fuzz_source fuzz_bill
FUZZ_TIME ?= 15
FUZZ_CC   ?= clang
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz: cmd/paths.h
	@./tools/deps.sh clang
	mkdir -p fuzz-build
	for s in $(LIBOBJ:.o=.c); do \
	    o=fuzz-build/$$(basename $$s .c).o; \
	    $(FUZZ_CC) $(OMS_CPPFLAGS) -std=c11 -g -O1 $(FUZZ_SAN) \
	        -fsanitize=fuzzer-no-link -c -o $$o $$s || exit 1; done
	for t in $(FUZZ); do \
	    $(FUZZ_CC) $(OMS_CPPFLAGS) -std=c11 -g -O1 $(FUZZ_SAN) \
	        -fsanitize=fuzzer -o fuzz-build/$$t tests/fuzz/$$t.c \
	        $$(ls fuzz-build/*.o) $(LIBS) || exit 1; done
	for t in $(FUZZ); do \
	    mkdir -p fuzz-build/corpus/$$t; \
	    echo "fuzz: $$t, $(FUZZ_TIME) s"; \
	    ASAN_OPTIONS=detect_leaks=1 fuzz-build/$$t \
	        -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 \
	        -max_len=65536 -print_final_stats=1 \
	        -artifact_prefix=fuzz-build/$$t- \
	        fuzz-build/corpus/$$t tests/fuzz/seeds/$$t \
	        >fuzz-build/$$t.log 2>&1 || \
	        { tail -40 fuzz-build/$$t.log; exit 1; }; \
	    grep -E "^stat::number_of_executed_units|^Done" fuzz-build/$$t.log; \
	done

# the speed and memory targets at 1M accounts (tests/bench/bench.sh);
# BENCH_ARGS="-n 100000 -r 1" for a quick look (make bench-quick)
bench: all
	@./tools/deps.sh time python3 zip
	tests/bench/bench.sh $(BENCH_ARGS)

# the same at 100,000 accounts, one run each: a few minutes
bench-quick: all
	@./tools/deps.sh time python3 zip
	tests/bench/bench.sh -n 100000 -r 1 -o tests/bench/results-100k.txt

demo: deps
	@$(MAKE) --no-print-directory all
	./examples/demo.sh

demo-yar76: deps
	@$(MAKE) --no-print-directory all
	./examples/demo-yar76.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(DATADIR)/oms/xsd $(DESTDIR)$(DATADIR)/oms/ref
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	install -m 0644 xsd/*.xsd $(DESTDIR)$(DATADIR)/oms/xsd
	install -m 0644 ref/*.tsv $(DESTDIR)$(DATADIR)/oms/ref
	install -d $(DESTDIR)$(COMPDIR) $(DESTDIR)$(DATADIR)/oms/examples
	for b in $(BINS); do \
	    install -m 0644 completion/oms.bash $(DESTDIR)$(COMPDIR)/$$b; done
	install -m 0755 examples/oms-cron.sh examples/oms-batch.sh \
	    $(DESTDIR)$(DATADIR)/oms/examples
	install -m 0644 examples/oms.conf examples/withholdings.tsv \
	    $(DESTDIR)$(DATADIR)/oms/examples

uninstall:
	for b in $(BINS); do rm -f $(DESTDIR)$(BINDIR)/$$b; done
	for m in $(MAN1) $(MAN5) $(MAN7); do \
	    s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done
	for b in $(BINS); do rm -f $(DESTDIR)$(COMPDIR)/$$b; done
	rm -rf $(DESTDIR)$(DATADIR)/oms

clean:
	rm -f $(BINS) $(TOOLS) liboms.a lib/*.o cmd/*.o tests/unit/*.o $(UNIT) \
	    lib/*.d cmd/*.d tests/unit/*.d \
	    cmd/paths.h $(FAULTS) tests/rules/xmut
	rm -rf tests/e2e/tmp fuzz-build tests/faults/results

.PHONY: all deps check check-run lint-calls lint-q015 FORCE sanitize lint-man demo demo-yar76 install uninstall clean \
	fuzz bench bench-quick faults
.SECONDARY:
