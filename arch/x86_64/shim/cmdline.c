// SPDX-License-Identifier: MIT
#include "arch/x86_64/shim/cmdline.h"

static int check_static(const struct paravisor_command_line *pcl, struct shim_err *e)
{
	size_t len = pcl->static_command_line_len;
	size_t nul;

	if (len > PARAVISOR_COMMAND_LINE_SIZE)
		return shim_err_set(e, SHIM_EINVAL, "static command line length %zu exceeds %u",
		                    len, (unsigned int)PARAVISOR_COMMAND_LINE_SIZE);
	nul = shim_strnlen((const char *)pcl->static_command_line, len);
	if (nul < len)
		return shim_err_set(e, SHIM_EINVAL, "static command line has a NUL at %zu of %zu",
		                    nul, len);
	return 0;
}

int shim_cmdline_build(const struct paravisor_command_line *pcl, const char *bootargs,
                       size_t bootargs_len, char *out, size_t *len, struct shim_err *e)
{
	size_t n = pcl->static_command_line_len, total;
	bool append;
	int ret;

	switch (pcl->policy) {
	case COMMAND_LINE_POLICY_STATIC:
		append = false;
		break;
	case COMMAND_LINE_POLICY_APPEND_CHOSEN:
		append = bootargs && bootargs_len;
		break;
	default:
		return shim_err_set(e, SHIM_EINVAL, "unknown command line policy %u", pcl->policy);
	}
	ret = check_static(pcl, e);
	if (ret)
		return ret;
	/* one space between the parts, none before bootargs alone */
	total = n + (append ? bootargs_len + (n ? 1 : 0) : 0);
	if (total > SHIM_CMDLINE_MAX - 1)
		return shim_err_set(
		    e, SHIM_ENOSPC,
		    "command line is %zu bytes (static %zu, bootargs %zu), more than %u", total, n,
		    append ? bootargs_len : 0, SHIM_CMDLINE_MAX - 1);
	shim_memcpy(out, pcl->static_command_line, n);
	if (append && n)
		out[n++] = ' ';
	if (append)
		shim_memcpy(out + n, bootargs, bootargs_len);
	out[total] = '\0';
	*len = total;
	return 0;
}
