/*
 * ffoms_answer.c -- the federal answers, streamed
 *
 * A control answer or an answer to the payment demand holds a ZAP for
 * every account sent, a million of them: it is read by SAX, with no tree
 * and nothing allocated per record, while the feed's thread (feed.c)
 * inflates the ZIP entry (or reads the file).  Of each ZAP it takes what
 * omsi_path_text would find in its subtree: at every step the first child
 * element of the name, and in the last one its first text node.  The
 * checks and their messages are those of the ФЛК path (ffoms_reply.c),
 * and the sums of each record must add up.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "feed_int.h"
#include "import_int.h"
#include "xscan_int.h"

/* a field's text: libxml2 refuses longer text nodes (XML_MAX_TEXT_LENGTH) */
#define FIELD_MAX	((size_t)10000000 + 1)

/* the headers, where no refusal stands: what else they hold is noted */
const char *const omsi_ffoms_zglv[] = {
	"VERSION", "DATA", "FILENAME", "FILENAME1", "SD_Z", NULL
};
const char *const omsi_ffoms_schet[] = {
	"CODE", "CODE_MO", "YEAR", "MONTH", "NSCHET", "DSCHET", "PLAT",
	"SUMMAV", "COMENTS", "SUMMAP", "SANK_MEK", "SANK_MEE", "SANK_EKMP",
	"DISP", NULL
};

/*
 * The paths read below a record (N_ZAP, Z_SL/SL/SL_ID, ...): the first
 * element of seg[0] among the record's children, the first seg[1] in
 * that, and so on; and the first text node of the last, as the tree
 * would hold it (XML_PARSE_NOBLANKS drops blanks that a child follows,
 * CDATA is text).  Names are compared as the parser's dictionary strings.
 * sx.on[d] has a bit for each path whose element at depth d is open (the
 * record itself included), sx.tgt[d] for each path whose last element
 * that is.
 */
struct track {
	char		 *path;
	const xmlChar	**seg;
	size_t		  nseg;
	int		  never;	/* no element can match a segment */
	size_t		  m;		/* segments open now */
	unsigned char	 *tried;	/* seg[i] was met under the open i-1 */
	int		  hit;		/* the element is there */
	unsigned long	  line;		/* ... at this line */
	int		  kids;		/* it has child nodes so far */
	int		  text;		/* its first text node began */
	int		  done;		/* ... and is complete */
	struct oms_buf	  buf;		/* that text, or blanks pending */
};

enum {
	T_NZAP, T_KEY, T_OPLATA, T_SUMV, T_SUMP, T_SANKIT, T_ZSL,
	T_SSUM, T_SOSN, T_SIST, T_DACT,	/* below a SANK of the first Z_SL */
	T_CODEMO, T_DSCHET,		/* below SCHET */
	T_DATA,				/* below ZGLV */
	T_N
};
#define ZAP_TRACKS	((1u << T_SSUM) - 1)
#define SANK_TRACKS	((1u << T_SSUM) | (1u << T_SOSN) | (1u << T_SIST) | \
			(1u << T_DACT))
#define MAX_DEPTH	300		/* libxml2 stops at 256 */

struct sank {
	unsigned long	 line;
	int		 bad;		/* S_SUM there and malformed */
	int		 has_sum;	/* S_SUM there */
	int64_t		 sum;
	int		 counts;	/* S_IST none or 1: in SANK_IT */
	int		 osn;		/* S_OSN there */
	size_t		 off;		/* its text in sx.osn */
};

struct sx {
	struct imp		*m;
	struct omsi_feed	*f;
	const char		*fname;		/* for messages */
	xmlParserCtxtPtr	 ctxt;
	struct omsi_xscan	*xs;		/* the fast reader, or NULL */
	struct oms_err		*err;
	int			 failed;
	int			 root;		/* the root was seen */
	int			 depth;		/* of the open element, root 0 */
	int			 in;		/* at depth 1: 'Z' ZAP, 'S' SCHET */
	int			 insank;	/* a SANK of the first Z_SL */
	unsigned long		 line;		/* of the ZAP or SCHET */
	unsigned long		 sankline;
	uint64_t		 nrec;
	const xmlChar		*zl_list, *zap, *schet, *sank_name, *zglv;
	struct track		 t[T_N];
	unsigned		 on[MAX_DEPTH], tgt[MAX_DEPTH];
	struct sank		*sanks;
	size_t			 nsank, capsank;
	struct oms_buf		 osn;
};

static int
same(const xmlChar *a, const xmlChar *b)
{
	return (a == b || (*a == *b && strcmp((const char *)a,
	    (const char *)b) == 0));
}

static int
track_init(struct track *t, xmlDictPtr dict, const char *path,
    struct oms_err *err)
{
	const char *q;
	char *p, *s;
	size_t n = 1, i;

	oms_buf_init(&t->buf, FIELD_MAX);
	for (q = path; *q != '\0'; q++)
		n += *q == '/';
	if ((t->seg = calloc(n, sizeof(*t->seg))) == NULL ||
	    (t->tried = calloc(n + 1, 1)) == NULL ||
	    (t->path = strdup(path)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	/* as omsi_path: a trailing '/' ends it, an empty or long step fails */
	for (i = 0, p = t->path; *p != '\0'; i++) {
		s = p;
		p += strcspn(p, "/");
		if (p == s || p - s >= 64)
			t->never = 1;
		if (*p == '/')
			*p++ = '\0';
		if ((t->seg[i] = xmlDictLookup(dict, (xmlChar *)s, -1)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
	}
	if ((t->nseg = i) == 0)
		t->never = 1;		/* conf.c allows no empty key */
	return (0);
}

static void
track_release(struct track *t)
{
	free(t->path);
	free(t->seg);
	free(t->tried);
	oms_buf_release(&t->buf);
}

static int
blank(const struct oms_buf *b)
{
	return (omsi_imp_blanks(b->s, b->len));
}

/* The record of the tracks in mask begins at depth d. */
static void
sx_begin(struct sx *s, unsigned mask, int d)
{
	struct track *t;
	int i;

	for (i = 0; i < T_N; i++) {
		if (!(mask & 1u << i))
			continue;
		t = &s->t[i];
		t->m = 0;
		t->tried[0] = 0;
		t->hit = t->kids = t->text = t->done = 0;
		oms_buf_reset(&t->buf);
		if (!t->never)
			s->on[d] |= 1u << i;
	}
}

/* A child node (element, comment, PI) of the element at depth d. */
static void
sx_child(struct sx *s, int d)
{
	unsigned mask = s->tgt[d];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1) || (t = &s->t[i])->done)
			continue;
		if (t->text)
			t->done = 1;
		else if (t->buf.len > 0 && !blank(&t->buf))
			t->text = t->done = 1;
		else
			oms_buf_reset(&t->buf);		/* ignorable blanks */
		t->kids = 1;
	}
}

static unsigned long	sx_line(const struct sx *);

/* Element name begins at depth d: it may be the next step of a path. */
static void
sx_step(struct sx *s, int d, const xmlChar *name)
{
	unsigned mask = s->on[d - 1] & ~s->tgt[d - 1];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		t = &s->t[i];
		if (t->tried[t->m] || !same(name, t->seg[t->m]))
			continue;
		t->tried[t->m++] = 1;
		t->tried[t->m] = 0;
		s->on[d] |= 1u << i;
		if (t->m == t->nseg) {
			t->hit = 1;
			t->line = sx_line(s);
			s->tgt[d] |= 1u << i;
		}
	}
}

/* The element at depth d ends. */
static void
sx_close(struct sx *s, int d)
{
	unsigned mask = s->on[d];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1) || (t = &s->t[i])->m == 0)
			continue;	/* the record itself */
		if (t->m == t->nseg && !t->done) {
			/* blanks alone stay in an element without children */
			if (!t->text && t->kids && blank(&t->buf))
				oms_buf_reset(&t->buf);
			t->done = 1;
		}
		t->m--;
	}
}

/* What omsi_path_text would return: NULL when there is no element. */
static const char *
track_value(const struct track *t)
{
	if (!t->hit)
		return (NULL);
	return (t->buf.s != NULL ? t->buf.s : "");
}

static int
money_text(const char *s, int64_t *v)
{
	return (s == NULL ? 0 : oms_money_parse(s, v) == 0 ? 1 : -1);
}

/* Stop at the first failure; err is filled already. */
static void
sx_fail(struct sx *s)
{
	s->failed = 1;
	if (s->xs != NULL)
		omsi_xscan_stop(s->xs);
	else
		xmlStopParser(s->ctxt);
}

static unsigned long
sx_line(const struct sx *s)
{
	if (s->xs != NULL)
		return (omsi_xscan_line(s->xs));
	return ((unsigned long)xmlSAX2GetLineNumber(s->ctxt));
}

/* What a record of an answer says about its money. */
struct sums {
	int	 oplata;		/* 1, 2 or 3 */
	int64_t	 sumv, sump, it, ssum;
	int	 has_sump, has_it;	/* SUMP, SANK_IT there */
	size_t	 nssum;			/* S_SUM counted in ssum */
};

/* "SUMV 960.80, SUMP 0.00, SANK_IT 960.80": what the record gave. */
static void
sums_given(const struct sums *x, char *out, size_t len)
{
	char a[32], b[32], c[32], e[32];

	snprintf(out, len, "SUMV %s%s%s%s%s%s%s", oms_money_fmt(x->sumv, a),
	    x->has_sump ? ", SUMP " : "", x->has_sump ?
	    oms_money_fmt(x->sump, b) : "", x->has_it ? ", SANK_IT " : "",
	    x->has_it ? oms_money_fmt(x->it, c) : "", x->nssum > 0 ?
	    ", S_SUM in all " : "", x->nssum > 0 ? oms_money_fmt(x->ssum, e) :
	    "");
}

static int	sums_err(struct imp *, size_t, unsigned long,
		    const struct sums *, struct oms_err *, const char *, ...)
		    __attribute__((__format__(__printf__, 6, 7)));

static int
sums_err(struct imp *m, size_t i, unsigned long line, const struct sums *x,
    struct oms_err *err, const char *fmt, ...)
{
	char what[200], given[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sums_given(x, given, sizeof(given));
	return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s (account "
	    "%s): %s (%s): the sums do not add up; not imported, ask the "
	    "sender for a corrected reply", m->zap[i], m->acc[i], what,
	    given));
}

/*
 * Do the sums of record i add up, with each other and with what the
 * registry claimed?  SUMV is the claim; the refused sum (SANK_IT, else
 * the S_SUM of the sanctions that count in it) is at most SUMV and SUMV
 * minus SUMP; OPLATA 1 pays all of SUMV, 2 nothing, 3 a part.  What a
 * reply leaves out follows from the rest.  The numbers go into the
 * invoices: a record that breaks a rule refuses the reply whole.
 */
static int
answer_sums(struct imp *m, size_t i, unsigned long line, struct sums *x,
    struct dec *d, struct oms_err *err)
{
	const struct oms_acct *c;
	int64_t ref, paid;
	int has_ref = x->has_it || x->nssum > 0;
	char a[32];

	c = oms_ledger_claim(m->l, m->acc[i], m->ri);
	if (c != NULL && x->sumv != c->sum)
		return (sums_err(m, i, line, x, err, "SUMV is not what "
		    "registry %s claimed, %s", m->reg->name,
		    oms_money_fmt(c->sum, a)));
	if (x->sumv < 0 || (x->has_sump && x->sump < 0) ||
	    (x->has_it && x->it < 0))
		return (sums_err(m, i, line, x, err, "a sum is negative"));
	if (x->has_it && x->nssum > 0 && x->it != x->ssum)
		return (sums_err(m, i, line, x, err, "SANK_IT is not the sum "
		    "of the S_SUM of its sanctions"));
	ref = x->has_it ? x->it : x->ssum;
	if (has_ref && ref > x->sumv)
		return (sums_err(m, i, line, x, err, "more is refused than "
		    "SUMV"));
	if (x->has_sump && x->sump > x->sumv)
		return (sums_err(m, i, line, x, err, "SUMP is more than "
		    "SUMV"));
	if (x->has_sump && has_ref && x->sump + ref != x->sumv)
		return (sums_err(m, i, line, x, err, "SUMP plus the refused "
		    "sum is not SUMV"));
	if (x->has_sump)
		paid = x->sump;
	else if (has_ref)
		paid = x->sumv - ref;
	else if (x->oplata == 3)
		return (sums_err(m, i, line, x, err, "OPLATA 3 (partly paid) "
		    "without SUMP or SANK_IT: how much is paid is not said"));
	else
		paid = x->oplata == 1 ? x->sumv : 0;
	if (x->oplata == 1 && paid != x->sumv)
		return (sums_err(m, i, line, x, err, "OPLATA 1 pays all of "
		    "SUMV, but %s is paid", oms_money_fmt(paid, a)));
	if (x->oplata == 2 && paid != 0)
		return (sums_err(m, i, line, x, err, "OPLATA 2 pays nothing, "
		    "but %s is paid", oms_money_fmt(paid, a)));
	if (x->oplata == 3 && (paid <= 0 || paid >= x->sumv))
		return (sums_err(m, i, line, x, err, "OPLATA 3 pays a part "
		    "of SUMV (0 < SUMP < SUMV), but %s is paid",
		    oms_money_fmt(paid, a)));
	d->claimed = x->sumv;
	d->accepted = paid;
	d->refused = x->sumv - paid;
	return (0);
}

/* A ZAP was read: map it to its account and take its decision. */
static int
zap_done(struct sx *s, struct oms_err *err)
{
	struct imp *m = s->m;
	unsigned long line = s->line;
	const char *v, *key;
	struct sums x;
	struct dec *d;
	size_t k;
	long i;

	if ((i = omsi_imp_record(m, track_value(&s->t[T_NZAP]), line,
	    err)) == -1)
		return (-1);
	d = &m->dec[i];
	key = track_value(&s->t[T_KEY]);
	if (key != NULL && strcmp(key, m->acc[i]) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s "
		    "holds %s, but registry %s sent account %s there",
		    m->zap[i], key, m->reg->name, m->acc[i]));
	if (d->set)
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "N_ZAP %s twice", m->zap[i]));
	v = track_value(&s->t[T_OPLATA]);
	if (v == NULL || strcmp(v, "0") == 0)
		return (0);	/* no decision yet */
	memset(&x, 0, sizeof(x));
	if (strcmp(v, "1") == 0)
		d->decision = OMS_ST_ACCEPTED;
	else if (strcmp(v, "2") == 0)
		d->decision = OMS_ST_REJECTED;
	else if (strcmp(v, "3") == 0)
		d->decision = OMS_ST_PARTIAL;
	else
		return (oms_err_set(err, OMS_EDATA, m->name, line, "OPLATA "
		    "\"%s\" is not 0, 1, 2 or 3", v));
	x.oplata = v[0] - '0';
	if (money_text(track_value(&s->t[T_SUMV]), &x.sumv) != 1 ||
	    (x.has_sump = money_text(track_value(&s->t[T_SUMP]),
	    &x.sump)) == -1 || (x.has_it = money_text(track_value(
	    &s->t[T_SANKIT]), &x.it)) == -1)
		return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s: "
		    "SUMV, SUMP or SANK_IT missing or malformed", m->zap[i]));
	for (k = 0; k < s->nsank; k++) {
		if (s->sanks[k].bad || s->sanks[k].sum < 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    s->sanks[k].line, "N_ZAP %s: bad S_SUM (a sum of "
			    "0 or more, two decimals and a dot)", m->zap[i]));
		if (!s->sanks[k].has_sum || !s->sanks[k].counts)
			continue;
		/* each is at most MONEY_MAX: no overflow for a long while */
		if ((x.ssum += s->sanks[k].sum) > INT64_MAX / 2)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    s->sanks[k].line, "N_ZAP %s: the S_SUM add up to "
			    "more than any sum", m->zap[i]));
		x.nssum++;
	}
	if (answer_sums(m, (size_t)i, line, &x, d, err) == -1)
		return (-1);
	for (k = 0; k < s->nsank; k++)
		if (s->sanks[k].osn && omsi_imp_dreason(m, d, s->osn.s +
		    s->sanks[k].off, err) == -1)
			return (-1);
	d->set = 1;
	return (0);
}

/* A SANK of the first Z_SL was read: keep what zap_done will need. */
static int
sank_done(struct sx *s, struct oms_err *err)
{
	struct sank *k;
	const char *v;
	int64_t sum;
	size_t cap;
	int r;

	if (s->nsank == s->capsank) {
		cap = s->capsank ? s->capsank * 2 : 16;
		if ((k = reallocarray(s->sanks, cap, sizeof(*k))) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		s->sanks = k;
		s->capsank = cap;
	}
	k = &s->sanks[s->nsank++];
	k->line = s->sankline;
	k->has_sum = (r = money_text(track_value(&s->t[T_SSUM]), &sum)) == 1;
	k->bad = r == -1;
	k->sum = k->has_sum ? sum : 0;
	v = track_value(&s->t[T_SIST]);
	k->counts = v == NULL || strcmp(v, "1") == 0;
	if ((v = track_value(&s->t[T_DACT])) != NULL &&
	    omsi_imp_date(s->m->name, s->t[T_DACT].line, "SANK/DATE_ACT", v,
	    NULL, err) == -1)
		return (-1);
	k->off = s->osn.len;
	if ((k->osn = (v = track_value(&s->t[T_SOSN])) != NULL) &&
	    oms_buf_add(&s->osn, v, strlen(v) + 1, err) == -1)
		return (-1);
	return (0);
}

/*
 * Where an answer's refusals stand: its records, and in them the
 * sanctions.  An element there that the order does not have makes the
 * answer unreadable (refused as a whole), never "accepted".
 */
static const char *const answer_top[] = { "ZGLV", "SCHET", "ZAP", NULL };
static const char *const answer_zap[] = {
	"N_ZAP", "PR_NOV", "PACIENT", "Z_SL", NULL
};
static const char *const answer_sank[] = {
	"S_CODE", "S_SUM", "S_TIP", "SL_ID", "S_OSN", "DATE_ACT", "NUM_ACT",
	"CODE_EXP", "S_COM", "S_IST", NULL
};

static void
unknown_element(struct sx *s, const xmlChar *name, const char *in)
{
	oms_err_set(s->err, OMS_EDATA, s->fname, sx_line(s), "<%s> in <%s> "
	    "is not an element of an answer this reader knows, and refusals "
	    "may stand there: not imported", (const char *)name, in);
	sx_fail(s);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int natt, int ndef,
    const xmlChar **att)
{
	struct sx *s = ctx;
	struct imp *m = s->m;
	int d;

	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)natt;
	(void)ndef;
	(void)att;
	if (s->failed)
		return;
	d = ++s->depth;
	if (d >= MAX_DEPTH)
		return;
	s->on[d] = s->tgt[d] = 0;
	if (d == 0) {
		s->root = 1;
		if (!same(local, s->zl_list)) {
			oms_err_set(s->err, OMS_EDATA, m->name, 0, "named like "
			    "a %s reply but its root element is <%s>",
			    oms_stage_name(m->id.stage), (const char *)local);
			sx_fail(s);
		}
		return;
	}
	if (d == 1) {
		s->in = 0;
		if (!omsi_imp_known(answer_top, local)) {
			unknown_element(s, local, "ZL_LIST");
			return;
		}
		if (same(local, s->zap)) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++s->nrec, 0);
			s->in = 'Z';
			s->insank = 0;
			s->nsank = 0;
			oms_buf_reset(&s->osn);
			sx_begin(s, ZAP_TRACKS, 1);
		} else if (same(local, s->schet)) {
			s->in = 'S';
			sx_begin(s, 1u << T_CODEMO | 1u << T_DSCHET, 1);
		} else if (same(local, s->zglv)) {
			s->in = 'G';
			sx_begin(s, 1u << T_DATA, 1);
		}
		s->line = sx_line(s);
		return;
	}
	if (s->in == 0)
		return;
	if (d == 2 && (s->in == 'S' || s->in == 'G') &&
	    !omsi_imp_known(s->in == 'S' ? omsi_ffoms_schet : omsi_ffoms_zglv,
	    local))
		omsi_imp_unknown(m, s->fname, sx_line(s), (const char *)local,
		    s->in == 'S' ? "SCHET" : "ZGLV");
	if ((d == 2 && s->in == 'Z' && !omsi_imp_known(answer_zap, local)) ||
	    (d == 4 && s->insank && !omsi_imp_known(answer_sank, local))) {
		unknown_element(s, local, d == 2 ? "ZAP" : "SANK");
		return;
	}
	if (s->tgt[d - 1] != 0)
		sx_child(s, d - 1);
	if (s->on[d - 1] != 0)
		sx_step(s, d, local);
	if (d == 3 && s->in == 'Z' && !s->insank && (s->on[2] & s->tgt[2] &
	    1u << T_ZSL) && same(local, s->sank_name)) {
		s->insank = 1;
		s->sankline = sx_line(s);
		sx_begin(s, SANK_TRACKS, 3);
	}
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct sx *s = ctx;
	const char *v;
	int d = s->depth--;

	(void)local;
	(void)prefix;
	(void)uri;
	if (s->failed || d < 1 || d >= MAX_DEPTH || s->in == 0)
		return;
	if (d > 1) {
		if (s->on[d] != 0)
			sx_close(s, d);
		if (d == 3 && s->insank) {
			s->insank = 0;
			if (sank_done(s, s->err) == -1)
				sx_fail(s);
		}
		return;
	}
	if (s->in == 'Z') {
		s->in = 0;
		if (zap_done(s, s->err) == -1)
			sx_fail(s);
		return;
	}
	if (s->in == 'G') {
		s->in = 0;
		v = track_value(&s->t[T_DATA]);
		if (v != NULL && omsi_imp_date(s->m->name, s->t[T_DATA].line,
		    "ZGLV/DATA", v, &s->m->rdate, s->err) == -1)
			sx_fail(s);
		return;
	}
	s->in = 0;
	v = track_value(&s->t[T_CODEMO]);
	if (v != NULL && strcmp(v, s->m->ws->conf.mo) != 0) {
		oms_err_set(s->err, OMS_EDATA, s->m->name, s->line,
		    "SCHET/CODE_MO %s is not this МО (%s)", v,
		    s->m->ws->conf.mo);
		sx_fail(s);
		return;
	}
	v = track_value(&s->t[T_DSCHET]);
	if (v != NULL && omsi_imp_date(s->m->name, s->t[T_DSCHET].line,
	    "SCHET/DSCHET", v, NULL, s->err) == -1)
		sx_fail(s);
}

/*
 * More text after a comment, a PI or an element in a field whose text
 * came before them: refused, as field() refuses it in a tree.
 */
static void
split_text(struct sx *s, const struct track *t)
{
	const char *z = s->in == 'Z' && t != &s->t[T_NZAP] &&
	    s->t[T_NZAP].done ? track_value(&s->t[T_NZAP]) : NULL;

	oms_err_set(s->err, OMS_EDATA, s->fname, sx_line(s), "%s%s%s<%s>: "
	    SPLIT_TEXT, z != NULL ? "N_ZAP " : "", z != NULL ? z : "",
	    z != NULL ? ": " : "", (const char *)t->seg[t->nseg - 1]);
	sx_fail(s);
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct sx *s = ctx;
	char msg[sizeof(s->err->msg)];
	struct track *t;
	unsigned mask;
	int i;

	if (s->failed || s->depth < 0 || s->depth >= MAX_DEPTH ||
	    (mask = s->tgt[s->depth]) == 0)
		return;
	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		if ((t = &s->t[i])->done) {
			/* done while open: text came, then a child */
			if (i != T_ZSL && !omsi_imp_blanks((const char *)ch,
			    (size_t)len)) {
				split_text(s, t);
				return;
			}
			continue;
		}
		if (oms_buf_add(&t->buf, ch, (size_t)len, s->err) == -1) {
			memcpy(msg, s->err->msg, sizeof(msg));
			oms_err_set(s->err, s->err->code, s->fname,
			    sx_line(s), "%s", msg);
			sx_fail(s);
			return;
		}
	}
}

/* A comment or a processing instruction: a child node that ends text. */
static void
on_comment(void *ctx, const xmlChar *v)
{
	struct sx *s = ctx;

	(void)v;
	if (!s->failed && s->depth >= 0 && s->depth < MAX_DEPTH &&
	    s->tgt[s->depth] != 0)
		sx_child(s, s->depth);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	on_comment(ctx, data);
}

/* A DOCTYPE, or a reference to a declared entity: refused unread. */
static void
on_dtd(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	struct sx *s = ctx;

	(void)name;
	(void)eid;
	(void)sid;
	if (s->failed)
		return;
	oms_err_set(s->err, OMS_EDATA, s->fname, sx_line(s), "DTDs and "
	    "entity references are not accepted in registry files");
	sx_fail(s);
}

static void
on_ref(void *ctx, const xmlChar *name)
{
	on_dtd(ctx, name, NULL, NULL);
}

/* The parser's first error, as lib/xml.c words it. */
static void
on_error(void *ctx, omsi_xml_error e)
{
	struct sx *s = ctx;
	char msg[400];

	if (e == NULL || e->level < XML_ERR_ERROR || s->failed)
		return;
	omsi_xml_msg(msg, sizeof(msg), e);
	s->failed = 1;		/* the callbacks do no more */
	oms_err_set(s->err, e->domain == XML_FROM_SCHEMASV ? OMS_ESCHEMA :
	    OMS_EDATA, s->fname, (unsigned long)(e->line > 0 ? e->line : 0),
	    "%s", msg);
}

static void
sx_release(struct sx *s)
{
	int i;

	for (i = 0; i < T_N; i++)
		track_release(&s->t[i]);
	omsi_xscan_free(s->xs);
	free(s->sanks);
	oms_buf_release(&s->osn);
	if (s->ctxt != NULL)
		xmlFreeParserCtxt(s->ctxt);
}

static int
sx_init(struct sx *s, struct imp *m, struct oms_err *err)
{
	static const char *const path[T_N] = {
		"N_ZAP", NULL, "Z_SL/OPLATA", "Z_SL/SUMV", "Z_SL/SUMP",
		"Z_SL/SANK_IT", "Z_SL", "S_SUM", "S_OSN", "S_IST", "DATE_ACT",
		"CODE_MO", "DSCHET", "DATA"
	};
	xmlDictPtr dict = s->ctxt->dict;
	int i;

	for (i = 0; i < T_N; i++)
		if (track_init(&s->t[i], dict, path[i] != NULL ? path[i] :
		    m->ws->conf.account_key, err) == -1)
			return (-1);
	if ((s->zl_list = xmlDictLookup(dict, (const xmlChar *)"ZL_LIST",
	    -1)) == NULL || (s->zap = xmlDictLookup(dict, (const xmlChar *)
	    "ZAP", -1)) == NULL || (s->schet = xmlDictLookup(dict,
	    (const xmlChar *)"SCHET", -1)) == NULL || (s->sank_name =
	    xmlDictLookup(dict, (const xmlChar *)"SANK", -1)) == NULL ||
	    (s->zglv = xmlDictLookup(dict, (const xmlChar *)"ZGLV", -1)) ==
	    NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	return (0);
}

/* Feed the parser one piece; -1 when it, or a callback, failed. */
static int
sx_chunk(struct sx *s, const unsigned char *p, size_t n, int terminate)
{
	int r;

	r = xmlParseChunk(s->ctxt, (const char *)p, (int)n, terminate);
	if (s->failed)
		return (-1);
	if (r != 0) {
		oms_err_set(s->err, OMS_EDATA, s->fname, sx_line(s),
		    "malformed XML");
		return (-1);
	}
	return (0);
}

/*
 * The fast reader (xscan.c) reads the document from the feed; it is
 * tried where the feed gives UTF-8: windows-1251 it turned, or UTF-8
 * (libxml2's UTF-8 decoder changes nothing in what the scanner takes:
 * test_xscan.c reads with and without it).  0 when it was read whole and the
 * handlers took all of it; OMSI_IMP_AGAIN when the scanner doubted, a
 * handler refused something or the input failed: then nothing it did
 * may stand, and the caller reads the file again with libxml2, which
 * says what is wrong as it always did.
 */
static int
sx_fast(struct sx *s, const xmlSAXHandler *sax)
{
	struct omsi_feed *f = s->f;
	const unsigned char *b, *head;
	size_t n, headlen;
	int r, more;

	if ((s->xs = omsi_xscan_new(s->ctxt->dict, sax, s)) == NULL)
		return (OMSI_IMP_AGAIN);
	head = omsi_feed_head(f, &headlen);
	more = omsi_feed_run(f);
	r = omsi_xscan_feed(s->xs, head, headlen, !more);
	while (r == 0 && more && !s->failed) {
		if ((b = omsi_feed_get(f, &n)) == NULL)
			return (OMSI_IMP_AGAIN);
		r = omsi_xscan_feed(s->xs, b, n, n == 0);
		omsi_feed_put(f);
		if (n == 0)
			break;
	}
	if (r != 0 || s->failed || omsi_feed_bad(f) || !s->root)
		return (OMSI_IMP_AGAIN);
	return (0);
}

int
omsi_ffoms_answer(struct imp *m, struct omsi_feed *f, struct oms_err *err)
{
	xmlSAXHandler sax;
	xmlCharEncodingHandlerPtr h;
	struct sx *s;
	struct oms_err saved;
	const unsigned char *b, *head;
	const char *dec;
	size_t n, first, headlen;
	int rc = -1, r, more;

	/* on the heap: the depth masks make it some 2.5 KiB */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	s->m = m;
	s->f = f;
	s->fname = omsi_feed_name(f);
	s->err = err;
	s->depth = -1;
	oms_buf_init(&s->osn, (size_t)64 << 20);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.ignorableWhitespace = on_text;
	sax.cdataBlock = on_text;
	sax.comment = on_comment;
	sax.processingInstruction = on_pi;
	sax.internalSubset = on_dtd;
	sax.reference = on_ref;
	sax.serror = on_error;
	/* as xmlReaderForIO: the first 4 bytes, then the encoding */
	head = omsi_feed_head(f, &headlen);
	first = headlen >= 4 ? 4 : 0;
	if ((s->ctxt = xmlCreatePushParserCtxt(&sax, s, first ? (const char *)
	    head : NULL, (int)first, s->fname)) == NULL) {
		oms_err_set(err, OMS_EDATA, s->fname, 0, "cannot read encoding "
		    "\"%s\"", omsi_feed_enc(f));
		goto out;
	}
	if (sx_init(s, m, err) == -1)
		goto out;
	xmlCtxtUseOptions(s->ctxt, OMSI_XML_OPTIONS | XML_PARSE_IGNORE_ENC);
	if (m->xscan && ((dec = omsi_feed_decoder(f)) == NULL ||
	    strcmp(dec, "UTF-8") == 0)) {
		/* what it may have said goes with it */
		saved = *err;
		if ((rc = sx_fast(s, &sax)) == OMSI_IMP_AGAIN)
			*err = saved;
		goto out;
	}
	/* turned into UTF-8 here, it is parsed without a decoder */
	if ((dec = omsi_feed_decoder(f)) != NULL &&
	    (h = xmlFindCharEncodingHandler(dec)) != NULL)
		xmlSwitchToEncoding(s->ctxt, h);
	more = omsi_feed_run(f);
	if (sx_chunk(s, head + first, headlen - first, 0) == -1)
		goto out;
	while (more) {
		if ((b = omsi_feed_get(f, &n)) == NULL) {
			*err = *omsi_feed_err(f);
			goto out;
		}
		if (n == 0)
			break;
		r = sx_chunk(s, b, n, 0);
		omsi_feed_put(f);
		if (r == -1)
			goto out;
	}
	if (omsi_feed_bad(f)) {	/* read after the thread's last buffer */
		/* as libxml2 says it when its decoder fails */
		oms_err_set(err, OMS_EDATA, s->fname, sx_line(s),
		    "malformed XML");
		goto out;
	}
	if (sx_chunk(s, NULL, 0, 1) == -1)
		goto out;
	if (!s->root) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "no root element");
		goto out;
	}
	rc = 0;
out:
	omsi_feed_stop(f);
	sx_release(s);
	free(s);
	return (rc);
}
