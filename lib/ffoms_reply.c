/*
 * ffoms_reply.c -- the federal replies: names, ФЛК protocols, the ops
 *
 * A reply is recognised by its name (PCRE2 patterns with the named groups
 * type, mo, yymm and n, which oms.conf may override) and its root element:
 * FLK_P is a ФЛК protocol, read here, ZL_LIST a control answer or an
 * answer to the payment demand, streamed by ffoms_answer.c.  It must be
 * addressed to this МО and answer a registry the ledger holds; its
 * records are mapped back by the N_ZAP the registry gave them.  A ZIP
 * holds the reply as one of its entries, and no second one.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <archive.h>
#include <archive_entry.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_int.h"
#include "import_int.h"

/* the reader's own state (m->own): a ZIP's entries so far, and whether
   its own name was a reply's */
struct fimp {
	const char	*ent[IMP_MAX_ENTRIES];
	int		 nent;
	int		 zipnamed;
	char		 entry[300];	/* the one read */
};
#define F(m)	((struct fimp *)(m)->own)

static const struct {
	const char	*key;
	int		 stage;
	const char	*pattern;
} patterns[] = {
	/* V + the registry's name; V or F in place of its kind letter; F +
	   a name like the control answer's (oms-import(1) has the sources) */
	{ "pattern.flk", OMS_STAGE_FLK,
	    "V(?<type>H|C|T|D[A-Z])M(?<mo>\\d{6})[TS]\\d{2,5}_"
	    "(?<yymm>\\d{4})(?<n>\\d+)"
	    "|[VF]M(?<mo>\\d{6})[TS]\\d{2,5}_(?<yymm>\\d{4})(?<n>\\d+)"
	    "|F(?<type>H|C|T|D[A-Z])[TS]\\d{2}M(?<mo>\\d{6})_"
	    "(?<yymm>\\d{4})(?<n>\\d+)" },
	{ "pattern.demand", OMS_STAGE_DEMAND,
	    "(?<type>H|C|T|D[A-Z])S\\d{5}M(?<mo>\\d{6})_(?<yymm>\\d{4})"
	    "(?<n>\\d+)|(?<type>H|C|T|D[A-Z])T\\d{2}M(?<mo>\\d{6})_"
	    "(?<yymm>\\d{4})(?<n>\\d+)D" },
	{ "pattern.control", OMS_STAGE_CONTROL,
	    "(?<type>H|C|T|D[A-Z])T\\d{2}M(?<mo>\\d{6})_(?<yymm>\\d{4})"
	    "(?<n>\\d+)" },
};
#define NPATTERNS	(sizeof(patterns) / sizeof(patterns[0]))

/* ------------------------------------------------------------ naming */

/* Copy group name; one the pattern lacks, or that did not take part,
   is "" when optional, else -1. */
static int
group(pcre2_match_data *md, const char *name, char *out, size_t len,
    int optional)
{
	PCRE2_SIZE n = len;
	int r;

	if ((r = pcre2_substring_copy_byname(md, (PCRE2_SPTR)name,
	    (PCRE2_UCHAR *)out, &n)) == 0)
		return (0);
	if (optional && (r == PCRE2_ERROR_UNSET ||
	    r == PCRE2_ERROR_NOSUBSTRING)) {
		*out = '\0';
		return (0);
	}
	return (-1);
}

/* Match base against the patterns; 1 recognised, 0 not, -1 error. */
static int
recognise(const struct oms_conf *c, const char *base, struct ident *id,
    struct oms_err *err)
{
	pcre2_code *re;
	pcre2_match_data *md;
	const char *pat;
	char yymm[8], n[16];
	int ec, r = 0;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	size_t i;

	for (i = 0; i < NPATTERNS && r == 0; i++) {
		pat = oms_conf_get(c, patterns[i].key);
		if (pat == NULL)
			pat = patterns[i].pattern;
		re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
		    PCRE2_DUPNAMES | PCRE2_CASELESS, &ec, &off, NULL);
		if (re == NULL) {
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return (oms_err_set(err, OMS_EDATA, c->path, 0,
			    "%s: %s at offset %zu", patterns[i].key,
			    (char *)msg, (size_t)off));
		}
		if ((md = pcre2_match_data_create_from_pattern(re, NULL)) ==
		    NULL) {
			pcre2_code_free(re);
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		}
		if (pcre2_match(re, (PCRE2_SPTR)base, PCRE2_ZERO_TERMINATED, 0,
		    0, md, NULL) >= 0) {
			if (group(md, "type", id->type, sizeof(id->type), 1) ||
			    group(md, "mo", id->mo, sizeof(id->mo), 0) ||
			    group(md, "yymm", yymm, sizeof(yymm), 0) ||
			    group(md, "n", n, sizeof(n), 0) ||
			    strlen(yymm) != 4)
				r = oms_err_set(err, OMS_EDATA, c->path, 0,
				    "%s must have the named groups mo, yymm "
				    "(4 digits) and n, and may have type",
				    patterns[i].key);
			else {
				id->stage = patterns[i].stage;
				id->period = (2000 + (yymm[0] - '0') * 10 +
				    (yymm[1] - '0')) * 12 + (yymm[2] - '0') *
				    10 + (yymm[3] - '0') - 1;
				id->package = atoi(n);
				snprintf(id->base, sizeof(id->base), "%s", base);
				for (ec = 0; id->type[ec] != '\0'; ec++)
					if (id->type[ec] >= 'a' &&
					    id->type[ec] <= 'z')
						id->type[ec] -= 'a' - 'A';
				r = 1;
			}
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
	return (r);
}

int
omsi_recognise(const struct oms_conf *c, const char *base, int *stage,
    struct oms_err *err)
{
	struct ident id;
	int r;

	memset(&id, 0, sizeof(id));
	if ((r = recognise(c, base, &id, err)) == 1)
		*stage = id.stage;
	return (r);
}

/* ------------------------------------------------------------ parsing */

/*
 * The layouts of a ФЛК protocol (root FLK_P) that are read, and the
 * elements each may hold: the order's, with one PR per error naming its
 * record by N_ZAP or IDCASE (none: the whole file), and the one some
 * regions use (Primorsky krai's fund, and a MIS vendor's reader of it),
 * a ZAP per refused record with SL (or SLUCH) holding OTKAZ/I_TYPE, the
 * fund's own error codes.  Whatever else stands where refusals can stand
 * makes the protocol unreadable: it is refused as a whole, naming the
 * element, so that nothing unread is taken as accepted.
 */
static const char *const flk_top[] = {
	"FNAME", "FNAME_I", "FNAME_1", "SCHET", "ZGLV", "PR", "ZAP", NULL
};
static const char *const pr_names[] = {
	"OSHIB", "IM_POL", "ZN_POL", "NSCHET", "BAS_EL", "BASE_EL", "N_ZAP",
	"ID_PAC", "IDCASE", "SL_ID", "IDSERV", "COMMENT", "FATALITY", NULL
};
static const char *const zap_names[] = { "N_ZAP", "SL", "SLUCH", NULL };
static const char *const sl_names[] = {
	"SL_ID", "IDCASE", "NHISTORY", "CARD", "SMO", "SMO_FOND", "OTKAZ", NULL
};
static const char *const otkaz_names[] = { "I_TYPE", "COMMENT", NULL };

static void
note_children(struct imp *m, xmlNodePtr n, const char *const *names)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    !omsi_imp_known(names, c->name))
			omsi_imp_unknown(m, m->name, omsi_line(c),
			    (const char *)c->name, (const char *)n->name);
}

/* Every child element of n is one of names; else err names it. */
static int
children_known(struct imp *m, xmlNodePtr n, const char *const *names,
    struct oms_err *err)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    !omsi_imp_known(names, c->name))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(c), "<%s> in <%s> is not an element "
			    "of a ФЛК protocol this reader knows, and refusals "
			    "may stand there: not imported", (const char *)
			    c->name, (const char *)n->name));
	return (0);
}

/*
 * The text of the element at path below n (n itself when path is NULL),
 * as the streamed reader takes it (track_value): its text that is not
 * blanks, else blanks when it holds nothing else, else "".  *v is NULL
 * when there is no such element.  Text in pieces, a comment, a PI or an
 * element between them, is refused, so that "1<!-- -->0" is never
 * taken for 1: -1 with err.
 */
static int
field(struct imp *m, xmlNodePtr n, const char *path, const char **v,
    struct oms_err *err)
{
	xmlNodePtr e = path != NULL ? omsi_path(n, path) : n, c;
	const char *text = NULL, *bl = NULL, *t;
	int kids = 0;

	*v = NULL;
	if (e == NULL)
		return (0);
	for (c = e->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) {
			kids = 1;
			continue;
		}
		if ((t = (const char *)c->content) == NULL)
			continue;
		if (!omsi_imp_blanks(t, strlen(t))) {
			if (text != NULL)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(e), "<%s>: " SPLIT_TEXT,
				    (const char *)e->name));
			text = t;
		} else if (bl == NULL)
			bl = t;
	}
	*v = text != NULL ? text : !kids && bl != NULL ? bl : "";
	return (0);
}

/* "HM760001T76_26101.xml" -> "HM760001T76_26101" */
static void
strip_xml(const char *s, char *out, size_t len)
{
	size_t n;

	snprintf(out, len, "%s", s);
	n = strlen(out);
	if (n > 4 && strcasecmp(out + n - 4, ".xml") == 0)
		out[n - 4] = '\0';
}

/* FNAME_I (or FNAME_1): the registry it answers, with or without .xml. */
static int
flk_fname_i(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	char name[128];
	const char *v;
	int ri;

	if (field(m, n, NULL, &v, err) == -1)
		return (-1);
	strip_xml(v, name, sizeof(name));
	if (m->reg != NULL) {
		if (strcasecmp(name, m->reg->name) != 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(n), "%s \"%s\" is not the registry %s "
			    "the name points to", (const char *)n->name,
			    v, m->reg->name));
		return (0);
	}
	/* the name did not say: the body does */
	if ((ri = oms_ledger_find_reg(m->l, name)) < 0)
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "%s \"%s\" is not a registry this workspace sent; not "
		    "imported", (const char *)n->name, v));
	return (omsi_imp_registry(m, oms_ledger_reg(m->l, (size_t)ri),
	    OMSI_MAP_NZAP, err));
}

/* The record a PR or ZAP names; -1 with err when none or unknown. */
static long
flk_record(struct imp *m, xmlNodePtr n, const char *zap, const char *idcase,
    struct oms_err *err)
{
	if (m->reg == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "<%s> before FNAME_I, and the file's name does not say "
		    "which registry it answers", (const char *)n->name));
	return (omsi_imp_record(m, zap != NULL && *zap != '\0' ? zap : idcase,
	    omsi_line(n), err));
}

static int
flk_refuse(struct imp *m, long i, const char *code, struct oms_err *err)
{
	m->dec[i].decision = OMS_ST_REJECTED;
	m->dec[i].set = 1;
	return (omsi_imp_dreason(m, &m->dec[i], code, err));
}

/* PR: one error, on a record or (no N_ZAP, no IDCASE) on the file. */
static int
flk_pr(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	const char *code, *zap, *idcase;
	long i;

	if (children_known(m, n, pr_names, err) == -1)
		return (-1);
	if (field(m, n, "OSHIB", &code, err) == -1)
		return (-1);
	if (code == NULL || *code == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "PR without OSHIB"));
	if (field(m, n, "N_ZAP", &zap, err) == -1 ||
	    field(m, n, "IDCASE", &idcase, err) == -1)
		return (-1);
	if ((zap == NULL || *zap == '\0') && (idcase == NULL ||
	    *idcase == '\0'))
		return (omsi_imp_reason(&m->filecodes, code, err));
	if ((i = flk_record(m, n, zap, idcase, err)) == -1)
		return (-1);
	return (flk_refuse(m, i, code, err));
}

/* ZAP: a record with its SL (SLUCH), refused by each OTKAZ in them. */
static int
flk_zap(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	xmlNodePtr sl, o;
	const char *code, *zap, *idcase = NULL;
	long i;

	if (children_known(m, n, zap_names, err) == -1)
		return (-1);
	/* the record: by N_ZAP, else the first SL's IDCASE */
	for (sl = n->children; sl != NULL && (sl->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)sl->name, "N_ZAP") == 0); sl = sl->next)
		;
	if (field(m, n, "N_ZAP", &zap, err) == -1 || (sl != NULL &&
	    field(m, sl, "IDCASE", &idcase, err) == -1) ||
	    (i = flk_record(m, n, zap, idcase, err)) == -1)
		return (-1);
	for (; sl != NULL; sl = sl->next) {
		if (sl->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)sl->name, "N_ZAP") == 0)
			continue;
		if (children_known(m, sl, sl_names, err) == -1)
			return (-1);
		for (o = sl->children; o != NULL; o = o->next) {
			if (o->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)o->name, "OTKAZ") != 0)
				continue;
			if (children_known(m, o, otkaz_names, err) == -1)
				return (-1);
			if (field(m, o, "I_TYPE", &code, err) == -1)
				return (-1);
			if (code == NULL || *code == '\0')
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(o), "OTKAZ without I_TYPE"));
			if (flk_refuse(m, i, code, err) == -1)
				return (-1);
		}
	}
	return (0);
}

static int
read_flk(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr n;
	const xmlChar *name;
	const char *v;
	size_t k;
	int rc;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		if (xmlTextReaderDepth(r) != 1)
			continue;
		name = xmlTextReaderConstLocalName(r);
		if (!omsi_imp_known(flk_top, name))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    (unsigned long)xmlTextReaderGetParserLineNumber(r),
			    "<%s> in <FLK_P> is not an element of a ФЛК "
			    "protocol this reader knows, and refusals may "
			    "stand there: not imported", (const char *)name));
		if (strcmp((const char *)name, "FNAME") == 0)
			continue;
		if ((n = omsi_xin_expand(x, err)) == NULL)
			return (-1);
		v = (const char *)name;
		if (strcmp(v, "FNAME_I") == 0 || strcmp(v, "FNAME_1") == 0)
			rc = flk_fname_i(m, n, err);
		else if (strcmp(v, "PR") == 0)
			rc = flk_pr(m, n, err);
		else if (strcmp(v, "ZAP") == 0)
			rc = flk_zap(m, n, err);
		else if (strcmp(v, "SCHET") == 0) {
			note_children(m, n, omsi_ffoms_schet);
			if (field(m, n, "CODE_MO", &v, err) == -1)
				return (-1);
			rc = v != NULL && *v != '\0' && strcmp(v,
			    m->ws->conf.mo) != 0 ? oms_err_set(err, OMS_EDATA,
			    m->name, omsi_line(n), "SCHET/CODE_MO %s is not "
			    "this МО (%s)", v, m->ws->conf.mo) : 0;
			if (rc == 0 && (field(m, n, "DSCHET", &v, err) == -1 ||
			    (v != NULL && omsi_imp_date(m->name, omsi_line(
			    omsi_path(n, "DSCHET")), "SCHET/DSCHET", v, NULL,
			    err) == -1)))
				return (-1);
		} else {	/* ZGLV */
			note_children(m, n, omsi_ffoms_zglv);
			if (field(m, n, "DATA", &v, err) == -1)
				return (-1);
			rc = v != NULL ? omsi_imp_date(m->name, omsi_line(
			    omsi_path(n, "DATA")), "ZGLV/DATA", v, &m->rdate,
			    err) : 0;
		}
		if (rc == -1 || omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	if (m->reg == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "no FNAME_I, "
		    "and the file's name does not say which registry it "
		    "answers; not imported"));
	/* every account gets its ФЛК decision */
	for (k = 0; k < m->nacc; k++) {
		struct dec *d = &m->dec[k];

		if (m->filecodes.len > 0) {
			d->decision = OMS_ST_REJECTED;
			if (omsi_imp_file_codes(m, d, err) == -1)
				return (-1);
		} else if (!d->set)
			d->decision = OMS_ST_ACCEPTED;
		d->set = 1;
	}
	return (0);
}

/* ------------------------------------------------------------ the file */

/* Answers are read by SAX (ffoms_answer.c), ФЛК protocols by the reader. */
static int
streamed(const struct imp *m)
{
	return (m->id.stage == OMS_STAGE_CONTROL ||
	    m->id.stage == OMS_STAGE_DEMAND);
}

/*
 * One more entry of the ZIP: at most IMP_MAX_ENTRIES of them, each name
 * once (which of two would be the reply?).  -1 with err.
 */
static int
zip_entry(struct imp *m, struct archive_entry *ae, struct oms_err *err)
{
	const char *en = archive_entry_pathname(ae);
	int i;

	if (en == NULL)
		en = "";
	if (F(m)->nent == IMP_MAX_ENTRIES)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "more than %d "
		    "entries: not a reply; not imported", IMP_MAX_ENTRIES));
	for (i = 0; i < F(m)->nent; i++)
		if (strcasecmp(F(m)->ent[i], en) == 0)
			return (oms_err_set(err, OMS_EDATA, m->name, 0, "two "
			    "entries named \"%s\": which is the reply is not "
			    "known; not imported, ask the sender for a ZIP "
			    "with each name once", en));
	if ((F(m)->ent[F(m)->nent] = omsi_arena_strdup(&m->arena, en)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	F(m)->nent++;
	return (0);
}

/*
 * After the reply was read from a ZIP: the entries that follow are
 * counted and their names checked as well, and none may be a second
 * reply (named like it, or like any reply when the ZIP's own name was
 * not one).  -1 with err.
 */
static int
zip_rest(struct imp *m, struct archive *ar, struct oms_err *err)
{
	struct archive_entry *ae;
	struct ident id;
	char base[256];
	int r;

	if (ar == NULL)
		return (0);
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (zip_entry(m, ae, err) == -1)
			return (-1);
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		omsi_imp_base(archive_entry_pathname(ae) != NULL ?
		    archive_entry_pathname(ae) : "", base, sizeof(base));
		memset(&id, 0, sizeof(id));
		if (strcasecmp(base, m->id.base) == 0 || (!F(m)->zipnamed &&
		    (r = recognise(&m->ws->conf, base, &id, err)) != 0))
			return (r == -1 ? -1 : oms_err_set(err, OMS_EDATA,
			    m->name, 0, "entries \"%s\" and \"%s\" are both "
			    "named like a reply: which is the reply is not "
			    "known; not imported, ask the sender for a ZIP "
			    "with one", F(m)->entry, archive_entry_pathname(ae)));
	}
	if (r != ARCHIVE_EOF)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: "
		    "%s", archive_error_string(ar)));
	return (0);
}

/* Open the document to read: the file, or the right entry of a ZIP. */
static int
open_doc(struct imp *m, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char base[256], name[600];
	const char *en;
	int r, matched = m->id.stage != 0;

	if (!omsi_imp_is_zip(m)) {
		if (streamed(m))
			return ((m->feed = omsi_feed_file(m->fd, m->name,
			    err)) == NULL ? -1 : 0);
		m->x = omsi_xin_file(m->path, m->name, err);
		return (m->x == NULL ? -1 : 0);
	}
	if ((ar = omsi_imp_zip(m, err)) == NULL)
		return (-1);
	F(m)->zipnamed = matched;
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (zip_entry(m, ae, err) == -1)
			goto fail;
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		en = F(m)->ent[F(m)->nent - 1];
		omsi_imp_base(en, base, sizeof(base));
		if (!matched) {
			if ((r = recognise(&m->ws->conf, base, &m->id, err)) ==
			    -1)
				goto fail;
			if (r == 0)
				continue;
		} else if (strcasecmp(base, m->id.base) != 0)
			continue;
		snprintf(name, sizeof(name), "%s:%s", m->name, en);
		snprintf(F(m)->entry, sizeof(F(m)->entry), "%s", en);
		if (streamed(m) ? (m->feed = omsi_feed_archive(ar, name,
		    err)) == NULL : (m->x = omsi_xin_archive(ar, name, err)) ==
		    NULL)
			goto fail;
		m->ar = ar;
		return (0);
	}
	if (r != ARCHIVE_EOF)
		oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
	else
		oms_err_set(err, OMS_EDATA, m->name, 0, "no entry named "
		    "like a reply (%s.XML)", matched ? m->id.base : "…");
fail:
	archive_read_free(ar);
	return (-1);
}

/*
 * The registry the name points to: of its kind, period and package; a
 * name without the kind (VM..., FM...) points to the one registry of
 * that period and package, and when there are several a ФЛК protocol's
 * FNAME_I says which (m->reg stays NULL until read_flk finds it).
 */
static int
find_registry(struct imp *m, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r, *hit = NULL;
	char ps[8];
	size_t i, n = 0;

	if (strcmp(m->id.mo, c->mo) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "МО %s, but this workspace is МО %s; not imported",
		    m->id.mo, c->mo));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		if ((m->id.type[0] == '\0' || strcmp(r->kind, m->id.type) ==
		    0) && r->period == m->id.period && r->package ==
		    m->id.package) {
			hit = r;
			n++;
		}
	}
	if (n == 1)
		return (omsi_imp_registry(m, hit, OMSI_MAP_NZAP, err));
	if (n > 1 && m->id.stage == OMS_STAGE_FLK)
		return (0);
	if (n > 1)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "the name "
		    "does not say the kind, and %zu registries of period %s "
		    "have package %d; not imported", n, oms_period_fmt(
		    m->id.period, ps), m->id.package));
	return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a registry "
	    "this workspace never sent (%s, period %s, package %d); not "
	    "imported", m->id.type[0] != '\0' ? m->id.type : "any kind",
	    oms_period_fmt(m->id.period, ps), m->id.package));
}

/* ФЛК decisions carry the sums the registry claimed; an answer's its own */
static void
flk_sums(struct imp *m)
{
	size_t i;

	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		d->claimed = omsi_imp_claim(m, i);
		d->accepted = d->decision == OMS_ST_ACCEPTED ? d->claimed : 0;
		d->refused = d->claimed - d->accepted;
	}
}

/* ---------------------------------------------------------- the ops */

static int
ffoms_open(struct imp *m, const char *base, struct oms_err *err)
{
	if ((m->own = calloc(1, sizeof(struct fimp))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	/* a ZIP not named like a reply may hold an entry that is: open_doc
	   recognises it then */
	if (recognise(&m->ws->conf, base, &m->id, err) == -1 ||
	    open_doc(m, err) == -1)
		return (-1);
	if (m->id.stage == 0)
		return (oms_err_set(err, OMS_EDATA, m->path, 0, "not named "
		    "like a reply (see pattern.flk, pattern.control, "
		    "pattern.demand in oms.conf(5))"));
	return (0);
}

static int
ffoms_read(struct imp *m, struct oms_err *err)
{
	const char *root;
	int rc;

	if (m->feed != NULL) {
		/* an answer: its root is checked as it is read */
		rc = omsi_ffoms_answer(m, m->feed, err);
		omsi_feed_free(m->feed);
		m->feed = NULL;
		return (rc);
	}
	/* the root says what it is */
	if (omsi_imp_root(m, &root, err) == -1)
		return (-1);
	if (strcmp(root, "FLK_P") != 0)
		return (oms_err_set(err, OMS_EDATA, m->path, 0, "named like a "
		    "%s reply but its root element is <%s>",
		    oms_stage_name(m->id.stage), root));
	return (read_flk(m, m->x, err));
}

static int
ffoms_finish(struct imp *m, struct oms_err *err)
{
	if (zip_rest(m, m->ar, err) == -1)
		return (-1);
	if (!streamed(m))
		flk_sums(m);
	return (0);
}

static void
ffoms_release(struct imp *m)
{
	free(m->own);
	m->own = NULL;
}

const struct omsi_reply_ops omsi_ffoms_reply = {
	.open = ffoms_open,
	.registry = find_registry,
	.read = ffoms_read,
	.finish = ffoms_finish,
	.release = ffoms_release,
};
