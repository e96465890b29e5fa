// SPDX-License-Identifier: MIT
/*
 * Disk images (devices/block_image.h): the --disk value, and every way an
 * image can be unusable (missing, a directory, empty, of a size that is no
 * whole number of sectors, not writable, already in use) reported as one
 * message naming the file and the numbers, before any guest runs.
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/block_image.h"
#include "lib/sizes.h"
#include "test_helpers.h"

static char dir[64];
static char path[128];
static struct block_image img, other;
static struct block_image_options o;
static struct err e;

static void setup(void)
{
	strcpy(dir, "/tmp/minivmm-img-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	img.fd = img.buffered_fd = other.fd = other.buffered_fd = -1;
}

static void teardown(void)
{
	char cmd[128];

	block_image_close(&img);
	block_image_close(&other);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A file of size bytes in the test directory; its path goes to o.path. */
static void make_file(const char *name, uint64_t size)
{
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	snprintf(o.path, sizeof(o.path), "%s", path);
}

/* The message for path: "disk <path>: <rest>". */
static const char *msg(const char *rest)
{
	static char m[512];

	snprintf(m, sizeof(m), "disk %s: %s", path, rest);
	return m;
}

/* ---- the --disk value ------------------------------------------------------ */

START_TEST(test_parse_a_path_alone_is_a_writable_writeback_disk)
{
	ck_assert_ok(block_image_parse_options("/images/root.img", &o, &e), e);
	ck_assert_str_eq(o.path, "/images/root.img");
	ck_assert(!o.read_only);
	ck_assert_int_eq(o.cache, BLOCK_CACHE_WRITEBACK);
}
END_TEST

START_TEST(test_parse_flags_in_any_order)
{
	ck_assert_ok(block_image_parse_options("a.img,cache=none,ro", &o, &e), e);
	ck_assert_str_eq(o.path, "a.img");
	ck_assert(o.read_only);
	ck_assert_int_eq(o.cache, BLOCK_CACHE_NONE);
	ck_assert_ok(block_image_parse_options("b.img,ro,cache=writeback", &o, &e), e);
	ck_assert(o.read_only);
	ck_assert_int_eq(o.cache, BLOCK_CACHE_WRITEBACK);
}
END_TEST

static const struct {
	const char *arg, *msg;
	int errnum;
} bad_args[] = {
	{ "", "--disk : the image path is empty", EINVAL },
	{ ",ro", "--disk ,ro: the image path is empty", EINVAL },
	{ "a.img,rw",
	  "--disk a.img,rw: unknown option 'rw' (expected ro, cache=none or "
	  "cache=writeback)",
	  EINVAL },
	{ "a.img,cache=unsafe",
	  "--disk a.img,cache=unsafe: unknown option 'cache=unsafe' "
	  "(expected ro, cache=none or cache=writeback)",
	  EINVAL },
	{ "a.img,",
	  "--disk a.img,: unknown option '' (expected ro, cache=none or "
	  "cache=writeback)",
	  EINVAL },
};

START_TEST(test_parse_refuses_an_empty_path_and_unknown_options)
{
	ck_assert_err(block_image_parse_options(bad_args[_i].arg, &o, &e), e, bad_args[_i].errnum,
	              bad_args[_i].msg);
}
END_TEST

START_TEST(test_parse_refuses_a_path_longer_than_path_max)
{
	static char arg[PATH_MAX + 8];

	memset(arg, 'x', PATH_MAX);
	arg[PATH_MAX] = 0;
	ck_assert_err(block_image_parse_options(arg, &o, &e), e, ENAMETOOLONG,
	              "--disk: path of 4096 bytes, at most 4095");
}
END_TEST

/* ---- opening images ---------------------------------------------------------- */

START_TEST(test_a_good_image_opens_with_its_size_and_a_stable_serial)
{
	char serial[sizeof(img.serial)];

	make_file("disk.img", 1 << 20);
	ck_assert_ok(block_image_open(&img, &o, &e), e);
	ck_assert_uint_eq(img.size, 1 << 20);
	ck_assert_int_eq(img.fd, img.buffered_fd);
	ck_assert(!img.direct && !img.read_only);
	ck_assert_uint_eq(strlen(img.serial), BLOCK_SERIAL_BYTES);
	ck_assert_int_eq(strncmp(img.serial, "mvmm-", 5), 0);
	strcpy(serial, img.serial);
	block_image_close(&img);
	ck_assert_ok(block_image_open(&img, &o, &e), e);
	ck_assert_str_eq(img.serial, serial);
}
END_TEST

START_TEST(test_cache_none_opens_a_second_descriptor_with_o_direct)
{
	make_file("disk.img", 1 << 20);
	o.cache = BLOCK_CACHE_NONE;
	ck_assert_ok(block_image_open(&img, &o, &e), e);
	ck_assert(img.direct);
	ck_assert_int_ne(img.fd, img.buffered_fd);
	ck_assert(fcntl(img.fd, F_GETFL) & O_DIRECT);
	ck_assert(!(fcntl(img.buffered_fd, F_GETFL) & O_DIRECT));
}
END_TEST

START_TEST(test_a_missing_image)
{
	snprintf(path, sizeof(path), "%s/missing.img", dir);
	strcpy(o.path, path);
	ck_assert_err(block_image_open(&img, &o, &e), e, ENOENT,
	              msg("cannot open: No such file or directory"));
}
END_TEST

START_TEST(test_a_directory)
{
	strcpy(path, dir);
	strcpy(o.path, dir);
	ck_assert_err(block_image_open(&img, &o, &e), e, EISDIR,
	              msg("cannot open: Is a directory"));
	o.read_only = true;
	ck_assert_err(block_image_open(&img, &o, &e), e, EINVAL,
	              msg("not a regular file or block device"));
}
END_TEST

START_TEST(test_an_empty_image)
{
	make_file("empty.img", 0);
	ck_assert_err(block_image_open(&img, &o, &e), e, EINVAL,
	              msg("the image is empty (0 bytes)"));
}
END_TEST

START_TEST(test_an_image_that_is_no_whole_number_of_sectors)
{
	make_file("odd.img", 1000);
	ck_assert_err(block_image_open(&img, &o, &e), e, EINVAL,
	              msg("size 1000 bytes is not a multiple of 512 (the sector size)"));
}
END_TEST

/* Makes path unwritable even for root (the immutable flag); returns the errno to expect. */
static int make_unwritable(void)
{
	int fd, flags = 0;

	if (geteuid() != 0) {
		ck_assert_int_eq(chmod(path, 0444), 0);
		return EACCES;
	}
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, FS_IOC_GETFLAGS, &flags), 0);
	flags |= FS_IMMUTABLE_FL;
	ck_assert_msg(ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0,
	              "root cannot make %s immutable (%s): run as a user, or on ext4/xfs/btrfs",
	              path, strerror(errno));
	close(fd);
	return EPERM;
}

static void make_writable(void)
{
	int fd = open(path, O_RDONLY), flags = 0;

	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		flags &= ~FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	if (fd >= 0)
		close(fd);
}

START_TEST(test_an_image_that_cannot_be_written_needs_ro)
{
	char want[256];
	int errnum;

	make_file("locked.img", 4096);
	errnum = make_unwritable();
	snprintf(want, sizeof(want), "cannot open read-write: %s (add ,ro for a read-only disk)",
	         strerror(errnum));
	ck_assert_err(block_image_open(&img, &o, &e), e, errnum, msg(want));
	o.read_only = true;
	ck_assert_ok(block_image_open(&img, &o, &e), e);
	ck_assert(img.read_only);
	block_image_close(&img);
	make_writable();
}
END_TEST

START_TEST(test_an_image_in_use_by_a_writer_is_refused)
{
	struct block_image_options ro;

	make_file("shared.img", 4096);
	ck_assert_ok(block_image_open(&img, &o, &e), e);
	ck_assert_err(block_image_open(&other, &o, &e), e, EBUSY,
	              msg("in use: another disk or process has it open (flock)"));
	ro = o;
	ro.read_only = true;
	ck_assert_err(block_image_open(&other, &ro, &e), e, EBUSY,
	              msg("in use: another disk or process writes to it (flock)"));
	block_image_close(&img);
	ck_assert_ok(block_image_open(&img, &ro, &e), e); /* readers share */
	ck_assert_ok(block_image_open(&other, &ro, &e), e);
}
END_TEST

static Suite *block_image_suite(void)
{
	Suite *s = suite_create("block_image");
	TCase *tc = tcase_create("--disk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_a_path_alone_is_a_writable_writeback_disk);
	tcase_add_test(tc, test_parse_flags_in_any_order);
	tcase_add_loop_test(tc, test_parse_refuses_an_empty_path_and_unknown_options, 0,
	                    ARRAY_SIZE(bad_args));
	tcase_add_test(tc, test_parse_refuses_a_path_longer_than_path_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_good_image_opens_with_its_size_and_a_stable_serial);
	tcase_add_test(tc, test_cache_none_opens_a_second_descriptor_with_o_direct);
	tcase_add_test(tc, test_a_missing_image);
	tcase_add_test(tc, test_a_directory);
	tcase_add_test(tc, test_an_empty_image);
	tcase_add_test(tc, test_an_image_that_is_no_whole_number_of_sectors);
	tcase_add_test(tc, test_an_image_that_cannot_be_written_needs_ro);
	tcase_add_test(tc, test_an_image_in_use_by_a_writer_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(block_image_suite());
}
