/*
 * fuzz_source.c -- libFuzzer target: the reader of the MIS's files in
 * source/ (XML in any encoding, or a ZIP of them)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oms.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static char dir[64];
static struct oms_ws ws;

static void
quiet(void *arg, int warning, const struct oms_err *e)
{
	(void)arg;
	(void)warning;
	(void)e;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char conf[] = "profile = ffoms\nmo = 760001\n"
	    "ogrn = 1027600000001\nkpp = 760401001\ntfoms = 76\n";
	struct oms_err e = { 0 };
	struct oms_diag diag;
	struct oms_src *s;
	char path[128];
	FILE *fp;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/oms-fuzz-src-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/oms.conf", dir);
		if ((fp = fopen(path, "w")) == NULL ||
		    fwrite(conf, 1, sizeof(conf) - 1, fp) != sizeof(conf) - 1 ||
		    fclose(fp) == EOF)
			abort();
		snprintf(path, sizeof(path), "%s/source", dir);
		if (oms_mkdirs(path, &e) == -1 || oms_ws_open(&ws, dir, &e) == -1)
			abort();
	}
	snprintf(path, sizeof(path), "%s/source/in.xml", dir);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	memset(&diag, 0, sizeof(diag));
	diag.fn = quiet;
	if ((s = oms_src_scan(&ws, &diag, &e)) != NULL) {
		if (oms_src_ncases(s) > 0)
			(void)oms_src_find(s, oms_src_case(s, 0)->account);
		oms_src_free(s);
	}
	return (0);
}
