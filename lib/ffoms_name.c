/*
 * ffoms_name.c -- the name of a federal registry, built and taken apart
 *
 * KIND M mo T|S code _ YY MM N (shared/spec/ffoms-format.md): the kind (H,
 * C, T, or D and a letter), the МО's code, T and the fund's code or S and
 * an insurer's, the period and the package number.  The writer builds the
 * names it gives (ffoms_export.c); workspace recovery asks whether a file
 * in outbox/ is one of them (the profile's archive_ours).  One pair of
 * functions, so the two cannot drift apart.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "oms_int.h"

int
omsi_ffoms_name_build(char *buf, size_t len, const struct omsi_ffoms_name *n)
{
	int r;

	r = snprintf(buf, len, "%sM%s%c%s_%02d%02d%0*d", n->kind, n->mo,
	    n->to, n->code, n->yy, n->mm, n->width, n->package);
	return (r < 0 || (size_t)r >= len ? -1 : 0);
}

/*
 * Split name into n.  The parts are checked for their shape only: the
 * code has 2 or 5 digits, YYMM and N at least 5 digits together, and
 * nothing bounds the month.  A package number too long for an int is
 * left as INT_MAX.
 */
int
omsi_ffoms_name_parse(const char *name, struct omsi_ffoms_name *n)
{
	const char *p = name, *q;
	size_t len;

	memset(n, 0, sizeof(*n));
	if (p[0] == 'H' || p[0] == 'C' || p[0] == 'T')
		len = 1;
	else if (p[0] == 'D' && p[1] >= 'A' && p[1] <= 'Z')
		len = 2;
	else
		return (-1);
	memcpy(n->kind, p, len);
	p += len;
	if (*p++ != 'M' || strspn(p, "0123456789") < 6)
		return (-1);
	memcpy(n->mo, p, 6);
	p += 6;
	if (*p != 'T' && *p != 'S')
		return (-1);
	n->to = *p++;
	len = strspn(p, "0123456789");
	if (len != 2 && len != 5)
		return (-1);
	memcpy(n->code, p, len);
	p += len;
	if (*p++ != '_')
		return (-1);
	len = strspn(p, "0123456789");
	if (len < 5 || (p[len] != '.' && p[len] != '\0'))
		return (-1);
	n->yy = (p[0] - '0') * 10 + (p[1] - '0');
	n->mm = (p[2] - '0') * 10 + (p[3] - '0');
	n->width = (int)(len - 4);
	for (q = p + 4; q < p + len; q++)
		n->package = n->package > (INT_MAX - 9) / 10 ? INT_MAX :
		    n->package * 10 + (*q - '0');
	n->ext = p[len] == '.' ? p + len + 1 : NULL;
	return (0);
}

/* An archive of ours in outbox/: our МО, and the archive's extension. */
int
omsi_ffoms_ours(const struct oms_conf *c, const char *name)
{
	struct omsi_ffoms_name n;

	return (omsi_ffoms_name_parse(name, &n) == 0 && n.ext != NULL &&
	    strncmp(n.mo, c->mo, 6) == 0 &&
	    strcasecmp(n.ext, c->archive_ext) == 0);
}
