/*
 * tests/kernel/filetest.h - the test driver behind the file API tests
 * (tests/kernel/filedrv.c) and what the tests share.
 *
 * \Driver\KtFile has one device per way of passing buffers, plus one that
 * pends reads until told, and one exclusive device:
 *   \Device\KtBuffered (DO_BUFFERED_IO)  \Device\KtDirect (DO_DIRECT_IO)
 *   \Device\KtNeither  (neither)         \Device\KtPend (pends reads)
 *   \Device\KtExclusive (DO_EXCLUSIVE)
 * Reads fill byte i with (offset + i) & 0xFF. Writes add the bytes to the
 * device's checksum. KT_IOCTL_XOR_* answer output[i] = input[i] ^ 0x5A:
 * STATUS_BUFFER_TOO_SMALL with no output room, STATUS_BUFFER_OVERFLOW and
 * a partial answer with too little; KT_IOCTL_SUM_IN_DIRECT returns in
 * Information the byte sum of its (device-read) output buffer.
 */
#ifndef KESTREL_TESTS_KERNEL_FILETEST_H
#define KESTREL_TESTS_KERNEL_FILETEST_H

#include "tests/kernel/ktest.h"

#define KT_IOCTL_XOR_BUFFERED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define KT_IOCTL_XOR_OUT_DIRECT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define KT_IOCTL_XOR_NEITHER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_NEITHER, FILE_ANY_ACCESS)
#define KT_IOCTL_SUM_IN_DIRECT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
/* On \Device\KtPend: complete every pending read now (filled with 0xEE). */
#define KT_IOCTL_COMPLETE_PENDING CTL_CODE(FILE_DEVICE_UNKNOWN, 0x904, METHOD_NEITHER, FILE_ANY_ACCESS)

typedef struct _KT_FILE_DEVICE {
    ULONG64 WriteSum;           /* bytes written, summed */
    ULONG Flushes;
    ULONG Cleanups;
    ULONG Closes;
    LONG Pending;               /* reads queued on KtPend */
    KSPIN_LOCK Lock;
    LIST_ENTRY PendingReads;
    WCHAR LastFileName[32];     /* FileObject->FileName of the last create */
} KT_FILE_DEVICE, *PKT_FILE_DEVICE;

/* Loads \Driver\KtFile once; the device named Name ("KtBuffered"), or NULL. */
PDEVICE_OBJECT KtFileDevice(PCWSTR Name);

/* Opens \Device\<Name> (asynchronous unless Synchronous). */
NTSTATUS KtOpen(PCWSTR Path, BOOLEAN Synchronous, PHANDLE Handle);

#endif /* KESTREL_TESTS_KERNEL_FILETEST_H */
