/*
 * fuzz_name.c -- libFuzzer target: the recogniser of reply file names
 * (PCRE2 patterns with named groups), and the period and date parsers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static struct oms_conf conf;
static int ready;

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char text[] = "profile = ffoms\nmo = 760001\n"
	    "ogrn = 1027600000001\nkpp = 760401001\ntfoms = 76\n";
	struct oms_err e = { 0 };
	char name[512];
	long d;
	int stage, p;
	FILE *fp;

	if (!ready) {
		fp = fmemopen((void *)(uintptr_t)text, sizeof(text) - 1, "r");
		if (fp == NULL || oms_conf_read(&conf, fp, "c", &e) == -1)
			abort();
		fclose(fp);
		ready = 1;
	}
	if (size >= sizeof(name))
		size = sizeof(name) - 1;
	memcpy(name, data, size);
	name[size] = '\0';
	(void)omsi_recognise(&conf, name, &stage, &e);
	(void)oms_period_parse(name, &p);
	(void)oms_date_parse(name, &d);
	return (0);
}
