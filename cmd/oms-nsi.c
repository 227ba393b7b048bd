/*
 * oms-nsi -- convert NSI packets of the federal fund into TSV tables
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cli.h"

struct nsi {
	const char	*output;	/* -o, or NULL */
	const char	*dir;		/* -d, or NULL */
	struct oms_afile af;		/* -o's, opened before reading */
	struct oms_buf	 out;
	struct oms_buf	 done;		/* -d: "CODE\tfile\n" written so far */
};

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/* Write the table to af and rename it into place. */
static int
commit(struct nsi *s, struct oms_afile *af, const char *path)
{
	struct oms_err e = { 0 };

	if (s->out.len > 0 &&
	    fwrite(s->out.s, 1, s->out.len, af->fp) != s->out.len) {
		oms_err_sys(&e, errno, path, "write");
		oms_afile_abort(af);
		return (cli_report(&e));
	}
	if (oms_afile_commit(af, &e) == -1)
		return (cli_report(&e));
	return (OMS_EXIT_OK);
}

/*
 * -d: the table goes to dir/CODE.tsv, named by the catalog the packet
 * turned out to be; two packets of one catalog in a run are an error.
 */
static void
to_dir(struct nsi *s, const char *in, const struct oms_nsi_info *info)
{
	struct oms_err e = { 0 };
	struct oms_afile af;
	char name[32], *path, *p;
	size_t n;

	n = strlen(info->catalog);
	for (p = s->done.s; p != NULL && *p != '\0'; p = strchr(p, '\n') + 1)
		if (strncmp(p, info->catalog, n) == 0 && p[n] == '\t') {
			warnx("%s: a second %s packet in one run (the first: "
			    "%.*s); %s.tsv is left as the first made it", in,
			    info->catalog, (int)(strchr(p, '\n') - p - n - 1),
			    p + n + 1, info->catalog);
			if (cli.rval < OMS_EXIT_NEGATIVE)
				cli.rval = OMS_EXIT_NEGATIVE;
			return;
		}
	snprintf(name, sizeof(name), "%s.tsv", info->catalog);
	if ((path = oms_path_join(s->dir, name)) == NULL)
		err(OMS_EXIT_IO, NULL);
	if (oms_afile_open(&af, path, &e) == -1)
		cli_report(&e);
	else if (commit(s, &af, path) == OMS_EXIT_OK) {
		if (oms_buf_printf(&s->done, &e, "%s\t%s\n", info->catalog,
		    in) == -1)
			errx(OMS_EXIT_IO, "%s", e.msg);
		if (cli.verbose)
			warnx("%s: %s, %zu record(s) written to %s", in,
			    info->catalog, info->nrows, path);
	}
	free(path);
}

static void
convert(struct nsi *s, const char *in)
{
	struct oms_err e = { 0 };
	struct oms_nsi_info info;
	const char *path;

	path = strcmp(in, "-") == 0 ? "/dev/stdin" : in;
	oms_buf_reset(&s->out);
	if (oms_nsi_convert(path, in, &s->out, &info, &e) == -1) {
		cli_report(&e);
		if (s->output != NULL)
			oms_afile_abort(&s->af);
	} else if (s->dir != NULL)
		to_dir(s, in, &info);
	else if (s->output != NULL) {
		if (commit(s, &s->af, s->output) == OMS_EXIT_OK &&
		    cli.verbose)
			warnx("%s: %s, %zu record(s) written to %s", in,
			    info.catalog, info.nrows, s->output);
	} else {
		cli_out(&s->out);
		if (cli.verbose)
			warnx("%s: %s, %zu record(s)", in, info.catalog,
			    info.nrows);
	}
}

static void
list(struct nsi *s)
{
	struct oms_err e = { 0 };

	if (oms_nsi_list(&s->out, &e) == -1)
		exit(cli_report(&e));
	cli_out(&s->out);
	cli_close_stdout();
	oms_buf_release(&s->out);
	exit(OMS_EXIT_OK);
}

static void
teardown(struct nsi *s)
{
	oms_buf_release(&s->out);
	oms_buf_release(&s->done);
	xmlCleanupParser();
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-nsi [-v] [-o file] file.xml\n"
	    "       oms-nsi [-v] -d dir file.xml ...\n"
	    "       oms-nsi -l\n\n"
	    "Convert NSI packets of the federal fund (F002, F014, Q015, "
	    "Q016, M001, the V-,\nF- and N-tables) into TSV.\n"
	    "  -d dir    write each packet to dir/CODE.tsv atomically, "
	    "CODE its catalog\n"
	    "  -l        list the catalogs known, their keys and columns\n"
	    "  -o file   write the table to file atomically "
	    "(default: standard output)\n"
	    "  -v        say which catalog and how many records were "
	    "written\n"
	    "  file.xml  the packet; - is standard input\n"
	    "See oms-nsi(1).\n");
	exit(OMS_EXIT_OK);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",       no_argument,       NULL, 'h' },
		{ "list",       no_argument,       NULL, 'l' },
		{ "output",     required_argument, NULL, 'o' },
		{ "output-dir", required_argument, NULL, 'd' },
		{ "verbose",    no_argument,       NULL, 'v' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL,         0,                 NULL, 0 }
	};
	struct nsi s;
	struct oms_err e = { 0 };
	int ch, lflag = 0;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&s, 0, sizeof(s));

	while ((ch = getopt_long(argc, argv, "+d:hlo:vV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'd':
			s.dir = optarg;
			break;
		case 'h':
			help();
		case 'l':
			lflag = 1;
			break;
		case 'o':
			s.output = optarg;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-nsi");
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	oms_buf_init(&s.out, 0);
	oms_buf_init(&s.done, 0);
	if (lflag) {
		if (argc != 0 || s.dir != NULL || s.output != NULL)
			usage();
		list(&s);
	}
	if (argc == 0 || (s.dir != NULL && s.output != NULL) ||
	    (s.dir == NULL && argc != 1))
		usage();
	LIBXML_TEST_VERSION
	cli_xml_init();

	if (s.output != NULL && oms_afile_open(&s.af, s.output, &e) == -1)
		exit(cli_report(&e));
	if (s.dir != NULL && oms_mkdirs(s.dir, &e) == -1)
		exit(cli_report(&e));
	for (; *argv != NULL; argv++)
		convert(&s, *argv);
	if (s.dir == NULL && s.output == NULL)
		cli_close_stdout();

	teardown(&s);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-nsi [-v] [-o file] file.xml\n"
	    "       oms-nsi [-v] -d dir file.xml ...\n"
	    "       oms-nsi -l\n");
	exit(OMS_EXIT_USAGE);
}
