/*
 * reply.c -- read what the fund and the insurers answer (ffoms profile)
 *
 * A reply is recognised by its name (PCRE2 patterns with the named groups
 * type, mo, yymm and n, which oms.conf may override) and its root element:
 * FLK_P is a ФЛК protocol, ZL_LIST a control answer or an answer to the
 * payment demand.  It must be addressed to this МО and answer a registry the
 * ledger holds; its records are mapped back through the ledger's N_ZAP map,
 * never by re-reading our own archive.  Nothing is written unless the whole
 * file was read and understood.
 *
 * A yar76 reply is the bill.xml we sent, annotated, in a ZIP named like the
 * bill: the first 27 characters of the name (OGRN, KPP, YYMM, digit) are
 * the bill's, the last two differ; a penultimate yar76.demand ("2") makes
 * it an answer to the payment demand of the insurer whose letter is last.
 * Its accounts are mapped by xkey, which is the account id.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "oms_int.h"

#define MAX_ENTRIES	64

static const struct {
	const char	*key;
	int		 stage;
	const char	*pattern;
} patterns[] = {
	{ "pattern.flk", OMS_STAGE_FLK,
	    "V(?<type>H|C|T|D[A-Z])M(?<mo>\\d{6})[TS]\\d{2,5}_"
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

/* what the name says */
struct ident {
	int	 stage;
	char	 type[4];
	char	 mo[8];
	int	 period;
	int	 package;
	char	 base[256];	/* the name that matched, without extension */
};

/* one record's decision while reading */
struct dec {
	size_t	 acct;		/* index into the registry map */
	int	 decision;
	int64_t	 claimed, accepted, refused;
	struct oms_buf reasons;
	int	 set;
	/* yar76: what the annotations said */
	int	 seen;		/* its personal_account is in the reply */
	int	 verdict;	/* smo@pay was there */
	int	 refuse;	/* refused: pay, a ФЛК fact, identification */
	int	 exp;		/* an expertise gave sums */
	int64_t	 exp_refused;
	size_t	 pnext;		/* the patient's next account + 1 */
};

struct imp {
	struct oms_ws		*ws;
	struct oms_ledger	*l;
	const char		*path;
	const char		*name;		/* for messages */
	struct ident		 id;
	const struct oms_reg	*reg;
	/* the registry map: N_ZAP -> account */
	struct omsi_hash	 byzap;
	struct omsi_arena	 arena;
	const char		**acc;
	const char		**zap;
	size_t			 nacc, cap;
	struct dec		*dec;		/* one per account, same index */
	struct oms_buf		 filecodes;	/* ФЛК errors on the whole file */
	int			 yar;		/* profile yar76 */
	int			 flk;		/* yar76: body/flk was there */
	struct omsi_hash	 bypat;		/* yar76: patientcod -> dec + 1 */
};

/* ------------------------------------------------------------ naming */

static int
group(pcre2_code *re, pcre2_match_data *md, const char *name, char *out,
    size_t len)
{
	PCRE2_SIZE n = len;

	(void)re;
	if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)name,
	    (PCRE2_UCHAR *)out, &n) != 0)
		return (-1);
	return (0);
}

static int	recognise(const struct oms_conf *, const char *, struct ident *,
		    struct oms_err *);

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
			if (group(re, md, "type", id->type, sizeof(id->type)) ||
			    group(re, md, "mo", id->mo, sizeof(id->mo)) ||
			    group(re, md, "yymm", yymm, sizeof(yymm)) ||
			    group(re, md, "n", n, sizeof(n)) ||
			    strlen(yymm) != 4)
				r = oms_err_set(err, OMS_EDATA, c->path, 0,
				    "%s must have the named groups type, mo, "
				    "yymm (4 digits) and n", patterns[i].key);
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

/* "dir/HT76M760001_26101.ZIP" -> "HT76M760001_26101" */
static void
base_of(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dot;

	snprintf(out, len, "%s", b);
	if ((dot = strrchr(out, '.')) != NULL && (strcasecmp(dot, ".zip") ==
	    0 || strcasecmp(dot, ".xml") == 0 || strcasecmp(dot, ".7z") == 0))
		*dot = '\0';
}

/* ----------------------------------------------------------- the map */

static int
map_add(void *arg, const char *account, const char *n_zap, const char *idcase)
{
	struct imp *m = arg;
	const char **a, **z;
	char *k, *acc;

	(void)idcase;		/* the registry writes IDCASE = N_ZAP */
	if (m->nacc == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;

		if ((a = reallocarray(m->acc, cap, sizeof(*a))) == NULL)
			return (-1);
		m->acc = a;
		if ((z = reallocarray(m->zap, cap, sizeof(*z))) == NULL)
			return (-1);
		m->zap = z;
		m->cap = cap;
	}
	/* yar76 replies name the account by its id, xkey */
	if ((k = omsi_arena_strdup(&m->arena, n_zap)) == NULL ||
	    (acc = omsi_arena_strdup(&m->arena, account)) == NULL ||
	    omsi_hash_put(&m->byzap, m->yar ? acc : k, m->nacc) == -1)
		return (-1);
	m->acc[m->nacc] = acc;
	m->zap[m->nacc] = k;
	m->nacc++;
	return (0);
}

/* Add code to the comma-separated list b, once. */
static int
add_reason(struct oms_buf *b, const char *code, struct oms_err *err)
{
	const char *p = b->s, *hit;
	size_t n = strlen(code);

	if (n == 0)
		return (0);
	for (hit = p; hit != NULL && (hit = strstr(hit, code)) != NULL;
	    hit += n)
		if ((hit == p || hit[-1] == ',') && (hit[n] == ',' ||
		    hit[n] == '\0'))
			return (0);
	if (b->len > 0 && oms_buf_addc(b, ',', err) == -1)
		return (-1);
	return (oms_buf_adds(b, code, err));
}

/* The codes of findings on the whole file, each once, after d's own. */
static int
add_file_codes(struct imp *m, struct dec *d, struct oms_err *err)
{
	char *codes = m->filecodes.s, *c, *save;
	int rc = 0;

	for (c = strtok_r(codes, ",", &save); c != NULL && rc == 0;
	    c = strtok_r(NULL, ",", &save))
		rc = add_reason(&d->reasons, c, err);
	/* strtok_r cut the list: mend it for the next one */
	for (c = codes; c < codes + m->filecodes.len; c++)
		if (*c == '\0')
			*c = ',';
	return (rc);
}

/* The record of N_ZAP (or IDCASE) zap; -1 with err when unknown. */
static long
record(struct imp *m, const char *zap, unsigned long line,
    struct oms_err *err)
{
	size_t i;

	if (zap == NULL || *zap == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "a record without N_ZAP"));
	if (!omsi_hash_get(&m->byzap, zap, &i))
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "N_ZAP %s is not in registry %s", zap, m->reg->name));
	return ((long)i);
}

/* ------------------------------------------------------------ parsing */

static int
read_flk(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr n;
	const char *v, *code;
	long i;
	size_t k;
	int rc;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		if (xmlTextReaderDepth(r) != 1)
			continue;
		v = (const char *)xmlTextReaderConstLocalName(r);
		if (strcmp(v, "FNAME_I") == 0) {
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			if (strcasecmp(omsi_text(n), m->reg->name) != 0)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "FNAME_I \"%s\" is not the "
				    "registry %s the name points to",
				    omsi_text(n), m->reg->name));
		} else if (strcmp(v, "PR") == 0) {
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			code = omsi_path_text(n, "OSHIB");
			if (code == NULL || *code == '\0')
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "PR without OSHIB"));
			v = omsi_path_text(n, "N_ZAP");
			if (v == NULL || *v == '\0')
				v = omsi_path_text(n, "IDCASE");
			if (v == NULL || *v == '\0') {
				/* an error on the whole file */
				if (add_reason(&m->filecodes, code, err) == -1)
					return (-1);
			} else {
				if ((i = record(m, v, omsi_line(n), err)) ==
				    -1)
					return (-1);
				m->dec[i].decision = OMS_ST_REJECTED;
				m->dec[i].set = 1;
				if (add_reason(&m->dec[i].reasons, code, err) ==
				    -1)
					return (-1);
			}
		} else
			continue;
		if (omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	/* every account gets its ФЛК decision */
	for (k = 0; k < m->nacc; k++) {
		struct dec *d = &m->dec[k];

		if (m->filecodes.len > 0) {
			d->decision = OMS_ST_REJECTED;
			if (add_file_codes(m, d, err) == -1)
				return (-1);
		} else if (!d->set)
			d->decision = OMS_ST_ACCEPTED;
		d->set = 1;
	}
	return (0);
}

static int
money(xmlNodePtr n, const char *path, int64_t *v)
{
	const char *s = omsi_path_text(n, path);

	return (s == NULL ? 0 : oms_money_parse(s, v) == 0 ? 1 : -1);
}

static int
read_answer(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr n, s;
	const char *v, *key;
	struct dec *d;
	long i;
	int rc, has_sump, has_it;
	int64_t sum;
	uint64_t nrec = 0;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		if (xmlTextReaderDepth(r) != 1)
			continue;
		v = (const char *)xmlTextReaderConstLocalName(r);
		if (strcmp(v, "SCHET") == 0) {
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			v = omsi_path_text(n, "CODE_MO");
			if (v != NULL && strcmp(v, c->mo) != 0)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "SCHET/CODE_MO %s is not "
				    "this МО (%s)", v, c->mo));
		} else if (strcmp(v, "ZAP") == 0) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++nrec, 0);
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			if ((i = record(m, omsi_path_text(n, "N_ZAP"),
			    omsi_line(n), err)) == -1)
				return (-1);
			d = &m->dec[i];
			key = omsi_path_text(n, c->account_key);
			if (key != NULL && strcmp(key, m->acc[i]) != 0)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "N_ZAP %s holds %s, but "
				    "registry %s sent account %s there",
				    m->zap[i], key, m->reg->name, m->acc[i]));
			if (d->set)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "N_ZAP %s twice", m->zap[i]));
			v = omsi_path_text(n, "Z_SL/OPLATA");
			if (v == NULL || strcmp(v, "0") == 0)
				goto next;	/* no decision yet */
			if (strcmp(v, "1") == 0)
				d->decision = OMS_ST_ACCEPTED;
			else if (strcmp(v, "2") == 0)
				d->decision = OMS_ST_REJECTED;
			else if (strcmp(v, "3") == 0)
				d->decision = OMS_ST_PARTIAL;
			else
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "OPLATA \"%s\" is not 0, 1, "
				    "2 or 3", v));
			if (money(n, "Z_SL/SUMV", &d->claimed) != 1 ||
			    (has_sump = money(n, "Z_SL/SUMP", &d->accepted)) ==
			    -1 || (has_it = money(n, "Z_SL/SANK_IT",
			    &d->refused)) == -1)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "N_ZAP %s: SUMV, SUMP or "
				    "SANK_IT missing or malformed", m->zap[i]));
			if (!has_sump)
				d->accepted = d->decision == OMS_ST_ACCEPTED ?
				    d->claimed : d->decision ==
				    OMS_ST_REJECTED ? 0 : d->claimed -
				    d->refused;
			if (!has_it)
				d->refused = d->claimed - d->accepted;
			if (d->accepted < 0 || d->refused < 0 ||
			    d->accepted + d->refused != d->claimed)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(n), "N_ZAP %s: SUMP plus SANK_IT "
				    "is not SUMV", m->zap[i]));
			for (s = omsi_child(omsi_child(n, "Z_SL"), "SANK");
			    s != NULL; s = s->next) {
				if (s->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)s->name, "SANK") != 0)
					continue;
				if (money(s, "S_SUM", &sum) == -1)
					return (oms_err_set(err, OMS_EDATA,
					    m->name, omsi_line(s), "bad S_SUM"));
				v = omsi_path_text(s, "S_OSN");
				if (v != NULL && add_reason(&d->reasons, v,
				    err) == -1)
					return (-1);
			}
			d->set = 1;
		} else
			continue;
next:
		if (omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	return (rc == -1 ? -1 : 0);
}

/* ------------------------------------------------------------ the file */

static int
hash_file(const char *path, char sha[65], struct oms_err *err)
{
	struct omsi_sha256 c;
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, path, "open"));
	omsi_sha256_init(&c);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		omsi_sha256_add(&c, buf, (size_t)n);
	close(fd);
	if (n == -1)
		return (oms_err_sys(err, errno, path, "read"));
	omsi_sha256_hex(&c, sha);
	return (0);
}

static int
is_zip(const char *path)
{
	unsigned char b[4];
	int fd;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, b, 4);
	close(fd);
	return (n == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 &&
	    b[3] == 4);
}

/* Copy the file as received into DIR/archive; rel gets "archive/NAME". */
static int
keep(struct imp *m, const char *sha, char *rel, size_t rlen,
    struct oms_err *err)
{
	const char *b = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 :
	    m->path;
	char *dir = NULL, *dst = NULL, name[300], other[65], buf[65536];
	struct oms_afile af;
	const char *dot;
	ssize_t n;
	int fd = -1, rc = -1;

	if ((dir = oms_ws_path(m->ws, "archive")) == NULL)
		goto nomem;
	if (oms_mkdirs(dir, err) == -1)
		goto out;
	snprintf(name, sizeof(name), "%s", b);
	for (;;) {
		free(dst);
		if ((dst = oms_path_join(dir, name)) == NULL)
			goto nomem;
		if (access(dst, F_OK) == -1)
			break;
		if (hash_file(dst, other, err) == -1)
			goto out;
		if (strcmp(other, sha) == 0) {	/* the same bytes: kept */
			snprintf(rel, rlen, "archive/%s", name);
			rc = 0;
			goto out;
		}
		/* another file of that name: keep both */
		dot = strrchr(b, '.');
		snprintf(name, sizeof(name), "%.*s-%.8s%s",
		    (int)(dot ? dot - b : (long)strlen(b)), b, sha,
		    dot ? dot : "");
	}
	if (oms_afile_open(&af, dst, err) == -1)
		goto out;
	if ((fd = open(m->path, O_RDONLY | O_CLOEXEC)) == -1) {
		oms_err_sys(err, errno, m->path, "open");
		oms_afile_abort(&af);
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, af.fp) != (size_t)n)
			break;
	if (n != 0) {
		oms_err_sys(err, errno, m->path, "copy into archive/");
		oms_afile_abort(&af);
		goto out;
	}
	if (oms_afile_commit(&af, err) == -1)
		goto out;
	snprintf(rel, rlen, "archive/%s", name);
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	if (fd != -1)
		close(fd);
	free(dir);
	free(dst);
	return (rc);
}

/* Open the document to read: the file, or the right entry of a ZIP. */
static int
open_doc(struct imp *m, struct archive **arp, struct omsi_xin **xp,
    struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char base[256], name[600];
	const char *en;
	int r, n = 0, matched = m->id.stage != 0;

	*arp = NULL;
	if (!is_zip(m->path)) {
		*xp = omsi_xin_file(m->path, m->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	if ((ar = archive_read_new()) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, m->path, 65536) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "not a readable ZIP: "
		    "%s", archive_error_string(ar));
		goto fail;
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (++n > MAX_ENTRIES) {
			oms_err_set(err, OMS_EDATA, m->name, 0, "more than %d "
			    "entries: not a reply", MAX_ENTRIES);
			goto fail;
		}
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		en = archive_entry_pathname(ae);
		base_of(en, base, sizeof(base));
		if (!matched) {
			if ((r = recognise(&m->ws->conf, base, &m->id, err)) ==
			    -1)
				goto fail;
			if (r == 0)
				continue;
		} else if (strcasecmp(base, m->id.base) != 0)
			continue;
		snprintf(name, sizeof(name), "%s:%s", m->name, en);
		if ((*xp = omsi_xin_archive(ar, name, err)) == NULL)
			goto fail;
		*arp = ar;
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

static int
find_registry(struct imp *m, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r;
	char ps[8];
	size_t i;

	if (strcmp(m->id.mo, c->mo) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "МО %s, but this workspace is МО %s; not imported",
		    m->id.mo, c->mo));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		if (strcmp(r->kind, m->id.type) == 0 && r->period ==
		    m->id.period && r->package == m->id.package) {
			m->reg = r;
			return (0);
		}
	}
	return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a registry "
	    "this workspace never sent (%s, period %s, package %d); not "
	    "imported", m->id.type, oms_period_fmt(m->id.period, ps),
	    m->id.package));
}

/* What the ledger says account i claimed in this registry. */
static int64_t
claim(const struct imp *m, size_t i)
{
	const struct oms_acct *a = oms_ledger_acct(m->l, m->acc[i]);

	if (a == NULL || (a->reg >= 0 && strcmp(oms_ledger_reg(m->l,
	    (size_t)a->reg)->name, m->reg->name) != 0))
		return (0);	/* moved on; the ledger keeps it */
	return (a->sum);
}

/* ------------------------------------------------------------- yar76 */

/*
 * Which registry a yar76 reply answers: one of ours whose name shares
 * the reply's first 27 characters and not its last two.  With a fixed
 * yar76.digit several could; the last sent wins.  1 found, -1 not.
 */
static int
yar_recognise(struct imp *m, const char *base, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r, *hit = NULL;
	size_t i, n = strlen(base), rn;
	const char *dem = oms_conf_yar(c, "demand");

	if (n < 28 || n > 40)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "not named like "
		    "a reply to a bill (OGRN, KPP, YYMM, a digit and two "
		    "characters; see oms-import(1))"));
	if (strncmp(base, c->ogrn, 13) != 0 || strncmp(base + 13, c->kpp,
	    9) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "OGRN %.13s KPP %.9s, but this workspace is OGRN %s KPP "
		    "%s; not imported", base, base + 13, c->ogrn, c->kpp));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		rn = strlen(r->name);
		if (rn < 28 || strncmp(r->name, base, 27) != 0)
			continue;
		if (strcasecmp(r->name, base) == 0)
			return (oms_err_set(err, OMS_EDATA, m->name, 0, "this is "
			    "the bill %s itself, not a reply to it", r->name));
		if (strcasecmp(r->name + rn - 2, base + n - 2) == 0)
			continue;
		hit = r;
	}
	if (hit == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a bill "
		    "this workspace never sent (none begins with %.27s); not "
		    "imported", base));
	m->reg = hit;
	m->id.period = hit->period;
	m->id.package = hit->package;
	snprintf(m->id.type, sizeof(m->id.type), "%s", hit->kind);
	snprintf(m->id.base, sizeof(m->id.base), "%s", base);
	/* the rest is known when it is read: ФЛК if it has body/flk */
	m->id.stage = tolower((unsigned char)base[n - 2]) ==
	    tolower((unsigned char)dem[0]) ? OMS_STAGE_DEMAND :
	    OMS_STAGE_CONTROL;
	return (1);
}

/* A yar76 reply: bill.xml, the only entry of a ZIP, or the XML itself. */
static int
yar_open(struct imp *m, struct archive **arp, struct omsi_xin **xp,
    struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char name[600];
	int r, pass, n;

	*arp = NULL;
	if (!is_zip(m->path)) {
		*xp = omsi_xin_file(m->path, m->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	/* first count the entries, then read the one */
	for (pass = 0; pass < 2; pass++) {
		if ((ar = archive_read_new()) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		archive_read_support_format_zip(ar);
		if (archive_read_open_filename(ar, m->path, 65536) !=
		    ARCHIVE_OK) {
			oms_err_set(err, OMS_EDATA, m->name, 0, "not a readable "
			    "ZIP: %s", archive_error_string(ar));
			goto fail;
		}
		n = 0;
		while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
			if (++n > 1 || archive_entry_filetype(ae) != AE_IFREG ||
			    strcasecmp(archive_entry_pathname(ae),
			    "bill.xml") != 0) {
				oms_err_set(err, OMS_EDATA, m->name, 0, "a reply "
				    "to a bill holds one entry, bill.xml; this "
				    "one has %s", n > 1 ? "more than one" :
				    "another entry");
				goto fail;
			}
			if (pass == 1) {
				snprintf(name, sizeof(name), "%s:%s", m->name,
				    archive_entry_pathname(ae));
				if ((*xp = omsi_xin_archive(ar, name, err)) ==
				    NULL)
					goto fail;
				*arp = ar;
				return (0);
			}
		}
		if (r != ARCHIVE_EOF) {
			oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: "
			    "%s", archive_error_string(ar));
			goto fail;
		}
		if (n == 0) {
			oms_err_set(err, OMS_EDATA, m->name, 0, "an empty ZIP: "
			    "a reply to a bill holds bill.xml");
			goto fail;
		}
		archive_read_free(ar);
	}
	return (oms_err_set(err, OMS_EINTERNAL, m->name, 0, "bill.xml went "
	    "away between two reads"));
fail:
	archive_read_free(ar);
	return (-1);
}

/* The account of xkey; -1 with err when the bill did not carry it. */
static long
yar_account(struct imp *m, const char *key, unsigned long line,
    const char *what, struct oms_err *err)
{
	size_t i;

	if (key == NULL || *key == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s without "
		    "%s", what, m->ws->conf.account_key));
	if (!omsi_hash_get(&m->byzap, key, &i))
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s %s is "
		    "not in bill %s", what, key, m->reg->name));
	return ((long)i);
}

/* Add the values of attribute attr of the elements under list/item. */
static int
yar_codes(struct dec *d, xmlNodePtr n, const char *list, const char *item,
    struct oms_err *err)
{
	xmlNodePtr c = omsi_child(n, list);
	const char *v;

	for (c = c != NULL ? c->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, item) == 0 &&
		    (v = omsi_attr(c, item)) != NULL &&
		    add_reason(&d->reasons, v, err) == -1)
			return (-1);
	return (0);
}

/* Is v one of the smo@pay values that refuse (yar76.pay_refused)? */
static int
yar_pay_refused(const struct oms_conf *c, const char *v)
{
	const char *p = oms_conf_yar(c, "pay_refused");
	size_t n = strlen(v);

	while (*p != '\0') {
		p += strspn(p, " ");
		if (strncmp(p, v, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return (1);
		p += strcspn(p, " ");
	}
	return (0);
}

static int
yar_patient(struct imp *m, xmlNodePtr pat, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr pa, smo;
	const char *v, *code = omsi_attr(pat, "patientcod");
	int an_p = (v = omsi_attr(omsi_child(pat, "an_p"), "an_p")) != NULL &&
	    strcmp(v, "1") == 0;
	size_t prev;
	struct dec *d;
	char *k;
	long i;

	pa = omsi_child(pat, "register_accounts");
	for (pa = pa != NULL ? pa->children : NULL; pa != NULL; pa = pa->next) {
		if (pa->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)pa->name, "personal_account") != 0)
			continue;
		if ((i = yar_account(m, omsi_attr(pa, c->account_key),
		    omsi_line(pa), "personal_account", err)) == -1)
			return (-1);
		d = &m->dec[i];
		if (d->seen)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(pa), "account %s twice", m->acc[i]));
		d->seen = 1;
		if (code != NULL && *code != '\0') {
			d->pnext = omsi_hash_get(&m->bypat, code, &prev) ?
			    prev : 0;
			if ((k = omsi_arena_strdup(&m->arena, code)) == NULL ||
			    omsi_hash_put(&m->bypat, k, (size_t)i + 1) == -1)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
		}
		if (an_p) {
			/* the patient was not identified */
			d->refuse = 1;
			if (add_reason(&d->reasons, "5.1.4.01", err) == -1)
				return (-1);
		}
		if ((smo = omsi_child(pa, "smo")) == NULL)
			continue;
		d->verdict = 1;
		v = omsi_attr(smo, "pay");
		if (v == NULL || !yar_pay_refused(c, v))
			continue;
		d->refuse = 1;
		if (yar_codes(d, smo, "an_pss", "an_ps", err) == -1 ||
		    yar_codes(d, smo, "an_mess", "an_mes", err) == -1 ||
		    yar_codes(d, smo, "an_sums", "an_sum", err) == -1)
			return (-1);
	}
	return (0);
}

static int
yar_expertise(struct imp *m, xmlNodePtr ex, struct oms_err *err)
{
	xmlNodePtr e;
	const char *v;
	int64_t suml, sum;
	struct dec *d;
	long i;

	if ((i = yar_account(m, omsi_attr(ex, "xkey"), omsi_line(ex),
	    "expertise", err)) == -1)
		return (-1);
	d = &m->dec[i];
	e = omsi_child(ex, "ps_sum");
	for (e = e != NULL ? e->children : NULL; e != NULL; e = e->next) {
		if (e->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)e->name, "ps_elem") != 0)
			continue;
		if ((v = omsi_attr(e, "suml")) == NULL ||
		    oms_money_parse(v, &suml) == -1 ||
		    (v = omsi_attr(e, "sum")) == NULL ||
		    oms_money_parse(v, &sum) == -1 || sum > suml || sum < 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(e), "expertise of %s: ps_elem without "
			    "suml and sum, or sum above suml", m->acc[i]));
		d->exp = 1;
		d->exp_refused += suml - sum;
	}
	for (e = ex->children; e != NULL; e = e->next)
		if (e->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)e->name, "defects") == 0 &&
		    (v = omsi_attr(e, "code")) != NULL &&
		    add_reason(&d->reasons, v, err) == -1)
			return (-1);
	if (d->exp_refused > 0)
		d->refuse = 1;
	return (0);
}

/* A ФЛК finding: on an account (acc), a patient (pat) or the bill. */
static int
yar_fact(struct imp *m, xmlNodePtr f, struct oms_err *err)
{
	const char *acc = omsi_attr(f, "acc"), *pat = omsi_attr(f, "pat");
	const char *code = omsi_attr(f, "defect_code");
	size_t first, k;
	long i;

	if (code == NULL || *code == '\0')
		code = omsi_attr(f, "test");
	if (code == NULL || *code == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(f),
		    "fact without defect_code or test"));
	if (acc != NULL && *acc != '\0') {
		if ((i = yar_account(m, acc, omsi_line(f), "fact@acc", err)) ==
		    -1)
			return (-1);
		m->dec[i].refuse = 1;
		return (add_reason(&m->dec[i].reasons, code, err));
	}
	if (pat != NULL && *pat != '\0') {
		if (!omsi_hash_get(&m->bypat, pat, &first))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(f), "fact@pat %s is no patient of bill "
			    "%s", pat, m->reg->name));
		for (k = first; k != 0; k = m->dec[k - 1].pnext) {
			m->dec[k - 1].refuse = 1;
			if (add_reason(&m->dec[k - 1].reasons, code, err) == -1)
				return (-1);
		}
		return (0);
	}
	return (add_reason(&m->filecodes, code, err));
}

static int
read_bill(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr n;
	xmlChar *v;
	const char *name;
	int rc, depth, body = 0;
	uint64_t nrec = 0;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		depth = xmlTextReaderDepth(r);
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (depth == 1 && strcmp(name, "body") == 0) {
			body = 1;
			v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "ogrn_mo");
			if (v != NULL && strcmp((const char *)v, c->ogrn) !=
			    0) {
				oms_err_set(err, OMS_EDATA, m->name,
				    (unsigned long)
				    xmlTextReaderGetParserLineNumber(r),
				    "body@ogrn_mo %s is not this МО (%s)",
				    (const char *)v, c->ogrn);
				xmlFree(v);
				return (-1);
			}
			xmlFree(v);
			continue;
		}
		if ((depth == 2 && (strcmp(name, "bill") == 0 ||
		    strcmp(name, "flk") == 0)) || (depth == 3 &&
		    (strcmp(name, "patients") == 0 ||
		    strcmp(name, "expertises") == 0 ||
		    strcmp(name, "register") == 0))) {
			if (strcmp(name, "flk") == 0)
				m->flk = 1;
			if (strcmp(name, "register") == 0 && (v =
			    xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "filename")) != NULL) {
				rc = strncasecmp((const char *)v, m->reg->name,
				    strlen(m->reg->name)) != 0;
				if (rc)
					oms_err_set(err, OMS_EDATA, m->name,
					    (unsigned long)
					    xmlTextReaderGetParserLineNumber(r),
					    "flk/register@filename \"%s\" is "
					    "not the bill %s the name points "
					    "to", (const char *)v,
					    m->reg->name);
				xmlFree(v);
				if (rc)
					return (-1);
			}
			continue;
		}
		if (depth == 4 && (strcmp(name, "patient") == 0 ||
		    strcmp(name, "expertise") == 0 ||
		    strcmp(name, "fact") == 0)) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++nrec, 0);
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			if ((name[0] == 'p' ? yar_patient(m, n, err) :
			    name[0] == 'e' ? yar_expertise(m, n, err) :
			    yar_fact(m, n, err)) == -1)
				return (-1);
		}
		if (depth >= 1 && omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	if (!body)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "<package> "
		    "without <body>: not a reply to a bill"));
	return (0);
}

/*
 * The decisions: a ФЛК answer decides every account of the bill (a
 * finding refuses it); other answers the accounts with a verdict.  The
 * claim is the ledger's; a refusal takes all of it unless an expertise
 * says how much (then it may be partial).
 */
static int
yar_decide(struct imp *m, struct oms_err *err)
{
	struct dec *d;
	size_t i;

	if (m->id.stage != OMS_STAGE_DEMAND && m->flk)
		m->id.stage = OMS_STAGE_FLK;
	for (i = 0; i < m->nacc; i++) {
		d = &m->dec[i];
		if (m->filecodes.len > 0 && (m->id.stage == OMS_STAGE_FLK ||
		    d->seen)) {
			d->refuse = 1;
			if (add_file_codes(m, d, err) == -1)
				return (-1);
		}
		if (!d->refuse && !d->verdict && !d->exp &&
		    m->id.stage != OMS_STAGE_FLK)
			continue;	/* no word on it */
		d->claimed = claim(m, i);
		if (!d->refuse) {
			d->decision = OMS_ST_ACCEPTED;
			d->refused = 0;
			oms_buf_reset(&d->reasons);
		} else if (d->exp && d->exp_refused > 0 &&
		    d->exp_refused < d->claimed) {
			d->decision = OMS_ST_PARTIAL;
			d->refused = d->exp_refused;
		} else {
			d->decision = OMS_ST_REJECTED;
			d->refused = d->claimed;
		}
		d->accepted = d->claimed - d->refused;
		d->set = 1;
	}
	return (0);
}

static int
record_ledger(struct imp *m, const char *sha, struct oms_import_res *res,
    struct oms_err *err)
{
	struct oms_buf b;
	const char *f[OMS_L_NCOL];
	char now[32], period[8], sum[32], data[1024], a[32], rf[32];
	size_t i, nrec = 0;
	struct oms_ledger_tx tx = { .fd = -1 };
	int rc = -1;

	oms_buf_init(&b, (size_t)1 << 30);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(m->reg->period, period);
	/* a reply of a million records: its lines go out in pieces */
	if (oms_ledger_begin(m->l, &tx, err) == -1)
		goto out;
	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		if (!d->set)
			continue;
		memset(f, 0, sizeof(f));
		snprintf(data, sizeof(data), "stage=%s;decision=%s;"
		    "accepted=%s;refused=%s;reasons=%s",
		    oms_stage_name(m->id.stage), oms_state_name(d->decision),
		    oms_money_fmt(d->accepted, a), oms_money_fmt(d->refused, rf),
		    d->reasons.s != NULL ? d->reasons.s : "");
		f[OMS_L_TIME] = now;
		f[OMS_L_EVENT] = "decision";
		f[OMS_L_ACCOUNT] = m->acc[i];
		f[OMS_L_REGISTRY] = m->reg->name;
		f[OMS_L_PERIOD] = period;
		f[OMS_L_KIND] = m->reg->kind;
		f[OMS_L_N_ZAP] = m->zap[i];
		f[OMS_L_IDCASE] = m->zap[i];
		f[OMS_L_SUM] = oms_money_fmt(d->claimed, sum);
		f[OMS_L_FILE] = res->reply;
		f[OMS_L_DATA] = data;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
		nrec++;
		if (b.len > LEDGER_PIECE && oms_ledger_flush(&tx, &b, err) == -1)
			goto out;
	}
	memset(f, 0, sizeof(f));
	snprintf(data, sizeof(data), "stage=%s;sha256=%s;records=%zu",
	    oms_stage_name(m->id.stage), sha, nrec);
	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = "import";
	f[OMS_L_REGISTRY] = m->reg->name;
	f[OMS_L_PERIOD] = period;
	f[OMS_L_KIND] = m->reg->kind;
	f[OMS_L_FILE] = res->reply;
	f[OMS_L_DATA] = data;
	if (oms_ledger_line(&b, f, err) == -1)
		goto out;
	rc = oms_ledger_commit(&tx, &b, "import", now, err);
out:
	if (rc == -1)
		oms_ledger_abort(&tx);
	oms_buf_release(&b);
	return (rc);
}

static int
fill_result(struct imp *m, struct oms_import_res *res, struct oms_err *err)
{
	size_t i, k = 0;

	if ((res->d = calloc(m->nacc ? m->nacc : 1, sizeof(*res->d))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];
		struct oms_decision *o = &res->d[k];

		if (!d->set)
			continue;
		o->stage = m->id.stage;
		o->decision = d->decision;
		o->claimed = d->claimed;
		o->accepted = d->accepted;
		o->refused = d->refused;
		if ((o->account = strdup(m->acc[i])) == NULL ||
		    (o->n_zap = strdup(m->zap[i])) == NULL ||
		    (o->reasons = strdup(d->reasons.s ? d->reasons.s : "")) ==
		    NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		res->n = ++k;
	}
	return (0);
}

/* ФЛК decisions carry the sums the registry claimed */
static void
flk_sums(struct imp *m)
{
	size_t i;

	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		d->claimed = claim(m, i);
		d->accepted = d->decision == OMS_ST_ACCEPTED ? d->claimed : 0;
		d->refused = d->claimed - d->accepted;
	}
}

int
oms_import(struct oms_ws *ws, struct oms_ledger *l, const char *path,
    struct oms_import_res *res, struct oms_err *err)
{
	struct imp m;
	struct archive *ar = NULL;
	struct omsi_xin *x = NULL;
	const char *when, *root;
	char sha[65], base[256];
	size_t i;
	int rc = -1, r;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	m.ws = ws;
	m.l = l;
	m.path = path;
	m.name = path;
	omsi_hash_init(&m.byzap);
	omsi_arena_init(&m.arena);
	oms_buf_init(&m.filecodes, 1 << 20);

	if (hash_file(path, sha, err) == -1)
		goto out;
	if ((when = oms_ledger_imported(l, sha)) != NULL) {
		res->already = 1;
		snprintf(res->when, sizeof(res->when), "%s", when);
		rc = 0;
		goto out;
	}
	base_of(path, base, sizeof(base));
	m.yar = strcmp(ws->conf.profile, "yar76") == 0;
	omsi_hash_init(&m.bypat);
	if (m.yar) {
		if (yar_recognise(&m, base, err) == -1 ||
		    yar_open(&m, &ar, &x, err) == -1)
			goto out;
	} else if ((r = recognise(&ws->conf, base, &m.id, err)) == -1 ||
	    open_doc(&m, &ar, &x, err) == -1)
		goto out;
	if (m.id.stage == 0) {
		oms_err_set(err, OMS_EDATA, path, 0, "not named like a reply "
		    "(see pattern.flk, pattern.control, pattern.demand in "
		    "oms.conf(5))");
		goto out;
	}
	if (!m.yar && find_registry(&m, err) == -1)
		goto out;
	res->stage = m.id.stage;
	snprintf(res->registry, sizeof(res->registry), "%s", m.reg->name);
	if (oms_ledger_registry_map(l, m.reg->name, map_add, &m, err) != 0) {
		if (err->msg[0] == '\0')
			oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((m.dec = calloc(m.nacc ? m.nacc : 1, sizeof(*m.dec))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < m.nacc; i++)
		oms_buf_init(&m.dec[i].reasons, 1 << 16);
	/* the root says what it is */
	if ((r = omsi_xin_next_element(x, err)) != 1) {
		if (r == 0)
			oms_err_set(err, OMS_EDATA, path, 0, "no root element");
		goto out;
	}
	root = (const char *)xmlTextReaderConstLocalName(omsi_xin_reader(x));
	if (m.yar) {
		if (strcmp(root, "package") != 0) {
			oms_err_set(err, OMS_EDATA, path, 0, "named like a "
			    "reply to bill %s but its root element is <%s>, "
			    "not <package>", m.reg->name, root);
			goto out;
		}
		if (read_bill(&m, x, err) == -1 || yar_decide(&m, err) == -1)
			goto out;
		res->stage = m.id.stage;
	} else if (strcmp(root, m.id.stage == OMS_STAGE_FLK ? "FLK_P" :
	    "ZL_LIST") != 0) {
		oms_err_set(err, OMS_EDATA, path, 0, "named like a %s reply "
		    "but its root element is <%s>", oms_stage_name(m.id.stage),
		    root);
		goto out;
	}
	if (m.yar)
		;	/* read above */
	else if (m.id.stage == OMS_STAGE_FLK) {
		if (read_flk(&m, x, err) == -1)
			goto out;
		flk_sums(&m);
	} else if (read_answer(&m, x, err) == -1)
		goto out;
	omsi_src_close(ar, x);
	ar = NULL;
	x = NULL;
	/* all read and understood: keep the file, then commit */
	if (keep(&m, sha, res->reply, sizeof(res->reply), err) == -1 ||
	    record_ledger(&m, sha, res, err) == -1 ||
	    fill_result(&m, res, err) == -1)
		goto out;
	rc = 0;
out:
	omsi_src_close(ar, x);
	for (i = 0; m.dec != NULL && i < m.nacc; i++)
		oms_buf_release(&m.dec[i].reasons);
	free(m.dec);
	free(m.acc);
	free(m.zap);
	oms_buf_release(&m.filecodes);
	omsi_hash_release(&m.byzap);
	omsi_hash_release(&m.bypat);
	omsi_arena_release(&m.arena);
	return (rc);
}

void
oms_import_res_release(struct oms_import_res *res)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		free(res->d[i].account);
		free(res->d[i].n_zap);
		free(res->d[i].reasons);
	}
	free(res->d);
	memset(res, 0, sizeof(*res));
}
