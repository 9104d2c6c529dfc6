/*
 * tests/kernel/ktnvmetest.c - MSI-X end to end on QEMU's NVMe controller,
 * driven by KtNvme (tests/kernel/ktnvme.h), registered at run time.
 *
 * What a user of message-signaled interrupts would notice: the controller
 * is started with MSI-X message descriptors; MSI-X table entry 0 in BAR0
 * holds the message HalComposeMessageInterrupt gives for message 0's
 * vector, unmasked, with MSI-X enabled; each Identify Controller completes
 * with status 0 through exactly one message-0 interrupt and returns QEMU's
 * model number and the serial the harness passes (serial=kestrel); and all
 * of it again after a PnP stop and start. Every wait is bounded, so a
 * missing interrupt fails with a message instead of hanging the boot.
 *
 * Only the harness's "pci" boots have the controller; elsewhere each test
 * says there is nothing to check and passes.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pcibustest.h"
#include "tests/kernel/ktnvme.h"
#include "io/pnpp.h"

#define KTNVME_IDENTIFY_ROUNDS 4
#define PCI_MSIX_CONTROL_ENABLE 0x8000
#define PCI_MSIX_CONTROL_FUNCTION_MASK 0x4000
#define PCI_MSIX_CONTROL_TABLE_SIZE 0x07FF
#define PCI_MSIX_ENTRY_MASKED 0x00000001

/* PASSIVE_LEVEL. Registers KtNvme and returns the controller's node
 * (NULL, said aloud, when this machine has none) and extension. */
static PDEVICE_NODE
KtNvmeSetUp(PKTNVME_EXTENSION *Ext)
{
    PDEVICE_NODE Node;

    KtNvmeRegister();
    Node = KtNvmeDeviceNode();
    *Ext = KtNvmeDevice();
    KtPciReportTestDevice("NVMe", "NVMe controller (PCI 1B36:0010)", "KtNvme", Node,
                          *Ext != NULL, *Ext != NULL && (*Ext)->Started);
    return Node;
}

/* Checks the started controller's message resources and its MSI-X state:
 * config space (Enable, Function Mask, Interrupt Disable, Bus Master) and
 * the table in BAR0 (entry 0 = HalComposeMessageInterrupt's message for
 * message 0's vector, unmasked; the first entry past the messages masked). */
static VOID
KtNvmeCheckMsix(PKTEST_CONTEXT KtContext, PDEVICE_NODE Node, PKTNVME_EXTENSION Ext)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Message0 = &Ext->TranslatedMessages[0];
    PCI_MSIX_TABLE_CONFIG Msix;
    PHYSICAL_ADDRESS Address;
    volatile ULONG *Entry;
    ULONG Capability, Data = 0, Index, TableSize;
    USHORT Command = 0;

    KT_ASSERT(Ext->MessageDescriptors >= 1 && Ext->MessageDescriptors <= KTNVME_MAX_MESSAGES);
    for (Index = 0; Index < Ext->MessageDescriptors; Index++) {
        KT_ASSERT_EQ(Ext->TranslatedMessages[Index].Type, CmResourceTypeInterrupt);
        KT_ASSERT(Ext->TranslatedMessages[Index].Flags & CM_RESOURCE_INTERRUPT_MESSAGE);
        KT_ASSERT_EQ(Ext->RawMessages[Index].u.MessageInterrupt.Raw.MessageCount, 1);
    }
    KT_ASSERT(Ext->MessageTable != NULL);
    KT_ASSERT_EQ(Ext->ConnectedVersion, CONNECT_MESSAGE_BASED);
    KT_ASSERT_EQ(Ext->MessageTable->MessageCount, Ext->MessageDescriptors);
    KT_ASSERT_EQ(Ext->MessageTable->MessageInfo[0].Vector,
                 Message0->u.MessageInterrupt.Translated.Vector);

    Capability = KtPciFindCapability(Node->PhysicalDeviceObject, PCI_CAPABILITY_ID_MSIX);
    KT_ASSERT(Capability != 0);
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, Capability, &Msix, sizeof(Msix)));
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, PCI_COMMAND_OFFSET, &Command, sizeof(Command)));
    KT_ASSERT(Msix.MessageControl & PCI_MSIX_CONTROL_ENABLE);
    KT_ASSERT_EQ(Msix.MessageControl & PCI_MSIX_CONTROL_FUNCTION_MASK, 0);
    KT_ASSERT(Command & PCI_DISABLE_LEVEL_INTERRUPT);
    KT_ASSERT(Command & PCI_ENABLE_BUS_MASTER);
    TableSize = (Msix.MessageControl & PCI_MSIX_CONTROL_TABLE_SIZE) + 1U;
    KT_ASSERT(TableSize >= Ext->MessageDescriptors);
    /* QEMU keeps the table in BAR0, which KtNvme has mapped whole. */
    KT_ASSERT_EQ(Msix.TableOffset & PCI_MSIX_BIR_MASK, 0);
    KT_ASSERT((Msix.TableOffset & PCI_MSIX_OFFSET_MASK) + TableSize * 16ULL <= Ext->Bar0Length);

    KT_ASSERT_STATUS(HalComposeMessageInterrupt(Message0->u.MessageInterrupt.Translated.Vector,
                                                Message0->u.MessageInterrupt.Translated.Affinity,
                                                &Address, &Data), STATUS_SUCCESS);
    Entry = (volatile ULONG *)(Ext->Registers + (Msix.TableOffset & PCI_MSIX_OFFSET_MASK));
    DbgPrint("NVMe: MSI-X entry 0: address 0x%08x%08x data 0x%08x control 0x%x; message 0 is "
             "vector 0x%x IRQL %u\n", Entry[1], Entry[0], Entry[2], Entry[3],
             Message0->u.MessageInterrupt.Translated.Vector,
             Message0->u.MessageInterrupt.Translated.Level);
    KT_ASSERT_EQ(Entry[0], (ULONG)Address.QuadPart);
    KT_ASSERT_EQ(Entry[1], (ULONG)((ULONGLONG)Address.QuadPart >> 32));
    KT_ASSERT_EQ(Entry[2], Data);
    KT_ASSERT_EQ(Entry[3] & PCI_MSIX_ENTRY_MASKED, 0);
    if (TableSize > Ext->MessageDescriptors) {
        KT_ASSERT(Entry[4 * Ext->MessageDescriptors + 3] & PCI_MSIX_ENTRY_MASKED);
    }
}

/* Runs Identify Controller Rounds times, one at a time, each through
 * exactly one message-0 interrupt, and checks what it returned. */
static VOID
KtNvmeCheckIdentify(PKTEST_CONTEXT KtContext, PKTNVME_EXTENSION Ext, ULONG Rounds)
{
    static const CHAR Model[] = "QEMU NVMe Ctrl";
    static const CHAR Serial[] = "kestrel";
    ULONG Before[KTNVME_MAX_MESSAGES], Empty = Ext->EmptyInterrupts, Index, Round;
    NVME_COMPLETION Completion;
    LARGE_INTEGER Settle;
    PUCHAR Data;

    for (Index = 0; Index < KTNVME_MAX_MESSAGES; Index++) {
        Before[Index] = Ext->MessageInterrupts[Index];
    }
    for (Round = 0; Round < Rounds; Round++) {
        ULONG Interrupts = Ext->MessageInterrupts[0];

        KT_ASSERT_STATUS(KtNvmeIdentifyController(Ext, &Completion), STATUS_SUCCESS);
        KT_ASSERT_EQ(NVME_STATUS_FIELD(Completion.Status), 0);
        KT_ASSERT_EQ(Completion.SqId, 0);
        KT_ASSERT_EQ(Ext->MessageInterrupts[0] - Interrupts, 1);
    }
    /* A late second message for the last command would show up here. */
    Settle.QuadPart = -200000;          /* 20 ms */
    KeDelayExecutionThread(KernelMode, FALSE, &Settle);
    KT_ASSERT_EQ(Ext->MessageInterrupts[0] - Before[0], Rounds);
    KT_ASSERT_EQ(Ext->EmptyInterrupts, Empty);
    for (Index = 1; Index < KTNVME_MAX_MESSAGES; Index++) {
        KT_ASSERT_EQ(Ext->MessageInterrupts[Index], Before[Index]);
    }

    /* 5.15.2.1: ASCII, padded with spaces. */
    Data = KtNvmeDataPage(Ext);
    for (Index = 0; Index < NVME_IDENTIFY_MN_LENGTH; Index++) {
        KT_ASSERT_EQ(Data[NVME_IDENTIFY_MN_OFFSET + Index],
                     Index < sizeof(Model) - 1 ? (UCHAR)Model[Index] : (UCHAR)' ');
    }
    for (Index = 0; Index < NVME_IDENTIFY_SN_LENGTH; Index++) {
        KT_ASSERT_EQ(Data[NVME_IDENTIFY_SN_OFFSET + Index],
                     Index < sizeof(Serial) - 1 ? (UCHAR)Serial[Index] : (UCHAR)' ');
    }
    DbgPrint("NVMe: %u x Identify Controller through MSI-X message 0: status 0, model '%.40s', "
             "serial '%.20s', %u interrupt(s)\n", Rounds, Data + NVME_IDENTIFY_MN_OFFSET,
             Data + NVME_IDENTIFY_SN_OFFSET, Ext->MessageInterrupts[0] - Before[0]);
}

KTEST(NvmeMsixStarted)
{
    PKTNVME_EXTENSION Ext;
    PDEVICE_NODE Node = KtNvmeSetUp(&Ext);

    if (Node == NULL) {
        return;
    }
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT(Ext != NULL && Ext->Started);
    KT_ASSERT(Node->PhysicalDeviceObject->AttachedDevice == Ext->DeviceObject);
    DbgPrint("NVMe: KtNvme started on %wZ with %u MSI-X message(s), BAR0 0x%llx (0x%llx bytes)\n",
             &Node->InstancePath, Ext->MessageDescriptors, (ULONGLONG)Ext->Bar0.QuadPart,
             (ULONGLONG)Ext->Bar0Length);
    KtNvmeCheckMsix(KtContext, Node, Ext);
}

KTEST(NvmeIdentifyThroughMsix)
{
    PKTNVME_EXTENSION Ext;
    PDEVICE_NODE Node = KtNvmeSetUp(&Ext);

    if (Node == NULL) {
        return;
    }
    KT_ASSERT(Ext != NULL && Ext->Started);
    KtNvmeCheckIdentify(KtContext, Ext, KTNVME_IDENTIFY_ROUNDS);
}

KTEST(NvmeMsixSurvivesStopStart)
{
    PKTNVME_EXTENSION Ext;
    PDEVICE_NODE Node = KtNvmeSetUp(&Ext);
    ULONG Starts, Capability;
    USHORT Control = 0;
    NTSTATUS Status;

    if (Node == NULL) {
        return;
    }
    KT_ASSERT(Ext != NULL && Ext->Started);
    Starts = Ext->StartCount;
    Capability = KtPciFindCapability(Node->PhysicalDeviceObject, PCI_CAPABILITY_ID_MSIX);
    KT_ASSERT(Capability != 0);

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStop(Node);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Node->State, DeviceNodeStopped);
    /* KtNvme let go of everything, the controller saw CSTS.RDY fall, and
     * the PCI PDO turned MSI-X off. */
    KT_ASSERT(!Ext->Started);
    KT_ASSERT_STATUS(Ext->StopStatus, STATUS_SUCCESS);
    KT_ASSERT(Ext->MessageTable == NULL && Ext->Registers == NULL && Ext->Dma == NULL);
    KT_ASSERT(KtPciReadConfigAll(Node->PhysicalDeviceObject, Capability + 2, &Control, sizeof(Control)));
    KT_ASSERT_EQ(Control & PCI_MSIX_CONTROL_ENABLE, 0);

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceStart(Node);
    IopReleasePnpTreeLock();
    KT_ASSERT_STATUS(Status, STATUS_SUCCESS);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT(Ext->Started);
    KT_ASSERT_EQ(Ext->StartCount, Starts + 1);
    KtNvmeCheckMsix(KtContext, Node, Ext);
    if (KtContext->Failed) {
        return;
    }
    KtNvmeCheckIdentify(KtContext, Ext, 2);
}
