// SPDX-License-Identifier: MIT
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int kvm_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

int kvm_check_cap(int fd, long cap)
{
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

static int open_error(const char *path, int errnum, struct err *e)
{
	switch (errnum) {
	case ENOENT:
		return err_set(e, ENOENT,
		               "%s: no such device: KVM is not available (load kvm_intel or "
		               "kvm_amd, or enable virtualization in the firmware)",
		               path);
	case EACCES:
	case EPERM:
		return err_set(e, errnum,
		               "%s: permission denied: add your user to the 'kvm' group or run as "
		               "root",
		               path);
	default:
		return err_set(e, errnum, "%s: cannot open: %s", path, strerror(errnum));
	}
}

int kvm_dev_open(struct kvm_dev *k, const char *path, const struct kvm_required_cap *caps,
                 unsigned int nr_caps, struct err *e)
{
	unsigned int i;
	int api, size;

	memset(k, 0, sizeof(*k));
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return open_error(path, errno, e);
	api = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		err_set(e, errno, "%s: not a KVM device (KVM_GET_API_VERSION: %s)", path,
		        strerror(errno));
		goto fail;
	}
	if (api != KVM_API_VERSION) {
		err_set(e, EINVAL, "%s: KVM API version %d, minivmm needs %d", path, api,
		        KVM_API_VERSION);
		goto fail;
	}
	for (i = 0; i < nr_caps; i++) {
		if (!kvm_check_cap(k->fd, caps[i].cap)) {
			err_set(e, ENOTSUP, "%s: required capability %s (%ld) is missing", path,
			        caps[i].name, caps[i].cap);
			goto fail;
		}
	}
	size = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		err_set(e, EINVAL, "%s: KVM_GET_VCPU_MMAP_SIZE returned %d", path, size);
		goto fail;
	}
	k->run_size = (size_t)size;
	k->is_pvm = access("/sys/module/kvm_pvm", F_OK) == 0;
	return 0;
fail:
	close(k->fd);
	k->fd = -1;
	return -e->errnum;
}

void kvm_dev_close(struct kvm_dev *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}
