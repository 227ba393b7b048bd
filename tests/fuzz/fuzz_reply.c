/*
 * fuzz_reply.c -- libFuzzer target: oms_import of a reply (ФЛК protocol,
 * control answer, answer to a payment demand; XML or ZIP) against a small
 * workspace whose ledger is put back before every input
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oms.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define T	"2026-11-01T00:00:00Z"
#define R	"HM760001T76_26101"
static const char ledger[] =
    "time\tevent\taccount\tregistry\tperiod\tkind\tpayer\tpr_nov\tn_zap\t"
    "idcase\tsum\tfile\tdata\n"
    T "\tregistry\t\t" R "\t2026-10\tH\t\t\t\t\t5285.85\toutbox/" R ".zip\t"
    "accounts=3;test=0;package=1;version=5.1\n"
    T "\texport\tA1\t" R "\t2026-10\tH\t76001\t0\t1\t1\t2640.35\tsource/h.xml\t\n"
    T "\texport\tA2\t" R "\t2026-10\tH\t76001\t0\t2\t2\t1211.20\tsource/h.xml\t\n"
    T "\texport\tA3\t" R "\t2026-10\tH\t76002\t0\t3\t3\t1434.30\tsource/h.xml\t\n"
    T "\tcommit\t\t\t\t\t\t\t\t\t\t\top=export\n";
static const char *const names[] = {
	"VHM760001T76_26101", "HT76M760001_26101", "HS76002M760001_26101",
	"HT76M760001_26101D", "VM760001T76_26101", "FHT76M760001_26101"
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static char dir[64], lpath[128];
static struct oms_ws ws;

static int
put(const char *path, const void *p, size_t n)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		return (-1);
	if (n > 0 && fwrite(p, 1, n, fp) != n) {
		fclose(fp);
		return (-1);
	}
	return (fclose(fp));
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char conf[] = "profile = ffoms\nmo = 760001\n"
	    "ogrn = 1027600000001\nkpp = 760401001\ntfoms = 76\n"
	    "payers = 76001 76002\n";
	struct oms_err e = { 0 };
	struct oms_import_res res;
	struct oms_ledger *l;
	char path[256], cpath[128];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/oms-fuzz-reply-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(cpath, sizeof(cpath), "%s/oms.conf", dir);
		snprintf(lpath, sizeof(lpath), "%s/ledger.tsv", dir);
		if (put(cpath, conf, sizeof(conf) - 1) == -1 ||
		    oms_ws_open(&ws, dir, &e) == -1)
			abort();
	}
	if (size < 1)
		return (0);
	if (put(lpath, ledger, sizeof(ledger) - 1) == -1)
		abort();
	/* the first byte chooses the kind of reply by its name */
	snprintf(path, sizeof(path), "%s/%s.%s", dir, names[data[0] % NNAMES],
	    size > 3 && data[1] == 'P' && data[2] == 'K' ? "zip" : "xml");
	if (put(path, data + 1, size - 1) == -1)
		abort();
	if ((l = oms_ledger_open(lpath, &e)) == NULL)
		abort();
	if (oms_import(&ws, l, path, &res, &e) == 0)
		oms_import_res_release(&res);
	oms_ledger_free(l);
	unlink(path);
	return (0);
}
