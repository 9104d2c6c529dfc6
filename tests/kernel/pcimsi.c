/*
 * tests/kernel/pcimsi.c - MSI end to end on QEMU's edu device, driven by
 * KtEdu (tests/kernel/ktedu.h), registered at run time.
 *
 * What a user of message-signaled interrupts would notice: the edu is
 * started with a message interrupt; its MSI capability, read through
 * IRP_MN_READ_CONFIG and BUS_INTERFACE_STANDARD as a driver reads it, holds
 * the address and data HalComposeMessageInterrupt gives for the translated
 * vector, with MSI Enable set and the command register's Interrupt Disable
 * set; N interrupts raised through the edu's raise register give exactly N
 * calls of the message ISR, each with the status that was raised; the
 * factorial with its completion interrupt computes 10! = 3628800; a PnP
 * stop turns MSI off (and decoding) and the next start turns it on again,
 * for the vector the new start assigned. Every wait is bounded, so a lost
 * interrupt fails with a message instead of hanging the boot.
 *
 * Only the harness's "pci" boots have an edu (-device edu); elsewhere each
 * test says there is nothing to check and passes.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pcibustest.h"
#include "tests/kernel/ktedu.h"

#define KTEDU_RAISES 16
#define KTEDU_WAIT_MS 2000

/* PASSIVE_LEVEL. Registers KtEdu; the edu's node (NULL, said aloud, when
 * this machine has none) and KtEdu's extension on it. */
static PDEVICE_NODE
KtEduSetUp(PKTEDU_EXTENSION *Ext)
{
    PDEVICE_NODE Node;

    KtEduRegister();
    Node = KtEduDeviceNode();
    *Ext = KtEduDevice();
    KtPciReportTestDevice("EDU", "edu device (PCI 1234:11E8)", "KtEdu", Node, *Ext != NULL,
                          *Ext != NULL && (*Ext)->Started);
    return Node;
}

/* The started edu: one message descriptor, connected message-based; the
 * capability holds HalComposeMessageInterrupt's pair for its vector, MSI
 * Enable and one message enabled; Interrupt Disable, Bus Master and Memory
 * Space set. Prints the line the harness requires. */
static VOID
KtEduCheckMsiOn(PKTEST_CONTEXT KtContext, PDEVICE_NODE Node, PKTEDU_EXTENSION Ext)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Message = &Ext->TranslatedInterrupt;
    PIO_INTERRUPT_MESSAGE_INFO Table = Ext->Connection;
    PCI_MSI_CAPABILITY Msi;
    PHYSICAL_ADDRESS Address, Programmed;
    ULONG Capability, Data = 0;
    USHORT Command = 0;

    KT_ASSERT_EQ(Ext->MessageDescriptors, 1);
    KT_ASSERT(Message->Flags & CM_RESOURCE_INTERRUPT_MESSAGE);
    KT_ASSERT_EQ(Ext->RawInterrupt.u.MessageInterrupt.Raw.MessageCount, 1);
    KT_ASSERT_EQ(Ext->ConnectedVersion, CONNECT_MESSAGE_BASED);
    KT_ASSERT(Table != NULL);
    KT_ASSERT_EQ(Table->MessageCount, 1);
    KT_ASSERT_EQ(Table->MessageInfo[0].Vector, Message->u.MessageInterrupt.Translated.Vector);

    Capability = KtPciFindCapability(Node->PhysicalDeviceObject, PCI_CAPABILITY_ID_MSI);
    KT_ASSERT(Capability != 0);
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, Capability, &Msi, sizeof(Msi)));
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, PCI_COMMAND_OFFSET, &Command, sizeof(Command)));
    KT_ASSERT_EQ(Msi.MessageControl.MSIEnable, 1);
    KT_ASSERT_EQ(Msi.MessageControl.MultipleMessageEnable, 0);     /* 2^0 = 1 message */
    KT_ASSERT_EQ(Msi.MessageControl.CapableOf64Bits, 1);           /* as QEMU's edu has it */
    KT_ASSERT(Command & PCI_DISABLE_LEVEL_INTERRUPT);
    KT_ASSERT(Command & PCI_ENABLE_BUS_MASTER);
    KT_ASSERT(Command & PCI_ENABLE_MEMORY_SPACE);

    KT_ASSERT_STATUS(HalComposeMessageInterrupt(Message->u.MessageInterrupt.Translated.Vector,
                                                Message->u.MessageInterrupt.Translated.Affinity,
                                                &Address, &Data), STATUS_SUCCESS);
    Programmed.LowPart = Msi.MessageAddressLower.Raw;
    Programmed.HighPart = (LONG)Msi.Option64Bit.MessageAddressUpper;
    DbgPrint("EDU: MSI of %wZ: address 0x%llx data 0x%04x -> vector 0x%x IRQL %u; MSI Enable "
             "%u, Interrupt Disable %u\n", &Node->InstancePath, (ULONGLONG)Programmed.QuadPart,
             Msi.Option64Bit.MessageData, Message->u.MessageInterrupt.Translated.Vector,
             Message->u.MessageInterrupt.Translated.Level, Msi.MessageControl.MSIEnable,
             (Command & PCI_DISABLE_LEVEL_INTERRUPT) != 0);
    KT_ASSERT_EQ((ULONGLONG)Programmed.QuadPart, (ULONGLONG)Address.QuadPart);
    KT_ASSERT_EQ(Msi.Option64Bit.MessageData, Data);
    KT_ASSERT_EQ((ULONGLONG)Table->MessageInfo[0].MessageAddress.QuadPart,
                 (ULONGLONG)Address.QuadPart);
    KT_ASSERT_EQ(Table->MessageInfo[0].MessageData, Data);
}

/* PASSIVE_LEVEL. Waits (bounded) until the ISR has run Target times. */
static BOOLEAN
KtEduWaitForIsrCalls(PKTEDU_EXTENSION Ext, LONG Target)
{
    LARGE_INTEGER Timeout;
    ULONG Waited;

    Timeout.QuadPart = -10 * 10000LL;       /* 10 ms */
    for (Waited = 0; Ext->IsrCalls < Target && Waited < KTEDU_WAIT_MS; Waited += 10) {
        (VOID)KeWaitForSingleObject(&Ext->DpcRan, Executive, KernelMode, FALSE, &Timeout);
    }
    return Ext->IsrCalls >= Target;
}

KTEST(PciMsiEduStarted)
{
    BUS_INTERFACE_STANDARD Interface;
    IO_STACK_LOCATION Parameters;
    PKTEDU_EXTENSION Ext;
    PDEVICE_NODE Node = KtEduSetUp(&Ext);
    ULONG Capability;
    USHORT ViaIrp = 0, ViaInterface = 0;

    if (Node == NULL) {
        return;
    }
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT(Ext != NULL && Ext->Started);
    KtEduCheckMsiOn(KtContext, Node, Ext);

    /* BUS_INTERFACE_STANDARD, as a driver that reads config space at
     * DISPATCH_LEVEL gets it, sees the same Message Control. */
    RtlZeroMemory(&Parameters, sizeof(Parameters));
    RtlZeroMemory(&Interface, sizeof(Interface));
    Parameters.Parameters.QueryInterface.InterfaceType = &GUID_BUS_INTERFACE_STANDARD;
    Parameters.Parameters.QueryInterface.Size = sizeof(Interface);
    Parameters.Parameters.QueryInterface.Version = 1;
    Parameters.Parameters.QueryInterface.Interface = (PINTERFACE)&Interface;
    KT_ASSERT_STATUS(IopSendPnpIrp(Node->PhysicalDeviceObject, IRP_MJ_PNP,
                                   IRP_MN_QUERY_INTERFACE, &Parameters.Parameters,
                                   sizeof(Parameters.Parameters.QueryInterface), NULL),
                     STATUS_SUCCESS);
    Capability = KtPciFindCapability(Node->PhysicalDeviceObject, PCI_CAPABILITY_ID_MSI);
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, Capability + 2, &ViaIrp, sizeof(ViaIrp)));
    KT_ASSERT_EQ(Interface.GetBusData(Interface.Context, PCI_WHICHSPACE_CONFIG, &ViaInterface,
                                      Capability + 2, sizeof(ViaInterface)), sizeof(ViaInterface));
    Interface.InterfaceDereference(Interface.Context);
    KT_ASSERT_EQ(ViaInterface, ViaIrp);
}

/* Each raise waits for its interrupt, so that N raises are N messages and
 * the ISR's log can be held against what was raised. */
KTEST(PciMsiEduInterruptsCounted)
{
    PKTEDU_EXTENSION Ext;
    PDEVICE_NODE Node = KtEduSetUp(&Ext);
    LARGE_INTEGER Settle;
    LONG Before, Unclaimed, Dpcs;
    ULONG Index, Raised = 0;

    if (Node == NULL) {
        return;
    }
    KT_ASSERT(Ext != NULL && Ext->Started);
    KT_ASSERT_EQ(Ext->ConnectedVersion, CONNECT_MESSAGE_BASED);
    Before = Ext->IsrCalls;
    Unclaimed = Ext->UnclaimedCalls;
    Dpcs = Ext->DpcCalls;
    (VOID)InterlockedExchange(&Ext->DpcStatus, 0);
    for (Index = 0; Index < KTEDU_RAISES; Index++) {
        ULONG Value = 0x10000U << (Index % 16);

        KtEduWrite(Ext, EDU_REG_INTERRUPT_RAISE, Value);
        Raised |= Value;
        if (!KtEduWaitForIsrCalls(Ext, Before + (LONG)Index + 1)) {
            DbgPrint("FAIL: EDU: raise %u (0x%08x) brought no interrupt in %u ms\n", Index,
                     Value, KTEDU_WAIT_MS);
            KT_ASSERT(!"an interrupt for every raise");
        }
        KT_ASSERT_EQ(Ext->Log[(ULONG)(Before + (LONG)Index) % KTEDU_ISR_LOG], Value);
    }
    /* Nothing more arrives, and the DPCs consumed every bit. */
    Settle.QuadPart = -100 * 10000LL;
    (VOID)KeDelayExecutionThread(KernelMode, FALSE, &Settle);
    DbgPrint("EDU: %u interrupt(s) raised, %d message ISR call(s) (message %u), %d DPC run(s), "
             "%d unclaimed\n", KTEDU_RAISES, Ext->IsrCalls - Before, Ext->LastMessageId,
             Ext->DpcCalls - Dpcs, Ext->UnclaimedCalls - Unclaimed);
    KT_ASSERT_EQ(Ext->IsrCalls - Before, KTEDU_RAISES);
    KT_ASSERT_EQ(Ext->UnclaimedCalls, Unclaimed);
    KT_ASSERT_EQ(Ext->LastMessageId, 0);
    KT_ASSERT(Ext->DpcCalls > Dpcs);
    KT_ASSERT_EQ((ULONG)Ext->DpcStatus, Raised);
    KT_ASSERT_EQ(KtEduRead(Ext, EDU_REG_INTERRUPT_STATUS), 0);
}

KTEST(PciMsiEduFactorial)
{
    PKTEDU_EXTENSION Ext;
    PDEVICE_NODE Node = KtEduSetUp(&Ext);
    LARGE_INTEGER Timeout;
    LONG Before;
    ULONG Result;
    NTSTATUS Status;

    if (Node == NULL) {
        return;
    }
    KT_ASSERT(Ext != NULL && Ext->Started);
    Before = Ext->IsrCalls;
    KeClearEvent(&Ext->FactorialDone);
    KtEduWrite(Ext, EDU_REG_STATUS, EDU_STATUS_IRQ_FACTORIAL);
    KtEduWrite(Ext, EDU_REG_FACTORIAL, 10);
    Timeout.QuadPart = -(LONGLONG)KTEDU_WAIT_MS * 10000LL;
    Status = KeWaitForSingleObject(&Ext->FactorialDone, Executive, KernelMode, FALSE, &Timeout);
    KtEduWrite(Ext, EDU_REG_STATUS, 0);
    Result = KtEduRead(Ext, EDU_REG_FACTORIAL);
    DbgPrint("EDU: 10! = %u, announced by %d interrupt(s) (wait 0x%08x)\n", Result,
             Ext->IsrCalls - Before, (ULONG)Status);
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(KtEduRead(Ext, EDU_REG_STATUS) & EDU_STATUS_COMPUTING, 0);
    KT_ASSERT_EQ(Result, 3628800);
    KT_ASSERT_EQ(Ext->IsrCalls - Before, 1);
    KT_ASSERT_EQ(Ext->Log[(ULONG)Before % KTEDU_ISR_LOG], EDU_INTERRUPT_FACTORIAL);
}

/* A PnP stop turns MSI and decoding off (the PDO, after KtEdu let go);
 * the next start assigns a vector again and MSI is on for it. */
KTEST(PciMsiEduStopStart)
{
    PKTEDU_EXTENSION Ext;
    PDEVICE_NODE Node = KtEduSetUp(&Ext);
    PCI_MSI_CAPABILITY Msi;
    ULONG Capability;
    USHORT Command = 0;
    LONG Before;
    NTSTATUS Status;

    if (Node == NULL) {
        return;
    }
    KT_ASSERT(Ext != NULL && Ext->Started);
    Capability = KtPciFindCapability(Node->PhysicalDeviceObject, PCI_CAPABILITY_ID_MSI);
    KT_ASSERT(Capability != 0);

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Node);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Node->State, DeviceNodeStopped);
    KT_ASSERT(!Ext->Started);
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, Capability, &Msi, sizeof(Msi)));
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, PCI_COMMAND_OFFSET, &Command, sizeof(Command)));
    DbgPrint("EDU: stopped: MSI Enable %u, Interrupt Disable %u, Memory Space %u\n",
             Msi.MessageControl.MSIEnable, (Command & PCI_DISABLE_LEVEL_INTERRUPT) != 0,
             (Command & PCI_ENABLE_MEMORY_SPACE) != 0);
    KT_ASSERT_EQ(Msi.MessageControl.MSIEnable, 0);
    KT_ASSERT(Command & PCI_DISABLE_LEVEL_INTERRUPT);
    KT_ASSERT_EQ(Command & (PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER), 0);

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStart(Node);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT(Ext == KtEduDevice() && Ext->Started);
    KtEduCheckMsiOn(KtContext, Node, Ext);
    /* And it interrupts. */
    Before = Ext->IsrCalls;
    KtEduWrite(Ext, EDU_REG_INTERRUPT_RAISE, 0x40000000);
    KT_ASSERT(KtEduWaitForIsrCalls(Ext, Before + 1));
    KT_ASSERT_EQ(Ext->Log[(ULONG)Before % KTEDU_ISR_LOG], 0x40000000);
    DbgPrint("EDU: started again: MSI on, an interrupt raised arrived\n");
}
