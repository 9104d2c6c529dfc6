/*
 * io/pnpres.c - the resources a device is started with.
 *
 * Kestrel does not rebalance: it keeps what the firmware (or the bus)
 * assigned. The raw list is the device's boot configuration
 * (IRP_MN_QUERY_RESOURCES); a device without one gets the preferred value
 * of each requirement (IRP_MN_QUERY_RESOURCE_REQUIREMENTS: the first list,
 * and in it each descriptor that is not an alternative to the one before).
 * The translated list is what the processor sees: on x86 I/O ports and
 * memory are the same on both sides, and a line interrupt becomes the
 * vector, DIRQL and affinity HalGetInterruptVector gives for its bus's
 * line (an ISA IRQ through the MADT's overrides, a PCI GSI as it is).
 * Before a list is assigned it is checked against every other device's:
 * overlapping ports or memory, or an interrupt line used twice where
 * either side is exclusive, is a conflict printed with both devices' names.
 */
#include "io/pnpp.h"

/* Both lists here are one CM_FULL_RESOURCE_DESCRIPTOR (Kestrel's buses
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
IopBuildRawResources(PDEVICE_NODE Node, PCM_RESOURCE_LIST *Raw)
{
    PIO_RESOURCE_REQUIREMENTS_LIST Requirements = Node->ResourceRequirements;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Out;
    PIO_RESOURCE_DESCRIPTOR In;
    PIO_RESOURCE_LIST First;
    PCM_RESOURCE_LIST List;
    ULONG Index, Count = 0;

    *Raw = NULL;
    if (Node->BootResources != NULL && Node->BootResources->Count != 0) {
        ULONG Bytes = IopResourceListBytes(Node->BootResources);

        List = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
        if (List == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        RtlCopyMemory(List, Node->BootResources, Bytes);
        *Raw = List;
        return STATUS_SUCCESS;
    }
    if (Requirements == NULL || Requirements->AlternativeLists == 0 ||
        Requirements->List[0].Count == 0) {
        return STATUS_SUCCESS;
    }
    /* Through a pointer: the arrays are declared [1], and indexing them
     * from Requirements->List[0] would let the compiler assume one element. */
    First = &Requirements->List[0];
    for (Index = 0; Index < First->Count; Index++) {
        Count += (First->Descriptors[Index].Option & IO_RESOURCE_ALTERNATIVE) == 0;
    }
    List = IopAllocateResourceList(Requirements->InterfaceType, Requirements->BusNumber, Count);
    if (List == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Out = List->List[0].PartialResourceList.PartialDescriptors;
    for (Index = 0; Index < First->Count; Index++) {
        In = &First->Descriptors[Index];
        if ((In->Option & IO_RESOURCE_ALTERNATIVE) != 0) {
            continue;
        }
        Out->Type = In->Type;
        Out->ShareDisposition = In->ShareDisposition;
        Out->Flags = In->Flags;
        switch (In->Type) {
        case CmResourceTypePort:
        case CmResourceTypeMemory:
            Out->u.Generic.Start = In->u.Generic.MinimumAddress;
            Out->u.Generic.Length = In->u.Generic.Length;
            break;
        case CmResourceTypeInterrupt:
            Out->u.Interrupt.Level = (USHORT)In->u.Interrupt.MinimumVector;
            Out->u.Interrupt.Vector = In->u.Interrupt.MinimumVector;
            Out->u.Interrupt.Affinity = (KAFFINITY)-1;
            break;
        case CmResourceTypeBusNumber:
            Out->u.BusNumber.Start = In->u.BusNumber.MinBusNumber;
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

/* PASSIVE_LEVEL. */
NTSTATUS
IopTranslateResources(PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST *Translated)
{
    PCM_FULL_RESOURCE_DESCRIPTOR Full;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Desc;
    ULONG Bytes = IopResourceListBytes(Raw), List, Index, Vector;
    PCM_RESOURCE_LIST Result;
    KAFFINITY Affinity;
    KIRQL Irql;

    *Translated = NULL;
    Result = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, IOP_PNP_TAG);
    if (Result == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Result, Raw, Bytes);
    Full = &Result->List[0];
    for (List = 0; List < Result->Count; List++) {
        for (Index = 0; Index < Full->PartialResourceList.Count; Index++) {
            Desc = &Full->PartialResourceList.PartialDescriptors[Index];
            if (Desc->Type != CmResourceTypeInterrupt ||
                (Desc->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
                /* Message-signalled interrupts are translated by the bus
                 * driver that programs them (the PCI driver, later). */
                continue;
            }
            Vector = HalGetInterruptVector(Full->InterfaceType, Full->BusNumber,
                                           Desc->u.Interrupt.Level, Desc->u.Interrupt.Vector,
                                           &Irql, &Affinity);
            if (Vector == 0) {
                DbgPrint("PnP: interrupt line %u of interface type %d cannot be translated\n",
                         Desc->u.Interrupt.Level, (int)Full->InterfaceType);
                ExFreePoolWithTag(Result, IOP_PNP_TAG);
                return STATUS_CONFLICTING_ADDRESSES;
            }
            Desc->u.Interrupt.Level = Irql;
            Desc->u.Interrupt.Vector = Vector;
            Desc->u.Interrupt.Affinity = Affinity;
        }
        Full = (PCM_FULL_RESOURCE_DESCRIPTOR)&Full->PartialResourceList.PartialDescriptors[Index];
    }
    *Translated = Result;
    return STATUS_SUCCESS;
}

/* Runs Body for each partial descriptor DescVar of a list, FullVar being
 * the full descriptor (interface, bus) it belongs to. */
#define FOR_EACH_DESCRIPTOR(ListPtr, FullVar, DescVar, Body)                                      \
    do {                                                                                         \
        PCM_FULL_RESOURCE_DESCRIPTOR FullVar = &(ListPtr)->List[0];                              \
        for (ULONG L_ = 0; L_ < (ListPtr)->Count; L_++) {                                        \
            ULONG I_;                                                                            \
            for (I_ = 0; I_ < FullVar->PartialResourceList.Count; I_++) {                        \
                PCM_PARTIAL_RESOURCE_DESCRIPTOR DescVar =                                        \
                    &FullVar->PartialResourceList.PartialDescriptors[I_];                        \
                Body                                                                             \
            }                                                                                    \
            FullVar = (PCM_FULL_RESOURCE_DESCRIPTOR)&FullVar->PartialResourceList                \
                          .PartialDescriptors[I_];                                               \
        }                                                                                        \
    } while (0)

static BOOLEAN
IopDescriptorsConflict(const CM_PARTIAL_RESOURCE_DESCRIPTOR *A, INTERFACE_TYPE AInterface,
                       const CM_PARTIAL_RESOURCE_DESCRIPTOR *B, INTERFACE_TYPE BInterface)
{
    ULONGLONG AStart, BStart;

    if (A->Type != B->Type) {
        return FALSE;
    }
    if (A->ShareDisposition == CmResourceShareShared && B->ShareDisposition == CmResourceShareShared) {
        return FALSE;
    }
    switch (A->Type) {
    case CmResourceTypePort:
    case CmResourceTypeMemory:
        AStart = (ULONGLONG)A->u.Generic.Start.QuadPart;
        BStart = (ULONGLONG)B->u.Generic.Start.QuadPart;
        return A->u.Generic.Length != 0 && B->u.Generic.Length != 0 &&
               AStart < BStart + B->u.Generic.Length && BStart < AStart + A->u.Generic.Length;
    case CmResourceTypeInterrupt:
        return (A->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 &&
               (B->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0 && AInterface == BInterface &&
               A->u.Interrupt.Level == B->u.Interrupt.Level;
    default:
        return FALSE;
    }
}

static VOID
IopPrintDescriptor(const CM_PARTIAL_RESOURCE_DESCRIPTOR *Desc)
{
    if (Desc->Type == CmResourceTypeInterrupt) {
        DbgPrint("interrupt line %u", Desc->u.Interrupt.Level);
    } else {
        DbgPrint("%s 0x%llx-0x%llx", Desc->Type == CmResourceTypePort ? "I/O ports" : "memory",
                 (ULONGLONG)Desc->u.Generic.Start.QuadPart,
                 (ULONGLONG)Desc->u.Generic.Start.QuadPart + Desc->u.Generic.Length - 1);
    }
}

/* Tree lock held. The first node whose assigned list conflicts with Raw. */
static BOOLEAN
IopFindConflict(PDEVICE_NODE Node, PCM_RESOURCE_LIST Raw)
{
    PDEVICE_NODE Other;
    BOOLEAN Found = FALSE;

    for (Other = IopRootDeviceNode; Other != NULL && !Found; Other = IopNextDeviceNode(Other)) {
        PCM_RESOURCE_LIST Theirs = Other->ResourceList;

        if (Other == Node || Theirs == NULL) {
            continue;
        }
        FOR_EACH_DESCRIPTOR(Raw, Mine, Want, {
            FOR_EACH_DESCRIPTOR(Theirs, Held, Have, {
                if (!Found && IopDescriptorsConflict(Want, Mine->InterfaceType, Have,
                                                     Held->InterfaceType)) {
                    DbgPrint("PnP: resource conflict: %wZ wants ", &Node->InstancePath);
                    IopPrintDescriptor(Want);
                    DbgPrint(", already assigned to %wZ (", &Other->InstancePath);
                    IopPrintDescriptor(Have);
                    DbgPrint(")\n");
                    Found = TRUE;
                }
            });
        });
    }
    return Found;
}

/* PASSIVE_LEVEL, tree lock held. */
NTSTATUS
IopAssignResources(PDEVICE_NODE Node)
{
    PCM_RESOURCE_LIST Raw, Translated = NULL;
    NTSTATUS Status;

    IopReleaseResources(Node);
    Status = IopBuildRawResources(Node, &Raw);
    if (!NT_SUCCESS(Status) || Raw == NULL) {
        return Status;
    }
    if (IopFindConflict(Node, Raw)) {
        ExFreePoolWithTag(Raw, IOP_PNP_TAG);
        IopSetNodeProblem(Node, CM_PROB_NORMAL_CONFLICT, STATUS_CONFLICTING_ADDRESSES);
        return STATUS_CONFLICTING_ADDRESSES;
    }
    Status = IopTranslateResources(Raw, &Translated);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Raw, IOP_PNP_TAG);
        IopSetNodeProblem(Node, CM_PROB_NORMAL_CONFLICT, Status);
        return Status;
    }
    Node->ResourceList = Raw;
    Node->ResourceListTranslated = Translated;
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, tree lock held. */
VOID
IopReleaseResources(PDEVICE_NODE Node)
{
    if (Node->ResourceList != NULL) {
        ExFreePoolWithTag(Node->ResourceList, IOP_PNP_TAG);
        Node->ResourceList = NULL;
    }
    if (Node->ResourceListTranslated != NULL) {
        ExFreePoolWithTag(Node->ResourceListTranslated, IOP_PNP_TAG);
        Node->ResourceListTranslated = NULL;
    }
}
