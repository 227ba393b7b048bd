/*
 * profile.c -- the table of profiles, and finding one by name
 *
 * A new region's profile is its own files and one more name in PROFILES
 * below (profile.h, HACKING.md).  The first is the default.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"

#define PROFILES(X)	X(ffoms) X(yar76)

#define DECLARE(name)	extern const struct oms_profile omsi_profile_##name;
#define ENTRY(name)	&omsi_profile_##name,
PROFILES(DECLARE)
static const struct oms_profile *const profiles[] = { PROFILES(ENTRY) };
#define NPROFILES	(sizeof(profiles) / sizeof(profiles[0]))

const struct oms_profile *
omsi_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i]->name, name) == 0)
			return (profiles[i]);
	return (NULL);
}

char *
omsi_profile_names(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NPROFILES && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"",
		    i == 0 ? "" : i + 1 == NPROFILES ? " or " : ", ",
		    profiles[i]->name);
	return (buf);
}

const struct oms_profile *
omsi_profile_bidder(const char *root)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (profiles[i]->src_bid(root))
			return (profiles[i]);
	return (NULL);
}

const struct oms_profile *
omsi_profile_of(const struct oms_conf *c)
{
	return (c->prof != NULL ? c->prof : profiles[0]);
}

int
oms_kind_valid(const struct oms_conf *c, const char *kind)
{
	return (omsi_profile_of(c)->kind_valid(kind));
}

const char *
oms_kind_bad(const struct oms_conf *c)
{
	return (omsi_profile_of(c)->kind_bad);
}


int
oms_profile_fixes(const struct oms_conf *c)
{
	return (omsi_profile_of(c)->fixes);
}
