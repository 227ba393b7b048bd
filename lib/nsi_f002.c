/*
 * nsi_f002.c -- the insurers' register ref/F002.tsv (as oms-nsi converts
 * the fund's F002 packet) read for the invoices: an insurer's requisites
 * valid on a day
 */
#include <stdio.h>
#include <string.h>

#include "oms_int.h"
#include "reftab.h"

enum { I_CODE, I_NAME, I_INN, I_KPP, I_OGRN, I_ADDRESS, I_NCOL };

static const char *const inscols[I_NCOL] = {
	"code", "name", "inn", "kpp", "ogrn", "address"
};

/* every row kept: a code has one per period of validity */
static const struct omsi_refspec insspec = {
	.cols = inscols, .ncols = I_NCOL, .nreq = I_NAME + 1,
	.from = "from", .to = "to", .dup = OMSI_REF_ALL,
	.open_what = "open",
	.baddate = "a validity date (from, to) is not YYYY-MM-DD",
	.nomem_file = 1,
};

struct oms_ref *
oms_insurers_read(FILE *fp, const char *name, struct oms_err *err)
{
	return (omsi_ref_read(fp, name, &insspec, err));
}

int
oms_insurer_find(const struct oms_ref *t, const char *code, long day,
    struct oms_insurer *ins)
{
	const struct omsi_refrow *row;
	const char *const *f;
	size_t i;

	if (t == NULL || !omsi_ref_find(t, 0, code, day, &i))
		return (0);
	row = omsi_ref_row(t, i);
	f = omsi_ref_fields(t, i);
	memset(ins, 0, sizeof(*ins));
	ins->code = f[I_CODE];
	ins->name = f[I_NAME];
	ins->inn = f[I_INN];
	ins->kpp = f[I_KPP];
	ins->ogrn = f[I_OGRN];
	ins->address = f[I_ADDRESS];
	ins->from = row->from;
	ins->to = row->to;
	if ((row->from == -1 || row->from <= day) &&
	    (row->to == -1 || day <= row->to))
		return (1);
	return (2);
}
