/*
 * oms-nsi -- convert an NSI packet of the federal fund into a TSV table
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
	const char	*output;	/* -o, or NULL for stdout */
	struct oms_afile af;
	struct oms_buf	 out;
	size_t		 nrows;
};

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/* Write the table to the -o file and rename it into place. */
static int
write_file(struct nsi *s)
{
	struct oms_err e = { 0 };

	if (s->out.len > 0 &&
	    fwrite(s->out.s, 1, s->out.len, s->af.fp) != s->out.len) {
		oms_err_sys(&e, errno, s->output, "write");
		oms_afile_abort(&s->af);
		return (cli_report(&e));
	}
	if (oms_afile_commit(&s->af, &e) == -1)
		return (cli_report(&e));
	return (OMS_EXIT_OK);
}

static void
teardown(struct nsi *s)
{
	oms_buf_release(&s->out);
	xmlCleanupParser();
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-nsi [-v] [-o file] file.xml\n\n"
	    "Convert an NSI packet of the federal fund "
	    "(F014, Q015, Q016) into TSV.\n"
	    "  -o file   write the table to file atomically "
	    "(default: standard output)\n"
	    "  -v        say how many records were written\n"
	    "  file.xml  the packet; - is standard input\n"
	    "See oms-nsi(1).\n");
	exit(OMS_EXIT_OK);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",    no_argument,       NULL, 'h' },
		{ "output",  required_argument, NULL, 'o' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL,      0,                 NULL, 0 }
	};
	struct nsi s;
	struct oms_err e = { 0 };
	const char *in, *path;
	int ch;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&s, 0, sizeof(s));

	while ((ch = getopt_long(argc, argv, "+ho:vV", longopts, NULL)) != -1)
		switch (ch) {
		case 'h':
			help();
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
	if (argc != 1)
		usage();
	LIBXML_TEST_VERSION
	cli_xml_init();

	in = argv[0];
	path = strcmp(in, "-") == 0 ? "/dev/stdin" : in;
	if (s.output != NULL && oms_afile_open(&s.af, s.output, &e) == -1)
		exit(cli_report(&e));
	oms_buf_init(&s.out, 0);
	if (oms_nsi_convert(path, in, &s.out, &s.nrows, &e) == -1) {
		cli_report(&e);
		if (s.output != NULL)
			oms_afile_abort(&s.af);
	} else if (s.output != NULL) {
		if (write_file(&s) == OMS_EXIT_OK && cli.verbose)
			warnx("%s: %zu record(s) written to %s", in, s.nrows,
			    s.output);
	} else {
		cli_out(&s.out);
		cli_close_stdout();
		if (cli.verbose)
			warnx("%s: %zu record(s)", in, s.nrows);
	}

	teardown(&s);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-nsi [-v] [-o file] file.xml\n");
	exit(OMS_EXIT_USAGE);
}
