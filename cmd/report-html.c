/*
 * report-html.c -- the refusals report of oms-analyze as one HTML page:
 * Russian, inline CSS and SVG, no scripts, nothing fetched, prints on A4
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "html.h"

#define MAXBARS	15		/* bars in a chart; the rest are "прочие" */

static const char *
state_ru(const char *s)
{
	static const char *const t[][2] = {
		{ "new", "новые" },
		{ "in-flight", "отправлены, ответа нет" },
		{ "accepted", "приняты" },
		{ "partial", "частично отказаны" },
		{ "rejected", "отказаны" },
		{ "queued", "поставлены в повторный реестр" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i][0], s) == 0)
			return (t[i][1]);
	return (s);
}

static const char *
stage_ru(const char *s)
{
	if (strcmp(s, "flk") == 0)
		return ("ФЛК");
	if (strcmp(s, "control") == 0)
		return ("МЭК (ответ фонда)");
	if (strcmp(s, "demand") == 0)
		return ("ответ на требование об оплате");
	return (s);
}

static const char *
key_ru(const char *by, const char *key)
{
	if (*key == '\0')
		return ("(не указано)");
	if (strcmp(by, "stage") == 0)
		return (stage_ru(key));
	if (strcmp(by, "state") == 0)
		return (state_ru(key));
	return (key);
}

static const char css[] =
"@page{size:A4;margin:12mm}\n"
"body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,'Liberation Sans',"
"Arial,sans-serif;color:#222;max-width:1100px;margin:24px auto;"
"padding:0 16px}\n"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
"border-bottom:1px solid #ccd;padding-bottom:4px}\n"
".meta{color:#667;margin:0 0 16px}.note{color:#667;font-size:12px;"
"margin:4px 0}\n"
".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #dde;"
"border-radius:6px;padding:10px 14px;min-width:180px}\n"
".card b{display:block;font-size:20px;font-variant-numeric:tabular-nums}"
".card span{color:#667;font-size:12px}\n"
"table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}"
"th,td{border-bottom:1px solid #e3e3ea;padding:4px 6px;text-align:left;"
"vertical-align:top}\n"
"th{background:#f3f4f8;font-weight:600}td.n,th.n{text-align:right;"
"white-space:nowrap;font-variant-numeric:tabular-nums}\n"
"tr{break-inside:avoid}thead{display:table-header-group}"
"svg{width:100%;height:auto;break-inside:avoid}\n"
"svg text{font:12px sans-serif;fill:#333}.bar{fill:#3b6ea8}"
".tag{font-size:11px;color:#fff;background:#a86a3b;border-radius:3px;"
"padding:0 4px;margin-left:4px}\n"
"section{break-inside:auto}.rej td{font-size:12px}\n"
".rej td:first-child{font-size:11px;word-break:break-all;min-width:8em}"
".rej td:nth-child(7){min-width:16em}\n"
"table.b{width:auto;min-width:55%}table.b td:first-child{min-width:14em}\n"
"@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
".card{border-color:#999}}\n";

/* The groups of one breakdown: [*first, *first + n). */
static size_t
groups_of(const struct report *rep, const char *by, size_t *first)
{
	size_t i, n = 0;

	*first = 0;
	for (i = 0; i < rep->ng; i++)
		if (strcmp(rep->g[i].by, by) == 0) {
			if (n == 0)
				*first = i;
			n++;
		}
	return (n);
}

static int64_t
total(const struct report *rep, const char *key, size_t *accounts,
    int64_t *claimed)
{
	size_t i;

	*accounts = 0;
	*claimed = 0;
	for (i = 0; i < rep->ng; i++)
		if (strcmp(rep->g[i].by, "total") == 0 &&
		    strcmp(rep->g[i].key, key) == 0) {
			*accounts = rep->g[i].accounts;
			*claimed = rep->g[i].claimed;
			return (rep->g[i].refused);
		}
	return (0);
}

/* A horizontal bar chart of the refused sums. */
static void
chart(FILE *fp, const struct report *rep, const char *by, size_t first,
    size_t n)
{
	const int label = 300, width = 1000, bar = 22, gap = 6;
	int64_t max = 0, rest = 0;
	size_t i, nbars = n > MAXBARS ? MAXBARS : n, restn = 0;
	char b[64];
	int y, w;

	for (i = first; i < first + n; i++) {
		if (i - first >= nbars) {
			rest += rep->g[i].refused;
			restn++;
		} else if (rep->g[i].refused > max)
			max = rep->g[i].refused;
	}
	if (rest > max)
		max = rest;
	if (max <= 0)
		return;
	fprintf(fp, "<svg viewBox=\"0 0 %d %zu\" role=\"img\" "
	    "aria-label=\"отказано, руб.\">\n", width,
	    (nbars + (restn > 0)) * (size_t)(bar + gap) + 4);
	for (i = 0; i < nbars + (restn > 0); i++) {
		const struct agroup *g = i < nbars ? &rep->g[first + i] : NULL;
		int64_t v = g != NULL ? g->refused : rest;
		char lab[96];

		y = (int)i * (bar + gap) + 2;
		w = v > 0 ? (int)((double)v / (double)max *
		    (width - label - 130)) : 0;
		if (g != NULL) {
			/* the key, and the start of a reason's text */
			snprintf(lab, sizeof(lab), "%s", key_ru(by, g->key));
		} else
			snprintf(lab, sizeof(lab), "прочие (%zu)", restn);
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    label - 8, y + 15);
		html_esc(fp, lab);
		fprintf(fp, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" "
		    "width=\"%d\" height=\"%d\" rx=\"2\"/><text x=\"%d\" "
		    "y=\"%d\">%s</text>\n", label, y, w > 1 ? w : 1, bar,
		    label + (w > 1 ? w : 1) + 6, y + 15, html_rub(v, b, sizeof(b)));
	}
	fputs("</svg>\n", fp);
}

static void
breakdown(FILE *fp, const struct report *rep, const char *by,
    const char *title, const char *note)
{
	size_t first, n, i;
	int names = 0;
	char b1[64], b2[64];

	if ((n = groups_of(rep, by, &first)) == 0)
		return;
	for (i = first; i < first + n; i++)
		if (*rep->g[i].name != '\0')
			names = 1;
	fprintf(fp, "<section>\n<h2>%s</h2>\n", title);
	if (note != NULL)
		fprintf(fp, "<p class=\"note\">%s</p>\n", note);
	if (strcmp(by, "state") != 0)
		chart(fp, rep, by, first, n);
	fputs("<table class=\"b\"><thead><tr><th>Код</th>", fp);
	if (names)
		fputs("<th>Наименование</th>", fp);
	fputs("<th class=\"n\">Счетов</th><th class=\"n\">Предъявлено, руб."
	    "</th><th class=\"n\">Отказано, руб.</th></tr></thead><tbody>\n",
	    fp);
	for (i = first; i < first + n; i++) {
		const struct agroup *g = &rep->g[i];

		fputs("<tr><td>", fp);
		html_esc(fp, key_ru(by, g->key));
		fputs("</td>", fp);
		if (names) {
			fputs("<td>", fp);
			html_esc(fp, g->name);
			fputs("</td>", fp);
		}
		fprintf(fp, "<td class=\"n\">%zu</td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td></tr>\n", g->accounts,
		    html_rub(g->claimed, b1, sizeof(b1)), html_rub(g->refused, b2,
		    sizeof(b2)));
	}
	fputs("</tbody></table>\n</section>\n", fp);
}

/* What the replies said that does not add up: listed, one a line. */
static void
contradictions(FILE *fp, const struct report *rep)
{
	size_t first, n, i;
	char b1[64];

	if ((n = groups_of(rep, "contradiction", &first)) == 0)
		return;
	fputs("<section>\n<h2>Противоречия в ответах</h2>\n<p class=\"note\">"
	    "Решения, которые не сходятся: проверьте их с фондом или "
	    "страховой организацией. Действует решение более позднего "
	    "этапа контроля.</p>\n<table class=\"rej\"><thead><tr>"
	    "<th>Вид</th><th>Что не сходится</th><th class=\"n\">"
	    "Предъявлено, руб.</th></tr></thead><tbody>\n", fp);
	for (i = first; i < first + n; i++) {
		const struct agroup *g = &rep->g[i];

		fputs("<tr><td>", fp);
		html_esc(fp, strcmp(g->key, "flk-accepted") == 0 ?
		    "ФЛК отказал, позже принят" : strcmp(g->key, "sum") == 0 ?
		    "другая сумма" : strcmp(g->key, "left") == 0 ?
		    "решение по прежнему реестру" : g->key);
		fputs("</td><td>", fp);
		html_esc(fp, g->name);
		fprintf(fp, "</td><td class=\"n\">%s</td></tr>\n",
		    html_rub(g->claimed, b1, sizeof(b1)));
	}
	fputs("</tbody></table>\n</section>\n", fp);
}

static void
refused_list(FILE *fp, const struct report *rep)
{
	size_t i;
	char b1[64], b2[64];

	fputs("<section>\n<h2>Счета с отказами</h2>\n", fp);
	if (rep->nrej == 0) {
		fputs("<p>Отказанных счетов нет.</p>\n</section>\n", fp);
		return;
	}
	fputs("<table class=\"rej\"><thead><tr><th>Счёт</th><th>Реестр</th>"
	    "<th>Этап</th><th>Решение</th><th class=\"n\">Предъявлено</th>"
	    "<th class=\"n\">Отказано</th><th>Причины</th><th>Период</th>"
	    "<th>Плательщик</th><th>Отделение</th><th>Врач</th>"
	    "<th>Окончание</th>", fp);
	if (rep->names)
		fputs("<th>Пациент</th>", fp);
	fputs("</tr></thead><tbody>\n", fp);
	for (i = 0; i < rep->nrej; i++) {
		const struct arow *r = rep->rej[i];

		fputs("<tr><td>", fp);
		html_esc(fp, r->account);
		fputs("</td><td>", fp);
		html_esc(fp, r->registry);
		if (r->test)
			fputs("<span class=\"tag\">тест</span>", fp);
		fputs("</td><td>", fp);
		html_esc(fp, stage_ru(r->stage));
		fprintf(fp, "</td><td>%s</td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td><td>", r->state == OMS_ST_PARTIAL ?
		    "частичный отказ" : "отказ", html_rub(r->claimed, b1,
		    sizeof(b1)), html_rub(r->refused, b2, sizeof(b2)));
		html_esc(fp, r->text != NULL ? r->text : r->reasons);
		fputs("</td><td>", fp);
		html_esc(fp, r->period);
		fputs("</td><td>", fp);
		html_esc(fp, r->payer);
		fputs("</td><td>", fp);
		html_esc(fp, r->dept);
		fputs("</td><td>", fp);
		html_esc(fp, r->doctor);
		fputs("</td><td>", fp);
		html_esc(fp, r->case_end);
		if (rep->names) {
			fputs("</td><td>", fp);
			html_esc(fp, r->patient != NULL ? r->patient : "");
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table>\n</section>\n", fp);
}

int
html_report(FILE *fp, const struct report *rep, struct oms_err *err)
{
	size_t nall, nref;
	int64_t claimed, cref, refused;
	char b1[64], b2[64], title[128], share[32], *comma;

	refused = total(rep, "refused", &nref, &cref);
	(void)total(rep, "all", &nall, &claimed);
	/* a tenth of a percent, with a decimal comma */
	snprintf(share, sizeof(share), "%.1f", claimed > 0 ? 100.0 *
	    (double)refused / (double)claimed : 0.0);
	if ((comma = strchr(share, '.')) != NULL)
		*comma = ',';
	snprintf(title, sizeof(title), "Отказы в оплате%s%s, %s%s",
	    *rep->mo != '\0' ? " — МО " : "", rep->mo,
	    *rep->period != '\0' ? "период " : "все периоды", rep->period);
	fputs("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", fp);
	html_esc(fp, title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
	    css);
	html_esc(fp, title);
	fputs("</h1>\n<p class=\"meta\">Сформировано: ", fp);
	html_esc(fp, rep->generated);
	fputs("</p>\n", fp);

	fprintf(fp, "<div class=\"cards\">\n"
	    "<div class=\"card\"><span>Всего счетов</span><b>%zu</b></div>\n"
	    "<div class=\"card\"><span>Предъявлено, руб.</span><b>%s</b>"
	    "</div>\n"
	    "<div class=\"card\"><span>Счетов с отказами</span><b>%zu</b>"
	    "</div>\n"
	    "<div class=\"card\"><span>Отказано, руб.</span><b>%s</b></div>\n"
	    "<div class=\"card\"><span>Доля отказов в сумме</span><b>%s\xc2"
	    "\xa0%%</b></div>\n</div>\n", nall, html_rub(claimed, b1, sizeof(b1)),
	    nref, html_rub(refused, b2, sizeof(b2)), share);

	breakdown(fp, rep, "state", "Состояние счетов", NULL);
	breakdown(fp, rep, "reason", "Причины отказов",
	    "Счёт с несколькими причинами учтён под каждой из них.");
	breakdown(fp, rep, "stage", "По этапам контроля", NULL);
	breakdown(fp, rep, "payer", "По плательщикам", NULL);
	breakdown(fp, rep, "kind", "По видам реестров", NULL);
	breakdown(fp, rep, "dept", "По отделениям", NULL);
	breakdown(fp, rep, "doctor", "По врачам", NULL);
	contradictions(fp, rep);
	refused_list(fp, rep);
	fputs("<p class=\"note\">Сформировано программой oms-analyze.</p>\n"
	    "</body>\n</html>\n", fp);
	if (fflush(fp) == EOF || ferror(fp))
		return (oms_err_sys(err, errno, NULL, "write"));
	return (0);
}
