/*
 * rules_kq.c -- the person rules of the kept cases, checked on the second
 * core while the persons are read
 *
 * Every case a person rule reads is kept (rules.c) and checked when its
 * PERS comes.  At a million accounts that is some 40 % of the reading of
 * the persons, on the one thread that reads them, while the other core
 * has little left to do.  Here the reader queues, for each PERS with
 * cases kept, its link and the PERS as text (omsi_rules_pers_text), in
 * batches; a thread checks them with an evaluator of its own (a second
 * struct oms_rules loaded as the reader's: the person rules' state is
 * the evaluator's alone) on the reader's kept cases, which nothing
 * changes while the persons are read, through a window of its own on
 * the spool.  The reports wait in their batch.
 *
 * Order: a report goes to its report_case only on the reader's thread,
 * in the order of the queue, and every queued report before any other
 * message of the reader (omsi_kq_drain, which the program's message
 * function calls): the messages, and what they mark, are those of the
 * checks on the way, in the same order.  A PERS that the text would not
 * say exactly (omsi_rules_pers_text) is checked on the way, by the
 * evaluator, once the queue is empty and the thread waits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define KQ_JOBS		256		/* PERSes a batch at most */
#define KQ_TEXT		((size_t)256 << 10)	/* ... their text */
#define KQ_AHEAD	8		/* batches queued, not yet reported */

/* a PERS to check: its strings in the batch's text */
struct kjob {
	size_t		 link, where, pers;
	uint32_t	 ki;		/* its first kept case */
	unsigned long	 line;		/* of the PERS */
	struct omsi_rulectx rc;		/* the reader's; link, where moot */
	size_t		 nrep;		/* its reports, in the batch's out */
};

struct kbatch {
	struct kbatch	*next;
	struct oms_buf	 text;
	struct kjob	 job[KQ_JOBS];
	size_t		 njob;
	/*
	 * The reports, one after another: warning (a byte), line (an
	 * unsigned long), then account, id and message, each with its NUL.
	 */
	struct oms_buf	 out;
	size_t		 cur;		/* the job being checked */
	int		 done;		/* by the thread */
	int		 failed;	/* err says why */
	struct oms_err	 err;
};

struct omsi_kq {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* the thread waits for a batch */
	pthread_cond_t	 done;		/* the reader waits for one done */
	pthread_t	 th;
	int		 started, stop;
	struct oms_rules *ev;		/* the thread's */
	struct oms_rules *src;		/* the reader's: its kept cases */
	struct kbatch	*head, *tail;	/* queued, in order */
	struct kbatch	*todo;		/* the first the thread has not done */
	size_t		 nq;
	int		 tfailed;	/* a batch failed: the thread stops */
	/* the reader's alone */
	struct kbatch	*fill;		/* being filled */
	struct kbatch	*spare;
	struct oms_buf	 ptext;		/* a PERS as text */
	int		 failed;	/* a batch failed: err */
	struct oms_err	 err;
	int		 draining;	/* reports going out: no drain */
};

/* a report of the job being checked, kept in its batch */
static void
keep_report(void *arg, const char *where, const char *account,
    const char *id, int warning, unsigned long line, const char *msg)
{
	struct kbatch *b = arg;
	unsigned char w = warning != 0;

	(void)where;		/* the job's */
	if (b->failed)
		return;
	if (oms_buf_add(&b->out, &w, 1, &b->err) == -1 ||
	    oms_buf_add(&b->out, &line, sizeof(line), &b->err) == -1 ||
	    oms_buf_add(&b->out, account, strlen(account) + 1,
	    &b->err) == -1 ||
	    oms_buf_add(&b->out, id, strlen(id) + 1, &b->err) == -1 ||
	    oms_buf_add(&b->out, msg, strlen(msg) + 1, &b->err) == -1) {
		b->failed = 1;
		return;
	}
	b->job[b->cur].nrep++;
}

/* The checks of batch b, on the thread. */
static void
run_batch(struct omsi_kq *q, struct kbatch *b)
{
	struct omsi_rulectx rc;
	struct kjob *j;
	size_t i;

	for (i = 0; i < b->njob && !b->failed; i++) {
		j = &b->job[i];
		rc = j->rc;
		rc.link = b->text.s + j->link;
		rc.where = b->text.s + j->where;
		rc.report_case = keep_report;
		rc.arg = b;
		rc.kept_later = 0;
		b->cur = i;
		if (omsi_rules_check_kept(q->ev, q->src, j->ki,
		    b->text.s + j->pers, j->line, &rc, &b->err) == -1)
			b->failed = 1;
	}
}

static void *
kq_thread(void *arg)
{
	struct omsi_kq *q = arg;
	struct kbatch *b;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->todo == NULL && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if ((b = q->todo) == NULL)
			break;
		pthread_mutex_unlock(&q->mu);
		if (!q->tfailed)	/* only the thread sets it */
			run_batch(q, b);
		pthread_mutex_lock(&q->mu);
		q->tfailed |= b->failed;
		b->done = 1;
		q->todo = b->next;
		pthread_cond_signal(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return (NULL);
}

/* The reports of batch b to their report_case, in order. */
static void
report(struct omsi_kq *q, struct kbatch *b)
{
	const struct kjob *j;
	const char *p = b->out.s, *account, *id;
	unsigned long line;
	size_t i, k;
	int warning;

	for (i = 0; i < b->njob; i++) {
		j = &b->job[i];
		for (k = 0; k < j->nrep; k++) {
			warning = *p++;
			memcpy(&line, p, sizeof(line));
			p += sizeof(line);
			account = p;
			p += strlen(p) + 1;
			id = p;
			p += strlen(p) + 1;
			j->rc.report_case(j->rc.arg, b->text.s + j->where,
			    account, id, warning, line, p);
			p += strlen(p) + 1;
		}
	}
	if (b->failed && !q->failed) {
		q->failed = 1;
		q->err = b->err;
	}
}

/*
 * The batches done at the head of the queue reported and put aside, in
 * order: all of them, waiting for the thread, when all; else as long as
 * more than KQ_AHEAD are queued.
 */
static void
reap(struct omsi_kq *q, int all)
{
	struct kbatch *b;

	q->draining = 1;
	pthread_mutex_lock(&q->mu);
	while ((b = q->head) != NULL) {
		if (!b->done) {
			if (!all && q->nq <= KQ_AHEAD)
				break;
			pthread_cond_wait(&q->done, &q->mu);
			continue;
		}
		if ((q->head = b->next) == NULL)
			q->tail = NULL;
		q->nq--;
		pthread_mutex_unlock(&q->mu);
		/* past a failure nothing more is said, as on the way */
		if (!q->failed)
			report(q, b);
		b->next = q->spare;
		q->spare = b;
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	q->draining = 0;
}

/* The batch being filled to the thread. */
static void
hand(struct omsi_kq *q)
{
	struct kbatch *b = q->fill;

	if (b == NULL || b->njob == 0)
		return;
	q->fill = NULL;
	b->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail != NULL)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	if (q->todo == NULL)
		q->todo = b;
	q->nq++;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

static struct kbatch *
new_batch(struct omsi_kq *q)
{
	struct kbatch *b;

	if ((b = q->spare) != NULL)
		q->spare = b->next;
	else if ((b = calloc(1, sizeof(*b))) == NULL)
		return (NULL);
	else {
		oms_buf_init(&b->text, 0);
		oms_buf_init(&b->out, 0);
	}
	oms_buf_reset(&b->text);
	oms_buf_reset(&b->out);
	b->next = NULL;
	b->njob = b->cur = 0;
	b->done = b->failed = 0;
	memset(&b->err, 0, sizeof(b->err));
	return (b);
}

static void
free_batches(struct kbatch *b)
{
	struct kbatch *n;

	for (; b != NULL; b = n) {
		n = b->next;
		oms_buf_release(&b->text);
		oms_buf_release(&b->out);
		free(b);
	}
}

static int
failed(struct omsi_kq *q, struct oms_err *err)
{
	*err = q->err;
	return (-1);
}

struct omsi_kq *
omsi_kq_start(struct oms_rules *ev, struct oms_rules *src,
    struct oms_err *err)
{
	struct omsi_kq *q;
	int e;

	/* the thread reads the spool: what stdio holds of it written */
	if (omsi_rules_kept_flush(src, err) == -1)
		return (NULL);
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	q->ev = ev;
	q->src = src;
	/* no window of an earlier build's spool */
	ev->kwlen = 0;
	ev->knext = -1;
	oms_buf_init(&q->ptext, 0);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	if ((e = pthread_create(&q->th, NULL, kq_thread, q)) != 0) {
		oms_err_sys(err, e, NULL, "start the person rules' thread");
		(void)omsi_kq_end(q, NULL);
		return (NULL);
	}
	q->started = 1;
	return (q);
}

int
omsi_kq_put(struct omsi_kq *q, xmlNodePtr pers, const struct omsi_rulectx *rc,
    struct oms_err *err)
{
	struct kbatch *b;
	struct kjob *j;
	const char *where = rc->where != NULL ? rc->where : "";
	uint32_t ki;
	int r;

	if (q->failed)
		return (failed(q, err));
	if (rc->link == NULL || rc->report_case == NULL ||
	    (ki = omsi_rules_kept_first(q->src, rc->link)) == 0)
		return (0);
	oms_buf_reset(&q->ptext);
	if ((r = omsi_rules_pers_text(pers, &q->ptext, err)) == -1)
		return (-1);
	if (r == 0) {
		/* on the way: the thread waits, the queue empty */
		omsi_kq_drain(q);
		if (q->failed)
			return (failed(q, err));
		return (omsi_rules_check_kept_tree(q->ev, q->src, ki, pers,
		    rc, err));
	}
	if (q->fill == NULL && (q->fill = new_batch(q)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	b = q->fill;
	j = &b->job[b->njob];
	j->rc = *rc;
	j->ki = ki;
	j->line = omsi_line(pers);
	j->nrep = 0;
	j->link = b->text.len;
	if (oms_buf_add(&b->text, rc->link, strlen(rc->link) + 1, err) == -1)
		return (-1);
	j->where = b->text.len;
	if (oms_buf_add(&b->text, where, strlen(where) + 1, err) == -1)
		return (-1);
	j->pers = b->text.len;
	if (oms_buf_add(&b->text, q->ptext.s, q->ptext.len, err) == -1 ||
	    oms_buf_addc(&b->text, '\0', err) == -1)
		return (-1);
	b->njob++;
	if (b->njob == KQ_JOBS || b->text.len >= KQ_TEXT) {
		hand(q);
		reap(q, 0);
	}
	return (0);
}

void
omsi_kq_drain(struct omsi_kq *q)
{
	if (q == NULL || q->draining)
		return;
	hand(q);
	reap(q, 1);
}

int
omsi_kq_end(struct omsi_kq *q, struct oms_err *err)
{
	int rv = 0;

	if (q == NULL)
		return (0);
	if (q->started) {
		omsi_kq_drain(q);
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->th, NULL);
	}
	if (q->failed) {
		if (err != NULL)
			*err = q->err;
		rv = -1;
	}
	free_batches(q->head);
	free_batches(q->fill);
	free_batches(q->spare);
	oms_buf_release(&q->ptext);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->mu);
	free(q);
	return (rv);
}
