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
 * Interrupts: a function with MSI-X (preferred) or MSI asks for that many
 * message interrupts (CM_RESOURCE_INTERRUPT_MESSAGE; the vector range counts
 * down from CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN, one per message) and for
 * no line: which IOAPIC input an INTx# pin reaches is the ACPI _PRT's
 * answer, and Kestrel has no AML interpreter to ask. A function without
 * messages asks for its line as the Interrupt Line register says the
 * firmware routed it (PCI 3.0 6.2.4), level triggered and shareable (PCI
 * INTx# signalling, 2.2.6); on QEMU's chipsets the PIRQ router drives the
 * IOAPIC input of that number too. The boot configuration
 * (PciBuildResourceList) holds that line, and no interrupt for a function
 * with messages: the firmware assigns no messages.
 */
#include "pci.h"

/* 0xFF in Interrupt Line means "unknown / not connected" on x86 (PCI 3.0
 * 6.2.4, footnote for x86 systems). */
#define PCI_INTERRUPT_LINE_UNKNOWN 0xFF

static BOOLEAN
PciHasLineInterrupt(const PCI_FUNCTION *Function)
{
    return Function->InterruptPin != 0 && Function->InterruptLine != PCI_INTERRUPT_LINE_UNKNOWN;
}

static ULONG
PciMessageCount(const PCI_FUNCTION *Function)
{
    if (Function->MsiX.Present) {
        return Function->MsiX.TableSize;
    }
    if (Function->Msi.Present) {
        return Function->Msi.MessageCount;
    }
    return 0;
}

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

/* PASSIVE_LEVEL. *List is NULL (and STATUS_SUCCESS) when the function
 * needs nothing, as a bus driver answers with no list then. */
NTSTATUS
PciBuildRequirementsList(const PCI_FUNCTION *Function, PIO_RESOURCE_REQUIREMENTS_LIST *List)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements;
    PIO_RESOURCE_DESCRIPTOR Descriptor;
    ULONG Count = 0, Index, Messages = PciMessageCount(Function), Size;
    PCI_SLOT_NUMBER Slot;

    *List = NULL;
    for (Index = 0; Index < Function->BarCount; Index++) {
        Count += Function->Bars[Index].Kind != PciBarRom;
    }
    Count += Messages != 0 ? 1 : PciHasLineInterrupt(Function);
    if (Count == 0) {
        return STATUS_SUCCESS;
    }

    Size = FIELD_OFFSET(IO_RESOURCE_REQUIREMENTS_LIST, List) +
           FIELD_OFFSET(IO_RESOURCE_LIST, Descriptors) + Count * sizeof(IO_RESOURCE_DESCRIPTOR);
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
    Requirements->AlternativeLists = 1;
    Requirements->List[0].Version = 1;
    Requirements->List[0].Revision = 1;
    Requirements->List[0].Count = Count;

    Descriptor = Requirements->List[0].Descriptors;
    for (Index = 0; Index < Function->BarCount; Index++) {
        if (Function->Bars[Index].Kind != PciBarRom) {
            PciFillRequirement(Descriptor++, &Function->Bars[Index]);
        }
    }
    if (Messages != 0) {
        Descriptor->Type = CmResourceTypeInterrupt;
        Descriptor->ShareDisposition = CmResourceShareDeviceExclusive;
        Descriptor->Flags = CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED;
        Descriptor->u.Interrupt.MinimumVector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - (Messages - 1);
        Descriptor->u.Interrupt.MaximumVector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN;
        Descriptor->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
        Descriptor++;
    }
    if (Messages == 0 && PciHasLineInterrupt(Function)) {
        Descriptor->Type = CmResourceTypeInterrupt;
        Descriptor->ShareDisposition = CmResourceShareShared;
        Descriptor->Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
        Descriptor->u.Interrupt.MinimumVector = Function->InterruptLine;
        Descriptor->u.Interrupt.MaximumVector = Function->InterruptLine;
        Descriptor->u.Interrupt.TargetedProcessors = (KAFFINITY)-1;
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
    Count += PciMessageCount(Function) == 0 && PciHasLineInterrupt(Function);
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
    if (PciMessageCount(Function) == 0 && PciHasLineInterrupt(Function)) {
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
