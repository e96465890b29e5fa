// SPDX-License-Identifier: MIT
#define _GNU_SOURCE /* O_DIRECT */
#include "block_image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define U(x) ((unsigned long long)(x))

static int parse_flag(struct block_image_options *o, const char *arg, const char *word, size_t len,
                      struct err *e)
{
	if (len == 2 && !strncmp(word, "ro", 2))
		o->read_only = true;
	else if (len == 10 && !strncmp(word, "cache=none", 10))
		o->cache = BLOCK_CACHE_NONE;
	else if (len == 15 && !strncmp(word, "cache=writeback", 15))
		o->cache = BLOCK_CACHE_WRITEBACK;
	else
		return err_set(e, EINVAL,
		               "--disk %s: unknown option '%.*s' (expected ro, cache=none or "
		               "cache=writeback)",
		               arg, (int)len, word);
	return 0;
}

int block_image_parse_options(const char *arg, struct block_image_options *o, struct err *e)
{
	const char *comma = strchr(arg, ','), *word;
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	int ret;

	memset(o, 0, sizeof(*o));
	if (!len)
		return err_set(e, EINVAL, "--disk %s: the image path is empty", arg);
	if (len >= sizeof(o->path))
		return err_set(e, ENAMETOOLONG, "--disk: path of %zu bytes, at most %zu", len,
		               sizeof(o->path) - 1);
	memcpy(o->path, arg, len);
	while (comma) {
		word = comma + 1;
		comma = strchr(word, ',');
		ret = parse_flag(o, arg, word, comma ? (size_t)(comma - word) : strlen(word), e);
		if (ret)
			return ret;
	}
	return 0;
}

static int open_image(const struct block_image_options *o, struct err *e)
{
	int fd = open(o->path, (o->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (!o->read_only &&
	    (errno == EACCES || errno == EROFS || errno == EPERM || errno == ETXTBSY))
		return err_set(e, errno,
		               "disk %s: cannot open read-write: %s (add ,ro for a read-only disk)",
		               o->path, strerror(errno));
	return err_set(e, errno, "disk %s: cannot open: %s", o->path, strerror(errno));
}

/* Size and identity of a regular file or a block device. */
static int probe_image(struct block_image *img, int fd, struct err *e)
{
	unsigned long long id;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return err_set(e, errno, "disk %s: fstat: %s", img->path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		img->size = (uint64_t)st.st_size;
		id = ((unsigned long long)st.st_dev << 32) ^ st.st_ino;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &img->size) < 0)
			return err_set(e, errno, "disk %s: BLKGETSIZE64: %s", img->path,
			               strerror(errno));
		id = st.st_rdev;
	} else {
		return err_set(e, EINVAL, "disk %s: not a regular file or block device", img->path);
	}
	if (!img->size)
		return err_set(e, EINVAL, "disk %s: the image is empty (0 bytes)", img->path);
	if (img->size % BLOCK_SECTOR_SIZE)
		return err_set(e, EINVAL,
		               "disk %s: size %llu bytes is not a multiple of %d (the sector size)",
		               img->path, U(img->size), BLOCK_SECTOR_SIZE);
	snprintf(img->serial, sizeof(img->serial), "mvmm-%015llx", id & 0xfffffffffffffffULL);
	return 0;
}

/* Exclusive for a writer, shared for readers; file systems without flock are let be. */
static int lock_image(struct block_image *img, int fd, struct err *e)
{
	if (!flock(fd, (img->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB))
		return 0;
	if (errno == EWOULDBLOCK)
		return err_set(e, EBUSY, "disk %s: in use: another disk or process %s (flock)",
		               img->path, img->read_only ? "writes to it" : "has it open");
	return 0;
}

static int open_direct(struct block_image *img, const struct block_image_options *o, struct err *e)
{
	int fd = open(o->path, (o->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_DIRECT);

	if (fd < 0)
		return err_set(
		    e, errno,
		    "disk %s: cache=none: cannot open with O_DIRECT: %s (the file system "
		    "may not support it: use cache=writeback)",
		    o->path, strerror(errno));
	img->fd = fd;
	img->direct = true;
	return 0;
}

int block_image_open(struct block_image *img, const struct block_image_options *o, struct err *e)
{
	int fd, ret;

	memset(img, 0, sizeof(*img));
	img->path = o->path;
	img->read_only = o->read_only;
	img->fd = img->buffered_fd = -1;
	fd = open_image(o, e);
	if (fd < 0)
		return fd;
	img->fd = img->buffered_fd = fd;
	ret = probe_image(img, fd, e);
	if (!ret)
		ret = lock_image(img, fd, e);
	if (!ret && o->cache == BLOCK_CACHE_NONE)
		ret = open_direct(img, o, e);
	if (ret)
		block_image_close(img);
	return ret;
}

void block_image_close(struct block_image *img)
{
	if (img->fd >= 0 && img->fd != img->buffered_fd)
		close(img->fd);
	if (img->buffered_fd >= 0)
		close(img->buffered_fd);
	img->fd = img->buffered_fd = -1;
}
