/*
 * hal/halp.h - HAL routines private to the kernel.
 */
#ifndef KESTREL_HAL_HALP_H
#define KESTREL_HAL_HALP_H

#include <wdm.h>

/* The kernel debug port: a 16550 driven by polling, usable before
 * interrupts, memory management or anything else exists (hal/uart.c). */
#define HAL_DEBUG_PORT_COM1 0x3F8

VOID HalpDebugPortInitialize(USHORT Port);
VOID HalpDebugPortWrite(PCSTR Text, SIZE_T Length);
USHORT HalpDebugPortBase(VOID);

/* QEMU's isa-debug-exit device (iobase 0xf4): QEMU exits with status
 * (Code << 1) | 1. Only used when the command line says the kernel runs
 * under the test harness. */
#define HAL_QEMU_EXIT_PORT 0xF4
#define HAL_QEMU_EXIT_PASS 0x10     /* QEMU exit status 33 */
#define HAL_QEMU_EXIT_FAIL 0x11     /* QEMU exit status 35: tests failed */
#define HAL_QEMU_EXIT_BUGCHECK 0x12 /* QEMU exit status 37: the machine stopped */

DECLSPEC_NORETURN VOID HalpQemuExit(UCHAR Code);

/* The interrupt descriptor table (hal/idt.c) and its entry stubs
 * (hal/trap.asm). HalpInitializeIdt fills the shared IDT once and returns
 * it; HalpLoadIdt makes the current processor use it; HalpSetIdtGate points
 * one vector at a handler (IstIndex 0 = current stack, Dpl 0 or 3). */
struct _KIDTENTRY64 *HalpInitializeIdt(VOID);
VOID HalpLoadIdt(struct _KIDTENTRY64 *Idt);
VOID HalpSetIdtGate(ULONG Vector, PVOID Handler, UCHAR IstIndex, UCHAR Dpl);

/* The return address of HalpTrapCommon's call into KiDispatchTrap: a
 * backtrace that meets it knows a KTRAP_FRAME lies just above. */
extern const UCHAR HalpTrapReturnAddress[];

/*
 * The interrupt vector map (decided for issue 3). With the IRQL in CR8, a
 * vector's priority class (vector >> 4) is the IRQL it arrives at, so each
 * IRQL owns a 16-vector class:
 *
 *   0x00-0x1F  processor exceptions (0x1F: reserved for APC_LEVEL's software
 *              interrupt; the local APIC cannot deliver class 0 or 1, so APC
 *              delivery will be done by KeLowerIrql, not by a vector)
 *   0x2F       DISPATCH_LEVEL software interrupt: the DPC drain (kernel/ke/dpc.c
 *              installs its gate). HalRequestSoftwareInterrupt(DISPATCH_LEVEL)
 *              sends this vector to the processor itself; the local APIC holds
 *              it until CR8 drops below 2, so DPCs run when IRQL drops.
 *   0x30-0xCF  device interrupts: DIRQL = vector >> 4 = 3..12 (hal/vector.c
 *              hands them out, kernel/ke/interrupt.c dispatches them)
 *   0xD0-0xDF  CLOCK_LEVEL (13); 0xD1 is the clock (kernel/ke/clock.c)
 *   0xE0-0xEF  IPI_LEVEL (14): interprocessor interrupts, once there are APs
 *   0xF0-0xF7  the master 8259's vectors, 0xF8-0xFF the slave's: the PICs are
 *              remapped here and fully masked, and LINT0 is masked, so none
 *              can arrive (hal/pic.c)
 *   0xFE       local APIC error (HIGH_LEVEL)
 *   0xFF       local APIC spurious interrupt: counted, never acknowledged
 */
#define HAL_APC_VECTOR 0x1F
#define HAL_DISPATCH_VECTOR 0x2F
#define HAL_FIRST_DEVICE_VECTOR 0x30
#define HAL_LAST_DEVICE_VECTOR 0xCF
#define HAL_CLOCK_VECTOR 0xD1
#define HAL_FIRST_IPI_VECTOR 0xE0
#define HAL_PIC_MASTER_VECTOR 0xF0
#define HAL_PIC_SLAVE_VECTOR 0xF8
#define HAL_LAPIC_ERROR_VECTOR 0xFE
#define HAL_SPURIOUS_VECTOR 0xFF
#define HAL_VECTOR_TO_IRQL(Vector) ((KIRQL)((Vector) >> 4))

/* Brings up the interrupt controllers: masks the 8259s, enables the boot
 * processor's local APIC and masks every IOAPIC input (hal/intinit.c).
 * Runs once at PASSIVE_LEVEL with interrupts off, after MmInitSystem and
 * HalpInitializeAcpi; interrupts may be enabled when it returns. */
VOID HalpInitializeInterruptControllers(VOID);

/* The 8259 pair (hal/pic.c): remapped to 0xF0-0xFF and fully masked. */
VOID HalpInitializePic(VOID);

/* The local APIC (hal/lapic.c). Register offsets are in hal/lapic.h; the
 * accessors go through MMIO (xAPIC) or MSRs (x2APIC). Any IRQL. */
VOID HalpInitializeLapic(VOID);
ULONG HalpLapicRead(ULONG Offset);
VOID HalpLapicWrite(ULONG Offset, ULONG Value);
BOOLEAN HalpLapicIsX2Apic(VOID);
ULONG HalpLapicGetId(VOID);
VOID HalpLapicEoi(VOID);
/* Sends Vector to this processor as a fixed interrupt. */
VOID HalpLapicSendSelfIpi(ULONG Vector);
/* The xAPIC EOI register's virtual address, or NULL in x2APIC mode; the
 * interrupt entry (hal/intstub.asm) writes it directly. */
extern volatile ULONG *HalpLapicEoiRegister;
/* Local APIC errors seen (vector 0xFE), for tests and diagnostics. */
extern volatile ULONG HalpLapicErrorCount;

/* Requests the software interrupt of Irql on this processor: for
 * DISPATCH_LEVEL, a self-IPI of HAL_DISPATCH_VECTOR, taken once the IRQL
 * drops below DISPATCH_LEVEL. Any IRQL. */
VOID HalRequestSoftwareInterrupt(KIRQL Irql);

/* IOAPICs (hal/ioapic.c). */
typedef enum _HAL_INTERRUPT_POLARITY {
    HalActiveHigh = 0,
    HalActiveLow = 1,
} HAL_INTERRUPT_POLARITY;

VOID HalpInitializeIoApics(VOID);
/* Programs the redirection entry of Gsi (fixed delivery, physical
 * destination = the boot processor) and leaves it masked. */
NTSTATUS HalpIoApicProgram(ULONG Gsi, ULONG Vector, HAL_INTERRUPT_POLARITY Polarity,
                           KINTERRUPT_MODE Mode);
NTSTATUS HalpIoApicSetMask(ULONG Gsi, BOOLEAN Masked);
BOOLEAN HalpIoApicHasGsi(ULONG Gsi);

/* Points Vector's gate at its short interrupt entry (hal/intstub.asm), or
 * back at the "unexpected interrupt" stub of hal/trap.asm. Called by
 * kernel/ke/interrupt.c with the vector's connect lock held. */
VOID HalpInstallInterruptEntry(ULONG Vector);
VOID HalpRemoveInterruptEntry(ULONG Vector);

/* The legacy-IRQ and vector bookkeeping (hal/vector.c, pure logic): which
 * vector serves which GSI. */
typedef struct _HAL_VECTOR_ENTRY {
    BOOLEAN InUse;
    BOOLEAN HasLine;            /* an IOAPIC input feeds it */
    UCHAR Polarity;             /* HAL_INTERRUPT_POLARITY of the line */
    UCHAR FirmwareMode;         /* KINTERRUPT_MODE the firmware/bus says */
    ULONG Gsi;
} HAL_VECTOR_ENTRY;

typedef struct _HAL_VECTOR_MAP {
    HAL_VECTOR_ENTRY Vectors[256];
} HAL_VECTOR_MAP, *PHAL_VECTOR_MAP;

VOID HalpInitializeVectorMap(_Out_ PHAL_VECTOR_MAP Map);
/* The vector already serving Gsi, or 0. */
ULONG HalpFindVectorForGsi(_In_ const HAL_VECTOR_MAP *Map, ULONG Gsi);
/* A free device vector for a new line: in the device level (3-12) with the
 * most free vectors, the higher level on a tie, the lowest vector in it.
 * 0 when every device vector is taken. */
ULONG HalpAllocateDeviceVector(_Inout_ PHAL_VECTOR_MAP Map, ULONG Gsi,
                               HAL_INTERRUPT_POLARITY Polarity, KINTERRUPT_MODE FirmwareMode);

/* A Count-aligned block of Count (1, 2, 4, 8 or 16) vectors in one device
 * level for a device's MSI/MSI-X messages, with no line behind them: its
 * first vector, or 0 (bad Count, with a message; or no such block left). */
ULONG HalpAllocateMessageVectors(_Inout_ PHAL_VECTOR_MAP Map, ULONG Count);
/* Gives such a block back; STATUS_INVALID_PARAMETER, with a message, for
 * vectors that are not an allocated message block. */
NTSTATUS HalpFreeMessageVectors(_Inout_ PHAL_VECTOR_MAP Map, ULONG FirstVector, ULONG Count);

extern HAL_VECTOR_MAP HalpVectorMap;
extern KSPIN_LOCK HalpVectorMapLock;    /* hal/irqroute.c: guards HalpVectorMap */

/* Message vectors for the PnP manager (hal/msiroute.c), taken under
 * HalpVectorMapLock. HalpAssignMessageVectors gives a block of Count
 * vectors (1, 2, 4, 8 or 16) and sets the DIRQL they arrive at and the
 * processors they may target; 0 when no such block is left.
 * HalpReleaseMessageVectors gives the block back (STATUS_INVALID_PARAMETER,
 * with a message, when it is not one). IRQL <= DISPATCH_LEVEL. */
ULONG HalpAssignMessageVectors(ULONG Count, _Out_ PKIRQL Irql, _Out_ PKAFFINITY Affinity);
NTSTATUS HalpReleaseMessageVectors(ULONG FirstVector, ULONG Count);
/* TRUE when Vector is handed out (a line's or a message block's); any IRQL.
 * What tests look at to see that a stopped device gave its vectors back. */
BOOLEAN HalpIsVectorInUse(ULONG Vector);

/* Called by the interrupt-object code (kernel/ke/interrupt.c) when the first
 * KINTERRUPT connects to Vector and when the last one disconnects: programs
 * and unmasks, or masks, the IOAPIC input behind it (none for vectors
 * without a line). Mode is how the connecting driver says its device
 * signals. IRQL <= DISPATCH_LEVEL for enable; any IRQL for disable. */
NTSTATUS HalpEnableInterruptVector(ULONG Vector, KINTERRUPT_MODE Mode);
VOID HalpDisableInterruptVector(ULONG Vector);
/* The GSI behind Vector, or FALSE when it has none. */
BOOLEAN HalpVectorToGsi(ULONG Vector, _Out_ PULONG Gsi);

/* MSI and MSI-X (hal/msi.c, pure logic): the message a device writes to
 * raise Vector on the processor with local APIC ID DestinationApicId. */
typedef struct _HAL_MSI_MESSAGE {
    ULONGLONG Address;
    ULONG Data;
} HAL_MSI_MESSAGE, *PHAL_MSI_MESSAGE;

/* One MSI-X table entry as the device holds it (PCI Local Bus 3.0, 6.8.2). */
typedef struct _HAL_MSIX_TABLE_ENTRY {
    ULONG MessageAddressLow;
    ULONG MessageAddressHigh;
    ULONG MessageData;
    ULONG VectorControl;        /* bit 0: masked */
} HAL_MSIX_TABLE_ENTRY, *PHAL_MSIX_TABLE_ENTRY;

NTSTATUS HalpComposeMsiMessage(ULONG DestinationApicId, ULONG Vector,
                               _Out_ PHAL_MSI_MESSAGE Message);
NTSTATUS HalpComposeMsixEntry(ULONG DestinationApicId, ULONG Vector, BOOLEAN Masked,
                              _Out_ PHAL_MSIX_TABLE_ENTRY Entry);

#endif /* KESTREL_HAL_HALP_H */
