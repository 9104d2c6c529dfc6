/*
 * tests/kernel/interrupt.c - interrupt objects against a real device.
 *
 * The device is QEMU's second 16550 UART (COM2, ports 0x2F8-0x2FF, ISA IRQ
 * 3; tests/qemu.sh adds it with "-serial null"). A 16550 raises its
 * interrupt when the transmitter holding register is empty and the
 * "transmitter holding register empty" interrupt is enabled in IER; reading
 * IIR while that is the cause clears it (PC16550D data sheet, National
 * Semiconductor, section 8.4 and Table III). So writing IER makes the UART
 * interrupt at once, and an ISR acknowledges it by reading IIR and clearing
 * IER. OUT2 in MCR gates the UART's interrupt onto the ISA bus on PCs.
 */
#include "tests/kernel/ktest.h"
#include "io/pnpp.h"
#include "kernel/ke/ki.h"
#include "hal/halp.h"
#include "hal/lapic.h"
#include "hal/acpip.h"
#include "io/iop.h"

#define COM2 0x2F8
#define UART_IER (COM2 + 1)
#define UART_IIR (COM2 + 2)
#define UART_MCR (COM2 + 4)
#define UART_LSR (COM2 + 5)
#define UART_SCR (COM2 + 7)
#define UART_IER_THRE 0x02
#define UART_IIR_NO_INTERRUPT 0x01
#define UART_IIR_CAUSE_MASK 0x0E
#define UART_IIR_THRE 0x02
#define UART_MCR_OUT2 0x08
#define COM2_IRQ 3

static UCHAR
KtpIn(USHORT Port)
{
    return READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)Port);
}

static VOID
KtpOut(USHORT Port, UCHAR Value)
{
    WRITE_PORT_UCHAR((PUCHAR)(ULONG_PTR)Port, Value);
}

/* TRUE when a UART answers at COM2 (its scratch register keeps a value),
 * left quiet: no interrupt enabled, none pending. */
static BOOLEAN
KtpCom2Reset(VOID)
{
    KtpOut(UART_SCR, 0x5A);
    if (KtpIn(UART_SCR) != 0x5A) {
        DbgPrint("No UART at COM2 (0x2F8): QEMU needs a second serial port "
                 "(tests/qemu.sh batch mode adds -serial null)\n");
        return FALSE;
    }
    KtpOut(UART_IER, 0);
    KtpOut(UART_MCR, UART_MCR_OUT2);
    (VOID)KtpIn(UART_IIR);
    (VOID)KtpIn(UART_LSR);
    return TRUE;
}

/* Spins until *Value reaches Target, at most a few million rounds. */
static BOOLEAN
KtpWaitFor(volatile ULONG *Value, ULONG Target)
{
    ULONG Spin;

    for (Spin = 0; Spin < 5000000 && *Value < Target; Spin++) {
        __asm__ __volatile__("pause");
    }
    return *Value >= Target;
}

typedef struct _KTP_ISR_CONTEXT {
    volatile ULONG Calls;
    volatile ULONG Claimed;
    volatile KIRQL IrqlSeen;
    volatile ULONG Order;           /* KtpCallOrder when last called */
    BOOLEAN DevicePending;          /* the fake device: never pending */
} KTP_ISR_CONTEXT;

static volatile ULONG KtpCallOrder;

static KSERVICE_ROUTINE KtpFakeDeviceIsr;
static KSERVICE_ROUTINE KtpCom2Isr;
static KSERVICE_ROUTINE KtpNeverClaimsIsr;

/* A device that shares the line and has nothing pending: not ours. */
static BOOLEAN
KtpFakeDeviceIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    KTP_ISR_CONTEXT *Context = ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);
    Context->Calls++;
    Context->Order = ++KtpCallOrder;
    Context->IrqlSeen = KeGetCurrentIrql();
    return Context->DevicePending;
}

/* COM2's ISR: claims the interrupt only when the UART says it raised one. */
static BOOLEAN
KtpCom2Isr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    KTP_ISR_CONTEXT *Context = ServiceContext;
    UCHAR Iir = KtpIn(UART_IIR);

    UNREFERENCED_PARAMETER(Interrupt);
    Context->Calls++;
    Context->Order = ++KtpCallOrder;
    Context->IrqlSeen = KeGetCurrentIrql();
    if (Iir & UART_IIR_NO_INTERRUPT) {
        return FALSE;
    }
    KtpOut(UART_IER, 0);
    Context->Claimed++;
    return TRUE;
}

static BOOLEAN
KtpNeverClaimsIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    KTP_ISR_CONTEXT *Context = ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);
    Context->Calls++;
    return FALSE;
}

/*
 * At boot the PnP manager finds COM2 and starts the serial driver on it,
 * which connects IRQ 3. The tests below drive the UART's interrupt
 * themselves, so each takes COM2 from PnP for its duration (a real
 * query-stop and stop, as a driver update would) and gives it back after.
 */
static PDEVICE_NODE
KtpBorrowCom2(VOID)
{
    PDEVICE_NODE Node = IopFindDeviceNodeByInstancePath(L"Root\\*PNP0501\\1");

    if (Node != NULL && !NT_SUCCESS(IopRequestDeviceStop(Node))) {
        DbgPrint("KTEST: PnP would not stop COM2's device; the test may fail\n");
        return NULL;
    }
    return Node;
}

static VOID
KtpReturnCom2(PDEVICE_NODE Node)
{
    if (Node != NULL && !NT_SUCCESS(IopRequestDeviceStart(Node))) {
        DbgPrint("KTEST: PnP did not restart COM2's device\n");
    }
}

#define KTEST_COM2(Name)                                         \
    static VOID KtpBody_##Name(PKTEST_CONTEXT KtContext);        \
    KTEST(Name)                                                  \
    {                                                            \
        PDEVICE_NODE KtpNode = KtpBorrowCom2();                  \
        KtpBody_##Name(KtContext);                               \
        KtpReturnCom2(KtpNode);                                  \
    }                                                            \
    static VOID KtpBody_##Name(PKTEST_CONTEXT KtContext)

KTEST(SpuriousVectorIsCountedAndSurvived)
{
    ULONG64 Before = KiSpuriousInterruptCount;

    __asm__ __volatile__("int $0xFF");
    KT_ASSERT_EQ(KiSpuriousInterruptCount, Before + 1);
    __asm__ __volatile__("int $0xFF");
    KT_ASSERT_EQ(KiSpuriousInterruptCount, Before + 2);
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* QEMU's MADT has one local APIC NMI entry, LINT1 on every processor, as
 * the MultiProcessor Specification's default wiring does when there is no
 * MADT: LINT1 must deliver NMIs, and LINT0 (the 8259s' ExtINT in virtual
 * wire mode) must stay masked. */
KTEST(LapicLintsFollowTheMadtNmiEntries)
{
    ULONG Lint0 = HalpLapicRead(LAPIC_LVT_LINT0);
    ULONG Lint1 = HalpLapicRead(LAPIC_LVT_LINT1);

    if (HalpAcpiInformation.MadtPresent) {
        KT_ASSERT_EQ(HalpAcpiInformation.Madt.LocalNmiCount, 1);
        KT_ASSERT_EQ(HalpAcpiInformation.Madt.LocalNmis[0].Lint, 1);
        KT_ASSERT(HalpAcpiInformation.Madt.LocalNmis[0].AllProcessors);
    }
    KT_ASSERT(Lint0 & LAPIC_LVT_MASKED);
    KT_ASSERT_EQ(Lint1 & LAPIC_LVT_MASKED, 0);
    KT_ASSERT_EQ(Lint1 & 0x700, LAPIC_LVT_DELIVERY_NMI);
    /* The spurious vector is 0xFF and the APIC is software-enabled. */
    KT_ASSERT_EQ(HalpLapicRead(LAPIC_SVR) & 0x1FF, LAPIC_SVR_ENABLE | HAL_SPURIOUS_VECTOR);
}

KTEST(HalGetInterruptVectorRoutesIsaIrqs)
{
    KIRQL Irql, Irql2;
    KAFFINITY Affinity;
    ULONG Vector, Vector2, Gsi;

    Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);
    KT_ASSERT(Vector >= HAL_FIRST_DEVICE_VECTOR && Vector <= HAL_LAST_DEVICE_VECTOR);
    KT_ASSERT_EQ(Irql, Vector >> 4);
    KT_ASSERT_EQ(Affinity, 1);
    KT_ASSERT(HalpVectorToGsi(Vector, &Gsi));
    KT_ASSERT_EQ(Gsi, COM2_IRQ);    /* no override for IRQ 3 on QEMU's pc and q35 */
    /* The same line answers the same vector. */
    Vector2 = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql2, &Affinity);
    KT_ASSERT_EQ(Vector2, Vector);
    KT_ASSERT_EQ(Irql2, Irql);
    /* IRQ 0 is overridden to GSI 2 by QEMU's MADT. */
    Vector2 = HalGetInterruptVector(Isa, 0, 0, 0, &Irql2, &Affinity);
    KT_ASSERT(HalpVectorToGsi(Vector2, &Gsi));
    KT_ASSERT_EQ(Gsi, 2);
    /* Lines that do not exist. */
    KT_ASSERT_EQ(HalGetInterruptVector(Isa, 0, 16, 16, &Irql2, &Affinity), 0);
    KT_ASSERT_EQ(Irql2, 0);
    KT_ASSERT_EQ(HalGetInterruptVector(PCIBus, 0, 500, 0, &Irql2, &Affinity), 0);
    KT_ASSERT_EQ(HalGetInterruptVector(Eisa, 0, 3, 3, &Irql2, &Affinity), 0);
}

KTEST_COM2(IoConnectInterruptRejectsBadRequests)
{
    KTP_ISR_CONTEXT Context = {0};
    PKINTERRUPT First, Second;
    IO_CONNECT_INTERRUPT_PARAMETERS Parameters = {0};
    KIRQL Irql;
    KAFFINITY Affinity;
    ULONG Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);

    KT_ASSERT(Vector != 0);
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector,
                                        Irql + 1, Irql + 1, Latched, FALSE, Affinity, FALSE),
                     STATUS_INVALID_PARAMETER);                 /* IRQL not the vector's */
    KT_ASSERT(First == NULL);
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, FALSE, Affinity, TRUE),
                     STATUS_INVALID_PARAMETER);                 /* FloatingSave */
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql - 1, Latched, FALSE, Affinity, FALSE),
                     STATUS_INVALID_PARAMETER);                 /* SynchronizeIrql too low */
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, FALSE, 2, FALSE),
                     STATUS_INVALID_PARAMETER);                 /* no processor 1 */
    /* A vector connected without sharing cannot be shared. */
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, FALSE, Affinity, FALSE),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoConnectInterrupt(&Second, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, TRUE, Affinity, FALSE),
                     STATUS_INVALID_PARAMETER);
    IoDisconnectInterrupt(First);
    KT_ASSERT_STATUS(IoConnectInterrupt(&First, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, FALSE, 0, FALSE),
                     STATUS_INVALID_PARAMETER);                 /* no processor at all */
    KT_ASSERT_STATUS(IoConnectInterrupt(NULL, KtpFakeDeviceIsr, &Context, NULL, Vector, Irql,
                                        Irql, Latched, FALSE, Affinity, FALSE),
                     STATUS_INVALID_PARAMETER);

    /* IoConnectInterruptEx: the WDK's codes (WdmlibIoConnectInterruptEx). */
    KT_ASSERT_STATUS(IoConnectInterruptEx(NULL), STATUS_INVALID_PARAMETER);
    Parameters.Version = 77;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER_1);
    KT_ASSERT_EQ(Parameters.Version, 77);
    Parameters.Version = CONNECT_FULLY_SPECIFIED;
    Parameters.FullySpecified.PhysicalDeviceObject = (PDEVICE_OBJECT)&Context;
    Parameters.FullySpecified.InterruptObject = &First;
    Parameters.FullySpecified.ServiceRoutine = KtpFakeDeviceIsr;
    Parameters.FullySpecified.Vector = Vector;
    Parameters.FullySpecified.Irql = Irql;
    Parameters.FullySpecified.SynchronizeIrql = Irql;
    Parameters.FullySpecified.InterruptMode = Latched;
    Parameters.FullySpecified.ProcessorEnableMask = 0;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER_10);
    Parameters.FullySpecified.ProcessorEnableMask = Affinity;
    Parameters.FullySpecified.Group = 1;
    Parameters.Version = CONNECT_FULLY_SPECIFIED_GROUP;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER);
    /* Group is read only by the GROUP version. */
    Parameters.Version = CONNECT_FULLY_SPECIFIED;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_SUCCESS);
    KT_ASSERT(First != NULL && First->Vector == Vector);
    KT_ASSERT_EQ(Parameters.Version, CONNECT_FULLY_SPECIFIED);
    IoDisconnectInterrupt(First);
    Parameters.FullySpecified.PhysicalDeviceObject = NULL;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER);

    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Version = CONNECT_LINE_BASED;
    Parameters.LineBased.InterruptObject = &First;
    Parameters.LineBased.ServiceRoutine = KtpFakeDeviceIsr;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_INVALID_PARAMETER);  /* no PDO */
    Parameters.LineBased.PhysicalDeviceObject = (PDEVICE_OBJECT)&Context;  /* unknown PDO */
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_NOT_FOUND);

    /* Message-based without a fallback: the device has no messages. */
    RtlZeroMemory(&Parameters, sizeof(Parameters));
    Parameters.Version = CONNECT_MESSAGE_BASED;
    Parameters.MessageBased.PhysicalDeviceObject = (PDEVICE_OBJECT)&Context;
    Parameters.MessageBased.ConnectionContext.InterruptObject = &First;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_NOT_FOUND);
    KT_ASSERT_EQ(Parameters.Version, CONNECT_MESSAGE_BASED);
    Parameters.Version = CONNECT_MESSAGE_BASED_PASSIVE;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_NOT_SUPPORTED);
}

/* CONNECT_MESSAGE_BASED on a device that has only a line: the fallback ISR
 * is connected to the line with the message-based ServiceContext, Version
 * comes back as CONNECT_LINE_BASED, and the ISR serves COM2's interrupt. */
KTEST_COM2(MessageBasedConnectFallsBackToTheLine)
{
    KTP_ISR_CONTEXT Uart = {0};
    PKINTERRUPT Interrupt = NULL;
    IO_CONNECT_INTERRUPT_PARAMETERS Parameters = {0};
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect = {0};
    IOP_INTERRUPT_RESOURCE Resource = {0};
    static ULONG FakePdo;
    KAFFINITY Affinity;
    ULONG Vector;
    KIRQL Irql;

    KT_ASSERT(KtpCom2Reset());
    Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);
    KT_ASSERT(Vector != 0);
    Resource = (IOP_INTERRUPT_RESOURCE){.Vector = Vector, .Irql = Irql, .InterruptMode = Latched,
                                        .ShareVector = FALSE, .Affinity = Affinity};
    KT_ASSERT_STATUS(IopSetDeviceInterruptResource((PDEVICE_OBJECT)&FakePdo, &Resource),
                     STATUS_SUCCESS);
    Parameters.Version = CONNECT_MESSAGE_BASED;
    Parameters.MessageBased.PhysicalDeviceObject = (PDEVICE_OBJECT)&FakePdo;
    Parameters.MessageBased.ConnectionContext.InterruptObject = &Interrupt;
    Parameters.MessageBased.FallBackServiceRoutine = KtpCom2Isr;
    Parameters.MessageBased.ServiceContext = &Uart;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_SUCCESS);
    KT_ASSERT_EQ(Parameters.Version, CONNECT_LINE_BASED);
    KT_ASSERT(Interrupt != NULL);
    KT_ASSERT_EQ(Interrupt->Vector, Vector);

    KtpOut(UART_IER, UART_IER_THRE);
    KtpWaitFor(&Uart.Claimed, 1);
    KT_ASSERT_EQ(Uart.Claimed, 1);
    KT_ASSERT_EQ(Uart.IrqlSeen, Irql);

    Disconnect.Version = Parameters.Version;
    Disconnect.ConnectionContext.InterruptObject = Interrupt;
    IoDisconnectInterruptEx(&Disconnect);
    KT_ASSERT(IsListEmpty(&KiInterruptVectors[Vector].InterruptListHead));
    Resource.Vector = 0;
    IopSetDeviceInterruptResource((PDEVICE_OBJECT)&FakePdo, &Resource);
}

/* Two ISRs on IRQ 3: the fake device's is called first and declines, COM2's
 * acknowledges the UART and claims the interrupt. Connected through both
 * IoConnectInterrupt and IoConnectInterruptEx(CONNECT_LINE_BASED). */
KTEST_COM2(SharedLineIsClaimedByTheRightIsr)
{
    KTP_ISR_CONTEXT Fake = {0}, Uart = {0};
    PKINTERRUPT FakeInterrupt, UartInterrupt;
    IO_CONNECT_INTERRUPT_PARAMETERS Parameters = {0};
    IO_DISCONNECT_INTERRUPT_PARAMETERS Disconnect = {0};
    IOP_INTERRUPT_RESOURCE Resource = {0};
    static ULONG FakePdo;           /* stands for COM2's PDO until PnP exists */
    ULONG64 ArrivedBefore, UnclaimedBefore;
    KAFFINITY Affinity;
    ULONG Vector;
    KIRQL Irql;

    KT_ASSERT(KtpCom2Reset());
    Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);
    KT_ASSERT(Vector != 0);
    KT_ASSERT_STATUS(IoConnectInterrupt(&FakeInterrupt, KtpFakeDeviceIsr, &Fake, NULL, Vector,
                                        Irql, Irql, Latched, TRUE, Affinity, FALSE),
                     STATUS_SUCCESS);
    Resource = (IOP_INTERRUPT_RESOURCE){.Vector = Vector, .Irql = Irql, .InterruptMode = Latched,
                                        .ShareVector = TRUE, .Affinity = Affinity};
    KT_ASSERT_STATUS(IopSetDeviceInterruptResource((PDEVICE_OBJECT)&FakePdo, &Resource),
                     STATUS_SUCCESS);
    Parameters.Version = CONNECT_LINE_BASED;
    Parameters.LineBased.PhysicalDeviceObject = (PDEVICE_OBJECT)&FakePdo;
    Parameters.LineBased.InterruptObject = &UartInterrupt;
    Parameters.LineBased.ServiceRoutine = KtpCom2Isr;
    Parameters.LineBased.ServiceContext = &Uart;
    KT_ASSERT_STATUS(IoConnectInterruptEx(&Parameters), STATUS_SUCCESS);
    ArrivedBefore = KiInterruptVectors[Vector].InterruptCount;
    UnclaimedBefore = KiInterruptVectors[Vector].UnclaimedCount;

    KtpOut(UART_IER, UART_IER_THRE);
    KtpWaitFor(&Uart.Claimed, 1);

    KT_ASSERT_EQ(Fake.Calls, 1);
    KT_ASSERT_EQ(Uart.Calls, 1);
    KT_ASSERT_EQ(Uart.Claimed, 1);
    KT_ASSERT(Fake.Order < Uart.Order);                 /* connection order */
    KT_ASSERT_EQ(Fake.IrqlSeen, Irql);                  /* ISRs run at DIRQL */
    KT_ASSERT_EQ(Uart.IrqlSeen, Irql);
    KT_ASSERT_EQ(KiInterruptVectors[Vector].InterruptCount, ArrivedBefore + 1);
    KT_ASSERT_EQ(KiInterruptVectors[Vector].UnclaimedCount, UnclaimedBefore);
    KT_ASSERT_EQ(UartInterrupt->ClaimedCount, 1);
    KT_ASSERT_EQ(FakeInterrupt->ClaimedCount, 0);
    KT_ASSERT_EQ(KtpIn(UART_IER), 0);                   /* the ISR acknowledged the UART */

    Disconnect.Version = CONNECT_LINE_BASED;
    Disconnect.ConnectionContext.InterruptObject = UartInterrupt;
    IoDisconnectInterruptEx(&Disconnect);
    IoDisconnectInterrupt(FakeInterrupt);
    Resource.Vector = 0;
    IopSetDeviceInterruptResource((PDEVICE_OBJECT)&FakePdo, &Resource);
}

typedef struct _KTP_SYNCH_CONTEXT {
    KTP_ISR_CONTEXT *Isr;
    PKINTERRUPT Interrupt;
    KIRQL IrqlSeen;
    BOOLEAN LockHeld;
    ULONG IsrCallsInside;
} KTP_SYNCH_CONTEXT;

static KSYNCHRONIZE_ROUTINE KtpSynchRoutine;

/* Runs at DIRQL holding the interrupt lock: makes the UART interrupt, then
 * gives the interrupt every chance to get in before returning. */
static BOOLEAN
KtpSynchRoutine(PVOID SynchronizeContext)
{
    KTP_SYNCH_CONTEXT *Context = SynchronizeContext;
    ULONG Spin;

    Context->IrqlSeen = KeGetCurrentIrql();
    Context->LockHeld = !KeTestSpinLock(Context->Interrupt->ActualLock);
    KtpOut(UART_IER, UART_IER_THRE);
    for (Spin = 0; Spin < 20000; Spin++) {
        (VOID)KtpIn(UART_LSR);
    }
    Context->IsrCallsInside = Context->Isr->Calls;
    return TRUE;
}

KTEST_COM2(SynchronizeExecutionExcludesTheIsr)
{
    KTP_ISR_CONTEXT Uart = {0};
    KTP_SYNCH_CONTEXT Synch = {0};
    PKINTERRUPT Interrupt;
    KAFFINITY Affinity;
    ULONG Vector;
    KIRQL Irql;

    KT_ASSERT(KtpCom2Reset());
    Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);
    KT_ASSERT_STATUS(IoConnectInterrupt(&Interrupt, KtpCom2Isr, &Uart, NULL, Vector, Irql, Irql,
                                        Latched, FALSE, Affinity, FALSE),
                     STATUS_SUCCESS);
    Synch.Isr = &Uart;
    Synch.Interrupt = Interrupt;
    KT_ASSERT(KeSynchronizeExecution(Interrupt, KtpSynchRoutine, &Synch));
    KtpWaitFor(&Uart.Claimed, 1);
    IoDisconnectInterrupt(Interrupt);

    KT_ASSERT_EQ(Synch.IrqlSeen, Irql);
    KT_ASSERT(Synch.LockHeld);
    KT_ASSERT_EQ(Synch.IsrCallsInside, 0);      /* held off while the routine ran */
    KT_ASSERT_EQ(Uart.Claimed, 1);              /* and taken once it returned */
    KT_ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* An ISR that never claims a level-triggered line the UART holds asserted:
 * the line must be masked after KI_UNCLAIMED_INTERRUPT_LIMIT arrivals (the
 * console shows "Interrupt storm: GSI 3 ..."), and the machine goes on. */
KTEST_COM2(UnclaimedInterruptStormIsMasked)
{
    KTP_ISR_CONTEXT Never = {0};
    PKINTERRUPT Interrupt;
    KAFFINITY Affinity;
    ULONG Vector, Spin;
    ULONG64 UnclaimedBefore;
    KIRQL Irql;

    KT_ASSERT(KtpCom2Reset());
    Vector = HalGetInterruptVector(Isa, 0, COM2_IRQ, COM2_IRQ, &Irql, &Affinity);
    KT_ASSERT_STATUS(IoConnectInterrupt(&Interrupt, KtpNeverClaimsIsr, &Never, NULL, Vector,
                                        Irql, Irql, LevelSensitive, FALSE, Affinity, FALSE),
                     STATUS_SUCCESS);
    UnclaimedBefore = KiInterruptVectors[Vector].UnclaimedCount;
    KtpOut(UART_IER, UART_IER_THRE);
    KtpWaitFor(&Never.Calls, KI_UNCLAIMED_INTERRUPT_LIMIT);
    for (Spin = 0; Spin < 100000; Spin++) {
        __asm__ __volatile__("pause");          /* time for more, if the mask failed */
    }
    KtpOut(UART_IER, 0);
    (VOID)KtpIn(UART_IIR);
    KT_ASSERT(KiInterruptVectors[Vector].StormMasked);
    KT_ASSERT_EQ(Never.Calls, KI_UNCLAIMED_INTERRUPT_LIMIT);
    KT_ASSERT_EQ(KiInterruptVectors[Vector].UnclaimedCount,
                 UnclaimedBefore + KI_UNCLAIMED_INTERRUPT_LIMIT);
    IoDisconnectInterrupt(Interrupt);
}
