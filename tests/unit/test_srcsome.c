/*
 * test_srcsome.c -- a scan of some accounts (oms_src_scan_some, what
 * oms-export does): the same newest versions, duplicates and diagnostics
 * as a scan of all, the other accounts not kept, and the same source
 * index written; the index read in pieces, whole or damaged
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "fixture.h"
#include "src_int.h"

#define NSETS	7

/* the accounts wanted, NULL-terminated, by test */
static const char *const sets[NSETS][4] = {
	{ FX_A, NULL }, { FX_B, NULL }, { FX_C, NULL }, { FX_A, FX_C, NULL },
	{ FX_B, FX_A, FX_C, NULL }, { "no-such-account", FX_B, NULL },
	{ NULL },
};

static int
setup(void **state)
{
	return (fx_setup(state, FX_CONF_FFOMS, NULL));
}

/* older than the clock's tick, so that the index may keep the files */
static void
settle(void)
{
	struct timespec ts = { 0, 250000000 };

	nanosleep(&ts, NULL);
}

static void
unlink_ix(struct fx *x)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/.oms.srcindex", x->dir);
	(void)unlink(path);
	assert_int_equal(fx_exists(x->dir, ".oms.srcindex"), 0);
}

/* The index file's bytes (*len of them), or put back. */
static unsigned char *
ix_get(struct fx *x, size_t *len)
{
	char path[256], *p;

	snprintf(path, sizeof(path), "%s/.oms.srcindex", x->dir);
	assert_non_null(p = fx_read_file(path, len));
	assert_true(*len > 0);
	return ((unsigned char *)p);
}

/* The index file holds the n bytes at want. */
static void
ix_is(struct fx *x, const unsigned char *want, size_t n)
{
	unsigned char *p;
	size_t len;

	p = ix_get(x, &len);
	assert_int_equal(len, n);
	assert_memory_equal(p, want, n);
	free(p);
}

static void
ix_put(struct fx *x, const unsigned char *p, size_t len)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/.oms.srcindex", x->dir);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static size_t
count(const char *const *acc)
{
	size_t n = 0;

	while (acc[n] != NULL)
		n++;
	return (n);
}

/* A case document dated data holding the accounts i[] (of fx_cases). */
static void
put_doc(struct fx *x, const char *rel, const char *data, const int *i,
    size_t n, const char *sum)
{
	struct fx_case c[8];
	size_t k;
	char *doc;

	for (k = 0; k < n; k++) {
		c[k] = fx_cases[i[k]];
		c[k].sum = sum;
	}
	doc = fx_cases_doc(FX_REG, data, c, n);
	assert_int_equal(fx_write(x->dir, rel, doc), 0);
	free(doc);
}

/*
 * h.xml (2026-11-02: A, B, C) and its persons, and three more versions:
 * a.xml, the newest, sorts first and holds B twice; y.xml, newer still,
 * holds C twice (said: its first C is the newest); z.xml, the oldest,
 * sorts last and holds A twice and B twice (not said: newer versions
 * came before).
 */
static void
make_source(struct fx *x)
{
	static const int a[] = { 1, 1, 2 }, y[] = { 2, 2 },
	    z[] = { 0, 1, 0, 1 };

	assert_int_equal(fx_month(x, NULL, 0), 0);
	put_doc(x, "source/a.xml", "2026-11-05", a, 3, "480.00");
	put_doc(x, "source/y.xml", "2026-11-09", y, 2, "9.00");
	put_doc(x, "source/z.xml", "2026-11-01", z, 4, "1.00");
}

/* What a scan gave of the accounts acc: documents, cases, diagnostics. */
static char *
dump(struct fx *x, const char *const *acc)
{
	const struct oms_srcdoc *d;
	const struct oms_case *c;
	struct oms_buf b;
	size_t i;

	oms_buf_init(&b, 0);
	for (i = 0; i < oms_src_ndocs(x->src); i++) {
		d = oms_src_doc(x->src, i);
		(void)oms_buf_printf(&b, NULL, "doc %s %d %s %s %ld %d %zu\n",
		    d->name, d->type, d->filename, d->kind, d->data, d->pair,
		    d->ncases);
	}
	for (i = 0; acc[i] != NULL; i++) {
		if ((c = oms_src_find(x->src, acc[i])) == NULL) {
			(void)oms_buf_printf(&b, NULL, "case %s none\n",
			    acc[i]);
			continue;
		}
		fx_case_text(&b, x->src, c);
	}
	(void)oms_buf_printf(&b, NULL, "%s", fx_diag_text(&x->diag));
	return (b.s);
}

static void
scan(struct fx *x, const char *const *acc, int flags)
{
	oms_src_free(x->src);
	fx_diag_reset(&x->diag);
	x->src = acc != NULL ? oms_src_scan_some(&x->ws, flags, acc,
	    count(acc), &x->diag.d, &x->e) : oms_src_scan_index(&x->ws, flags,
	    &x->diag.d, &x->e);
	assert_non_null(x->src);
}

/* The accounts wanted, and those only, in document and file order. */
static void
check_kept(struct fx *x, const char *const *acc)
{
	const char *const all[] = { FX_A, FX_B, FX_C };
	size_t i, j, n = 0, next;
	int w;

	for (i = 0; i < 3; i++) {
		for (j = 0, w = 0; acc[j] != NULL; j++)
			w |= strcmp(acc[j], all[i]) == 0;
		if (w)
			n++;
		else
			assert_null(oms_src_find(x->src, all[i]));
	}
	assert_int_equal(oms_src_ncases(x->src), n);
	for (i = 0; i < n; i++)
		assert_ptr_equal(oms_src_case(x->src, i), oms_src_find(x->src,
		    oms_src_case(x->src, i)->account));
	/* found from a hint: in document order, backwards, and not there */
	for (i = 0, next = 0; i < n; i++) {
		assert_ptr_equal(omsi_src_find_next(x->src,
		    oms_src_case(x->src, i)->account, &next),
		    oms_src_case(x->src, i));
		assert_int_equal(next, i + 1);
	}
	for (i = n; i-- > 0;) {
		assert_ptr_equal(omsi_src_find_next(x->src,
		    oms_src_case(x->src, i)->account, &next),
		    oms_src_case(x->src, i));
		assert_int_equal(next, i + 1);
	}
	next = 0;
	assert_null(omsi_src_find_next(x->src, "no such account", &next));
	assert_int_equal(next, 0);
	for (i = 1; i < n; i++)
		assert_true(oms_src_case(x->src, i - 1)->doc <
		    oms_src_case(x->src, i)->doc ||
		    (oms_src_case(x->src, i - 1)->doc ==
		    oms_src_case(x->src, i)->doc &&
		    oms_src_case(x->src, i - 1)->seq <
		    oms_src_case(x->src, i)->seq));
}

/*
 * What a scan of the accounts acc gives of them is what a scan of all
 * gives, messages included (the duplicates of accounts not wanted too):
 * without the index, reading it (and saving it), then loading it.
 */
static void
same_as_all(struct fx *x, const char *const *acc)
{
	char *want, *got;
	int k;

	scan(x, NULL, 0);
	want = dump(x, acc);
	unlink_ix(x);
	for (k = 0; k < 3; k++) {
		scan(x, acc, k == 0 ? 0 : OMS_SRC_INDEX | OMS_SRC_SAVE);
		got = dump(x, acc);
		assert_string_equal(got, want);
		free(got);
		check_kept(x, acc);
	}
	free(want);
}

/* Each set of accounts gives what a scan of all gives (same_as_all). */
static void
test_some_same(void **state)
{
	struct fx *x = *state;
	const char *t;
	size_t i;

	make_source(x);
	settle();
	scan(x, NULL, 0);
	t = fx_diag_text(&x->diag);
	/* the source is what the test means: said for a.xml and y.xml */
	assert_non_null(strstr(t, "source/a.xml:"));
	assert_non_null(strstr(t, "source/y.xml:"));
	assert_null(strstr(t, "source/z.xml:"));
	assert_int_equal(x->diag.d.nerrors, 2);
	assert_int_equal(oms_src_find(x->src, FX_A)->sum, 100000);
	assert_int_equal(oms_src_find(x->src, FX_B)->dup, 1);
	assert_int_equal(oms_src_find(x->src, FX_C)->dup, 1);
	for (i = 0; i < NSETS; i++)
		same_as_all(x, sets[i]);
}

/*
 * The accounts in every order, and some given twice: a list in the
 * order of the source is followed along it (commit_some), one out of it
 * looked up, and both give what a scan of all gives (same_as_all).
 */
static void
test_some_orders(void **state)
{
	static const char *const lists[][5] = {
		{ FX_A, FX_B, FX_C, NULL }, { FX_A, FX_C, FX_B, NULL },
		{ FX_B, FX_A, FX_C, NULL }, { FX_B, FX_C, FX_A, NULL },
		{ FX_C, FX_A, FX_B, NULL }, { FX_C, FX_B, FX_A, NULL },
		{ FX_A, FX_A, FX_B, FX_C, NULL },
		{ FX_A, FX_B, FX_C, FX_C, NULL },
		{ FX_B, FX_B, FX_A, FX_B, NULL },
		{ "no-such-account", FX_A, FX_B, FX_C, NULL },
	};
	struct fx *x = *state;
	size_t i;

	make_source(x);
	settle();
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		same_as_all(x, lists[i]);
}

/*
 * Many accounts in the order of their file, loaded from the index in
 * its pieces of records: all of them, every other one, all with one
 * more that is not there and two swapped — each found, and the same
 * cases as the list in no order gives.
 */
static void
test_some_follow_many(void **state)
{
	enum { N = 3000 };
	struct fx *x = *state;
	struct fx_case *c;
	char (*acc)[48], *ref, *got;
	const char **want, **mixed, *t;
	size_t i, k, n;

	assert_non_null(c = calloc(N, sizeof(*c)));
	assert_non_null(acc = calloc(N, sizeof(*acc)));
	assert_non_null(want = calloc(N + 2, sizeof(*want)));
	assert_non_null(mixed = calloc(N + 2, sizeof(*mixed)));
	for (i = 0; i < N; i++) {
		snprintf(acc[i], sizeof(acc[i]), "FOLLOW-%05zu", i);
		c[i] = fx_cases[i % FX_NCASES];
		c[i].sl_id = acc[i];
	}
	assert_non_null(t = fx_cases_doc(FX_REG, "2026-11-02", c, N));
	assert_int_equal(fx_write(x->dir, "source/h.xml", t), 0);
	free((char *)t);
	settle();
	for (k = 0; k < 3; k++) {
		for (i = 0, n = 0; i < N; i++)
			if (k != 1 || i % 2 == 0)
				want[n++] = acc[i];
		if (k == 2) {
			want[n++] = "FOLLOW-99999";	/* not there */
			t = want[1500];
			want[1500] = want[1501];
			want[1501] = t;
		}
		want[n] = NULL;
		/* the same accounts in no order: looked up, each of them */
		for (i = 0; i < n; i++)
			mixed[i] = want[i * 1777 % n];
		mixed[n] = NULL;
		unlink_ix(x);
		scan(x, mixed, OMS_SRC_INDEX | OMS_SRC_SAVE);
		ref = dump(x, want);
		scan(x, want, OMS_SRC_INDEX | OMS_SRC_SAVE);	/* loaded */
		got = dump(x, want);
		assert_string_equal(got, ref);
		free(got);
		assert_int_equal(oms_src_ncases(x->src), k == 1 ? N / 2 : N);
		for (i = 0; i < n; i++)
			if (strcmp(want[i], "FOLLOW-99999") != 0)
				assert_string_equal(oms_src_find(x->src,
				    want[i])->account, want[i]);
		free(ref);
	}
	free(mixed);
	free(want);
	free(acc);
	free(c);
}

/*
 * The index a scan of some accounts saves is the whole one a scan of all
 * saves, byte for byte: every file read, and one file read among others
 * loaded.
 */
static void
test_some_index(void **state)
{
	struct fx *x = *state;
	static const int z[] = { 0, 1, 0, 1 };
	struct oms_src_ixstat st;
	unsigned char *full, *old;
	size_t nfull, nold;

	make_source(x);
	settle();
	scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
	oms_src_ixstat(x->src, &st);
	assert_int_equal(st.read, 5);
	assert_int_equal(st.saved, 1);
	full = ix_get(x, &nfull);
	unlink_ix(x);
	scan(x, sets[3], OMS_SRC_INDEX | OMS_SRC_SAVE);
	oms_src_ixstat(x->src, &st);
	assert_int_equal(st.saved, 1);
	ix_is(x, full, nfull);
	free(full);

	/* z.xml written again: read; the others loaded */
	old = ix_get(x, &nold);
	put_doc(x, "source/z.xml", "2026-11-01", z, 4, "1.00");
	settle();
	scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
	oms_src_ixstat(x->src, &st);
	assert_int_equal(st.loaded, 4);
	assert_int_equal(st.read, 1);
	assert_int_equal(st.saved, 1);
	full = ix_get(x, &nfull);
	assert_false(nfull == nold && memcmp(full, old, nold) == 0);
	ix_put(x, old, nold);
	scan(x, sets[1], OMS_SRC_INDEX | OMS_SRC_SAVE);
	oms_src_ixstat(x->src, &st);
	assert_int_equal(st.loaded, 4);
	assert_int_equal(st.read, 1);
	ix_is(x, full, nfull);
	free(full);
	free(old);
}

/* The diagnostics less the lines that hold what (NULL: none did). */
static char *
drop_lines(const char *t, const char *what)
{
	const char *e;
	char *out, *o, line[1024];
	int found = 0;

	assert_non_null(out = o = malloc(strlen(t) + 1));
	for (; *t != '\0'; t = e) {
		e = strchr(t, '\n') != NULL ? strchr(t, '\n') + 1 :
		    t + strlen(t);
		assert_true((size_t)(e - t) < sizeof(line));
		memcpy(line, t, (size_t)(e - t));
		line[e - t] = '\0';
		if (strstr(line, what) != NULL) {
			found = 1;
			continue;
		}
		memcpy(o, t, (size_t)(e - t));
		o += e - t;
	}
	*o = '\0';
	if (!found) {
		free(out);
		return (NULL);
	}
	return (out);
}

/* The index's checksum over its body, as srcindex.c makes it. */
static void
ix_sum(unsigned char *p, size_t len)
{
	uint64_t h = 0, w, blen = len - 32;
	size_t i;

	for (i = 0; i < blen; i += 8) {
		w = 0;
		memcpy(&w, p + 16 + i, blen - i < 8 ? blen - i : 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	h ^= blen;
	memcpy(p + len - 16, &blen, 8);
	memcpy(p + len - 8, &h, 8);
}

/*
 * The index read in pieces of every size, down to a byte (smaller than
 * any record, string or number), by a scan of all and of some: the cases
 * and messages of every set of accounts are those of a scan without the
 * index, and the index saved after one file changed (its records copied
 * from the old file in pieces) is the one a scan of all saves.
 */
static void
test_some_pieces(void **state)
{
	struct fx *x = *state;
	static const size_t piece[] = { 1, 3, 8, 40, 100, 333, 4096 };
	static const int z[] = { 0, 1, 0, 1 };
	struct oms_src_ixstat st;
	unsigned char *full, *old;
	size_t nfull, nold, i, k;
	char *want[NSETS], *got;

	make_source(x);
	settle();
	for (i = 0; i < NSETS; i++) {
		scan(x, NULL, 0);
		want[i] = dump(x, sets[i]);
	}
	scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
	old = ix_get(x, &nold);
	put_doc(x, "source/z.xml", "2026-11-01", z, 4, "1.00");
	settle();
	scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
	full = ix_get(x, &nfull);
	for (k = 0; k < sizeof(piece) / sizeof(piece[0]); k++) {
		omsi_srcix_piece(piece[k]);
		/* a scan of all reads it in pieces too */
		scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
		oms_src_ixstat(x->src, &st);
		assert_int_equal(st.loaded, 5);
		for (i = 0; i < NSETS; i++) {
			got = dump(x, sets[i]);
			assert_string_equal(got, want[i]);
			free(got);
		}
		for (i = 0; i < NSETS; i++) {
			scan(x, sets[i], OMS_SRC_INDEX | OMS_SRC_SAVE);
			oms_src_ixstat(x->src, &st);
			assert_int_equal(st.loaded, 5);
			got = dump(x, sets[i]);
			assert_string_equal(got, want[i]);
			free(got);
			check_kept(x, sets[i]);
		}
		ix_put(x, old, nold);
		scan(x, sets[k % NSETS], OMS_SRC_INDEX | OMS_SRC_SAVE);
		oms_src_ixstat(x->src, &st);
		assert_int_equal(st.loaded, 4);
		assert_int_equal(st.read, 1);
		assert_int_equal(st.saved, 1);
		ix_is(x, full, nfull);
		ix_put(x, old, nold);
		scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
		oms_src_ixstat(x->src, &st);
		assert_int_equal(st.loaded, 4);
		assert_int_equal(st.saved, 1);
		ix_is(x, full, nfull);
	}
	omsi_srcix_piece(0);
	for (i = 0; i < NSETS; i++)
		free(want[i]);
	free(full);
	free(old);
}

/*
 * A damaged index read in pieces: a byte changed (the checksum), the
 * file cut at a piece's end inside a record, and a record cut there with
 * the trailer made to match.  Each is a warning, the cases and other
 * messages are those without the index, and the index is made again,
 * the whole one.
 */
static void
test_some_damaged(void **state)
{
	struct fx *x = *state;
	struct oms_src_ixstat st;
	unsigned char *full, *bad;
	size_t nfull, nbad, cut, i, k;
	char *want, *got, *rest;
	const char *acc[] = { FX_A, FX_C, NULL };

	make_source(x);
	settle();
	scan(x, NULL, 0);
	want = dump(x, acc);
	scan(x, NULL, OMS_SRC_INDEX | OMS_SRC_SAVE);
	full = ix_get(x, &nfull);
	omsi_srcix_piece(64);
	cut = 16 + (nfull - 32) / 2 / 64 * 64;	/* a piece's end, inside */
	assert_true(cut > 16 + 64 + 8 && cut < nfull - 16);
	for (k = 0; k < 3; k++) {
		assert_non_null(bad = malloc(nfull));
		memcpy(bad, full, nfull);
		nbad = nfull;
		switch (k) {
		case 0:		/* a byte of a case */
			for (i = nfull / 2; bad[i] < 'A' || bad[i] > 'z';)
				i++;
			bad[i] ^= 0x20;
			break;
		case 1:		/* cut, the trailer lost */
			nbad = cut;
			break;
		case 2:		/* the body cut, the trailer made again */
			nbad = cut + 16;
			ix_sum(bad, nbad);
			break;
		}
		ix_put(x, bad, nbad);
		free(bad);
		scan(x, acc, OMS_SRC_INDEX | OMS_SRC_SAVE);
		oms_src_ixstat(x->src, &st);
		assert_int_equal(st.loaded, 0);
		assert_int_equal(st.read, 5);
		assert_int_equal(st.saved, 1);
		got = dump(x, acc);
		assert_non_null(rest = drop_lines(got, "W .oms.srcindex: "));
		assert_non_null(strstr(got, "ignored, and made again"));
		assert_string_equal(rest, want);
		free(rest);
		free(got);
		bad = ix_get(x, &nbad);
		assert_int_equal(nbad, nfull);
		assert_memory_equal(bad, full, nfull);
		free(bad);
	}
	omsi_srcix_piece(0);
	free(want);
	free(full);
}

/*
 * The cases c[0..n) as source/h.xml, scanned for their accounts want
 * (their SL_IDs): each found by account.
 */
static void
scan_found(struct fx *x, const struct fx_case *c, size_t n,
    const char *const *want)
{
	size_t i;
	char *h;

	assert_non_null(h = fx_cases_doc(FX_REG, "2026-11-02", c, n));
	assert_int_equal(fx_write(x->dir, "source/h.xml", h), 0);
	free(h);
	scan(x, want, 0);
	assert_int_equal(oms_src_ncases(x->src), n);
	for (i = 0; i < n; i++) {
		assert_non_null(oms_src_find(x->src, want[i]));
		assert_string_equal(oms_src_find(x->src, want[i])->account,
		    want[i]);
	}
}

/*
 * Accounts found by account after a scan of some: ones alike in their
 * first 8 bytes, shorter than 8, and with bytes past ASCII (which order
 * after "~" as strcmp orders them) — every one found, and one not there
 * between them not.
 */
static void
test_some_by_account(void **state)
{
	static const char *const acc[] = { "~", "abcdefgh1", "Ж", "a",
	    "abcdefgh", "abcdefgI", "ab", "abcdefgh0", "Жz", "я", "abcdefg",
	    NULL };
	struct fx *x = *state;
	struct fx_case c[11];
	size_t i, n = 11, next;

	for (i = 0; i < n; i++) {
		c[i] = fx_cases[i % FX_NCASES];
		c[i].sl_id = acc[i];
	}
	scan_found(x, c, n, acc);
	for (i = 0; i < n; i++) {
		next = (i * 7) % n;
		assert_non_null(omsi_src_find_next(x->src, acc[i], &next));
	}
	assert_null(oms_src_find(x->src, "abcdefgh00"));
	assert_null(oms_src_find(x->src, "Ж0"));
	assert_null(oms_src_find(x->src, "abcdefgh2"));
}

/*
 * Many accounts found by account after a scan of some: all alike in
 * their first 8 bytes (the order is strcmp's alone), and alike in none
 * (every byte sorts) — each found, a near miss not.
 */
static void
test_some_by_account_many(void **state)
{
	enum { N = 3000 };
	struct fx *x = *state;
	struct fx_case *c;
	char (*acc)[48], miss[64];
	const char **want;
	size_t i, k;

	assert_non_null(c = calloc(N, sizeof(*c)));
	assert_non_null(acc = calloc(N, sizeof(*acc)));
	assert_non_null(want = calloc(N + 1, sizeof(*want)));
	for (k = 0; k < 2; k++) {
		for (i = 0; i < N; i++) {
			/* in no order: i times a number prime to N */
			if (k == 0)
				snprintf(acc[i], sizeof(acc[i]),
				    "ACCOUNT-%05zu", i * 1777 % N);
			else
				snprintf(acc[i], sizeof(acc[i]),
				    "%08zx-0000-4000-8000-%012zx", (i * 1777 %
				    N) * 2654435761u % 4294967291u, i);
			c[i] = fx_cases[i % FX_NCASES];
			c[i].sl_id = acc[i];
			want[i] = acc[i];
		}
		want[N] = NULL;
		scan_found(x, c, N, want);
		for (i = 0; i < N; i++) {
			snprintf(miss, sizeof(miss), "%s0", acc[i]);
			assert_null(oms_src_find(x->src, miss));
			snprintf(miss, sizeof(miss), "%.*s", (int)strlen(
			    acc[i]) - 1, acc[i]);
			assert_null(oms_src_find(x->src, miss));
		}
	}
	free(want);
	free(acc);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_some_by_account, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_by_account_many,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_same, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_orders, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_follow_many, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_index, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_pieces, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_some_damaged, setup,
		    fx_teardown),
	};

	LIBXML_TEST_VERSION
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
