/*
 * tests/kernel/pcibusrescan.c - re-enumeration must not disturb what is
 * running: the PCI bus driver identifies the functions it knows by their
 * header and never sizes their BARs again (drivers/pci/fdo.c). A recording
 * config access in place of the FDO's own shows every config write a scan
 * makes.
 */
#include "tests/kernel/pcibustest.h"

/*
 * A recording config access: what the bus driver's scan writes, through
 * the same HAL routines it would use. A BAR sizing shows as writes to
 * 0x10-0x27 (the BARs) or 0x30/0x38 (the ROM) and to the Command register.
 */
static PCI_CONFIG_ACCESS KtPciRealAccess;
static UCHAR KtPciWatchBus, KtPciWatchDevice, KtPciWatchFunction;
static ULONG KtPciWrites, KtPciWatchedWrites;

static NTSTATUS
KtPciRecordRead(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
                PVOID Buffer, ULONG Length)
{
    UNREFERENCED_PARAMETER(Context);
    return KtPciRealAccess.Read(KtPciRealAccess.Context, Bus, Device, Function, Offset, Buffer,
                                Length);
}

static NTSTATUS
KtPciRecordWrite(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
                 const VOID *Buffer, ULONG Length)
{
    UNREFERENCED_PARAMETER(Context);
    KtPciWrites++;
    if (Bus == KtPciWatchBus && Device == KtPciWatchDevice && Function == KtPciWatchFunction) {
        KtPciWatchedWrites++;
    }
    return KtPciRealAccess.Write(KtPciRealAccess.Context, Bus, Device, Function, Offset, Buffer,
                                 Length);
}

/*
 * A re-scan (IoInvalidateDeviceRelations -> BusRelations) of the bus the
 * started PCI 16550 is on must identify it by its header and leave its BARs
 * alone: the scan writes nothing to it (the recording access says so, and
 * says it would have seen a sizing), the scan's statistics count it as
 * known, and the card still answers at its ports and moves bytes for
 * \Driver\Serial afterwards.
 */
KTEST(PciBusRescanLeavesKnownBarsAlone)
{
    PDEVICE_NODE Root = KtPciRootNode(), Card;
    PPCI_FDO_EXTENSION Fdo;
    PPCI_PDO_EXTENSION CardPdo;
    PCI_SCAN_REQUEST Request = {0};
    PCI_CONFIG_ACCESS Recorder;
    PCI_SCAN_RESULT Result;
    ULONG Scans, Ports;
    ULONG_PTR Written;
    UCHAR Saved, Readback;

    KT_ASSERT(Root != NULL);
    Card = KtPciSerialCard();
    if (Card == NULL || Card->State != DeviceNodeStarted) {
        DbgPrint("PCI: no started PCI 16550 on this machine; only the harness's pci boots have "
                 "one\n");
        return;
    }
    /* The FDO that reported the card: \Driver\Pci above its parent's PDO. */
    KT_ASSERT(KtPciDriverIs(Card->Parent->PhysicalDeviceObject->AttachedDevice, L"\\Driver\\Pci"));
    Fdo = Card->Parent->PhysicalDeviceObject->AttachedDevice->DeviceExtension;
    CardPdo = Card->PhysicalDeviceObject->DeviceExtension;
    KT_ASSERT(Fdo->Common.IsFdo && !CardPdo->Common.IsFdo && CardPdo->Parent == Fdo);
    Ports = KtPciCardPorts(Card);
    KT_ASSERT(Ports != 0);

    KtPciRealAccess = Fdo->Access;
    Recorder = KtPciRealAccess;
    Recorder.Read = KtPciRecordRead;
    Recorder.Write = KtPciRecordWrite;
    KtPciWatchBus = CardPdo->Function.Bus;
    KtPciWatchDevice = CardPdo->Function.Device;
    KtPciWatchFunction = CardPdo->Function.Function;
    KtPciWrites = KtPciWatchedWrites = 0;

    /* The bus driver's re-scan, through the recorder. */
    IopAcquirePnpTreeLock();
    Fdo->Access = Recorder;
    Scans = Fdo->ScanCount;
    IopReleasePnpTreeLock();
    IoInvalidateDeviceRelations(Card->Parent->PhysicalDeviceObject, BusRelations);
    IopWaitForPnpIdle();
    IopAcquirePnpTreeLock();
    Fdo->Access = KtPciRealAccess;
    IopReleasePnpTreeLock();
    DbgPrint("PCI: re-scan of bus %u: %u function(s), %u new, %u known, %u gone; %u config "
             "write(s), %u to the card\n", KtPciWatchBus, Fdo->LastScan.Functions,
             Fdo->LastScan.New, Fdo->LastScan.Known, Fdo->LastScan.Gone, KtPciWrites,
             KtPciWatchedWrites);
    KT_ASSERT_EQ(Fdo->ScanCount, Scans + 1);
    KT_ASSERT_EQ(KtPciWatchedWrites, 0);
    KT_ASSERT_EQ(KtPciWrites, 0);
    KT_ASSERT(Fdo->LastScan.Known >= 1);
    KT_ASSERT_EQ(Fdo->LastScan.Known, Fdo->LastScan.Functions);
    KT_ASSERT_EQ(Fdo->LastScan.New, 0);
    KT_ASSERT_EQ(Fdo->LastScan.Gone, 0);
    KT_ASSERT(CardPdo->Present && CardPdo->Started);
    KT_ASSERT_EQ(Card->State, DeviceNodeStarted);

    /* The recorder sees a sizing when there is one: the same bus scanned by
     * the core with nothing known sizes the (idle) card's BAR0. */
    Request.Bus = KtPciWatchBus;
    Request.ParentBus = CardPdo->Function.ParentBus;
    KtPciWrites = KtPciWatchedWrites = 0;
    KT_ASSERT_STATUS(PciScan(&Recorder, &Request, &Result), STATUS_SUCCESS);
    PciFreeScanResult(&Result);
    KT_ASSERT(KtPciWatchedWrites >= 2);

    /* The card is where its driver left it: its scratch register (16550:
     * offset 7) answers at the assigned ports, and a write goes through. */
    Saved = READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)(Ports + 7));
    WRITE_PORT_UCHAR((PUCHAR)(ULONG_PTR)(Ports + 7), 0x5A);
    Readback = READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)(Ports + 7));
    WRITE_PORT_UCHAR((PUCHAR)(ULONG_PTR)(Ports + 7), Saved);
    KT_ASSERT_EQ(Readback, 0x5A);
    KT_ASSERT_STATUS(KtPciCardWrite(Card, 256, &Written), STATUS_SUCCESS);
    KT_ASSERT_EQ(Written, 256);
}
