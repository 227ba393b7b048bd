/*
 * invoice.h -- what oms-invoice hands to its document writers
 */
#ifndef INVOICE_H
#define INVOICE_H

#include <stdio.h>

#include "oms.h"

/* An organisation on a document: the МО, an insurer or the fund. */
struct org {
	const char	*code;
	const char	*name;
	const char	*inn, *kpp, *ogrn, *address;
	const char	*bank, *bik, *account, *corr;	/* the МО's only */
	const char	*head, *accountant;		/* the МО's only */
};

struct invdoc {
	const struct oms_invoice *inv;
	struct org	 mo;
	struct org	*payer;		/* inv->n of them, by inv->p order */
	const char	*basis;		/* the contract the invoice rests on */
	const char	*generated;	/* "2026-11-24T10:54:42Z" */
};

/* "Суммы для счетов": every payer of the period, as one HTML page. */
int	 report_html(FILE *, const struct invdoc *, struct oms_err *);
/* The invoice (счёт на оплату) of payer i, as one HTML page. */
int	 invoice_html(FILE *, const struct invdoc *, size_t i,
	    struct oms_err *);
/* 1234.50 roubles in Russian words: "Одна тысяча двести тридцать четыре
   рубля 50 копеек". */
char	*rub_words(int64_t kopecks, char *buf, size_t len);

#endif /* INVOICE_H */
