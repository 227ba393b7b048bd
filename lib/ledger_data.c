/*
 * ledger_data.c -- the ledger's words: the names of its events, states,
 * stages and contradictions, and the key=value pairs of its data column
 *
 * The names here are the ones written in ledger.tsv (oms-ledger(5)); a
 * writer that puts oms_event_name(OMS_EV_EXPORT) in a line writes what
 * the fold reads back.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

static const char *const eventnames[OMS_EV_NTYPES] = {
	"", "registry", "export", "decision", "import", "queue", "fix",
	"unfix", "restore", "withhold", "invoice", "commit"
};

static const char *const statenames[OMS_ST_NSTATES] = {
	"new", "in-flight", "accepted", "partial", "rejected", "queued"
};

static const char *const stagenames[] = { "", "flk", "control", "demand" };

const char *
oms_event_name(int type)
{
	if (type <= OMS_EV_UNKNOWN || type >= OMS_EV_NTYPES)
		return ("");
	return (eventnames[type]);
}

int
oms_event_parse(const char *s)
{
	int i;

	for (i = OMS_EV_UNKNOWN + 1; i < OMS_EV_NTYPES; i++)
		if (strcmp(s, eventnames[i]) == 0)
			return (i);
	return (OMS_EV_UNKNOWN);
}

const char *
oms_state_name(int st)
{
	if (st < 0 || st >= OMS_ST_NSTATES)
		return ("?");
	return (statenames[st]);
}

const char *
oms_stage_name(int st)
{
	if (st < OMS_STAGE_FLK || st > OMS_STAGE_DEMAND)
		return ("");
	return (stagenames[st]);
}

int
oms_stage_parse(const char *s)
{
	int i;

	for (i = OMS_STAGE_FLK; i <= OMS_STAGE_DEMAND; i++)
		if (strcmp(s, stagenames[i]) == 0)
			return (i);
	return (-1);
}

int
oms_state_parse(const char *s)
{
	int i;

	for (i = 0; i < OMS_ST_NSTATES; i++)
		if (strcmp(s, statenames[i]) == 0)
			return (i);
	if (strcmp(s, "inflight") == 0)
		return (OMS_ST_INFLIGHT);
	return (-1);
}

const char *
oms_contra_name(int kind)
{
	static const char *const names[OMS_CT_NKINDS] = {
		"", "flk-accepted", "sum", "left"
	};

	return (kind > 0 && kind < OMS_CT_NKINDS ? names[kind] : "");
}

int
omsi_ledger_plain(const char *s, size_t n, int data)
{
	unsigned char c;

	for (; n > 0; s++, n--) {
		c = (unsigned char)*s;
		if (c < 0x20 || c > 0x7e || c == '\\' || (data && (c == '%' ||
		    c == ';' || c == '=')))
			return (0);
	}
	return (1);
}

int
oms_ledger_data(struct oms_buf *b, const char *key, const char *value,
    struct oms_err *err)
{
	const char *p;
	int r = 0;

	if (b->len > 0)
		r = oms_buf_addc(b, ';', err);
	if (r == 0)
		r = oms_buf_printf(b, err, "%s=", key);
	for (p = value; r == 0 && *p != '\0'; p++)
		switch (*p) {
		case '%':
			r = oms_buf_adds(b, "%25", err);
			break;
		case ';':
			r = oms_buf_adds(b, "%3B", err);
			break;
		case '=':
			r = oms_buf_adds(b, "%3D", err);
			break;
		default:
			r = oms_buf_addc(b, *p, err);
		}
	return (r);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

void
omsi_kv_parse(const char *data, struct omsi_kvs *kv)
{
	const char *p, *e, *eq;

	kv->n = 0;
	for (p = data; *p != '\0' && kv->n < OMSI_KV_MAX; p = *e == ';' ?
	    e + 1 : e) {
		e = p + strcspn(p, ";");
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			continue;
		kv->e[kv->n].k = p;
		kv->e[kv->n].kl = (size_t)(eq - p);
		kv->e[kv->n].v = eq + 1;
		kv->e[kv->n].vl = (size_t)(e - eq - 1);
		kv->n++;
	}
}

int
omsi_kv_get(const struct omsi_kvs *kv, const char *key, size_t kl,
    char *out, size_t outlen)
{
	size_t i, n;
	const char *v, *e;
	int h, l;

	for (i = 0; i < kv->n; i++) {
		if (kv->e[i].kl != kl || memcmp(kv->e[i].k, key, kl) != 0)
			continue;
		v = kv->e[i].v;
		e = v + kv->e[i].vl;
		if (memchr(v, '%', kv->e[i].vl) == NULL) {
			n = kv->e[i].vl < outlen ? kv->e[i].vl : outlen - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return (1);
		}
		for (n = 0; v < e && n + 1 < outlen; v++) {
			if (*v == '%' && e - v >= 3 &&
			    (h = hexval(v[1])) != -1 &&
			    (l = hexval(v[2])) != -1) {
				out[n++] = (char)(h << 4 | l);
				v += 2;
			} else
				out[n++] = *v;
		}
		out[n] = '\0';
		return (1);
	}
	return (0);
}

const char *
omsi_kv_get_any(const struct omsi_kvs *kv, const char *key, char *buf,
    size_t len, char **heap)
{
	size_t i, kl = strlen(key);

	*heap = NULL;
	for (i = 0; i < kv->n; i++)
		if (kv->e[i].kl == kl && memcmp(kv->e[i].k, key, kl) == 0)
			break;
	if (i == kv->n)
		return ("");
	if (kv->e[i].vl >= len) {	/* decoding never lengthens it */
		len = kv->e[i].vl + 1;
		if ((buf = *heap = malloc(len)) == NULL)
			return (NULL);
	}
	(void)omsi_kv_get(kv, key, kl, buf, len);
	return (buf);
}

int
oms_ledger_data_get(const char *data, const char *key, char *out,
    size_t outlen)
{
	struct omsi_kvs kv;

	omsi_kv_parse(data, &kv);
	return (omsi_kv_get(&kv, key, strlen(key), out, outlen));
}
