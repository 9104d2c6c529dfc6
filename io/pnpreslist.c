/*
 * io/pnpreslist.c - the two resource lists a device is started with, built
 * from what its bus reported (io/pnpres.c decides which alternative).
 *
 * The raw list is the device's view: bus addresses, the bus's interrupt
 * line, or for message-signaled interrupts the message count. It comes
 * from one alternative list of the requirements
 * (IRP_MN_QUERY_RESOURCE_REQUIREMENTS); each descriptor takes the boot
 * configuration's value (IRP_MN_QUERY_RESOURCES) when that has a resource
 * of the same type inside the descriptor's range, since Kestrel keeps what
 * the firmware set up, and otherwise the descriptor's minimum. A device
 * without requirements is started with its boot configuration as it is.
 *
 * The translated list is the processor's view. On x86 I/O ports and memory
 * are the same on both sides; a line interrupt becomes the vector, DIRQL
 * and affinity HalGetInterruptVector gives its bus's line; a message
 * descriptor for n messages becomes a block of n vectors from the HAL
 * (a power of two, aligned, inside one IRQL level: an MSI function writes
 * the message number into the low bits of its data), message i arriving
 * on vector Translated.Vector + i. The raw and translated descriptors of a
 * message interrupt overlay the same union (WDK:
 * u.MessageInterrupt.Raw / .Translated):
 *
 *   raw         Group 0 | MessageCount n | Vector = the requirement's minimum | Affinity -1
 *   translated  Level   | Group 0        | Vector = first of the block        | Affinity
 */
#include "io/pnpp.h"
#include "hal/halp.h"
#include "kernel/ke/ki.h"

/* The most messages one descriptor gets: a block stays inside one level. */
#define IOP_MAX_DESCRIPTOR_MESSAGES 16

/* PASSIVE_LEVEL. Both lists here are one CM_FULL_RESOURCE_DESCRIPTOR (Kestrel's buses
 * report one), of Count descriptors. */
static PCM_RESOURCE_LIST
IopAllocateResourceList(INTERFACE_TYPE Interface, ULONG Bus, ULONG Count)
{
    PCM_RESOURCE_LIST List;
    SIZE_T Bytes = FIELD_OFFSET(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors) +
                   (SIZE_T)Count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);

    List = ExAllocatePoolZero(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
    if (List != NULL) {
        List->Count = 1;
        List->List[0].InterfaceType = Interface;
        List->List[0].BusNumber = Bus;
        List->List[0].PartialResourceList.Version = 1;
        List->List[0].PartialResourceList.Revision = 1;
        List->List[0].PartialResourceList.Count = Count;
    }
    return List;
}

/* Any IRQL. */
ULONG
IopResourceListBytes(const CM_RESOURCE_LIST *List)
{
    const CM_FULL_RESOURCE_DESCRIPTOR *Full;
    ULONG Index, Bytes;

    if (List == NULL) {
        return 0;
    }
    Bytes = FIELD_OFFSET(CM_RESOURCE_LIST, List);
    Full = &List->List[0];
    for (Index = 0; Index < List->Count; Index++) {
        ULONG One = FIELD_OFFSET(CM_FULL_RESOURCE_DESCRIPTOR, PartialResourceList.PartialDescriptors) +
                    Full->PartialResourceList.Count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
        Bytes += One;
        Full = (const CM_FULL_RESOURCE_DESCRIPTOR *)((const UCHAR *)Full + One);
    }
    return Bytes;
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopCopyBootResources(PDEVICE_NODE Node, PCM_RESOURCE_LIST *Raw)
{
    ULONG Bytes;

    *Raw = NULL;
    if (Node->BootResources == NULL || Node->BootResources->Count == 0) {
        return STATUS_SUCCESS;
    }
    Bytes = IopResourceListBytes(Node->BootResources);
    *Raw = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
    if (*Raw == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(*Raw, Node->BootResources, Bytes);
    return STATUS_SUCCESS;
}

/* Any IRQL. */
BOOLEAN
IopAlternativeHasMessages(const IO_RESOURCE_LIST *Alternative)
{
    const IO_RESOURCE_DESCRIPTOR *Descriptors = Alternative->Descriptors;
    ULONG Index;

    for (Index = 0; Index < Alternative->Count; Index++) {
        if (Descriptors[Index].Type == CmResourceTypeInterrupt &&
            (Descriptors[Index].Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
            return TRUE;
        }
    }
    return FALSE;
}

/* Boot configuration descriptors a raw list may take its values from: at
 * most this many are looked at. */
#define IOP_MAX_BOOT_DESCRIPTORS 64

/* Any IRQL. The boot configuration's value for In: a descriptor of In's type inside
 * In's range that no earlier descriptor took (marked in *Taken), or NULL. */
static const CM_PARTIAL_RESOURCE_DESCRIPTOR *
IopFindBootValue(const CM_RESOURCE_LIST *Boot, const IO_RESOURCE_DESCRIPTOR *In, ULONG64 *Taken)
{
    const CM_FULL_RESOURCE_DESCRIPTOR *Full;
    ULONG List, Index, Flat = 0;

    if (Boot == NULL) {
        return NULL;
    }
    Full = &Boot->List[0];
    for (List = 0; List < Boot->Count; List++) {
        const CM_PARTIAL_RESOURCE_DESCRIPTOR *Descs = Full->PartialResourceList.PartialDescriptors;

        for (Index = 0; Index < Full->PartialResourceList.Count; Index++, Flat++) {
            const CM_PARTIAL_RESOURCE_DESCRIPTOR *Have = &Descs[Index];
            BOOLEAN Fits = FALSE;
            ULONGLONG Start;

            if (Flat >= IOP_MAX_BOOT_DESCRIPTORS || (*Taken & (1ULL << Flat)) != 0 ||
                Have->Type != In->Type) {
                continue;
            }
            switch (In->Type) {
            case CmResourceTypePort:
            case CmResourceTypeMemory:
                Start = (ULONGLONG)Have->u.Generic.Start.QuadPart;
                Fits = In->u.Generic.Length != 0 &&
                       Start >= (ULONGLONG)In->u.Generic.MinimumAddress.QuadPart &&
                       Start + In->u.Generic.Length - 1 <=
                           (ULONGLONG)In->u.Generic.MaximumAddress.QuadPart;
                break;
            case CmResourceTypeInterrupt:
                /* A boot configuration never holds messages (the bus
                 * reports its line there). */
                Fits = (In->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 &&
                       (Have->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 &&
                       Have->u.Interrupt.Level >= In->u.Interrupt.MinimumVector &&
                       Have->u.Interrupt.Level <= In->u.Interrupt.MaximumVector;
                break;
            case CmResourceTypeBusNumber:
                Fits = In->u.BusNumber.Length != 0 &&
                       Have->u.BusNumber.Start >= In->u.BusNumber.MinBusNumber &&
                       Have->u.BusNumber.Start + In->u.BusNumber.Length - 1 <=
                           In->u.BusNumber.MaxBusNumber;
                break;
            default:
                break;
            }
            if (Fits) {
                *Taken |= 1ULL << Flat;
                return Have;
            }
        }
        Full = (const CM_FULL_RESOURCE_DESCRIPTOR *)&Descs[Index];
    }
    return NULL;
}

/* Any IRQL. One message requirement as its raw descriptor. FALSE (with a message)
 * for a range that counts no messages. */
static BOOLEAN
IopFillRawMessages(PDEVICE_NODE Node, const IO_RESOURCE_DESCRIPTOR *In,
                   PCM_PARTIAL_RESOURCE_DESCRIPTOR Out)
{
    ULONG Count;

    if (In->u.Interrupt.MaximumVector < In->u.Interrupt.MinimumVector) {
        DbgPrint("PnP: %wZ: its message interrupt requirement 0x%x-0x%x counts no message\n",
                 &Node->InstancePath, In->u.Interrupt.MinimumVector,
                 In->u.Interrupt.MaximumVector);
        return FALSE;
    }
    Count = In->u.Interrupt.MaximumVector - In->u.Interrupt.MinimumVector + 1;
    if (Count > IOP_MAX_DESCRIPTOR_MESSAGES) {
        /* MSI allows 32; the device is told how many it got (Multiple
         * Message Enable), as Windows grants fewer than asked too. */
        DbgPrint("PnP: %wZ asks for %u messages in one descriptor; it gets %u (one IRQL "
                 "level's vectors)\n", &Node->InstancePath, Count, IOP_MAX_DESCRIPTOR_MESSAGES);
        Count = IOP_MAX_DESCRIPTOR_MESSAGES;
    }
    Out->ShareDisposition = CmResourceShareDeviceExclusive;
    Out->u.MessageInterrupt.Raw.Group = 0;
    Out->u.MessageInterrupt.Raw.MessageCount = (USHORT)Count;
    Out->u.MessageInterrupt.Raw.Vector = In->u.Interrupt.MinimumVector;
    Out->u.MessageInterrupt.Raw.Affinity = (KAFFINITY)-1;
    return TRUE;
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopBuildRawResources(PDEVICE_NODE Node, const IO_RESOURCE_LIST *Alternative,
                     BOOLEAN WithoutMessages, PCM_RESOURCE_LIST *Raw)
{
    const IO_RESOURCE_DESCRIPTOR *Descriptors = Alternative->Descriptors;
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements = IopRequirementsToAssign(Node);
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *Boot;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Out;
    PCM_RESOURCE_LIST List;
    ULONG64 Taken = 0;
    ULONG Index, Count = 0;

    *Raw = NULL;
    for (Index = 0; Index < Alternative->Count; Index++) {
        const IO_RESOURCE_DESCRIPTOR *In = &Descriptors[Index];

        /* An IO_RESOURCE_ALTERNATIVE descriptor is another way to satisfy
         * the one before it: Kestrel takes the first way. */
        Count += (In->Option & IO_RESOURCE_ALTERNATIVE) == 0 &&
                 !(WithoutMessages && In->Type == CmResourceTypeInterrupt &&
                   (In->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0);
    }
    if (Count == 0) {
        return STATUS_SUCCESS;
    }
    List = IopAllocateResourceList(Requirements->InterfaceType, Requirements->BusNumber, Count);
    if (List == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Out = List->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < Alternative->Count; Index++) {
        const IO_RESOURCE_DESCRIPTOR *In = &Descriptors[Index];
        BOOLEAN Message = In->Type == CmResourceTypeInterrupt &&
                          (In->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0;

        if ((In->Option & IO_RESOURCE_ALTERNATIVE) != 0 || (WithoutMessages && Message)) {
            continue;
        }
        Boot = IopFindBootValue(Node->BootResources, In, &Taken);
        Out->Type = In->Type;
        Out->ShareDisposition = In->ShareDisposition;
        Out->Flags = In->Flags;
        switch (In->Type) {
        case CmResourceTypePort:
        case CmResourceTypeMemory:
            Out->u.Generic.Start = Boot != NULL ? Boot->u.Generic.Start
                                                : In->u.Generic.MinimumAddress;
            Out->u.Generic.Length = In->u.Generic.Length;
            break;
        case CmResourceTypeInterrupt:
            if (Message) {
                if (!IopFillRawMessages(Node, In, Out)) {
                    ExFreePoolWithTag(List, IOP_PNP_TAG);
                    return STATUS_INVALID_PARAMETER;
                }
                break;
            }
            Out->u.Interrupt.Level = Boot != NULL ? Boot->u.Interrupt.Level
                                                  : (USHORT)In->u.Interrupt.MinimumVector;
            Out->u.Interrupt.Vector = Out->u.Interrupt.Level;
            Out->u.Interrupt.Affinity = (KAFFINITY)-1;
            break;
        case CmResourceTypeBusNumber:
            Out->u.BusNumber.Start = Boot != NULL ? Boot->u.BusNumber.Start
                                                  : In->u.BusNumber.MinBusNumber;
            Out->u.BusNumber.Length = In->u.BusNumber.Length;
            break;
        default:
            RtlCopyMemory(&Out->u, &In->u, sizeof(Out->u));
            break;
        }
        Out++;
    }
    *Raw = List;
    return STATUS_SUCCESS;
}

/* Any IRQL <= DISPATCH_LEVEL. The block size for Count messages. */
static ULONG
IopMessageBlockSize(ULONG Count)
{
    ULONG Block = 1;

    while (Block < Count) {
        Block <<= 1;
    }
    return Block;
}

/* PASSIVE_LEVEL. Gives back the message vectors of Translated's descriptors before Stop
 * (all when Stop is NULL); Raw is the list it was translated from. */
static VOID
IopReleaseMessageVectorsBefore(const CM_RESOURCE_LIST *Raw, PCM_RESOURCE_LIST Translated,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR Stop)
{
    ULONG Bytes = IopResourceListBytes(Translated);
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    PCM_FULL_RESOURCE_DESCRIPTOR Full = &Translated->List[0];
    ULONG List, Index, First, Block, Vector;

    if (Raw == NULL || IopResourceListBytes(Raw) != Bytes) {
        return;
    }
    for (List = 0; List < Translated->Count; List++) {
        for (Index = 0; Index < Full->PartialResourceList.Count; Index++) {
            const CM_PARTIAL_RESOURCE_DESCRIPTOR *RawDesc;

            Desc = &Full->PartialResourceList.PartialDescriptors[Index];
            if (Desc == Stop) {
                return;
            }
            if (Desc->Type != CmResourceTypeInterrupt ||
                (Desc->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0) {
                continue;
            }
            /* Both lists have the same layout: the raw descriptor sits at
             * the same offset. */
            RawDesc = (const CM_PARTIAL_RESOURCE_DESCRIPTOR *)((const UCHAR *)Raw +
                                                               ((PUCHAR)Desc - (PUCHAR)Translated));
            First = Desc->u.MessageInterrupt.Translated.Vector;
            Block = IopMessageBlockSize(RawDesc->u.MessageInterrupt.Raw.MessageCount);
            for (Vector = First; Vector < First + Block && !KiIsVectorConnected(Vector);
                 Vector++) {
            }
            if (Vector < First + Block) {
                /* Given to another device, the vector would call this
                 * one's ISR: better lose the block. */
                DbgPrint("PnP: message vector 0x%x is still connected to an ISR as the device's "
                         "resources are released (a driver did not call "
                         "IoDisconnectInterruptEx at stop or removal); vectors 0x%x-0x%x stay "
                         "taken\n", Vector, First, First + Block - 1);
                continue;
            }
            HalpReleaseMessageVectors(First, Block);
        }
        Full = (PCM_FULL_RESOURCE_DESCRIPTOR)&Full->PartialResourceList.PartialDescriptors[Index];
    }
}

/* PASSIVE_LEVEL. */
VOID
IopReleaseMessageVectors(const CM_RESOURCE_LIST *Raw, PCM_RESOURCE_LIST Translated)
{
    if (Translated != NULL) {
        IopReleaseMessageVectorsBefore(Raw, Translated, NULL);
    }
}

/* PASSIVE_LEVEL. One message descriptor: a block of vectors for it. */
static NTSTATUS
IopTranslateMessages(const CM_PARTIAL_RESOURCE_DESCRIPTOR *RawDesc,
                     PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc)
{
    ULONG Count = RawDesc->u.MessageInterrupt.Raw.MessageCount, Vector;
    KAFFINITY Affinity;
    KIRQL Irql;

    if (Count == 0 || Count > IOP_MAX_DESCRIPTOR_MESSAGES) {
        DbgPrint("PnP: a message interrupt resource for %u messages cannot be translated "
                 "(1-%u)\n", Count, IOP_MAX_DESCRIPTOR_MESSAGES);
        return STATUS_INVALID_PARAMETER;
    }
    Vector = HalpAssignMessageVectors(IopMessageBlockSize(Count), &Irql, &Affinity);
    if (Vector == 0) {
        DbgPrint("PnP: no block of %u free vectors in one IRQL level is left for %u "
                 "message(s)\n", IopMessageBlockSize(Count), Count);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Desc->u.MessageInterrupt.Translated.Level = Irql;
    Desc->u.MessageInterrupt.Translated.Group = 0;
    Desc->u.MessageInterrupt.Translated.Vector = Vector;
    Desc->u.MessageInterrupt.Translated.Affinity = Affinity;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. */
NTSTATUS
IopTranslateResources(PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST *Translated)
{
    PCM_FULL_RESOURCE_DESCRIPTOR Full;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    ULONG Bytes = IopResourceListBytes(Raw), List, Index, Vector;
    PCM_RESOURCE_LIST Result;
    NTSTATUS Status = STATUS_SUCCESS;
    KAFFINITY Affinity;
    KIRQL Irql;

    *Translated = NULL;
    Result = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
    if (Result == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Result, Raw, Bytes);
    Full = &Result->List[0];
    for (List = 0; List < Result->Count && NT_SUCCESS(Status); List++) {
        for (Index = 0; Index < Full->PartialResourceList.Count; Index++) {
            Desc = &Full->PartialResourceList.PartialDescriptors[Index];
            if (Desc->Type != CmResourceTypeInterrupt) {
                continue;
            }
            if ((Desc->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
                Status = IopTranslateMessages(
                    (const CM_PARTIAL_RESOURCE_DESCRIPTOR *)((PUCHAR)Raw +
                                                             ((PUCHAR)Desc - (PUCHAR)Result)),
                    Desc);
            } else {
                Vector = HalGetInterruptVector(Full->InterfaceType, Full->BusNumber,
                                               Desc->u.Interrupt.Level, Desc->u.Interrupt.Vector,
                                               &Irql, &Affinity);
                if (Vector == 0) {
                    DbgPrint("PnP: interrupt line %u of interface type %d cannot be "
                             "translated\n", Desc->u.Interrupt.Level, (int)Full->InterfaceType);
                    Status = STATUS_CONFLICTING_ADDRESSES;
                } else {
                    Desc->u.Interrupt.Level = Irql;
                    Desc->u.Interrupt.Vector = Vector;
                    Desc->u.Interrupt.Affinity = Affinity;
                }
            }
            if (!NT_SUCCESS(Status)) {
                /* The blocks the earlier descriptors got go back. */
                IopReleaseMessageVectorsBefore(Raw, Result, Desc);
                break;
            }
        }
        Full = (PCM_FULL_RESOURCE_DESCRIPTOR)&Full->PartialResourceList.PartialDescriptors[Index];
    }
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Result, IOP_PNP_TAG);
        return Status;
    }
    *Translated = Result;
    return STATUS_SUCCESS;
}
