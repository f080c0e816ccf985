/* bench/cli/counters.c — performance counters from libpfm4 event strings,
 * attached by the driver to the measured process.
 *
 * The measured program may be i386 code under the personality, which cannot
 * call libpfm, so the counters live here: opened on the child's pid
 * (inherit, so a tracer's tracee or a helper it forks counts too), disabled
 * until the child's count-begin record, disabled again at its count-end.
 * Events of one kernel PMU (perf_event_attr.type) form one group under a
 * leader, enabled and read together. TIME_ENABLED and TIME_RUNNING give
 * the multiplexing scale printed beside each count. An event the machine
 * cannot encode or open is reported unsupported, never counted as zero.
 */
#include "bench_cli.h"

#include <errno.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct counter {
	char event[128];
	struct perf_event_attr attr;
	char unsupported[160];  /* why not, or empty */
	int fd;
	int leader;             /* index of the group leader (itself: leads) */
};

struct counter_set {
	unsigned n;
	struct counter c[ROW_COUNTERS_MAX];
};

static int pfm_ready;

static void encode(struct counter *c)
{
	if (!pfm_ready) {
		int r = pfm_initialize();
		if (r != PFM_SUCCESS) {
			snprintf(c->unsupported, sizeof c->unsupported,
				 "libpfm: pfm_initialize: %s", pfm_strerror(r));
			return;
		}
		pfm_ready = 1;
	}
	pfm_perf_encode_arg_t arg;
	memset(&arg, 0, sizeof arg);
	memset(&c->attr, 0, sizeof c->attr);
	arg.attr = &c->attr;
	arg.size = sizeof arg;
	/* Kernel and user: a system call's cost is mostly in the kernel. */
	int r = pfm_get_os_event_encoding(c->event, PFM_PLM0 | PFM_PLM3,
					  PFM_OS_PERF_EVENT_EXT, &arg);
	if (r != PFM_SUCCESS) {
		snprintf(c->unsupported, sizeof c->unsupported, "libpfm: %s", pfm_strerror(r));
		return;
	}
	c->attr.size = sizeof c->attr;
	c->attr.disabled = 1;
	c->attr.inherit = 1;
	c->attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
}

struct counter_set *counters_new(const char *list)
{
	struct counter_set *cs = calloc(1, sizeof *cs);
	if (!cs)
		return NULL;
	char *copy = strdup(list ? list : COUNTERS_DEFAULT), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!*tok)
			continue;
		if (cs->n == ROW_COUNTERS_MAX) {
			fprintf(stderr, "persona bench: more than %d events; '%s' and after ignored\n",
				ROW_COUNTERS_MAX, tok);
			break;
		}
		struct counter *c = &cs->c[cs->n++];
		snprintf(c->event, sizeof c->event, "%s", tok);
		c->fd = -1;
		encode(c);
	}
	free(copy);
	return cs;
}

void counters_free(struct counter_set *cs)
{
	if (cs)
		counters_detach(cs);
	free(cs);
}

unsigned counters_count(const struct counter_set *cs)
{
	return cs ? cs->n : 0;
}

const char *counters_event(const struct counter_set *cs, unsigned i)
{
	return cs->c[i].event;
}

const char *counters_unsupported(const struct counter_set *cs, unsigned i)
{
	return cs->c[i].unsupported[0] ? cs->c[i].unsupported : NULL;
}

void counters_attach(struct counter_set *cs, int pid)
{
	for (unsigned i = 0; i < cs->n; i++) {
		struct counter *c = &cs->c[i];
		c->fd = -1;
		if (c->unsupported[0])
			continue;
		/* The leader of this PMU's group: the first event of its type
		 * that opened. */
		int group = -1;
		c->leader = (int)i;
		for (unsigned j = 0; j < i; j++)
			if (cs->c[j].fd >= 0 && cs->c[j].leader == (int)j &&
			    cs->c[j].attr.type == c->attr.type) {
				group = cs->c[j].fd;
				c->leader = (int)j;
				break;
			}
		c->fd = (int)syscall(SYS_perf_event_open, &c->attr, pid, -1, group,
				     PERF_FLAG_FD_CLOEXEC);
		if (c->fd < 0) {
			/* Permanent: every row of the run says the same. */
			snprintf(c->unsupported, sizeof c->unsupported,
				 "perf_event_open: %s", strerror(errno));
			c->leader = -1;
		}
	}
}

void counters_detach(struct counter_set *cs)
{
	for (unsigned i = 0; i < cs->n; i++)
		if (cs->c[i].fd >= 0) {
			close(cs->c[i].fd);
			cs->c[i].fd = -1;
		}
}

static void each_leader(struct counter_set *cs, unsigned long request)
{
	for (unsigned i = 0; i < cs->n; i++)
		if (cs->c[i].fd >= 0 && cs->c[i].leader == (int)i)
			ioctl(cs->c[i].fd, request, PERF_IOC_FLAG_GROUP);
}

void counters_enable(struct counter_set *cs)
{
	each_leader(cs, PERF_EVENT_IOC_RESET);
	each_leader(cs, PERF_EVENT_IOC_ENABLE);
}

void counters_disable_read(struct counter_set *cs, uint64_t iterations,
			   struct counter_value *out)
{
	each_leader(cs, PERF_EVENT_IOC_DISABLE);
	for (unsigned i = 0; i < cs->n; i++) {
		struct counter *c = &cs->c[i];
		struct counter_value *v = &out[i];
		uint64_t buf[3];        /* value, time enabled, time running */
		memset(v, 0, sizeof *v);
		if (c->unsupported[0] || c->fd < 0) {
			v->state = COUNTER_UNSUPPORTED;
			continue;
		}
		if (read(c->fd, buf, sizeof buf) != (ssize_t)sizeof buf || buf[2] == 0) {
			v->state = COUNTER_NOT_COUNTED;
			continue;
		}
		v->state = COUNTER_OK;
		v->scale = (double)buf[1] / (double)buf[2];
		v->per_call = (double)buf[0] * v->scale / (double)(iterations ? iterations : 1);
	}
}
