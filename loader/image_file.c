// SPDX-License-Identifier: MIT
#include "image_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int image_file_open(struct image_file *f, const char *path, struct err *e)
{
	struct stat st;
	int fd, ret = 0;

	memset(f, 0, sizeof(*f));
	f->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = err_set(e, errno, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = err_set(e, EINVAL, "%s: not a regular file", path);
		goto out;
	}
	f->size = (uint64_t)st.st_size;
	if (f->size == 0)
		goto out; /* an empty file is a valid view; format checks reject it */
	f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		ret = err_set(e, errno, "%s: cannot map %llu bytes: %s", path,
		              (unsigned long long)f->size, strerror(errno));
		goto out;
	}
	f->map_len = f->size;
	f->data = f->map;
	f->has_fd = true;
	f->fd = fd;
	return 0;
out:
	close(fd);
	return ret;
}

void image_file_from_buffer(struct image_file *f, const char *name, const void *data, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->data = data;
	f->size = size;
}

int image_file_range(const struct image_file *f, uint64_t offset, uint64_t len, const char *what,
                     const void **out, struct err *e)
{
	if (offset > f->size || len > f->size - offset)
		return err_set(e, EINVAL,
		               "%s: %s at offset 0x%llx, %llu bytes, runs past the end of the "
		               "file (%llu bytes)",
		               f->name, what, (unsigned long long)offset, (unsigned long long)len,
		               (unsigned long long)f->size);
	*out = f->data + offset;
	return 0;
}

int image_file_slice(const struct image_file *f, uint64_t offset, uint64_t len,
                     struct image_file *out, struct err *e)
{
	const void *p;
	int ret = image_file_range(f, offset, len, "slice", &p, e);

	if (ret)
		return ret;
	image_file_from_buffer(out, f->name, p, len);
	out->has_fd = f->has_fd;
	out->fd = f->fd;
	out->fd_off = f->fd_off + offset;
	return 0;
}

void image_file_release_resident(const struct image_file *f)
{
	/* A read-only private mapping has no pages of its own to lose: DONTNEED only unmaps. */
	if (f->map)
		madvise(f->map, f->map_len, MADV_DONTNEED);
}

void image_file_close(struct image_file *f)
{
	if (f->map) {
		munmap(f->map, f->map_len);
		close(f->fd);
	}
	memset(f, 0, sizeof(*f));
}
