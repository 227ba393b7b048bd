/*
 * fuzz_bill.c -- libFuzzer target: profile yar76, a bill.xml as the MIS
 * writes it (the source scan, the names of its patients) or as a reply to
 * a bill the ledger holds (ФЛК, an insurer's answer), XML or ZIP
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oms.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define T	"2026-11-01T00:00:00Z"
#define R	"1027600000001760401001261013x"
#define K(n)	"73000100-" #n "FFF-FFFF-FFFF-FFFFFFFFFFFF"
static const char ledger[] =
    "time\tevent\taccount\tregistry\tperiod\tkind\tpayer\tpr_nov\tn_zap\t"
    "idcase\tsum\tfile\tdata\n"
    T "\tregistry\t\t" R "\t2026-10\tB\t\t\t\t\t29825.00\toutbox/" R
    ".7z\taccounts=3;test=0;package=1;version=6.15\n"
    T "\texport\t" K(1) "\t" R "\t2026-10\tB\t76001\t0\t1\t1\t26125.00\t"
    "source/bill.xml\t\n"
    T "\texport\t" K(2) "\t" R "\t2026-10\tB\t76001\t0\t2\t2\t1200.00\t"
    "source/bill.xml\t\n"
    T "\texport\t" K(3) "\t" R "\t2026-10\tB\t76002\t0\t3\t3\t2500.00\t"
    "source/bill.xml\t\n"
    T "\tcommit\t\t\t\t\t\t\t\t\t\t\top=export\n";
/* the first byte: a source bill, or the name of a reply */
static const char *const names[] = {
	NULL, "1027600000001760401001261010x", "1027600000001760401001261012A"
};

static char dir[64], lpath[128], sdir[128];
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

static void
source(void)
{
	static const char *const acc[] = { K(1), K(2), K(3), "x" };
	struct oms_err e = { 0 };
	struct oms_src *s;
	char *names[4];
	size_t i;

	if ((s = oms_src_scan(&ws, NULL, &e)) == NULL)
		return;
	for (i = 0; i < oms_src_ncases(s); i++)
		(void)oms_src_case(s, i)->account;
	if (oms_src_names(s, acc, 4, names, &e) == 0)
		for (i = 0; i < 4; i++)
			free(names[i]);
	oms_src_free(s);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char conf[] = "profile = yar76\nmo = 760001\n"
	    "ogrn = 1027600000001\nkpp = 760401001\ntfoms = 76\n"
	    "payers = 76001 76002\n";
	struct oms_err e = { 0 };
	struct oms_import_res res;
	struct oms_ledger *l;
	char path[256], cpath[128];
	int zip, k;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/oms-fuzz-bill-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(cpath, sizeof(cpath), "%s/oms.conf", dir);
		snprintf(lpath, sizeof(lpath), "%s/ledger.tsv", dir);
		snprintf(sdir, sizeof(sdir), "%s/source", dir);
		if (put(cpath, conf, sizeof(conf) - 1) == -1 ||
		    mkdir(sdir, 0700) == -1 || oms_ws_open(&ws, dir, &e) == -1)
			abort();
	}
	if (size < 1)
		return (0);
	k = data[0] % 3;
	zip = size > 3 && data[1] == 'P' && data[2] == 'K';
	if (k == 0) {
		snprintf(path, sizeof(path), "%s/bill.%s", sdir,
		    zip ? "zip" : "xml");
		if (put(path, data + 1, size - 1) == -1)
			abort();
		source();
		unlink(path);
		return (0);
	}
	if (put(lpath, ledger, sizeof(ledger) - 1) == -1)
		abort();
	snprintf(path, sizeof(path), "%s/%s.7z", dir, names[k]);
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
