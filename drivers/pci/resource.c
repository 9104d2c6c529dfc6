/*
 * drivers/pci/resource.c - a PCI function's resources in the forms the PnP
 * manager asks for: IO_RESOURCE_REQUIREMENTS_LIST (what the function needs,
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS) and CM_RESOURCE_LIST (what it has,
 * IRP_MN_QUERY_RESOURCES, raw). WDK wdm.h layouts (ddk/pnptypes.h).
 *
 * Kestrel keeps what the firmware assigned, so each assigned BAR is
 * required as exactly that range (MinimumAddress = its address, Maximum =
 * the last byte, Alignment = Length). A BAR the firmware left at 0 is
 * required anywhere its type can decode, and is not among the resources.
 *
 * Interrupts. A function can signal by messages (MSI-X, else MSI: PCI 3.0
 * 6.8) and by its INTx# line, as the Interrupt Line register says the
 * firmware routed it (PCI 3.0 6.2.4; level triggered and shareable, 2.2.6;
 * on QEMU's chipsets the PIRQ router drives the IOAPIC input of that
 * number). The requirements offer what it has as alternative lists, the
 * preferred first, as Windows' pci.sys does:
 *
 *   List[0]  the BARs + the message descriptor(s)    (when it has messages)
 *   List[1]  the BARs + the line descriptor           (when it has a line)
 *
 * so that the PnP manager falls back on the line when the function driver
 * did not declare message support or no message vectors are left. A
 * message descriptor has CM_RESOURCE_INTERRUPT_MESSAGE and a vector range
 * counting down from CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN, one value per
 * message: MSI asks for ONE descriptor of its Multiple Message Capable
 * count (the messages are one aligned block, 6.8.1.3); MSI-X for one
 * descriptor of one message per table entry, since each entry has its own
 * address and data (6.8.2), up to PCI_MAX_MSIX_MESSAGES = 8 (Kestrel's
 * policy: message vectors come from one device level of 16, so a function
 * may take half of one; Windows asks for every entry). The boot
 * configuration (PciBuildResourceList) is what the firmware set up: the
 * BARs, and the line of a function without messages (the firmware assigns
 * no messages, and for a function that has them the line is only the
 * fallback alternative).
 */
#include "pci.h"

/* 0xFF in Interrupt Line means "unknown / not connected" on x86 (PCI 3.0
 * 6.2.4, footnote for x86 systems). */
#define PCI_INTERRUPT_LINE_UNKNOWN 0xFF

/* Any IRQL, as every routine here but the two builders. */
static BOOLEAN
PciHasLineInterrupt(const PCI_FUNCTION *Function)
{
    return Function->InterruptPin != 0 && Function->InterruptLine != PCI_INTERRUPT_LINE_UNKNOWN;
}

/* Any IRQL. The message descriptors the function asks for: one per MSI-X entry
 * offered, one for the whole MSI block, 0 without messages. */
static ULONG
PciMessageDescriptorCount(const PCI_FUNCTION *Function)
{
    if (Function->MsiX.Present) {
        return Function->MsiX.TableSize < PCI_MAX_MSIX_MESSAGES ? Function->MsiX.TableSize
                                                                : PCI_MAX_MSIX_MESSAGES;
    }
    return Function->Msi.Present ? 1 : 0;
}

/* Any IRQL. The highest address a BAR of this kind can decode. */
static ULONGLONG
PciBarDecodeLimit(const PCI_BAR *Bar)
{
    switch (Bar->Kind) {
    case PciBarIo:
        return 0xFFFF;
    case PciBarMemoryBelow1M:
        return 0xFFFFF;
    case PciBarMemory64:
        return ~0ULL;
    default:
        return 0xFFFFFFFF;
    }
}

/* Any IRQL. */
static VOID
PciFillRequirement(PIO_RESOURCE_DESCRIPTOR Descriptor, const PCI_BAR *Bar)
{
    ULONGLONG Minimum = Bar->Address, Maximum = Bar->Address + Bar->Length - 1;

    if (Bar->Address == 0) {
        Minimum = 0;
        Maximum = PciBarDecodeLimit(Bar);
    }
    Descriptor->ShareDisposition = CmResourceShareDeviceExclusive;
    if (Bar->Kind == PciBarIo) {
        Descriptor->Type = CmResourceTypePort;
        Descriptor->Flags = CM_RESOURCE_PORT_IO | CM_RESOURCE_PORT_16_BIT_DECODE;
        Descriptor->u.Port.Length = (ULONG)Bar->Length;
        Descriptor->u.Port.Alignment = (ULONG)Bar->Length;
    } else if (Bar->Length <= 0xFFFFFFFFULL) {
        Descriptor->Type = CmResourceTypeMemory;
        Descriptor->Flags = CM_RESOURCE_MEMORY_READ_WRITE;
        Descriptor->u.Memory.Length = (ULONG)Bar->Length;
        Descriptor->u.Memory.Alignment = (ULONG)Bar->Length;
    } else {
        /* 4 GiB and more: a power of two, so a whole number of 4 GiB units. */
        Descriptor->Type = CmResourceTypeMemoryLarge;
        Descriptor->Flags = CM_RESOURCE_MEMORY_READ_WRITE | CM_RESOURCE_MEMORY_LARGE_64;
        Descriptor->u.Memory64.Length64 = (ULONG)(Bar->Length >> 32);
        Descriptor->u.Memory64.Alignment64 = (ULONG)(Bar->Length >> 32);
    }
    if (Bar->Prefetchable) {
        Descriptor->Flags |= CM_RESOURCE_MEMORY_PREFETCHABLE;
    }
    Descriptor->u.Generic.MinimumAddress.QuadPart = (LONGLONG)Minimum;
    Descriptor->u.Generic.MaximumAddress.QuadPart = (LONGLONG)Maximum;
}

/* Any IRQL. Starts an alternative list with the BAR descriptors (the expansion ROM
 * is its driver's business, not a resource); returns the first descriptor
 * after them. */
static PIO_RESOURCE_DESCRIPTOR
PciStartAlternative(PIO_RESOURCE_LIST Alternative, const PCI_FUNCTION *Function)
{
    PIO_RESOURCE_DESCRIPTOR Descriptor = Alternative->Descriptors;
    ULONG Index;

    Alternative->Version = 1;
    Alternative->Revision = 1;
    for (Index = 0; Index < Function->BarCount; Index++) {
        if (Function->Bars[Index].Kind != PciBarRom) {
            PciFillRequirement(Descriptor++, &Function->Bars[Index]);
        }
    }
    return Descriptor;
}

/* Any IRQL. A message descriptor for Count messages starting Skip values below the
 * token (MinimumVector = TOKEN - Skip - (Count - 1)). */
static VOID
PciFillMessageRequirement(PIO_RESOURCE_DESCRIPTOR Descriptor, ULONG Skip, ULONG Count)
{
    Descriptor->Type = CmResourceTypeInterrupt;
    Descriptor->ShareDisposition = CmResourceShareDeviceExclusive;
    Descriptor->Flags = CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED;
    Descriptor->u.Interrupt.MinimumVector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - Skip -
                                            (Count - 1);
    Descriptor->u.Interrupt.MaximumVector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - Skip;
    Descriptor->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
}

/* PASSIVE_LEVEL. *List is NULL (and STATUS_SUCCESS) when the function
 * needs nothing, as a bus driver answers with no list then. */
NTSTATUS
PciBuildRequirementsList(const PCI_FUNCTION *Function, PIO_RESOURCE_REQUIREMENTS_LIST *List)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_LIST Alternative;
    PIO_RESOURCE_DESCRIPTOR Descriptor;
    ULONG Bars = 0, Index, Messages = PciMessageDescriptorCount(Function), Size;
    BOOLEAN Line = PciHasLineInterrupt(Function);
    ULONG Lists = (Messages != 0 && Line) ? 2 : 1;
    PCI_SLOT_NUMBER Slot;

    *List = NULL;
    for (Index = 0; Index < Function->BarCount; Index++) {
        Bars += Function->Bars[Index].Kind != PciBarRom;
    }
    if (Bars == 0 && Messages == 0 && !Line) {
        return STATUS_SUCCESS;
    }

    /* The lists follow each other, each as long as its descriptors. */
    Size = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List) +
           Lists * FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) +
           (Lists * Bars + Messages + Line) * sizeof(IO_RESOURCE_DESCRIPTOR);
    Requirements = ExAllocatePoolWithTag(NonPagedPoolNx, Size, PCI_POOL_TAG);
    if (Requirements == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(Requirements, Size);
    Slot.u.AsULONG = 0;
    Slot.u.bits.DeviceNumber = Function->Device;
    Slot.u.bits.FunctionNumber = Function->Function;
    Requirements->ListSize = Size;
    Requirements->InterfaceType = PCIBus;
    Requirements->BusNumber = Function->Bus;
    Requirements->SlotNumber = Slot.u.AsULONG;
    Requirements->AlternativeLists = Lists;

    /* The preferred list: the messages. */
    Alternative = Requirements->List;
    if (Messages != 0) {
        Descriptor = PciStartAlternative(Alternative, Function);
        if (Function->MsiX.Present) {
            for (Index = 0; Index < Messages; Index++) {
                PciFillMessageRequirement(Descriptor++, Index, 1);
            }
        } else {
            PciFillMessageRequirement(Descriptor++, 0, Function->Msi.MessageCount);
        }
        Alternative->Count = (ULONG)(Descriptor - Alternative->Descriptors);
        /* The next list begins after this one's last descriptor. */
        Alternative = (PIO_RESOURCE_LIST)Descriptor;
    }
    /* The line, or the BARs alone for a function that cannot interrupt. */
    if (Line || Messages == 0) {
        Descriptor = PciStartAlternative(Alternative, Function);
        if (Line) {
            Descriptor->Type = CmResourceTypeInterrupt;
            Descriptor->ShareDisposition = CmResourceShareShared;
            Descriptor->Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
            Descriptor->u.Interrupt.MinimumVector = Function->InterruptLine;
            Descriptor->u.Interrupt.MaximumVector = Function->InterruptLine;
            Descriptor->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
            Descriptor++;
        }
        Alternative->Count = (ULONG)(Descriptor - Alternative->Descriptors);
    }
    *List = Requirements;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. *List is NULL (and STATUS_SUCCESS) when the function has
 * no assigned resources. */
NTSTATUS
PciBuildResourceList(const PCI_FUNCTION *Function, PCM_RESOURCE_LIST *List)
{
    PCM_RESOURCE_LIST Resources;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor;
    ULONG Count = 0, Index, Size;

    *List = NULL;
    for (Index = 0; Index < Function->BarCount; Index++) {
        const PCI_BAR *Bar = &Function->Bars[Index];

        Count += Bar->Kind != PciBarRom && Bar->Address != 0;
    }
    Count += PciMessageDescriptorCount(Function) == 0 && PciHasLineInterrupt(Function);
    if (Count == 0) {
        return STATUS_SUCCESS;
    }

    Size = FIELD_OFFSET(CM_RESOURCE_LIST, List) +
           FIELD_OFFSET(CM_FULL_RESOURCE_DESCRIPTOR, PartialResourceList.PartialDescriptors) +
           Count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
    Resources = ExAllocatePoolWithTag(NonPagedPoolNx, Size, PCI_POOL_TAG);
    if (Resources == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(Resources, Size);
    Resources->Count = 1;
    Resources->List[0].InterfaceType = PCIBus;
    Resources->List[0].BusNumber = Function->Bus;
    Resources->List[0].PartialResourceList.Version = 1;
    Resources->List[0].PartialResourceList.Revision = 1;
    Resources->List[0].PartialResourceList.Count = Count;

    Descriptor = Resources->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < Function->BarCount; Index++) {
        const PCI_BAR *Bar = &Function->Bars[Index];
        IO_RESOURCE_DESCRIPTOR Required = {0};

        if (Bar->Kind == PciBarRom || Bar->Address == 0) {
            continue;
        }
        /* The same type and flags as the requirement, at the assigned start. */
        PciFillRequirement(&Required, Bar);
        Descriptor->Type = Required.Type;
        Descriptor->ShareDisposition = Required.ShareDisposition;
        Descriptor->Flags = Required.Flags;
        Descriptor->u.Generic.Start.QuadPart = (LONGLONG)Bar->Address;
        if (Required.Type == CmResourceTypeMemoryLarge) {
            Descriptor->u.Memory64.Length64 = Required.u.Memory64.Length64;
        } else {
            Descriptor->u.Generic.Length = (ULONG)Bar->Length;
        }
        Descriptor++;
    }
    if (PciMessageDescriptorCount(Function) == 0 && PciHasLineInterrupt(Function)) {
        Descriptor->Type = CmResourceTypeInterrupt;
        Descriptor->ShareDisposition = CmResourceShareShared;
        Descriptor->Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
        Descriptor->u.Interrupt.Level = Function->InterruptLine;
        Descriptor->u.Interrupt.Vector = Function->InterruptLine;
        Descriptor->u.Interrupt.Affinity = (KAFFINITY)-1;
    }
    *List = Resources;
    return STATUS_SUCCESS;
}
