/*
 * io/pnpdump.c - the device tree as text, in the spirit of the debugger's
 * !devnode 0 1: one block per node, indented by depth:
 *
 *   Root\*PNP0501\1  DeviceNodeStarted  \Device\00000003
 *     description: Communications Port
 *     stack: \Driver\Serial -> \Driver\PnpManager
 *     hardware IDs: Root\*PNP0501 *PNP0501   compatible IDs: *PNP0500
 *     resources: I/O 0x2F8-0x2FF; IRQ 3 edge -> vector 0x43 IRQL 4 affinity 0x1
 *
 * and a message-signaled interrupt (MSI, or one MSI-X descriptor) as
 * "MSI 1 message(s) -> vector 0xB1 IRQL 11". The text line holds what the
 * bus driver answered to IRP_MN_QUERY_DEVICE_TEXT, both on one line
 * ("description: Serial controller   location: PCI bus 1, device 2,
 * function 0"); a node without either has no such line. A node with a
 * problem shows it with its name ("problem 43 CM_PROB_FAILED_POST_START
 * (0xC0000001)"), and the PNP_DEVICE_STATE bits it keeps as "hidden
 * (PNP_DEVICE_DONT_DISPLAY_IN_UI)" and "not disableable".
 *
 * Printed at boot when the command line says "devtree"; tests read the
 * same text through IopFormatDeviceTree.
 */
#include "io/pnpp.h"
#include "kernel/rtl/rtlp.h"

typedef struct _IOP_TEXT {
    PCHAR Buffer;
    SIZE_T Size;
    SIZE_T Length;                      /* what it would be with room enough */
} IOP_TEXT;

static VOID
IopAppend(IOP_TEXT *Text, PCSTR Format, ...)
{
    va_list Args;
    SIZE_T Room = Text->Length < Text->Size ? Text->Size - Text->Length : 0;

    va_start(Args, Format);
    Text->Length += RtlpFormatV(Room != 0 ? Text->Buffer + Text->Length : NULL, Room, Format,
                                Args);
    va_end(Args);
}

static VOID
IopAppendMultiSz(IOP_TEXT *Text, PCSTR Separator, PCSTR Label, PCWSTR MultiSz)
{
    if (MultiSz == NULL || *MultiSz == UNICODE_NULL) {
        return;
    }
    IopAppend(Text, "%s%s:", Separator, Label);
    for (; *MultiSz != UNICODE_NULL; MultiSz += IopWcsLen(MultiSz) + 1) {
        IopAppend(Text, " %ws", MultiSz);
    }
}

static VOID
IopAppendResources(IOP_TEXT *Text, PCM_RESOURCE_LIST Raw, PCM_RESOURCE_LIST Translated)
{
    PCM_PARTIAL_RESOURCE_LIST List = &Raw->List[0].PartialResourceList;
    PCM_PARTIAL_RESOURCE_LIST TList = Translated != NULL ? &Translated->List[0].PartialResourceList
                                                         : NULL;
    ULONG Index;

    for (Index = 0; Index < List->Count; Index++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR D = &List->PartialDescriptors[Index];
        PCM_PARTIAL_RESOURCE_DESCRIPTOR T = TList != NULL ? &TList->PartialDescriptors[Index] : NULL;

        IopAppend(Text, Index == 0 ? " " : "; ");
        switch (D->Type) {
        case CmResourceTypePort:
        case CmResourceTypeMemory:
            IopAppend(Text, "%s 0x%llX-0x%llX", D->Type == CmResourceTypePort ? "I/O" : "memory",
                      (ULONGLONG)D->u.Generic.Start.QuadPart,
                      (ULONGLONG)D->u.Generic.Start.QuadPart + D->u.Generic.Length - 1);
            break;
        case CmResourceTypeInterrupt:
            if ((D->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0) {
                IopAppend(Text, "MSI %u message(s)", D->u.MessageInterrupt.Raw.MessageCount);
                if (T != NULL) {
                    IopAppend(Text, " -> vector 0x%X IRQL %u",
                              T->u.MessageInterrupt.Translated.Vector,
                              T->u.MessageInterrupt.Translated.Level);
                }
                break;
            }
            IopAppend(Text, "%s %u %s", Raw->List[0].InterfaceType == Isa ? "IRQ" : "GSI",
                      D->u.Interrupt.Level,
                      (D->Flags & CM_RESOURCE_INTERRUPT_LATCHED) != 0 ? "edge" : "level");
            if (T != NULL) {
                IopAppend(Text, " -> vector 0x%X IRQL %u affinity 0x%llX", T->u.Interrupt.Vector,
                          T->u.Interrupt.Level, (ULONGLONG)T->u.Interrupt.Affinity);
            }
            break;
        default:
            IopAppend(Text, "type %u", D->Type);
            break;
        }
    }
}

/* Tree lock held. */
static VOID
IopFormatNode(IOP_TEXT *Text, PDEVICE_NODE Node)
{
    PDEVICE_OBJECT Device;
    ULONG Indent = Node->Level * 2;

    IopAppend(Text, "%*s%wZ  %s", (int)Indent, "", &Node->InstancePath,
              IopNodeStateName(Node->State));
    if (Node->PdoName[0] != UNICODE_NULL) {
        IopAppend(Text, "  %ws", Node->PdoName);
    }
    if (Node->Problem != 0) {
        IopAppend(Text, "  problem %u %s (0x%08X)", Node->Problem, IopProblemName(Node->Problem),
                  (ULONG)Node->ProblemStatus);
    }
    if ((Node->DeviceState & PNP_DEVICE_DONT_DISPLAY_IN_UI) != 0) {
        IopAppend(Text, "  hidden (PNP_DEVICE_DONT_DISPLAY_IN_UI)");
    }
    if ((Node->DeviceState & PNP_DEVICE_NOT_DISABLEABLE) != 0) {
        IopAppend(Text, "  not disableable");
    }
    if ((Node->Flags & DNF_DEBUGGER_OWNED) != 0) {
        IopAppend(Text, "  owned by the kernel debugger");
    } else if ((Node->Flags & DNF_RAW) != 0) {
        IopAppend(Text, "  raw");
    }
    if (Node->DeviceDescription != NULL || Node->LocationInformation != NULL) {
        IopAppend(Text, "\n%*s  ", (int)Indent, "");
        if (Node->DeviceDescription != NULL) {
            IopAppend(Text, "description: %ws", Node->DeviceDescription);
        }
        if (Node->LocationInformation != NULL) {
            IopAppend(Text, "%slocation: %ws", Node->DeviceDescription != NULL ? "   " : "",
                      Node->LocationInformation);
        }
    }
    IopAppend(Text, "\n%*s  stack:", (int)Indent, "");
    Device = IoGetAttachedDevice(Node->PhysicalDeviceObject);
    while (Device != NULL) {
        IopAppend(Text, " %wZ%s", &Device->DriverObject->DriverName,
                  Device == Node->PhysicalDeviceObject ? "" : " ->");
        Device = IopDeviceExtension(Device)->AttachedTo;
    }
    IopAppend(Text, "\n");
    if (Node->HardwareIds != NULL || Node->CompatibleIds != NULL) {
        IopAppend(Text, "%*s  ", (int)Indent, "");
        IopAppendMultiSz(Text, "", "hardware IDs", Node->HardwareIds);
        IopAppendMultiSz(Text, Node->HardwareIds != NULL && *Node->HardwareIds != UNICODE_NULL
                                   ? "   " : "",
                         "compatible IDs", Node->CompatibleIds);
        IopAppend(Text, "\n");
    }
    if (Node->ResourceList != NULL) {
        IopAppend(Text, "%*s  resources:", (int)Indent, "");
        IopAppendResources(Text, Node->ResourceList, Node->ResourceListTranslated);
        IopAppend(Text, "\n");
    } else if (Node->BootResources != NULL) {
        IopAppend(Text, "%*s  boot configuration:", (int)Indent, "");
        IopAppendResources(Text, Node->BootResources, NULL);
        IopAppend(Text, "\n");
    }
}

/* PASSIVE_LEVEL. */
SIZE_T
IopFormatDeviceTree(PCHAR Buffer, SIZE_T Size)
{
    IOP_TEXT Text = {Buffer, Size, 0};
    PDEVICE_NODE Node;

    if (Size != 0) {
        Buffer[0] = '\0';
    }
    IopAcquirePnpTreeLock();
    for (Node = IopRootDeviceNode; Node != NULL; Node = IopNextDeviceNode(Node)) {
        IopFormatNode(&Text, Node);
    }
    IopReleasePnpTreeLock();
    return Text.Length;
}

/* PASSIVE_LEVEL. One DbgPrint per line: the console's line buffer is
 * short. */
VOID
IopDumpDeviceTree(VOID)
{
    SIZE_T Size = 16384, Needed;
    PCHAR Buffer, Line, End;

    Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Size, IOP_PNP_TAG);
    if (Buffer == NULL) {
        return;
    }
    Needed = IopFormatDeviceTree(Buffer, Size);
    DbgPrint("PnP device tree:\n");
    for (Line = Buffer; *Line != '\0'; Line = End + 1) {
        for (End = Line; *End != '\n' && *End != '\0'; End++) {
        }
        DbgPrint("%.*s\n", (int)(End - Line), Line);
        if (*End == '\0') {
            break;
        }
    }
    if (Needed >= Size) {
        DbgPrint("(the tree is longer than %llu bytes; the rest is cut)\n", (ULONGLONG)Size);
    }
    ExFreePoolWithTag(Buffer, IOP_PNP_TAG);
}
