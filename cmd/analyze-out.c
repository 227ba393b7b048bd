/*
 * analyze-out.c -- oms-analyze's writers: the summary or the -r list as
 * TSV, as windows-1251 CSV for Excel (--csv-excel), and the HTML report
 * (--html, written by report-html.c)
 */
#include <err.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"

static const char *const sumcols[] = {
	"by", "key", "name", "accounts", "claimed", "refused"
};
#define NSUMCOLS	(sizeof(sumcols) / sizeof(sumcols[0]))

static const char *const rejcols[] = {
	"account", "reasons", "registry", "stage", "decision", "claimed",
	"accepted", "refused", "reason_text", "period", "kind", "payer",
	"dept", "doctor", "case_end", "source", "patient"
};
#define NREJCOLS	(sizeof(rejcols) / sizeof(rejcols[0]))

/* the Russian headings of --csv-excel, in the order of the columns */
static const char *const sumcols_ru[] = {
	"Разрез", "Код", "Наименование", "Счетов", "Предъявлено", "Отказано"
};
static const char *const rejcols_ru[] = {
	"Счёт", "Причины", "Реестр", "Этап", "Решение", "Предъявлено",
	"Принято", "Отказано", "Причины (текст)", "Период", "Вид", "Плательщик",
	"Отделение", "Врач", "Окончание случая", "Источник", "Пациент"
};
static const char *const bynames_ru[] = {
	"итого", "состояние", "этап", "причина", "плательщик", "вид реестра",
	"отделение", "врач", "плательщик, всего", "противоречие"
};

static void
emit_tsv(struct analyze *an, struct oms_buf *b)
{
	struct oms_err e = { 0 };
	const char *f[NREJCOLS];
	char c[32], a[32], r[32], n[32];
	size_t i, ncol;

	if (!an->rejected) {
		if (oms_tsv_row(b, sumcols, NSUMCOLS, &e) == -1)
			goto bad;
		for (i = 0; i < an->ng; i++) {
			const struct agroup *g = &an->g[i];

			snprintf(n, sizeof(n), "%zu", g->accounts);
			f[0] = g->by;
			f[1] = g->key;
			f[2] = g->name;
			f[3] = n;
			f[4] = oms_money_fmt(g->claimed, c);
			f[5] = oms_money_fmt(g->refused, r);
			if (oms_tsv_row(b, f, NSUMCOLS, &e) == -1)
				goto bad;
		}
		return;
	}
	ncol = an->names ? NREJCOLS : NREJCOLS - 1;
	if (oms_tsv_row(b, rejcols, ncol, &e) == -1)
		goto bad;
	for (i = 0; i < an->nlist; i++) {
		const struct arow *w = an->list[i];

		f[0] = w->account;
		f[1] = w->reasons;
		f[2] = w->registry;
		f[3] = w->stage;
		f[4] = w->decision;
		f[5] = oms_money_fmt(w->claimed, c);
		f[6] = oms_money_fmt(w->accepted, a);
		f[7] = oms_money_fmt(w->refused, r);
		f[8] = w->text;
		f[9] = w->period;
		f[10] = w->kind;
		f[11] = w->payer;
		f[12] = w->dept;
		f[13] = w->doctor;
		f[14] = w->case_end;
		f[15] = w->source;
		f[16] = w->patient != NULL ? w->patient : "";
		if (oms_tsv_row(b, f, ncol, &e) == -1)
			goto bad;
		/* keep the buffer small on large lists */
		if (b->len > (1 << 16))
			cli_out(b);
	}
	return;
bad:
	errx(OMS_EXIT_INTERNAL, "%s", e.msg);
}

/* windows-1251 ";" CSV for Excel */
struct csv {
	FILE	*fp;
	iconv_t	 cd;
	size_t	 lost;		/* characters windows-1251 lacks */
};

static void
csv_conv(struct csv *c, const char *s, size_t len)
{
	char obuf[1024], *in = (char *)(uintptr_t)s, *o;
	size_t ileft = len, oleft;

	while (ileft > 0) {
		o = obuf;
		oleft = sizeof(obuf);
		if (iconv(c->cd, &in, &ileft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			/* EILSEQ or EINVAL: one '?' for the character */
			fwrite(obuf, 1, (size_t)(o - obuf), c->fp);
			if (ileft >= 3 && memcmp(in, "\u2260", 3) == 0)
				fputs("<>", c->fp);
			else if (ileft >= 3 && memcmp(in, "\u2264", 3) == 0)
				fputs("<=", c->fp);
			else if (ileft >= 3 && memcmp(in, "\u2265", 3) == 0)
				fputs(">=", c->fp);
			else {
				fputc('?', c->fp);
				c->lost++;
			}
			do {
				in++;
				ileft--;
			} while (ileft > 0 && ((unsigned char)*in & 0xc0) ==
			    0x80);
			continue;
		}
		fwrite(obuf, 1, (size_t)(o - obuf), c->fp);
	}
}

static void
csv_field(struct csv *c, const char *s, int text, int first)
{
	int quote = strpbrk(s, ";\"\r\n") != NULL;
	const char *p;

	if (!first)
		fputc(';', c->fp);
	if (quote)
		fputc('"', c->fp);
	/* a text that a spreadsheet would take for a formula */
	if (text && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
		fputc('\'', c->fp);
	for (p = s; *p != '\0'; p++) {
		size_t n = strcspn(p, "\"");

		csv_conv(c, p, n);
		p += n;
		if (*p == '\0')
			break;
		fputs("\"\"", c->fp);
	}
	if (quote)
		fputc('"', c->fp);
}

static void
csv_money(struct csv *c, int64_t v, int first)
{
	char buf[32], *dot;

	oms_money_fmt(v, buf);
	if ((dot = strchr(buf, '.')) != NULL)
		*dot = ',';
	csv_field(c, buf, 0, first);
}

static void
csv_write(struct analyze *an, FILE *fp)
{
	struct csv c;
	char n[32];
	size_t i, ncol;

	c.fp = fp;
	c.lost = 0;
	if ((c.cd = iconv_open("WINDOWS-1251", "UTF-8")) == (iconv_t)-1)
		err(OMS_EXIT_INTERNAL, "iconv_open windows-1251");
	if (!an->rejected) {
		for (i = 0; i < NSUMCOLS; i++)
			csv_field(&c, sumcols_ru[i], 1, i == 0);
		fputs("\r\n", fp);
		for (i = 0; i < an->ng; i++) {
			const struct agroup *g = &an->g[i];

			snprintf(n, sizeof(n), "%zu", g->accounts);
			csv_field(&c, bynames_ru[by_rank(g->by)], 1, 1);
			csv_field(&c, g->key, 1, 0);
			csv_field(&c, g->name, 1, 0);
			csv_field(&c, n, 0, 0);
			csv_money(&c, g->claimed, 0);
			csv_money(&c, g->refused, 0);
			fputs("\r\n", fp);
		}
	} else {
		ncol = an->names ? NREJCOLS : NREJCOLS - 1;
		for (i = 0; i < ncol; i++)
			csv_field(&c, rejcols_ru[i], 1, i == 0);
		fputs("\r\n", fp);
		for (i = 0; i < an->nlist; i++) {
			const struct arow *w = an->list[i];

			csv_field(&c, w->account, 1, 1);
			csv_field(&c, w->reasons, 1, 0);
			csv_field(&c, w->registry, 1, 0);
			csv_field(&c, w->stage, 1, 0);
			csv_field(&c, w->decision, 1, 0);
			csv_money(&c, w->claimed, 0);
			csv_money(&c, w->accepted, 0);
			csv_money(&c, w->refused, 0);
			csv_field(&c, w->text, 1, 0);
			csv_field(&c, w->period, 1, 0);
			csv_field(&c, w->kind, 1, 0);
			csv_field(&c, w->payer, 1, 0);
			csv_field(&c, w->dept, 1, 0);
			csv_field(&c, w->doctor, 1, 0);
			csv_field(&c, w->case_end, 1, 0);
			csv_field(&c, w->source, 1, 0);
			if (an->names)
				csv_field(&c, w->patient != NULL ?
				    w->patient : "", 1, 0);
			fputs("\r\n", fp);
		}
	}
	iconv_close(c.cd);
	if (c.lost > 0 && !cli.quiet)
		warnx("warning: %s: %zu character(s) that windows-1251 lacks "
		    "written as \"?\"", an->csv, c.lost);
}

static void
report_init(struct analyze *an, struct report *rep, char *now, size_t len,
    char *period)
{
	memset(rep, 0, sizeof(*rep));
	rep->mo = an->have_ws ? an->ws.conf.mo : "";
	rep->period = an->period != -1 ? oms_period_fmt(an->period, period) :
	    "";
	rep->generated = oms_ledger_now(now, len);
	rep->g = an->g;
	rep->ng = an->ng;
	/* the report shows every refusal; -r and --partial are for scripts */
	rep->rej = an->refused;
	rep->nrej = an->nrefused;
	rep->names = an->names;
}

/* Write what fn writes to path atomically, or to stdout for "-". */
static void
write_file(struct analyze *an, const char *path,
    int (*fn)(struct analyze *, FILE *, struct oms_err *))
{
	struct oms_afile af;
	struct oms_err e = { 0 };

	if (strcmp(path, "-") == 0) {
		if (fn(an, stdout, &e) == -1)
			exit(cli_report(&e));
		return;
	}
	if (oms_afile_open(&af, path, &e) == -1)
		exit(cli_report(&e));
	if (fn(an, af.fp, &e) == -1) {
		oms_afile_abort(&af);
		exit(cli_report(&e));
	}
	if (oms_afile_commit(&af, &e) == -1)
		exit(cli_report(&e));
	if (cli.verbose)
		warnx("%s: written", path);
}

static int
write_html(struct analyze *an, FILE *fp, struct oms_err *e)
{
	struct report rep;
	char now[32], period[8];

	report_init(an, &rep, now, sizeof(now), period);
	return (html_report(fp, &rep, e));
}

static int
write_csv(struct analyze *an, FILE *fp, struct oms_err *e)
{
	csv_write(an, fp);
	if (ferror(fp))
		return (oms_err_sys(e, errno, an->csv, "write"));
	return (0);
}

void
write_outputs(struct analyze *an)
{
	int tostdout;

	tostdout = (an->html == NULL || strcmp(an->html, "-") != 0) &&
	    (an->csv == NULL || strcmp(an->csv, "-") != 0);
	oms_buf_init(&an->out, 0);
	if (tostdout) {
		emit_tsv(an, &an->out);
		cli_out(&an->out);
	}
	if (an->html != NULL)
		write_file(an, an->html, write_html);
	if (an->csv != NULL)
		write_file(an, an->csv, write_csv);
}
