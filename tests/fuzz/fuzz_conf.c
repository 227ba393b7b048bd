/*
 * fuzz_conf.c -- libFuzzer target: the oms.conf reader
 */
#include <stdio.h>
#include <stdlib.h>

#include "oms.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct oms_err e = { 0 };
	struct oms_conf c;
	FILE *fp;

	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return (0);
	if (oms_conf_read(&c, fp, "fuzz.conf", &e) == 0)
		(void)oms_conf_get(&c, "pattern.flk");
	oms_conf_release(&c);
	fclose(fp);
	return (0);
}
