// SPDX-License-Identifier: MIT
#include "igvm_params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/igvm_dt.h"

#define ACPI_HEADER_LEN 36

/* A table with the standard header, body after it, checksum fixed. */
static int acpi_table(const char *sig, uint8_t revision, const void *body, size_t body_len,
                      uint8_t *buf, size_t cap, size_t *len, struct err *e)
{
	uint32_t total = (uint32_t)(ACPI_HEADER_LEN + body_len), i;
	uint8_t sum = 0;

	if (total > cap)
		return err_set(e, E2BIG, "%.4s table of %u bytes does not fit %zu", sig, total,
		               cap);
	memset(buf, 0, ACPI_HEADER_LEN);
	memcpy(buf, sig, 4);
	memcpy(buf + 4, &total, 4);
	buf[8] = revision;
	memcpy(buf + 10, "MINVMM", 6);
	memcpy(buf + 16, "MINIVMM ", 8);
	buf[24] = 1;
	memcpy(buf + 28, "MVMM", 4);
	buf[32] = 1;
	if (body_len)
		memcpy(buf + ACPI_HEADER_LEN, body, body_len);
	for (i = 0; i < total; i++)
		sum = (uint8_t)(sum + buf[i]);
	buf[9] = (uint8_t)(0x100 - sum);
	*len = total;
	return 0;
}

static int payload_acpi(enum igvm_parameter_type type, const struct igvm_host_info *h, uint8_t *buf,
                        size_t cap, size_t *len, struct err *e)
{
	/* SLIT: one locality at distance 10. SRAT: reserved fields, no affinity entries.
	 * PPTT: no processor topology nodes. Each is a valid table that says nothing. */
	static const uint8_t slit[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 10 };
	static const uint8_t srat[12] = { 1 };

	switch (type) {
	case IGVM_PARAM_SLIT:
		return acpi_table("SLIT", 1, slit, sizeof(slit), buf, cap, len, e);
	case IGVM_PARAM_SRAT:
		return acpi_table("SRAT", 3, srat, sizeof(srat), buf, cap, len, e);
	case IGVM_PARAM_PPTT:
		return acpi_table("PPTT", 2, NULL, 0, buf, cap, len, e);
	default:
		if (h->madt_len > cap)
			return err_set(e, E2BIG, "MADT of %zu bytes does not fit %zu", h->madt_len,
			               cap);
		memcpy(buf, h->madt, h->madt_len);
		*len = h->madt_len;
		return 0;
	}
}

static int payload_simple(enum igvm_parameter_type type, const struct igvm_host_info *h,
                          uint8_t *buf, size_t cap, size_t *len, struct err *e)
{
	uint64_t mmio[4] = { h->mmio_low_start >> 12, (h->mmio_low_end - h->mmio_low_start) >> 12 };
	const char *cmd = h->cmdline ? h->cmdline : "";
	uint32_t vps = h->nr_vcpus;
	const void *src;
	size_t n;

	switch (type) {
	case IGVM_PARAM_VP_COUNT:
		src = &vps, n = sizeof(vps);
		break;
	case IGVM_PARAM_MEMORY_MAP: /* zeros after the last entry terminate it */
		src = h->memory, n = h->nr_memory * sizeof(h->memory[0]);
		break;
	case IGVM_PARAM_MMIO_RANGES: /* [0] the 32-bit hole, [1] none */
		src = mmio, n = sizeof(mmio);
		break;
	default: /* COMMAND_LINE */
		src = cmd, n = strlen(cmd) + 1;
		break;
	}
	if (n > cap)
		return err_set(e, E2BIG, "parameter %s: %zu bytes do not fit %zu",
		               igvm_parameter_type_str(type), n, cap);
	memcpy(buf, src, n);
	*len = n;
	return 0;
}

int igvm_param_payload(enum igvm_parameter_type type, const struct igvm_host_info *h, uint8_t *buf,
                       size_t cap, size_t *len, struct err *e)
{
	switch (type) {
	case IGVM_PARAM_DEVICE_TREE:
		return igvm_dt_build(buf, cap, h, len, e);
	case IGVM_PARAM_SLIT:
	case IGVM_PARAM_SRAT:
	case IGVM_PARAM_PPTT:
	case IGVM_PARAM_MADT:
		return payload_acpi(type, h, buf, cap, len, e);
	default:
		return payload_simple(type, h, buf, cap, len, e);
	}
}

/* Writes every parameter aimed at area index into buf; *used = highest byte written. */
static int build_area(const struct importer *imp, uint32_t index, const struct igvm_host_info *h,
                      uint8_t *buf, size_t size, size_t *used, struct err *e)
{
	const struct importer_param_area *a = &imp->areas[index];
	size_t i, n;
	int ret;

	*used = a->initial_len;
	if (a->initial_len)
		memcpy(buf, a->initial_data, a->initial_len);
	for (i = 0; i < imp->nr_params; i++) {
		const struct importer_param *p = &imp->params[i];

		if (p->area.index != index)
			continue;
		ret = igvm_param_payload(p->type, h, buf + p->byte_offset, size - p->byte_offset,
		                         &n, e);
		if (ret)
			return err_prefix(
			    e, "parameter area '%s' (%u pages) at +0x%x (ParameterTooLarge)",
			    a->tag, a->page_count, p->byte_offset);
		if (p->byte_offset + n > *used)
			*used = p->byte_offset + n;
	}
	return 0;
}

int igvm_params_fill(struct importer *imp, const struct igvm_host_info *h, struct err *e)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; !ret && i < imp->nr_areas; i++) {
		size_t size = (size_t)imp->areas[i].page_count * PAGE_SIZE, used;
		uint8_t *buf = calloc(1, size);

		if (!buf)
			return err_set(e, ENOMEM, "parameter area '%s': out of memory",
			               imp->areas[i].tag);
		ret = build_area(imp, i, h, buf, size, &used, e);
		if (!ret)
			ret = importer_fill_parameter_area(imp, i, buf, used, e);
		free(buf);
	}
	return ret;
}
