/*
 * drivers/pci/enum.c - finding PCI functions: on one bus, device 0-31,
 * function 0 and, when its header says multi-function, functions 1-7 (PCI
 * Local Bus 3.0 6.2.1); and, when asked, through each bridge to the buses
 * the firmware numbered behind it (PCI-to-PCI Bridge Architecture 1.2,
 * 3.2.5.3: Secondary and Subordinate Bus Number).
 *
 * A function is first identified from its header alone (identity, header
 * type, bridge buses, interrupt): reading config space never disturbs a
 * device. Only then, and only for a function the caller does not know
 * already, are its BARs sized (which briefly turns its decoding off, bar.c)
 * and its capabilities walked. The bus driver relies on that: a re-scan
 * must not size the BARs of a function whose driver is using them.
 *
 * Bus numbers are firmware data, so they are not trusted: a bridge whose
 * secondary bus is 0, not above its own bus, or already scanned is reported
 * and not followed. Every bus is scanned at most once, which bounds the scan
 * to 256 buses whatever the bridges say.
 */
#include "pci.h"

/* PASSIVE_LEVEL. The header only: nothing is written. */
static BOOLEAN
PciReadHeader(const PCI_CONFIG_ACCESS *Access, UCHAR Bus, UCHAR Device, UCHAR FunctionNumber,
              PPCI_FUNCTION Function)
{
    PCI_COMMON_HEADER Header;
    NTSTATUS Status;

    RtlZeroMemory(Function, sizeof(*Function));
    Status = Access->Read(Access->Context, Bus, Device, FunctionNumber, 0, &Header,
                          sizeof(Header));
    if (!NT_SUCCESS(Status)) {
        DbgPrint("PCI %02x:%02x.%x: config space read failed (0x%08x); skipped\n", Bus, Device,
                 FunctionNumber, Status);
        Function->ProblemCount++;
        return FALSE;
    }
    if (Header.VendorID == PCI_INVALID_VENDORID) {
        return FALSE;
    }
    if (Header.VendorID == 0) {
        /* The PCI SIG never assigns 0000 (WDK: an invalid code); a function
         * reading so is broken or a decoding artefact. */
        DbgPrint("PCI %02x:%02x.%x: vendor ID 0000 is invalid; skipped\n", Bus, Device,
                 FunctionNumber);
        Function->ProblemCount++;
        return FALSE;
    }

    Function->Segment = Access->Segment;
    Function->Bus = Bus;
    Function->ParentBus = Bus;
    Function->Device = Device;
    Function->Function = FunctionNumber;
    Function->VendorId = Header.VendorID;
    Function->DeviceId = Header.DeviceID;
    Function->Command = Header.Command;
    Function->RevisionId = Header.RevisionID;
    Function->BaseClass = Header.BaseClass;
    Function->SubClass = Header.SubClass;
    Function->ProgIf = Header.ProgIf;
    Function->HeaderType = PCI_CONFIGURATION_TYPE(&Header);
    Function->MultiFunction = PCI_MULTIFUNCTION_DEVICE(&Header);
    Function->PhysicalSlotNumber = MAXULONG;

    switch (Function->HeaderType) {
    case PCI_DEVICE_TYPE:
        Function->SubVendorId = Header.u.type0.SubVendorID;
        Function->SubSystemId = Header.u.type0.SubSystemID;
        Function->InterruptLine = Header.u.type0.InterruptLine;
        Function->InterruptPin = Header.u.type0.InterruptPin;
        break;
    case PCI_BRIDGE_TYPE:
        Function->SecondaryBus = Header.u.type1.SecondaryBus;
        Function->SubordinateBus = Header.u.type1.SubordinateBus;
        Function->InterruptLine = Header.u.type1.InterruptLine;
        Function->InterruptPin = Header.u.type1.InterruptPin;
        break;
    case PCI_CARDBUS_BRIDGE_TYPE:
        Function->SecondaryBus = Header.u.type2.SecondaryBus;
        Function->SubordinateBus = Header.u.type2.SubordinateBus;
        Function->InterruptLine = Header.u.type2.InterruptLine;
        Function->InterruptPin = Header.u.type2.InterruptPin;
        break;
    default:
        DbgPrint("PCI %02x:%02x.%x: header type 0x%02x is not one PCI 3.0 defines; only its "
                 "identity is used\n", Bus, Device, FunctionNumber, Function->HeaderType);
        Function->ProblemCount++;
        break;
    }
    if (Function->InterruptPin > 4) {
        DbgPrint("PCI %02x:%02x.%x: interrupt pin %u is not INTA#-INTD#; taken as none\n", Bus,
                 Device, FunctionNumber, Function->InterruptPin);
        Function->InterruptPin = 0;
        Function->ProblemCount++;
    }
    return TRUE;
}

/* PASSIVE_LEVEL. What reading the header did not give: BARs (sized, with
 * decoding off meanwhile), capabilities, ID strings. */
static VOID
PciReadDetails(const PCI_CONFIG_ACCESS *Access, PPCI_FUNCTION Function)
{
    if (Function->HeaderType <= PCI_CARDBUS_BRIDGE_TYPE) {
        PciSizeBars(Access, Function);
        PciReadCapabilities(Access, Function);
    }
    PciFormatIds(Function);
}

/* PASSIVE_LEVEL. */
BOOLEAN
PciReadFunction(const PCI_CONFIG_ACCESS *Access, UCHAR Bus, UCHAR Device, UCHAR FunctionNumber,
                PPCI_FUNCTION Function)
{
    if (!PciReadHeader(Access, Bus, Device, FunctionNumber, Function)) {
        return FALSE;
    }
    PciReadDetails(Access, Function);
    return TRUE;
}

/* Any IRQL. */
BOOLEAN
PciCheckSecondaryBus(const PCI_FUNCTION *Bridge, const BOOLEAN *Taken, PULONG Problems)
{
    UCHAR Secondary = Bridge->SecondaryBus;

    if (Secondary == 0) {
        DbgPrint("PCI %02x:%02x.%x: bridge has secondary bus 0 (not numbered by the firmware); "
                 "not followed\n", Bridge->Bus, Bridge->Device, Bridge->Function);
        (*Problems)++;
        return FALSE;
    }
    if (Secondary <= Bridge->Bus || Taken[Secondary]) {
        DbgPrint("PCI %02x:%02x.%x: bridge says its secondary bus is %u, %s; not followed\n",
                 Bridge->Bus, Bridge->Device, Bridge->Function, Secondary,
                 Taken[Secondary] ? "a bus already scanned" : "not above its own bus");
        (*Problems)++;
        return FALSE;
    }
    if (Bridge->SubordinateBus < Secondary) {
        DbgPrint("PCI %02x:%02x.%x: bridge's subordinate bus %u is below its secondary bus %u; "
                 "following the secondary bus only\n", Bridge->Bus, Bridge->Device,
                 Bridge->Function, Bridge->SubordinateBus, Secondary);
        (*Problems)++;
    }
    return TRUE;
}

/* PASSIVE_LEVEL. */
VOID
PciFreeScanResult(PPCI_SCAN_RESULT Result)
{
    PPCI_FUNCTION Function = Result->Functions;

    while (Function != NULL) {
        PPCI_FUNCTION Next = Function->Next;

        ExFreePoolWithTag(Function, PCI_POOL_TAG);
        Function = Next;
    }
    RtlZeroMemory(Result, sizeof(*Result));
}

/* PASSIVE_LEVEL. */
NTSTATUS
PciScan(const PCI_CONFIG_ACCESS *Access, const PCI_SCAN_REQUEST *Request,
        PPCI_SCAN_RESULT Result)
{
    BOOLEAN Seen[256] = {FALSE};
    UCHAR Parent[256];
    UCHAR Queue[256];
    ULONG Head = 0, Tail = 0;
    PPCI_FUNCTION *Link = &Result->Functions;

    RtlZeroMemory(Result, sizeof(*Result));
    Seen[Request->Bus] = TRUE;
    Parent[Request->Bus] = Request->ParentBus;
    Queue[Tail++] = Request->Bus;

    while (Head < Tail) {
        UCHAR Bus = Queue[Head++];
        UCHAR Device, FunctionNumber;

        Result->BusCount++;
        for (Device = 0; Device < PCI_MAX_DEVICES; Device++) {
            BOOLEAN MultiFunction = FALSE;

            for (FunctionNumber = 0; FunctionNumber < PCI_MAX_FUNCTION; FunctionNumber++) {
                PPCI_FUNCTION Function;

                if (FunctionNumber != 0 && !MultiFunction) {
                    break;
                }
                Function = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*Function),
                                                 PCI_POOL_TAG);
                if (Function == NULL) {
                    DbgPrint("PCI: out of pool while scanning bus %u\n", Bus);
                    PciFreeScanResult(Result);
                    return STATUS_INSUFFICIENT_RESOURCES;
                }
                if (!PciReadHeader(Access, Bus, Device, FunctionNumber, Function)) {
                    Result->ProblemCount += Function->ProblemCount;
                    ExFreePoolWithTag(Function, PCI_POOL_TAG);
                    if (FunctionNumber == 0) {
                        break;      /* no device: functions 1-7 need not be looked at */
                    }
                    continue;       /* functions may be sparse (PCI 3.0 6.2.1) */
                }
                if (FunctionNumber == 0) {
                    MultiFunction = Function->MultiFunction;
                }
                Function->ParentBus = Parent[Bus];
                if (Request->Known != NULL && Request->Known(Request->Context, Function)) {
                    Function->Known = TRUE;     /* its BARs stay as they are */
                    Result->KnownCount++;
                } else {
                    PciReadDetails(Access, Function);
                }
                *Link = Function;
                Link = &Function->Next;
                Result->FunctionCount++;
                Result->ProblemCount += Function->ProblemCount;

                if (Request->FollowBridges &&
                    (Function->HeaderType == PCI_BRIDGE_TYPE ||
                     Function->HeaderType == PCI_CARDBUS_BRIDGE_TYPE) &&
                    PciCheckSecondaryBus(Function, Seen, &Result->ProblemCount)) {
                    Seen[Function->SecondaryBus] = TRUE;
                    Parent[Function->SecondaryBus] = Bus;
                    Queue[Tail++] = Function->SecondaryBus;
                }
            }
        }
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS
PciEnumerateBus(const PCI_CONFIG_ACCESS *Access, UCHAR RootBus, PPCI_SCAN_RESULT Result)
{
    PCI_SCAN_REQUEST Request = {.Bus = RootBus, .ParentBus = RootBus, .FollowBridges = TRUE};

    return PciScan(Access, &Request, Result);
}
