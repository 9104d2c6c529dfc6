# io/: the I/O manager, PnP and power (issue 5 and 6).
KERNEL_SRCS += io/interrupt.c
KERNEL_SRCS += io/device.c io/driver.c io/symlink.c io/reinit.c io/ioinit.c
KERNEL_SRCS += io/cancel.c io/csq.c io/startio.c io/iotimer.c io/remlock.c
# IRPs: allocation, IoCallDriver, completion, the IRPs the I/O manager builds, the verifier.
KERNEL_SRCS += io/irp.c io/iocall.c io/complete.c io/iobuild.c io/verifier.c
# The kernel file API: file objects, ZwCreateFile, read/write/IOCTL, close.
KERNEL_SRCS += io/file.c io/create.c io/fileirp.c io/iobuffer.c io/rw.c io/close.c
# Work items on the system worker threads (issue 4).
KERNEL_SRCS += io/workitem.c
# The PnP manager: device nodes, enumeration, driver matching, resources, the
# device state machine, properties, the root bus driver, the tree dump; power.
KERNEL_SRCS += io/pnpnode.c io/pnpirp.c io/pnpenum.c io/pnpmatch.c io/pnpres.c io/pnpreslist.c
KERNEL_SRCS += io/pnpfilter.c
KERNEL_SRCS += io/pnpstate.c io/pnpdevstate.c io/pnpeject.c
KERNEL_SRCS += io/pnpinit.c io/pnproot.c io/pnprootprobe.c io/pnprootquery.c
KERNEL_SRCS += io/pnpprop.c io/pnpdump.c io/power.c
# Device interfaces: GUID-named symbolic links to PDOs.
KERNEL_SRCS += io/pnpiface.c
