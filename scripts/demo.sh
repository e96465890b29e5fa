#!/usr/bin/env bash
# The main job, from a fresh Debian machine: install what minivmm needs, fetch Debian's cloud
# kernel and a busybox initrd, build minivmm, and boot the kernel to userspace.
#   - with hardware KVM (vmx/svm, kvm_intel/kvm_amd) minivmm boots it directly, here;
#   - otherwise (e.g. the paravirtual kvm_pvm of these build machines, on which Linux crawls)
#     it boots a Debian "L1" kernel under QEMU's software emulation with real KVM inside, and
#     runs minivmm there (tests/boot/run.sh).
# usage: scripts/demo.sh [extra minivmm options, direct mode only]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
tests/fetch-assets.sh
if [ ! -d build-static ]; then
	meson setup build-static -Dstatic=true -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C build-static minivmm >/dev/null

cmdline="console=ttyS0 reboot=k panic=-1 quiet minivmm.action=poweroff"
hardware_kvm() {
	[ -e /dev/kvm ] && [ ! -e /sys/module/kvm_pvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo
}

if hardware_kvm; then
	echo "demo: hardware KVM found: booting Debian's kernel directly"
	exec build-static/minivmm -v --kernel assets/x86_64/vmlinux \
		--initrd assets/x86_64/initrd.cpio.gz --cmdline "$cmdline" "$@"
fi

echo "demo: no hardware KVM here: booting it inside nested real KVM under QEMU (about 30 s)"
scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
cat >"$scenario" <<SCENARIO
name=demo-boot-debian-cloud-kernel
timeout=300
expect_output=MINIVMM-INIT-OK
cmd=/bin/minivmm -v --kernel /guest/vmlinux --initrd /guest/initrd.cpio.gz --cmdline "$cmdline"
SCENARIO
exec tests/boot/run.sh --verbose --binary build-static/minivmm --scenarios "$scenario"
