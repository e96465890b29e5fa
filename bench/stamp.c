// SPDX-License-Identifier: MIT
/*
 * bench-stamp: runs a VMM with its standard output on a pipe and timestamps,
 * from just before fork+exec, the first arrival of each marker byte the bench
 * guest writes to its serial port, and the exit. Both VMMs are timed by this
 * one program in the same way, so their numbers compare.
 *
 * With --hold MARKER it samples the VMM's memory when MARKER arrives (peak RSS
 * from /proc/PID/status VmHWM; guest RAM touched = the Rss of the anonymous
 * mappings at least --guest-mem bytes long, from /proc/PID/smaps), then kills
 * it with SIGKILL. --line TEXT does the same when a line containing TEXT has
 * arrived (a Linux guest's "init is running" marker), and times that line.
 * --copy FILE keeps everything the VMM printed (the disk row reads its numbers
 * from the guest's output).
 *
 * Prints one line: rc=N total_ns=T [X_ns=T for each marker X seen]
 * [line_ns=T] [hwm_kib=K rss_kib=K guest_rss_kib=K] (VmHWM, VmRSS at the sample).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct stamp_opts {
	const char *markers;
	int hold;           /* marker byte that triggers the memory sample, or -1 */
	uint64_t guest_mem; /* bytes: the size of the guest RAM mapping */
	unsigned int timeout_s;
	const char *err_path; /* the VMM's stderr goes here */
	const char *line;     /* hold when a line containing this arrives, or NULL */
	const char *copy;     /* a copy of the VMM's standard output goes here, or NULL */
	char **argv;
};

struct stamp_mem {
	uint64_t hwm_kib;
	uint64_t rss_kib;
	uint64_t guest_rss_kib;
};

static volatile pid_t child_pid;

/* --timeout: the VMM's whole process group goes; the pipe then closes and we report. */
static void on_alarm(int sig)
{
	(void)sig;
	if (child_pid > 0)
		kill(-child_pid, SIGKILL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-stamp [--markers CHARS] [--hold CHAR --guest-mem BYTES] "
	                "[--timeout S] [--stderr FILE] -- COMMAND...\n");
	exit(2);
}

static void parse_args(struct stamp_opts *o, int argc, char **argv)
{
	int i;

	*o = (struct stamp_opts){
		.markers = "FBSE", .hold = -1, .timeout_s = 60, .err_path = "/dev/null"
	};
	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--")) {
			o->argv = &argv[i + 1];
			return;
		}
		if (!strcmp(argv[i], "--markers"))
			o->markers = argv[++i];
		else if (!strcmp(argv[i], "--hold"))
			o->hold = (unsigned char)argv[++i][0];
		else if (!strcmp(argv[i], "--guest-mem"))
			o->guest_mem = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--timeout"))
			o->timeout_s = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--line"))
			o->line = argv[++i];
		else if (!strcmp(argv[i], "--copy"))
			o->copy = argv[++i];
		else if (!strcmp(argv[i], "--stderr"))
			o->err_path = argv[++i];
		else
			usage();
	}
	usage();
}

static uint64_t status_field_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	uint64_t v = 0;
	size_t n = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Rss of the anonymous mappings at least min_size long: the guest's RAM. */
static uint64_t guest_rss_kib(pid_t pid, uint64_t min_size)
{
	char path[64], line[512];
	bool in_guest = false;
	uint64_t total = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char name[256] = "";

		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %255s", &start, &end, name) >= 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in_guest = end - start >= min_size && (!name[0] || name[0] == '[');
			continue;
		}
		if (in_guest && !strncmp(line, "Rss:", 4))
			total += strtoull(line + 4, NULL, 10);
	}
	fclose(f);
	return total;
}

static pid_t spawn(const struct stamp_opts *o, int *out_fd)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int err = open(o->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || err < 0 || dup2(in, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(err, 2) < 0)
			_exit(126);
		setpgid(0, 0);
		execvp(o->argv[0], o->argv);
		_exit(127);
	}
	close(pipefd[1]);
	*out_fd = pipefd[0];
	return pid;
}

/* Samples memory once and ends the VMM. */
static void hold(const struct stamp_opts *o, pid_t pid, struct stamp_mem *mem, bool *sampled)
{
	if (*sampled)
		return;
	mem->hwm_kib = status_field_kib(pid, "VmHWM");
	mem->rss_kib = status_field_kib(pid, "VmRSS");
	mem->guest_rss_kib = guest_rss_kib(pid, o->guest_mem);
	*sampled = true;
	kill(-pid, SIGKILL);
}

int main(int argc, char **argv)
{
	struct stamp_opts o;
	struct stamp_mem mem = { 0 };
	uint64_t t0, seen[256] = { 0 }, t_exit, t_line = 0;
	bool sampled = false;
	unsigned char buf[4096];
	char line[512];
	size_t line_len = 0;
	int fd, status, rc;
	FILE *copy = NULL;
	ssize_t n;
	pid_t pid;

	parse_args(&o, argc, argv);
	if (o.copy && !(copy = fopen(o.copy, "w"))) {
		perror(o.copy);
		return 2;
	}
	t0 = now_ns();
	pid = spawn(&o, &fd);
	if (pid < 0) {
		perror("bench-stamp: spawn");
		return 2;
	}
	child_pid = pid;
	signal(SIGALRM, on_alarm);
	alarm(o.timeout_s);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		uint64_t t = now_ns();

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (copy)
			fwrite(buf, 1, (size_t)n, copy);
		for (ssize_t i = 0; i < n; i++) {
			if (o.line && !t_line) {
				if (buf[i] != '\n' && line_len < sizeof(line) - 1) {
					line[line_len++] = (char)buf[i];
				} else {
					line[line_len] = 0;
					line_len = 0;
					if (strstr(line, o.line)) {
						t_line = t - t0;
						hold(&o, pid, &mem, &sampled);
					}
				}
			}
			if (!buf[i] || !strchr(o.markers, buf[i]) || seen[buf[i]])
				continue;
			seen[buf[i]] = t - t0;
			if (buf[i] == o.hold)
				hold(&o, pid, &mem, &sampled);
		}
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("bench-stamp: waitpid");
		return 2;
	}
	t_exit = now_ns() - t0;
	if (copy)
		fclose(copy);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("rc=%d total_ns=%" PRIu64, rc, t_exit);
	for (const char *m = o.markers; *m; m++)
		if (seen[(unsigned char)*m])
			printf(" %c_ns=%" PRIu64, *m, seen[(unsigned char)*m]);
	if (t_line)
		printf(" line_ns=%" PRIu64, t_line);
	if (sampled)
		printf(" hwm_kib=%" PRIu64 " rss_kib=%" PRIu64 " guest_rss_kib=%" PRIu64,
		       mem.hwm_kib, mem.rss_kib, mem.guest_rss_kib);
	printf("\n");
	return 0;
}
