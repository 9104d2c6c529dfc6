/*
 * ddk/io.h - the I/O manager (Io) routines a driver may call. Part of wdm.h.
 *
 * For now: connecting interrupt service routines (io/interrupt.c). Names,
 * types, values and signatures are the WDK's (wdm.h).
 */
#ifndef _KESTREL_DDK_IO_H
#define _KESTREL_DDK_IO_H

typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;

/* ---- IoConnectInterrupt: the classic, fully specified connection ---- */

/* IRQL PASSIVE_LEVEL. Connects ServiceRoutine to Vector (from
 * HalGetInterruptVector or, later, the translated resources) at DIRQL Irql.
 * The ISR runs at SynchronizeIrql (>= Irql; equal unless several vectors
 * share one SpinLock) holding SpinLock, or a lock of the object's own when
 * SpinLock is NULL. ShareVector must be TRUE on every object that shares a
 * vector, and all of them must agree on InterruptMode. FloatingSave must
 * be FALSE: kernel code uses no floating-point or SIMD registers.
 * STATUS_INVALID_PARAMETER (with a message saying why) or
 * STATUS_INSUFFICIENT_RESOURCES on failure. */
NTSTATUS NTAPI IoConnectInterrupt(_Out_ PKINTERRUPT *InterruptObject,
                                  _In_ PKSERVICE_ROUTINE ServiceRoutine,
                                  _In_opt_ PVOID ServiceContext, _In_opt_ PKSPIN_LOCK SpinLock,
                                  _In_ ULONG Vector, _In_ KIRQL Irql, _In_ KIRQL SynchronizeIrql,
                                  _In_ KINTERRUPT_MODE InterruptMode, _In_ BOOLEAN ShareVector,
                                  _In_ KAFFINITY ProcessorEnableMask, _In_ BOOLEAN FloatingSave);

/* IRQL PASSIVE_LEVEL. The last object on a line masks it. */
VOID NTAPI IoDisconnectInterrupt(_In_ PKINTERRUPT InterruptObject);

/* ---- IoConnectInterruptEx ---- */

#define CONNECT_FULLY_SPECIFIED 0x1
#define CONNECT_LINE_BASED 0x2
#define CONNECT_MESSAGE_BASED 0x3
#define CONNECT_FULLY_SPECIFIED_GROUP 0x4
#define CONNECT_MESSAGE_BASED_PASSIVE 0x5
#define CONNECT_CURRENT_VERSION 0x5

typedef enum _KINTERRUPT_POLARITY {
    InterruptPolarityUnknown,
    InterruptActiveHigh,
    InterruptActiveLow,
    InterruptRisingEdge = InterruptActiveHigh,
    InterruptFallingEdge = InterruptActiveLow,
    InterruptActiveBoth,
    InterruptActiveBothTriggerLow = InterruptActiveBoth,
    InterruptActiveBothTriggerHigh
} KINTERRUPT_POLARITY, *PKINTERRUPT_POLARITY;

typedef BOOLEAN KMESSAGE_SERVICE_ROUTINE(_In_ PKINTERRUPT Interrupt, _In_ PVOID ServiceContext,
                                         _In_ ULONG MessageID);
typedef KMESSAGE_SERVICE_ROUTINE *PKMESSAGE_SERVICE_ROUTINE;

typedef struct _IO_INTERRUPT_MESSAGE_INFO_ENTRY {
    PHYSICAL_ADDRESS MessageAddress;
    KAFFINITY TargetProcessorSet;
    PKINTERRUPT InterruptObject;
    ULONG MessageData;
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE Mode;
    KINTERRUPT_POLARITY Polarity;
} IO_INTERRUPT_MESSAGE_INFO_ENTRY, *PIO_INTERRUPT_MESSAGE_INFO_ENTRY;

typedef struct _IO_INTERRUPT_MESSAGE_INFO {
    KIRQL UnifiedIrql;
    ULONG MessageCount;
    IO_INTERRUPT_MESSAGE_INFO_ENTRY MessageInfo[1];
} IO_INTERRUPT_MESSAGE_INFO, *PIO_INTERRUPT_MESSAGE_INFO;

typedef struct _IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    PKINTERRUPT *InterruptObject;
    PKSERVICE_ROUTINE ServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
    BOOLEAN ShareVector;
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE InterruptMode;
    KAFFINITY ProcessorEnableMask;
    USHORT Group;
} IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS,
    *PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    PKINTERRUPT *InterruptObject;
    PKSERVICE_ROUTINE ServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
} IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS, *PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS {
    PDEVICE_OBJECT PhysicalDeviceObject;
    union {
        PVOID *Generic;
        PIO_INTERRUPT_MESSAGE_INFO *InterruptMessageTable;
        PKINTERRUPT *InterruptObject;
    } ConnectionContext;
    PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine;
    PVOID ServiceContext;
    PKSPIN_LOCK SpinLock;
    KIRQL SynchronizeIrql;
    BOOLEAN FloatingSave;
    PKSERVICE_ROUTINE FallBackServiceRoutine;
} IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS,
    *PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS;

typedef struct _IO_CONNECT_INTERRUPT_PARAMETERS {
    ULONG Version;
    union {
        IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS FullySpecified;
        IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS LineBased;
        IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS MessageBased;
    };
} IO_CONNECT_INTERRUPT_PARAMETERS, *PIO_CONNECT_INTERRUPT_PARAMETERS;

typedef struct _IO_DISCONNECT_INTERRUPT_PARAMETERS {
    ULONG Version;
    union {
        PVOID Generic;
        PKINTERRUPT InterruptObject;
        PIO_INTERRUPT_MESSAGE_INFO InterruptMessageTable;
    } ConnectionContext;
} IO_DISCONNECT_INTERRUPT_PARAMETERS, *PIO_DISCONNECT_INTERRUPT_PARAMETERS;

/*
 * IRQL PASSIVE_LEVEL.
 *   CONNECT_FULLY_SPECIFIED: as IoConnectInterrupt (Group must be 0).
 *   CONNECT_LINE_BASED: the line comes from PhysicalDeviceObject's
 *     translated interrupt resource; STATUS_NOT_FOUND when it has none
 *     (until the PnP manager exists, the kernel records them itself).
 *   CONNECT_MESSAGE_BASED, CONNECT_MESSAGE_BASED_PASSIVE,
 *   CONNECT_FULLY_SPECIFIED_GROUP: STATUS_NOT_SUPPORTED until the PCI bus
 *     driver hands out MSI/MSI-X messages; the Version field is left as
 *     passed.
 *   Anything else: STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI IoConnectInterruptEx(_Inout_ PIO_CONNECT_INTERRUPT_PARAMETERS Parameters);

/* IRQL PASSIVE_LEVEL: the disconnection matching a successful
 * IoConnectInterruptEx of the same Version. */
VOID NTAPI IoDisconnectInterruptEx(_In_ PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters);

#endif /* _KESTREL_DDK_IO_H */
