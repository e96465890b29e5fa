// SPDX-License-Identifier: MIT
#include "kvm_regs.h"

#include <string.h>

void x86_segment_to_kvm(const struct x86_segment_reg *s, struct kvm_segment *out)
{
	uint16_t a = s->attributes;

	memset(out, 0, sizeof(*out));
	out->base = s->base;
	out->limit = s->limit;
	out->selector = s->selector;
	out->type = X86_SEG_ATTR_TYPE(a);
	out->s = X86_SEG_ATTR_S(a);
	out->dpl = X86_SEG_ATTR_DPL(a);
	out->present = X86_SEG_ATTR_P(a);
	out->avl = X86_SEG_ATTR_AVL(a);
	out->l = X86_SEG_ATTR_L(a);
	out->db = X86_SEG_ATTR_DB(a);
	out->g = X86_SEG_ATTR_G(a);
	out->unusable = 0;
}

static struct kvm_segment *sreg_segment(struct kvm_sregs *s, enum x86_reg_name n)
{
	switch (n) {
	case X86_REG_CS:
		return &s->cs;
	case X86_REG_DS:
		return &s->ds;
	case X86_REG_ES:
		return &s->es;
	case X86_REG_FS:
		return &s->fs;
	case X86_REG_GS:
		return &s->gs;
	case X86_REG_SS:
		return &s->ss;
	case X86_REG_TR:
		return &s->tr;
	default:
		return NULL;
	}
}

static uint64_t *u64_slot(struct kvm_regs *r, struct kvm_sregs *s, enum x86_reg_name n)
{
	switch (n) {
	case X86_REG_CR0:
		return (uint64_t *)&s->cr0;
	case X86_REG_CR3:
		return (uint64_t *)&s->cr3;
	case X86_REG_CR4:
		return (uint64_t *)&s->cr4;
	case X86_REG_EFER:
		return (uint64_t *)&s->efer;
	case X86_REG_RAX:
		return (uint64_t *)&r->rax;
	case X86_REG_RBX:
		return (uint64_t *)&r->rbx;
	case X86_REG_RCX:
		return (uint64_t *)&r->rcx;
	case X86_REG_RDX:
		return (uint64_t *)&r->rdx;
	case X86_REG_RSI:
		return (uint64_t *)&r->rsi;
	case X86_REG_RDI:
		return (uint64_t *)&r->rdi;
	case X86_REG_RSP:
		return (uint64_t *)&r->rsp;
	case X86_REG_RBP:
		return (uint64_t *)&r->rbp;
	case X86_REG_R8:
		return (uint64_t *)&r->r8;
	case X86_REG_R9:
		return (uint64_t *)&r->r9;
	case X86_REG_R10:
		return (uint64_t *)&r->r10;
	case X86_REG_R11:
		return (uint64_t *)&r->r11;
	case X86_REG_R12:
		return (uint64_t *)&r->r12;
	case X86_REG_R13:
		return (uint64_t *)&r->r13;
	case X86_REG_R14:
		return (uint64_t *)&r->r14;
	case X86_REG_R15:
		return (uint64_t *)&r->r15;
	case X86_REG_RIP:
		return (uint64_t *)&r->rip;
	case X86_REG_RFLAGS:
		return (uint64_t *)&r->rflags;
	default:
		return NULL;
	}
}

void x86_apply_bsp_imports(const struct importer *imp, struct kvm_regs *regs,
                           struct kvm_sregs *sregs)
{
	size_t i;

	for (i = 0; i < imp->nr_regs; i++) {
		const struct x86_register *r = &imp->regs[i].x86;
		struct kvm_segment *seg;
		uint64_t *slot;

		if (r->name == X86_REG_GDTR || r->name == X86_REG_IDTR) {
			struct kvm_dtable *t = r->name == X86_REG_GDTR ? &sregs->gdt : &sregs->idt;

			t->base = r->table.base;
			t->limit = r->table.limit;
		} else if ((seg = sreg_segment(sregs, r->name)) != NULL) {
			x86_segment_to_kvm(&r->seg, seg);
		} else if ((slot = u64_slot(regs, sregs, r->name)) != NULL) {
			*slot = r->value;
		}
	}
}

unsigned int x86_imported_msrs(const struct importer *imp, struct kvm_msr_entry *out,
                               unsigned int max)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < imp->nr_regs && n < max; i++) {
		uint32_t index = x86_reg_msr_index(imp->regs[i].x86.name);

		if (index)
			out[n++] = (struct kvm_msr_entry){ .index = index,
				                           .data = imp->regs[i].x86.value };
	}
	return n;
}
