/*
 * test_zip.c -- zip.c: bodies deflated by the pool's thread while written,
 * entries read back by libarchive byte for byte, a spool that cannot be
 * written (no archive, no thread left), the pieces libdeflate does not
 * deflate deflated by zlib, and oms.conf's zip_level
 */
#define _GNU_SOURCE		/* RTLD_NEXT */
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <libdeflate.h>

#include "oms_int.h"
#include "fixture.h"

#define BIG	((size_t)3 << 20)	/* many of the queue's buffers */

/*
 * libdeflate's compressor, as zip.c finds it: this one, which fails (as
 * for want of room, 0) every piece after the first fail_after while
 * fail_after is not -1, else the library's.  Set before the pool's thread
 * starts.
 */
static int fail_after = -1, ncalls;

size_t
libdeflate_deflate_compress(struct libdeflate_compressor *c, const void *in,
    size_t n, void *out, size_t avail)
{
	static size_t (*real)(struct libdeflate_compressor *, const void *,
	    size_t, void *, size_t);

	if (fail_after != -1 && ncalls++ >= fail_after)
		return (0);
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT,
		    "libdeflate_deflate_compress");
	assert_non_null(real);
	return (real(c, in, n, out, avail));
}

/* The threads of this process. */
static int
nthreads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

/*
 * The number of threads once it is want, or after about a second: a
 * joined thread is gone for pthread_join before the kernel takes its
 * entry out of /proc/self/task, so right after a join it may still be
 * listed.  A thread left running stays listed and fails the test.
 */
static int
nthreads_settled(int want)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int i, n;

	for (i = 0; (n = nthreads()) != want && i < 200; i++)
		nanosleep(&ts, NULL);
	return (n);
}

/* len bytes of XML-like text, compressible but not trivially, from seed. */
static char *
text(size_t len, unsigned seed)
{
	static const char *const w[] = { "<ZAP>", "</ZAP>\n", " <N_ZAP>",
	    "</N_ZAP>\n", "Иванов", "2026-10-", "SL_ID", "   " };
	char *s = malloc(len), num[16];
	size_t i = 0, k;
	uint32_t x = seed;

	assert_non_null(s);
	while (i < len) {
		x = x * 1103515245u + 12345u;
		if ((x >> 16) % 3 == 0) {
			snprintf(num, sizeof(num), "%u", (x >> 8) % 100000);
			k = strlen(num);
		} else
			k = strlen(w[(x >> 16) % 8]);
		if (k > len - i)
			k = len - i;
		memcpy(s + i, (x >> 16) % 3 == 0 ? num : w[(x >> 16) % 8], k);
		i += k;
	}
	return (s);
}

/* A temporary file and its name, in dir. */
static FILE *
temp(const char *dir, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/.tmp-body-XXXXXX", dir);
	assert_int_not_equal(fd = mkstemp(path), -1);
	return (fdopen(fd, "w+"));
}

/* Write len bytes at s into fp in pieces of odd sizes. */
static void
put(FILE *fp, const char *s, size_t len)
{
	size_t i, k;

	for (i = 0; i < len; i += k) {
		k = 1 + (i * 7919) % 6007;
		if (k > len - i)
			k = len - i;
		assert_int_equal(fwrite(s + i, 1, k, fp), k);
	}
}

/* put_mixed's straight writes: into the buffer's room when they fit */
static int use_views;
static unsigned long nviews;

/*
 * Write len bytes at s into body zb in pieces of odd sizes, some past a
 * queue's buffer, in turns through its stream (flushed) and straight
 * (omsi_zbody_write; or with use_views, into the buffer being filled,
 * omsi_zbody_view, in small pieces, each when it fits in the room).
 */
static void
put_mixed(struct omsi_zbody *zb, const char *s, size_t len)
{
	struct oms_buf v;
	size_t i, j, k, m;
	int n;

	for (i = 0, n = 0; i < len; i += k, n++) {
		k = 1 + (i * 7919) % 300007;
		if (k > len - i)
			k = len - i;
		if (n % 2 == 0) {
			put(omsi_zbody_fp(zb), s + i, k);
			assert_int_equal(fflush(omsi_zbody_fp(zb)), 0);
		} else if (use_views) {
			/* in small pieces, each in the room when it fits */
			for (j = 0; j < k; j += m) {
				m = 1 + (i + j) % 3001;
				if (m > k - j)
					m = k - j;
				assert_int_equal(omsi_zbody_view(zb, &v), 0);
				if (m <= v.max - v.len) {
					memcpy(v.s + v.len, s + i + j, m);
					v.len += m;
					assert_int_equal(omsi_zbody_commit(zb,
					    &v), 0);
					nviews++;
				} else
					assert_int_equal(omsi_zbody_write(zb,
					    s + i + j, m), 0);
			}
		} else
			assert_int_equal(omsi_zbody_write(zb, s + i, k), 0);
	}
}

/* The entry of archive path named name, read by libarchive, must be want. */
static void
expect_entry(const char *path, const char *name, const char *want,
    size_t wantlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char *got = malloc(wantlen + 1);
	size_t n = 0;
	ssize_t r;
	int found = 0;

	assert_non_null(got);
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, path, 65536),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(ae), name) != 0)
			continue;
		found = 1;
		assert_int_equal(archive_entry_size(ae), (int64_t)wantlen);
		assert_int_equal(archive_entry_mtime(ae), 1793880000);
		assert_int_equal(archive_entry_perm(ae), 0644);
		while ((r = archive_read_data(a, got + n, wantlen + 1 - n)) > 0)
			n += (size_t)r;
		assert_int_equal(r, 0);	/* no CRC error, nothing more */
	}
	assert_true(found);
	assert_int_equal(n, wantlen);
	assert_memory_equal(got, want, wantlen);
	archive_read_free(a);
	free(got);
}

struct twobody {
	char	 dir[64];
	char	 zpath[128];
	off_t	 zsize;
};

/*
 * Two bodies written in turns (the queue shared), packed as two entries
 * at level; the archive's size in t.  With mem, the archive is written
 * to a memory stream (no descriptor: the spools are read and written,
 * not copied by the kernel), then to the file.
 */
static void
pack_two_to(int level, int mem, struct twobody *t)
{
	struct oms_err e = { 0 };
	struct omsi_zpool *zp;
	struct omsi_zbody *b1, *b2;
	struct omsi_zip *z;
	char p1[128], p2[128], *s1 = text(BIG, 1), *s2 = text(BIG / 3, 2);
	static const char head[] = "<?xml version=\"1.0\"?>\n<ZL_LIST>\n";
	char *w1, *w2, *mbuf = NULL;
	size_t mlen = 0;
	FILE *f1, *f2, *zf;
	int th0 = nthreads();

	snprintf(t->dir, sizeof(t->dir), "/tmp/test_zip.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	assert_non_null(f1 = temp(t->dir, p1, sizeof(p1)));
	assert_non_null(f2 = temp(t->dir, p2, sizeof(p2)));
	assert_non_null(zp = omsi_zpool_new(level, &e));
	assert_int_equal(nthreads_settled(th0 + 1), th0 + 1);
	assert_non_null(b1 = omsi_zbody_new(zp, f1, p1, &e));
	assert_non_null(b2 = omsi_zbody_new(zp, f2, p2, &e));
	put(omsi_zbody_fp(b1), s1, BIG / 2);
	put(omsi_zbody_fp(b2), s2, BIG / 3);
	put_mixed(b1, s1 + BIG / 2, BIG - BIG / 2);
	snprintf(t->zpath, sizeof(t->zpath), "%s/a.zip", t->dir);
	if (mem) {
		assert_non_null(zf = open_memstream(&mbuf, &mlen));
		assert_int_equal(fileno(zf), -1);
	} else
		assert_non_null(zf = fopen(t->zpath, "w"));
	assert_non_null(z = omsi_zip_open(zf, t->zpath, level, &e));
	assert_int_equal(omsi_zip_entry(z, "H.XML", 1793880000, head,
	    strlen(head), b1, "</ZL_LIST>\n", &e), 0);
	assert_int_equal(omsi_zip_entry(z, "L.XML", 1793880000, "", 0, b2,
	    "", &e), 0);
	assert_int_equal(omsi_zip_close(z, &e), 0);
	assert_int_equal(fclose(zf), 0);
	if (mem) {
		assert_non_null(zf = fopen(t->zpath, "w"));
		assert_int_equal(fwrite(mbuf, 1, mlen, zf), mlen);
		assert_int_equal(fclose(zf), 0);
		free(mbuf);
	}
	omsi_zip_free(z);
	omsi_zbody_free(b1);
	omsi_zbody_free(b2);
	omsi_zpool_free(zp);
	assert_int_equal(nthreads_settled(th0), th0);
	fclose(f1);
	fclose(f2);
	unlink(p1);
	unlink(p2);

	/* what was written, read back by another reader */
	assert_non_null(w1 = malloc(strlen(head) + BIG + 11));
	memcpy(w1, head, strlen(head));
	memcpy(w1 + strlen(head), s1, BIG);
	memcpy(w1 + strlen(head) + BIG, "</ZL_LIST>\n", 11);
	expect_entry(t->zpath, "H.XML", w1, strlen(head) + BIG + 11);
	w2 = s2;
	expect_entry(t->zpath, "L.XML", w2, BIG / 3);
	{
		FILE *fp = fopen(t->zpath, "r");

		assert_non_null(fp);
		assert_int_equal(fseeko(fp, 0, SEEK_END), 0);
		t->zsize = ftello(fp);
		fclose(fp);
	}
	free(w1);
	free(s1);
	free(s2);
}

static void
pack_two(int level, struct twobody *t)
{
	pack_two_to(level, 0, t);
}

static void
cleanup(struct twobody *t)
{
	unlink(t->zpath);
	assert_int_equal(rmdir(t->dir), 0);	/* the spools are gone */
}

static void
test_two_bodies(void **state)
{
	struct twobody t;

	(void)state;
	pack_two(OMSI_ZIP_LEVEL, &t);
	/* it deflated */
	assert_true(t.zsize < (off_t)(BIG + BIG / 3) / 2);
	cleanup(&t);
}

static void
test_levels(void **state)
{
	struct twobody t1, t9;

	(void)state;
	pack_two(1, &t1);
	pack_two(9, &t9);
	assert_true(t9.zsize < t1.zsize);
	cleanup(&t1);
	cleanup(&t9);
}

/* The archives of a and b are the same bytes; both are cleaned up. */
static void
same_archives(struct twobody *a, struct twobody *b)
{
	size_t la, lb;
	char *pa, *pb;

	assert_non_null(pa = fx_read_file(a->zpath, &la));
	assert_non_null(pb = fx_read_file(b->zpath, &lb));
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
	cleanup(a);
	cleanup(b);
}

/*
 * The default (zip_level unset) is level 6: the same bytes, read back
 * whole by pack_two (BIG is six of the pieces deflated alone, joined).
 */
static void
test_default_six(void **state)
{
	struct twobody t0, t6;

	(void)state;
	pack_two(OMSI_ZIP_LEVEL, &t0);
	pack_two(6, &t6);
	same_archives(&t0, &t6);
}

/*
 * A spooled body is copied into the archive by the kernel when the
 * archive is a file, else read and written: the same bytes either way.
 */
static void
test_copy_either_way(void **state)
{
	struct twobody tk, tm;

	(void)state;
	pack_two_to(OMSI_ZIP_LEVEL, 0, &tk);
	pack_two_to(OMSI_ZIP_LEVEL, 1, &tm);
	same_archives(&tk, &tm);
}

/*
 * Bytes put in the buffer's room (omsi_zbody_view) make the archive
 * omsi_zbody_write makes of them, byte for byte: the buffers are cut at
 * the same places.  A view never grows, and a commit of another buffer,
 * or of fewer bytes, is refused.
 */
static void
test_view_same_bytes(void **state)
{
	struct twobody tw, tv;
	struct oms_err e = { 0 };
	struct omsi_zpool *zp;
	struct omsi_zbody *b;
	struct oms_buf v, other;
	char dir[64], p[128];
	FILE *f;

	(void)state;
	use_views = 0;
	pack_two(OMSI_ZIP_LEVEL, &tw);
	use_views = 1;
	nviews = 0;
	pack_two(OMSI_ZIP_LEVEL, &tv);
	use_views = 0;
	print_message("# %lu pieces through a view\n", nviews);
	assert_true(nviews >= 500);
	same_archives(&tw, &tv);

	snprintf(dir, sizeof(dir), "/tmp/test_zip.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(f = temp(dir, p, sizeof(p)));
	assert_non_null(zp = omsi_zpool_new(6, &e));
	assert_non_null(b = omsi_zbody_new(zp, f, p, &e));
	assert_int_equal(omsi_zbody_write(b, "abc", 3), 0);
	assert_int_equal(omsi_zbody_view(b, &v), 0);
	assert_int_equal(v.len, 3);
	assert_int_equal(v.cap, v.max + 1);
	/* a write past its room fails, and nothing moved */
	assert_int_equal(oms_buf_grow(&v, v.max, &e), -1);
	assert_int_equal(oms_buf_grow(&v, v.max - v.len, &e), 0);
	assert_int_equal(v.cap, v.max + 1);
	v.len = 2;
	assert_int_equal(omsi_zbody_commit(b, &v), -1);
	other = v;
	other.s = (char *)&other;
	other.len = 5;
	assert_int_equal(omsi_zbody_commit(b, &other), -1);
	v.len = 5;
	memcpy(v.s + 3, "de", 2);
	assert_int_equal(omsi_zbody_commit(b, &v), 0);
	omsi_zbody_free(b);
	omsi_zpool_free(zp);
	fclose(f);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * A piece libdeflate does not deflate (or whose stream the walk would not
 * take, zjoin.c) is deflated by zlib, sync-flushed: the entries read back
 * whole (pack_two), in other bytes than libdeflate's alone; from the
 * first piece on, or from the third.
 */
static void
test_zlib_pieces(void **state)
{
	struct twobody tl, tz, tm;
	size_t ll, lz, lm;
	char *pl, *pz, *pm;

	(void)state;
	pack_two(OMSI_ZIP_LEVEL, &tl);
	fail_after = 0;
	ncalls = 0;
	pack_two(OMSI_ZIP_LEVEL, &tz);
	assert_true(ncalls > 6);	/* every piece was asked */
	fail_after = 2;
	ncalls = 0;
	pack_two(OMSI_ZIP_LEVEL, &tm);
	fail_after = -1;
	assert_non_null(pl = fx_read_file(tl.zpath, &ll));
	assert_non_null(pz = fx_read_file(tz.zpath, &lz));
	assert_non_null(pm = fx_read_file(tm.zpath, &lm));
	assert_true(ll != lz || memcmp(pl, pz, ll) != 0);
	assert_true(lm != lz || memcmp(pm, pz, lm) != 0);
	assert_true(lm != ll || memcmp(pm, pl, lm) != 0);
	free(pl);
	free(pz);
	free(pm);
	cleanup(&tl);
	cleanup(&tz);
	cleanup(&tm);
}

/*
 * A spool that cannot be written (/dev/full): the failure comes out of
 * the writer's stream or out of omsi_zip_entry, naming the spool; the
 * archive is not committed and no thread is left.
 */
static void
test_write_failure(void **state)
{
	struct oms_err e = { 0 };
	struct omsi_zpool *zp;
	struct omsi_zbody *b;
	struct omsi_zip *z;
	struct oms_afile af;
	char dir[64], apath[128], *s = text(BIG, 3);
	FILE *spool, *fp;
	int th0 = nthreads(), failed = 0;
	size_t i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_zip.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(apath, sizeof(apath), "%s/a.zip", dir);
	if ((spool = fopen("/dev/full", "w+")) == NULL)
		skip();
	assert_non_null(zp = omsi_zpool_new(6, &e));
	assert_non_null(b = omsi_zbody_new(zp, spool, "spool.tmp", &e));
	fp = omsi_zbody_fp(b);
	for (i = 0; i < 8 && !failed; i++)
		if (fwrite(s, 1, BIG, fp) != BIG)
			failed = 1;
	assert_true(failed);	/* the writer is told before the end */
	assert_int_equal(oms_afile_open(&af, apath, &e), 0);
	assert_non_null(z = omsi_zip_open(af.fp, apath, 6, &e));
	assert_int_equal(omsi_zip_entry(z, "H.XML", 0, "<a>", 3, b, "</a>",
	    &e), -1);
	assert_string_equal(e.where, "spool.tmp");
	assert_non_null(strstr(e.msg, "No space left on device"));
	omsi_zip_free(z);
	oms_afile_abort(&af);
	omsi_zbody_free(b);
	omsi_zpool_free(zp);
	assert_int_equal(nthreads_settled(th0), th0);
	fclose(spool);
	assert_int_equal(access(apath, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);	/* no temporary left either */
	free(s);
}

/* A body freed unfinished, its buffers still queued: nothing hangs;
   a body without a pool drops what it is given. */
static void
test_abandon(void **state)
{
	struct oms_err e = { 0 };
	struct omsi_zpool *zp;
	struct omsi_zbody *b;
	char dir[64], p[128], *s = text(BIG, 4);
	FILE *f;
	off_t at;
	int th0 = nthreads();

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_zip.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(f = temp(dir, p, sizeof(p)));
	assert_non_null(zp = omsi_zpool_new(9, &e));
	assert_non_null(b = omsi_zbody_new(zp, f, p, &e));
	put(omsi_zbody_fp(b), s, BIG);
	omsi_zbody_free(b);
	omsi_zpool_free(zp);
	assert_int_equal(nthreads_settled(th0), th0);
	/* a body without a pool (only checked): written, dropped */
	assert_int_equal(fseeko(f, 0, SEEK_END), 0);
	at = ftello(f);
	assert_non_null(b = omsi_zbody_new(NULL, f, p, &e));
	put(omsi_zbody_fp(b), s, BIG);
	assert_int_equal(fflush(omsi_zbody_fp(b)), 0);
	assert_int_equal(omsi_zbody_write(b, s, BIG), 0);
	assert_int_equal(nthreads_settled(th0), th0);
	omsi_zbody_free(b);
	assert_int_equal(fseeko(f, 0, SEEK_END), 0);
	assert_int_equal(ftello(f), at);
	fclose(f);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
	free(s);
}

static int
conf_text(struct oms_conf *c, const char *more, struct oms_err *e)
{
	char buf[512];
	FILE *fp;
	int r;

	snprintf(buf, sizeof(buf), "profile = ffoms\nmo = 760001\n"
	    "ogrn = 1027600000001\nkpp = 760101001\ntfoms = 76\n%s", more);
	assert_non_null(fp = fmemopen(buf, strlen(buf), "r"));
	r = oms_conf_read(c, fp, "t.conf", e);
	fclose(fp);
	return (r);
}

static void
test_level_key(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;

	(void)state;
	assert_int_equal(conf_text(&c, "", &e), 0);
	assert_int_equal(omsi_zip_level(&c), OMSI_ZIP_LEVEL);
	oms_conf_release(&c);
	assert_int_equal(conf_text(&c, "zip_level = 6\n", &e), 0);
	assert_int_equal(omsi_zip_level(&c), 6);
	oms_conf_release(&c);
	assert_int_equal(conf_text(&c, "zip_level = 9\n", &e), 0);
	assert_int_equal(omsi_zip_level(&c), 9);
	oms_conf_release(&c);
	assert_int_equal(conf_text(&c, "zip_level = 1\n", &e), 0);
	assert_int_equal(omsi_zip_level(&c), 1);
	oms_conf_release(&c);
	assert_int_equal(conf_text(&c, "zip_level = 10\n", &e), -1);
	assert_string_equal(e.where, "t.conf:6");
	assert_string_equal(e.msg, "zip_level: expected a number from 1 to "
	    "9, got \"10\"");
	assert_int_equal(conf_text(&c, "zip_level = 0\n", &e), -1);
	assert_string_equal(e.where, "t.conf:6");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_bodies),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_default_six),
		cmocka_unit_test(test_copy_either_way),
		cmocka_unit_test(test_view_same_bytes),
		cmocka_unit_test(test_zlib_pieces),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_abandon),
		cmocka_unit_test(test_level_key),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
