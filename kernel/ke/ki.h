/*
 * kernel/ke/ki.h - kernel (Ke) internals shared between kernel modules.
 */
#ifndef KESTREL_KERNEL_KE_KI_H
#define KESTREL_KERNEL_KE_KI_H

#include <wdm.h>
#include "boot/bootinfo.h"

/* The kernel's own copy of what the boot loader handed over. The loader's
 * copy lives in memory the kernel may reclaim; this one lives in .bss. */
extern KESTREL_BOOT_INFO KeLoaderBlock;

/* The C entry of both boot paths (kernel/main.c). */
DECLSPEC_NORETURN VOID KiSystemStartup(KESTREL_BOOT_INFO *BootInfo);

/* The Multiboot2 path (boot/multiboot2/mb2info.c): kernel/ke/start.asm turns
 * GRUB's information into a boot info before anything else runs; the
 * problems found then are printed once the debug port works. */
KESTREL_BOOT_INFO *KiMultiboot2ToBootInfo(ULONG Magic, ULONG_PTR InformationPhysical);
VOID KiMultiboot2PrintDiagnostics(VOID);

/* Kernel command-line options (kernel/main.c): TRUE when Word appears as a
 * whole blank-separated word, or as "Word=value" when Value is wanted. */
BOOLEAN KiCommandLineHasWord(PCSTR Word);
BOOLEAN KiCommandLineValue(PCSTR Name, PCHAR Value, SIZE_T ValueSize);

/* TRUE when the command line says the test harness runs this boot: results
 * and bugchecks then end QEMU through isa-debug-exit. */
BOOLEAN KiRunningUnderHarness(VOID);

/* The boot stack's guard page (kernel/ke/start.asm). */
extern UCHAR KiBootStackGuard[];
extern UCHAR KiBootStackTop[];

/*
 * Processor tables, traps and bugchecks (kernel/ke/gdt.c, hal/idt.c,
 * hal/trap.asm, kernel/ke/trap.c, kernel/ke/bugcheck.c).
 */
#include "kernel/ke/amd64.h"

/* Loads the boot processor's GDT, TSS (with boot IST stacks) and the IDT and
 * points the GS base at its KPCR. Runs once, early, interrupts off. */
VOID KiInitializeProcessor(VOID);

/* Replaces the boot IST stacks with guarded ones from MmCreateKernelStack.
 * Runs once after MmInitSystem, interrupts off. */
VOID KiInitializeInterruptStacks(VOID);

/* The C half of every trap and interrupt (called by hal/trap.asm). */
VOID KiDispatchTrap(PKTRAP_FRAME TrapFrame);

/* Prints the vector, its name and the decoded error code of a trap. */
VOID KiPrintTrapDescription(const KTRAP_FRAME *TrapFrame);

/* Fills Context with the caller's registers (kernel/ke/context.asm). */
VOID KiCaptureContext(PKTRAP_FRAME Context);

/* KeBugCheckEx with the registers of a trap instead of the caller's. */
DECLSPEC_NORETURN VOID KiBugCheckWithTrapFrame(ULONG BugCheckCode, ULONG_PTR Parameter1,
                                               ULONG_PTR Parameter2, ULONG_PTR Parameter3,
                                               ULONG_PTR Parameter4, PKTRAP_FRAME TrapFrame);

/* A declared routine that has no implementation yet calls this with its own
 * name: it prints "NOT IMPLEMENTED: <Name>" and stops the machine with
 * KMODE_EXCEPTION_NOT_HANDLED (STATUS_NOT_IMPLEMENTED, caller, Name, 0). */
DECLSPEC_NORETURN VOID KiNotImplemented(PCSTR Name);

/*
 * Interrupt objects (kernel/ke/interrupt.c). The vector map is in
 * hal/halp.h; the short entry that calls KiInterruptDispatch is
 * hal/intstub.asm.
 */
typedef struct _KINTERRUPT {
    CSHORT Type;                /* KI_INTERRUPT_OBJECT_TYPE */
    CSHORT Size;
    LIST_ENTRY InterruptListEntry;  /* on KiInterruptVectors[Vector] */
    PKSERVICE_ROUTINE ServiceRoutine;
    PVOID ServiceContext;
    KSPIN_LOCK SpinLock;        /* used when the connector passed none */
    PKSPIN_LOCK ActualLock;     /* the interrupt spin lock */
    ULONG Vector;
    KIRQL Irql;                 /* DIRQL: Vector >> 4 */
    KIRQL SynchronizeIrql;      /* the ISR runs at this one, >= Irql */
    BOOLEAN ShareVector;
    BOOLEAN Connected;
    KINTERRUPT_MODE Mode;
    KAFFINITY ProcessorEnableMask;
    volatile ULONG64 ClaimedCount;  /* times the ISR returned TRUE */
    /* One message of a message-signaled connection (IoConnectInterruptEx,
     * CONNECT_MESSAGE_BASED): ServiceRoutine is then KiMessageServiceRoutine,
     * which calls the driver's routine with the message's number, so the
     * dispatch loop is the same for lines and messages. NULL for a line. */
    PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine;
    ULONG MessageId;
} KINTERRUPT;

#define KI_INTERRUPT_OBJECT_TYPE 0x16   /* Windows' InterruptObject */

/* Per vector: the connected objects and what arrived. */
typedef struct _KI_INTERRUPT_VECTOR {
    LIST_ENTRY InterruptListHead;
    volatile ULONG64 InterruptCount;    /* every arrival */
    volatile ULONG64 UnclaimedCount;    /* arrivals no ISR claimed */
    ULONG UnclaimedRun;                 /* unclaimed in a row */
    BOOLEAN StormMasked;                /* the line was masked for it */
} KI_INTERRUPT_VECTOR, *PKI_INTERRUPT_VECTOR;

extern KI_INTERRUPT_VECTOR KiInterruptVectors[KI_IDT_ENTRIES];
/* Local APIC spurious interrupts (vector 0xFF), counted by hal/intstub.asm. */
extern volatile ULONG64 KiSpuriousInterruptCount;

/* This many unclaimed interrupts in a row on one vector mask its line. */
#define KI_UNCLAIMED_INTERRUPT_LIMIT 1000

/* As KeInitializeInterrupt: fills the object, connects nothing. Any IRQL. */
VOID KiInitializeInterrupt(_Out_ PKINTERRUPT Interrupt, _In_ PKSERVICE_ROUTINE ServiceRoutine,
                           _In_opt_ PVOID ServiceContext, _In_opt_ PKSPIN_LOCK SpinLock,
                           ULONG Vector, KIRQL Irql, KIRQL SynchronizeIrql,
                           KINTERRUPT_MODE InterruptMode, BOOLEAN ShareVector,
                           KAFFINITY ProcessorEnableMask);
/* As KiInitializeInterrupt for message MessageId of a device: latched,
 * its vector exclusive, the ISR MessageServiceRoutine(Interrupt,
 * ServiceContext, MessageId). Any IRQL. */
VOID KiInitializeMessageInterrupt(_Out_ PKINTERRUPT Interrupt,
                                  _In_ PKMESSAGE_SERVICE_ROUTINE MessageServiceRoutine,
                                  _In_opt_ PVOID ServiceContext, ULONG MessageId,
                                  _In_opt_ PKSPIN_LOCK SpinLock, ULONG Vector, KIRQL Irql,
                                  KIRQL SynchronizeIrql, KAFFINITY ProcessorEnableMask);
/* Links the object to its vector; the first one on a vector installs the
 * vector's entry and unmasks its line. IRQL <= DISPATCH_LEVEL. */
NTSTATUS KiConnectInterrupt(_Inout_ PKINTERRUPT Interrupt);
/* The reverse; the last one masks the line. IRQL <= DISPATCH_LEVEL. */
VOID KiDisconnectInterrupt(_Inout_ PKINTERRUPT Interrupt);
/* Called by hal/intstub.asm at the vector's IRQL, interrupts enabled. */
VOID KiInterruptDispatch(ULONG Vector);
/* TRUE while an interrupt object is connected to Vector. Any IRQL (a
 * snapshot: connections change under the connect lock). */
BOOLEAN KiIsVectorConnected(ULONG Vector);

#endif /* KESTREL_KERNEL_KE_KI_H */
