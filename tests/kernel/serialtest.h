/*
 * tests/kernel/serialtest.h - what the serial driver's tests share
 * (tests/kernel/serialport.c builds the device, serial*.c use it).
 *
 * Until the PnP manager starts COM ports itself, the tests play its part:
 * a test bus driver (\Driver\KtSerialBus) owns a PDO, the serial driver's
 * AddDevice attaches to it, and IRP_MN_START_DEVICE goes down the stack
 * with raw and translated CM_RESOURCE_LISTs for QEMU's COM2 (I/O ports
 * 0x2F8-0x2FF, ISA IRQ 3 translated by HalGetInterruptVector), exactly as
 * the PnP manager will send it. Each test builds the stack and removes it
 * again, so the next test (and tests/kernel/interrupt.c, which drives COM2
 * directly) find the UART free.
 */
#ifndef KESTREL_TESTS_KERNEL_SERIALTEST_H
#define KESTREL_TESTS_KERNEL_SERIALTEST_H

#include "tests/kernel/ktest.h"
#include <ntddser.h>

#define KTS_COM2_PORT 0x2F8
#define KTS_COM2_IRQ 3
#define KTS_COM2_NAME L"\\DosDevices\\COM2"

typedef struct _KTS_PORT {
    PDEVICE_OBJECT Pdo;             /* the test bus's PDO */
    PDEVICE_OBJECT Fdo;             /* the serial driver's device above it */
    HANDLE Handle;                  /* open on COM2, or NULL; closed at teardown */
    HANDLE Event;                   /* a notification event for asynchronous requests */
    PKEVENT EventObject;
} KTS_PORT, *PKTS_PORT;

/* PASSIVE_LEVEL. Builds and starts the stack (AddDevice, START_DEVICE with
 * COM2's resources) and opens COM2 (Synchronous or not). */
NTSTATUS KtsSetUp(_Out_ PKTS_PORT Port, _In_ BOOLEAN Synchronous);
/* Closes what is open and removes the stack (REMOVE_DEVICE, PDO deleted). */
VOID KtsTearDown(_Inout_ PKTS_PORT Port);

/* Sends a PnP minor to the top of the stack and waits; StartDevice
 * resources are given when Raw/Translated are not NULL. */
NTSTATUS KtsSendPnp(_In_ PKTS_PORT Port, _In_ UCHAR Minor, _In_opt_ PCM_RESOURCE_LIST Raw,
                    _In_opt_ PCM_RESOURCE_LIST Translated);
/* COM2's resource lists; WithInterrupt FALSE leaves the interrupt out. */
VOID KtsBuildResources(_Out_ PCM_RESOURCE_LIST Raw, _Out_ PCM_RESOURCE_LIST Translated,
                       _In_ BOOLEAN WithInterrupt);
/* Room for a CM_RESOURCE_LIST with two partial descriptors. */
typedef union _KTS_RESOURCE_BUFFER {
    CM_RESOURCE_LIST List;
    UCHAR Bytes[sizeof(CM_RESOURCE_LIST) + sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR)];
} KTS_RESOURCE_BUFFER;

/* A buffered IOCTL on Port->Handle, waited for (at most 5 s) if it pends;
 * returns the final status and, in *Information, the bytes returned. */
NTSTATUS KtsIoctl(_In_ PKTS_PORT Port, _In_ ULONG Code, _In_opt_ PVOID In, _In_ ULONG InLength,
                  _Out_opt_ PVOID Out, _In_ ULONG OutLength, _Out_opt_ PULONG_PTR Information);
/* Waits (at most Milliseconds) for Port->Event; STATUS_TIMEOUT if it stays clear. */
NTSTATUS KtsWait(_In_ PKTS_PORT Port, _In_ ULONG Milliseconds);
/* SERIAL_TIMEOUTS in one call. */
NTSTATUS KtsSetTimeouts(_In_ PKTS_PORT Port, _In_ ULONG Interval, _In_ ULONG Multiplier,
                        _In_ ULONG Constant);

/* The serial driver's counters for the port (white box: the driver's
 * private extension). */
ULONG64 KtsInterruptCount(_In_ PKTS_PORT Port);

#endif /* KESTREL_TESTS_KERNEL_SERIALTEST_H */
