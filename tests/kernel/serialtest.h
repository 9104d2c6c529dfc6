/*
 * tests/kernel/serialtest.h - what the serial driver's tests share
 * (tests/kernel/serialport.c builds the device, serialio.c has the I/O
 * helpers, serial*.c use them).
 *
 * Most tests use COM2 as the PnP manager started it (Root\*PNP0501\1,
 * the serial driver above it): KtsSetUp makes sure it is started and opens
 * \DosDevices\COM2; stop and start go through the PnP manager.
 *
 * The tests that need a stack of their own (a START_DEVICE with resources
 * the test chooses, a surprise removal) take COM2 away from the PnP
 * manager's device (stop), and play the PnP manager's part with a private
 * stack: a test bus driver (\Driver\KtSerialBus) owns a PDO whose
 * UINumber is 9, the serial driver's AddDevice attaches to it (COM9), and
 * IRP_MN_START_DEVICE goes down the stack with raw and translated
 * CM_RESOURCE_LISTs for QEMU's COM2 (I/O ports 0x2F8-0x2FF, ISA IRQ 3
 * translated by HalGetInterruptVector). Teardown removes that stack and
 * starts the PnP manager's COM2 again.
 */
#ifndef KESTREL_TESTS_KERNEL_SERIALTEST_H
#define KESTREL_TESTS_KERNEL_SERIALTEST_H

#include "tests/kernel/ktest.h"
#include <ntddser.h>

#define KTS_COM2_PORT 0x2F8
#define KTS_COM2_IRQ 3
#define KTS_COM2_NAME L"\\DosDevices\\COM2"

typedef struct _KTS_PORT {
    BOOLEAN Private;                /* a test bus PDO, not the PnP manager's COM2 */
    PVOID Node;                     /* the PnP manager's DEVICE_NODE, when not private */
    PDEVICE_OBJECT Pdo;
    PDEVICE_OBJECT Fdo;             /* the serial driver's device above it */
    HANDLE Handle;                  /* open on COM2, or NULL; closed at teardown */
    HANDLE Event;                   /* a notification event for asynchronous requests */
    PKEVENT EventObject;
} KTS_PORT, *PKTS_PORT;

/* A test body that gets the port; KT_ASSERT works inside it. */
#define KTS_BODY(Name) static VOID Name(PKTEST_CONTEXT KtContext, PKTS_PORT Port)

/* A test on the PnP manager's COM2 (KTS_TEST) or on a private stack
 * (KTS_PRIVATE_TEST), opened synchronously or not: set up, the body, then
 * closed or removed whether the body passed or not. */
#define KTS_TEST_WITH(Name, SetUpRoutine, Synchronous)              \
    KTS_BODY(Name##Body);                                           \
    KTEST(Name)                                                     \
    {                                                               \
        KTS_PORT Port;                                              \
        NTSTATUS SetUp = SetUpRoutine(&Port, (Synchronous));        \
        if (!NT_SUCCESS(SetUp)) {                                   \
            KT_ASSERT_STATUS(SetUp, STATUS_SUCCESS);                \
        }                                                           \
        Name##Body(KtContext, &Port);                               \
        KtsTearDown(&Port);                                         \
    }                                                               \
    KTS_BODY(Name##Body)
#define KTS_TEST(Name, Synchronous) KTS_TEST_WITH(Name, KtsSetUp, Synchronous)
#define KTS_PRIVATE_TEST(Name, Synchronous) KTS_TEST_WITH(Name, KtsSetUpPrivate, Synchronous)

/* PASSIVE_LEVEL. Opens the PnP manager's COM2 (Synchronous or not),
 * starting it first if a test left it stopped. */
NTSTATUS KtsSetUp(_Out_ PKTS_PORT Port, _In_ BOOLEAN Synchronous);
/* PASSIVE_LEVEL. Stops the PnP manager's COM2, builds and starts a private
 * stack on its UART (AddDevice, START_DEVICE with COM2's resources) and
 * opens it. */
NTSTATUS KtsSetUpPrivate(_Out_ PKTS_PORT Port, _In_ BOOLEAN Synchronous);
/* The test bus driver of the private stacks, loaded once (its driver
 * object and name stay for the rest of the boot). */
NTSTATUS KtsLoadBusDriver(VOID);
/* Closes what is open; a private stack is removed (REMOVE_DEVICE, PDO
 * deleted). The PnP manager's COM2 is left started. */
VOID KtsTearDown(_Inout_ PKTS_PORT Port);
/* Stop (QUERY_STOP, STOP) and start again, through the PnP manager for its
 * COM2 and directly for a private stack. */
NTSTATUS KtsStop(_In_ PKTS_PORT Port);
NTSTATUS KtsStart(_In_ PKTS_PORT Port);
/* For tests that drive COM2's UART themselves (tests/kernel/interrupt.c):
 * stop the PnP manager's COM2, so its driver lets go of the UART and its
 * interrupt, and start it again. Either does nothing when it is already so. */
VOID KtsTakeCom2FromDriver(VOID);
VOID KtsGiveCom2Back(VOID);

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
/* Handshake and special characters as a new port has them (DTR and RTS
 * on, nothing else), no XOFF emulated, no break. */
NTSTATUS KtsDefaultFlow(_In_ PKTS_PORT Port);
/* The UART's internal loopback (MCR bit 4, 8.8 of the data sheet) on or
 * off, with DTR and RTS on. */
NTSTATUS KtsLoopback(_In_ PKTS_PORT Port, _In_ BOOLEAN On);
/* Milliseconds of interrupt time since Start. */
ULONGLONG KtsMillisecondsSince(_In_ ULONGLONG Start);
/* SERIAL_TIMEOUTS in one call. */
NTSTATUS KtsSetTimeouts(_In_ PKTS_PORT Port, _In_ ULONG Interval, _In_ ULONG Multiplier,
                        _In_ ULONG Constant);

/* Asynchronous requests on a handle opened without FILE_SYNCHRONOUS_IO:
 * IoStatus starts as STATUS_PENDING and is polled (so several can be in
 * flight at once without an event each). Keep the IO_STATUS_BLOCK in
 * static storage: a test that fails returns while its requests may still
 * complete into it. */
NTSTATUS KtsStartWrite(_In_ PKTS_PORT Port, _In_ const VOID *Buffer, _In_ ULONG Length,
                       _Out_ PIO_STATUS_BLOCK IoStatus);
NTSTATUS KtsStartIoctl(_In_ PKTS_PORT Port, _In_ ULONG Code, _In_opt_ PVOID In, _In_ ULONG InLength,
                       _Out_opt_ PVOID Out, _In_ ULONG OutLength, _Out_ PIO_STATUS_BLOCK IoStatus);
/* A read on either kind of handle: its final status, waiting at most
 * Milliseconds for it (STATUS_PENDING if it has not completed by then). */
NTSTATUS KtsRead(_In_ PKTS_PORT Port, _Out_ PVOID Buffer, _In_ ULONG Length,
                 _In_ ULONG Milliseconds, _Out_ PIO_STATUS_BLOCK IoStatus);
/* The request's final status once it completed, or STATUS_PENDING when it
 * has not after Milliseconds. */
NTSTATUS KtsAwait(_In_ PIO_STATUS_BLOCK IoStatus, _In_ ULONG Milliseconds);
/* IOCTL_SERIAL_GET_COMMSTATUS (which also clears the errors). */
NTSTATUS KtsCommStatus(_In_ PKTS_PORT Port, _Out_ PSERIAL_STATUS Status);
/* Polls GET_COMMSTATUS until AmountInInQueue is Count; the last status read
 * (errors it cleared included) goes to *Status. */
BOOLEAN KtsWaitInQueue(_In_ PKTS_PORT Port, _In_ ULONG Count, _In_ ULONG Milliseconds,
                       _Out_ PSERIAL_STATUS Status);
/* IOCTL_SERIAL_SET_HANDFLOW in one call. */
NTSTATUS KtsSetHandFlow(_In_ PKTS_PORT Port, _In_ ULONG ControlHandShake, _In_ ULONG FlowReplace,
                        _In_ LONG XonLimit, _In_ LONG XoffLimit);
/* A short sleep (KeDelayExecutionThread). */
VOID KtsSleep(_In_ ULONG Milliseconds);

/* A device power IRP (IRP_MN_SET_POWER) through the PnP manager. */
NTSTATUS KtsSetPower(_In_ PKTS_PORT Port, _In_ DEVICE_POWER_STATE State);

/* The serial driver's counters for the port (white box: the driver's
 * private extension). */
ULONG64 KtsInterruptCount(_In_ PKTS_PORT Port);

#endif /* KESTREL_TESTS_KERNEL_SERIALTEST_H */
