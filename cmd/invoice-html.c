/*
 * invoice-html.c -- the "Суммы для счетов" report and the invoices of
 * oms-invoice, as HTML pages that print on A4 (Russian, no scripts)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "invoice.h"

/* ------------------------------------------------------------ words */

static const char *const ones_m[] = { "", "один", "два", "три", "четыре",
	"пять", "шесть", "семь", "восемь", "девять" };
static const char *const ones_f[] = { "", "одна", "две", "три", "четыре",
	"пять", "шесть", "семь", "восемь", "девять" };
static const char *const teens[] = { "десять", "одиннадцать", "двенадцать",
	"тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
	"семнадцать", "восемнадцать", "девятнадцать" };
static const char *const tens[] = { "", "", "двадцать", "тридцать",
	"сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
	"девяносто" };
static const char *const hundreds[] = { "", "сто", "двести", "триста",
	"четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
	"девятьсот" };

/* 1 рубль, 2 рубля, 5 рублей */
static const char *
plural(uint64_t n, const char *one, const char *few, const char *many)
{
	if (n % 100 >= 11 && n % 100 <= 19)
		return (many);
	switch (n % 10) {
	case 1:
		return (one);
	case 2:
	case 3:
	case 4:
		return (few);
	default:
		return (many);
	}
}

static void
cat(char *buf, size_t len, const char *w)
{
	size_t n = strlen(buf);

	if (*w == '\0')
		return;
	snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "", w);
}

static void
triple(char *buf, size_t len, unsigned v, int feminine)
{
	cat(buf, len, hundreds[v / 100]);
	v %= 100;
	if (v >= 10 && v < 20) {
		cat(buf, len, teens[v - 10]);
		return;
	}
	cat(buf, len, tens[v / 10]);
	cat(buf, len, (feminine ? ones_f : ones_m)[v % 10]);
}

char *
rub_words(int64_t kopecks, char *buf, size_t len)
{
	static const struct {
		uint64_t	 scale;
		int		 feminine;
		const char	*one, *few, *many;
	} g[] = {
		{ 1000000000000ULL, 0, "триллион", "триллиона", "триллионов" },
		{ 1000000000ULL, 0, "миллиард", "миллиарда", "миллиардов" },
		{ 1000000ULL, 0, "миллион", "миллиона", "миллионов" },
		{ 1000ULL, 1, "тысяча", "тысячи", "тысяч" },
	};
	uint64_t v = kopecks < 0 ? -(uint64_t)kopecks : (uint64_t)kopecks;
	uint64_t r = v / 100, k = v % 100, part;
	size_t i, n;
	char kop[64];

	buf[0] = '\0';
	if (kopecks < 0)
		cat(buf, len, "минус");
	if (r == 0)
		cat(buf, len, "ноль");
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		part = (r / g[i].scale) % 1000;
		if (part == 0)
			continue;
		triple(buf, len, (unsigned)part, g[i].feminine);
		cat(buf, len, plural(part, g[i].one, g[i].few, g[i].many));
	}
	triple(buf, len, (unsigned)(r % 1000), 0);
	cat(buf, len, plural(r, "рубль", "рубля", "рублей"));
	snprintf(kop, sizeof(kop), "%02u %s", (unsigned)k,
	    plural(k, "копейка", "копейки", "копеек"));
	cat(buf, len, kop);
	/* a capital first letter: the Cyrillic ones are two bytes */
	n = (unsigned char)buf[0] == 0xd0 || (unsigned char)buf[0] == 0xd1;
	if (n) {
		unsigned char *b = (unsigned char *)buf;
		unsigned c = ((unsigned)(b[0] & 0x1f) << 6) | (b[1] & 0x3f);

		if (c >= 0x430 && c <= 0x44f)
			c -= 0x20;
		b[0] = (unsigned char)(0xc0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3f));
	}
	return (buf);
}

/* ------------------------------------------------------------ pages */

static const char *const months_nom[] = { "январь", "февраль", "март",
	"апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
	"ноябрь", "декабрь" };
static const char *const months_gen[] = { "января", "февраля", "марта",
	"апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
	"ноября", "декабря" };

/* "октябрь 2026 г." */
static void
period_ru(FILE *fp, int period)
{
	fprintf(fp, "%s %d\xc2\xa0г.", months_nom[period % 12], period / 12);
}

/* "10 ноября 2026 г." from YYYY-MM-DD */
static void
date_ru(FILE *fp, const char *ymd)
{
	long days;
	int y, m, d;

	if (oms_date_parse(ymd, &days) == -1) {
		html_esc(fp, ymd);
		return;
	}
	oms_date_to_ymd(days, &y, &m, &d);
	fprintf(fp, "%d %s %d\xc2\xa0г.", d, months_gen[m - 1], y);
}

static const char css[] =
"@page{size:A4;margin:15mm}\n"
"body{font:13px/1.4 'Liberation Serif','Times New Roman',serif;color:#000;"
"max-width:180mm;margin:16px auto}\n"
"h1{font-size:18px;text-align:center;margin:12px 0}h2{font-size:15px;"
"margin:18px 0 6px}\n"
"table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;"
"padding:3px 5px;vertical-align:top}\n"
"th{font-weight:bold;text-align:center}.n{text-align:right;"
"white-space:nowrap}\n"
"table.req td{border:none;padding:1px 4px}table.req td:first-child"
"{width:32%;color:#333}\n"
"tr.total td{font-weight:bold}.sign{margin-top:28px;display:flex;"
"justify-content:space-between;gap:24px}\n"
".sign div{flex:1}.line{border-bottom:1px solid #000;height:18px;"
"margin-bottom:2px}.small{font-size:11px;color:#333}\n"
"tr{break-inside:avoid}thead{display:table-header-group}\n"
"@media print{body{margin:0;max-width:none}}\n";

static void
head(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta "
	    "charset=\"utf-8\">\n<title>", fp);
	html_esc(fp, title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

static void
req(FILE *fp, const char *label, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	fprintf(fp, "<tr><td>%s</td><td>", label);
	html_esc(fp, v);
	fputs("</td></tr>\n", fp);
}

static void
signatures(FILE *fp, const struct org *mo)
{
	fputs("<div class=\"sign\">\n<div><div class=\"line\"></div>"
	    "<span class=\"small\">Руководитель медицинской организации ", fp);
	html_esc(fp, mo->head);
	fputs("</span></div>\n<div><div class=\"line\"></div><span "
	    "class=\"small\">Главный бухгалтер ", fp);
	html_esc(fp, mo->accountant);
	fputs("</span></div>\n</div>\n<p class=\"small\">М.П.</p>\n", fp);
}

static int
done(FILE *fp, struct oms_err *err)
{
	fputs("</body>\n</html>\n", fp);
	if (fflush(fp) == EOF || ferror(fp))
		return (oms_err_sys(err, errno, NULL, "write"));
	return (0);
}

int
report_html(FILE *fp, const struct invdoc *doc, struct oms_err *err)
{
	const struct oms_invoice *inv = doc->inv;
	int64_t c = 0, r = 0, w = 0, t = 0;
	size_t i, acc = 0;
	char b[64];

	head(fp, "Суммы для счетов");
	fputs("<h1>Суммы для счетов</h1>\n<p style=\"text-align:center\">",
	    fp);
	html_esc(fp, doc->mo.name);
	fputs(" (код МО ", fp);
	html_esc(fp, doc->mo.code);
	fputs(")<br>за ", fp);
	period_ru(fp, inv->period);
	fputs("</p>\n<table>\n<thead><tr><th>Код</th><th>Плательщик</th>"
	    "<th>Счетов</th><th>Предъявлено, руб.</th><th>Отказано, руб.</th>"
	    "<th>Удержано, руб.</th><th>К оплате, руб.</th><th>Счёт</th></tr>"
	    "</thead>\n<tbody>\n", fp);
	for (i = 0; i < inv->n; i++) {
		const struct oms_payer_sum *p = &inv->p[i];

		fputs("<tr><td>", fp);
		html_esc(fp, p->payer);
		fputs("</td><td>", fp);
		html_esc(fp, doc->payer[i].name);
		fprintf(fp, "</td><td class=\"n\">%zu</td>", p->accounts);
		fprintf(fp, "<td class=\"n\">%s</td>", html_rub(p->claimed, b,
		    sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td>", html_rub(p->refused, b,
		    sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td>", html_rub(p->withheld, b,
		    sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td><td>", html_rub(p->to_pay, b,
		    sizeof(b)));
		if (p->number[0] != '\0') {
			fputs("№\xc2\xa0", fp);
			html_esc(fp, p->number);
			fputs(" от ", fp);
			date_ru(fp, p->date);
		}
		fputs("</td></tr>\n", fp);
		acc += p->accounts;
		c += p->claimed;
		r += p->refused;
		w += p->withheld;
		t += p->to_pay;
	}
	fprintf(fp, "<tr class=\"total\"><td></td><td>Итого</td><td "
	    "class=\"n\">%zu</td>", acc);
	fprintf(fp, "<td class=\"n\">%s</td>", html_rub(c, b, sizeof(b)));
	fprintf(fp, "<td class=\"n\">%s</td>", html_rub(r, b, sizeof(b)));
	fprintf(fp, "<td class=\"n\">%s</td>", html_rub(w, b, sizeof(b)));
	fprintf(fp, "<td class=\"n\">%s</td><td></td></tr>\n</tbody>\n"
	    "</table>\n", html_rub(t, b, sizeof(b)));
	fputs("<p class=\"small\">Предъявлено — сумма счетов, направленных "
	    "плательщику в основных (не тестовых) реестрах периода; отказано "
	    "— по протоколам ФЛК, результатам МЭК и ответам на требования об "
	    "оплате, включая частичные отказы; удержано — по уведомлению "
	    "фонда о корректировке подушевого финансирования.</p>\n", fp);
	if (inv->nw > 0) {
		fputs("<h2>Удержания</h2>\n<table>\n<thead><tr><th>Код</th>"
		    "<th>Плательщик</th><th>Вид</th><th>Сумма, руб.</th></tr>"
		    "</thead>\n<tbody>\n", fp);
		for (i = 0; i < inv->nw; i++) {
			const struct oms_withhold *x = &inv->w[i];
			const char *name = "";
			size_t j;

			for (j = 0; j < inv->n; j++)
				if (strcmp(inv->p[j].payer, x->payer) == 0)
					name = doc->payer[j].name;
			fputs("<tr><td>", fp);
			html_esc(fp, x->payer);
			fputs("</td><td>", fp);
			html_esc(fp, name);
			fputs("</td><td>", fp);
			html_esc(fp, strcmp(x->kind, "ckdl") == 0 ? "ЦКДЛ" :
			    strcmp(x->kind, "petct") == 0 ? "ПЭТ/КТ" : x->kind);
			fprintf(fp, "</td><td class=\"n\">%s</td></tr>\n",
			    html_rub(x->amount, b, sizeof(b)));
		}
		fputs("</tbody>\n</table>\n", fp);
	}
	signatures(fp, &doc->mo);
	fputs("<p class=\"small\">Сформировано программой oms-invoice ", fp);
	html_esc(fp, doc->generated);
	fputs("</p>\n", fp);
	return (done(fp, err));
}

int
invoice_html(FILE *fp, const struct invdoc *doc, size_t i,
    struct oms_err *err)
{
	const struct oms_payer_sum *p = &doc->inv->p[i];
	const struct org *pay = &doc->payer[i], *mo = &doc->mo;
	char b[64], words[512], title[128];

	snprintf(title, sizeof(title), "Счёт на оплату № %s", p->number);
	head(fp, title);
	fputs("<table class=\"req\">\n", fp);
	req(fp, "Получатель", mo->name);
	if ((mo->inn != NULL && *mo->inn != '\0') ||
	    (mo->kpp != NULL && *mo->kpp != '\0')) {
		fputs("<tr><td>ИНН / КПП</td><td>", fp);
		html_esc(fp, mo->inn);
		fputs(" / ", fp);
		html_esc(fp, mo->kpp);
		fputs("</td></tr>\n", fp);
	}
	req(fp, "ОГРН", mo->ogrn);
	req(fp, "Адрес", mo->address);
	req(fp, "Банк получателя", mo->bank);
	req(fp, "БИК", mo->bik);
	req(fp, "Расчётный счёт", mo->account);
	req(fp, "Корр. счёт", mo->corr);
	fputs("</table>\n<h1>", fp);
	html_esc(fp, title);
	fputs(" от ", fp);
	date_ru(fp, p->date);
	fputs("</h1>\n<table class=\"req\">\n", fp);
	req(fp, "Поставщик", mo->name);
	req(fp, "Плательщик", pay->name);
	if ((pay->inn != NULL && *pay->inn != '\0') ||
	    (pay->kpp != NULL && *pay->kpp != '\0')) {
		fputs("<tr><td>ИНН / КПП плательщика</td><td>", fp);
		html_esc(fp, pay->inn);
		fputs(" / ", fp);
		html_esc(fp, pay->kpp);
		fputs("</td></tr>\n", fp);
	}
	req(fp, "ОГРН плательщика", pay->ogrn);
	req(fp, "Адрес плательщика", pay->address);
	req(fp, "Основание", doc->basis);
	fputs("</table>\n<br>\n<table>\n<thead><tr><th>№</th><th>Наименование"
	    "</th><th>Сумма, руб.</th></tr></thead>\n<tbody>\n<tr><td>1</td>"
	    "<td>Медицинская помощь, оказанная застрахованным лицам по "
	    "обязательному медицинскому страхованию, за ", fp);
	period_ru(fp, doc->inv->period);
	fprintf(fp, " (счетов: %zu; предъявлено %s", p->accounts,
	    html_rub(p->claimed, b, sizeof(b)));
	fprintf(fp, ", отказано %s", html_rub(p->refused, b, sizeof(b)));
	if (p->withheld != 0)
		fprintf(fp, ", удержано %s", html_rub(p->withheld, b, sizeof(b)));
	fprintf(fp, ")</td><td class=\"n\">%s</td></tr>\n", html_rub(p->to_pay, b,
	    sizeof(b)));
	fprintf(fp, "<tr class=\"total\"><td></td><td style=\"text-align:"
	    "right\">Итого к оплате</td><td class=\"n\">%s</td></tr>\n"
	    "<tr><td></td><td style=\"text-align:right\">Без налога (НДС)</td>"
	    "<td class=\"n\">—</td></tr>\n</tbody>\n</table>\n",
	    html_rub(p->to_pay, b, sizeof(b)));
	fputs("<p>Всего к оплате: ", fp);
	html_esc(fp, rub_words(p->to_pay, words, sizeof(words)));
	fputs(".</p>\n", fp);
	signatures(fp, mo);
	return (done(fp, err));
}
