/*
 * drivers/pci/msi.c - a function's message-signaled interrupts turned on at
 * IRP_MN_START_DEVICE, from the message interrupts the PnP manager
 * assigned, and off again before the function stops decoding.
 *
 * The function's requirements (resource.c) asked for messages; the PnP
 * manager gave each message descriptor a block of IDT vectors, and hands
 * both lists to the PDO's START_DEVICE: the raw descriptor says how many
 * messages (u.MessageInterrupt.Raw.MessageCount), the translated one the
 * block's first vector and the processors (Translated.Vector, .Affinity).
 * Message i of a descriptor raises vector Translated.Vector + i. The HAL
 * says which memory write raises a vector (HalComposeMessageInterrupt);
 * this file writes that address and data where the function keeps them:
 *
 *   MSI     one address and data for the whole block in the capability;
 *           message i is written with the low bits of the data = i, which
 *           is why the block is aligned (PCI Local Bus 3.0 6.8.1.3-6).
 *   MSI-X   a table in a memory BAR with an entry of its own per message,
 *           each with a mask bit (6.8.2). Entries Kestrel did not assign
 *           stay masked.
 *
 * With messages on, the command register's Interrupt Disable (bit 10,
 * 6.2.2) is set too, so the INTx# pin stays quiet; without them it is
 * clear and the line is the function's interrupt. Off means: Interrupt
 * Disable set (a function whose messages are off would otherwise fall back
 * on INTx#, 6.8.1.3, a line no driver may have connected), MSI Enable
 * clear, every MSI-X entry masked and MSI-X Enable clear. That happens
 * while the memory decode is still on, since the MSI-X table is behind a
 * BAR. Nothing is kept between start and stop: the capability says what
 * is on, and the table is mapped for as long as it is written.
 */
#include "pci.h"

#define PCI_FUNCTION_ARGS(F) (F)->Bus, (F)->Device, (F)->Function

/* PCI Local Bus 3.0 6.8.1, Figure 6-9: the MSI capability. The data and
 * mask registers move by 4 bytes when the address is 64-bit. */
#define PCI_MSI_CONTROL 0x02
#define PCI_MSI_ADDRESS_LOW 0x04
#define PCI_MSI_ADDRESS_HIGH 0x08
#define PCI_MSI_DATA(Address64) ((Address64) ? 0x0C : 0x08)
#define PCI_MSI_MASK(Address64) ((Address64) ? 0x10 : 0x0C)
#define PCI_MSI_CONTROL_ENABLE 0x0001
#define PCI_MSI_CONTROL_MME_SHIFT 4             /* Multiple Message Enable, 6:4 */
#define PCI_MSI_CONTROL_MME_MASK 0x0070

/* PCI Local Bus 3.0 6.8.2, Figures 6-10 and 6-11: the MSI-X capability's
 * Message Control and the table entries (16 bytes each). */
#define PCI_MSIX_CONTROL 0x02
#define PCI_MSIX_CONTROL_FUNCTION_MASK 0x4000
#define PCI_MSIX_CONTROL_ENABLE 0x8000
#define PCI_MSIX_ENTRY_BYTES 16
#define PCI_MSIX_ENTRY_ADDRESS_LOW 0
#define PCI_MSIX_ENTRY_ADDRESS_HIGH 1           /* in ULONGs */
#define PCI_MSIX_ENTRY_DATA 2
#define PCI_MSIX_ENTRY_VECTOR_CONTROL 3
#define PCI_MSIX_VECTOR_MASKED 0x00000001       /* bits 31:1 reserved: preserved */

/* One translated message descriptor and its raw count. */
typedef struct _PCI_MESSAGE_GRANT {
    ULONG Vector;
    KAFFINITY Affinity;
    ULONG Count;
} PCI_MESSAGE_GRANT;

#define PCI_MAX_MESSAGE_GRANTS PCI_MAX_MSIX_MESSAGES

/* Every routine here runs at PASSIVE_LEVEL. */

/* PASSIVE_LEVEL. Sets or clears Interrupt Disable in the Command register. */
static NTSTATUS
PciSetInterruptDisable(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
                       BOOLEAN Disable)
{
    USHORT Command;
    NTSTATUS Status = PciReadFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Command, 2);

    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Command = Disable ? (USHORT)(Command | PCI_DISABLE_LEVEL_INTERRUPT)
                      : (USHORT)(Command & ~PCI_DISABLE_LEVEL_INTERRUPT);
    return PciWriteFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Command, 2);
}

/* PASSIVE_LEVEL. The message descriptors of the translated list, each with
 * the count of its raw twin (the lists hold them in the same order). How
 * many, or 0 with *Status set when the lists disagree. */
static ULONG
PciFindMessageGrants(const PCI_FUNCTION *Function, const CM_RESOURCE_LIST *Raw,
                     const CM_RESOURCE_LIST *Translated, PCI_MESSAGE_GRANT *Grants,
                     NTSTATUS *Status)
{
    const CM_RESOURCE_LIST *Lists[2] = {Raw, Translated};
    ULONG Found[2] = {0, 0}, Which;

    *Status = STATUS_SUCCESS;
    for (Which = 0; Which < 2; Which++) {
        const CM_FULL_RESOURCE_DESCRIPTOR *Full;
        ULONG List, Index;

        if (Lists[Which] == NULL) {
            continue;
        }
        Full = Lists[Which]->List;
        for (List = 0; List < Lists[Which]->Count; List++) {
            const CM_PARTIAL_RESOURCE_DESCRIPTOR *Partial =
                Full->PartialResourceList.PartialDescriptors;

            for (Index = 0; Index < Full->PartialResourceList.Count; Index++, Partial++) {
                if (Partial->Type != CmResourceTypeInterrupt ||
                    (Partial->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) == 0) {
                    continue;
                }
                if (Found[Which] == PCI_MAX_MESSAGE_GRANTS) {
                    DbgPrint("PCI %02x:%02x.%x: more than %u message interrupt descriptors\n",
                             PCI_FUNCTION_ARGS(Function), PCI_MAX_MESSAGE_GRANTS);
                    *Status = STATUS_INVALID_PARAMETER;
                    return 0;
                }
                if (Which == 0) {
                    Grants[Found[0]].Count = Partial->u.MessageInterrupt.Raw.MessageCount;
                } else {
                    Grants[Found[1]].Vector = Partial->u.MessageInterrupt.Translated.Vector;
                    Grants[Found[1]].Affinity = Partial->u.MessageInterrupt.Translated.Affinity;
                }
                Found[Which]++;
            }
            /* The next full descriptor follows the last partial one. */
            Full = (const CM_FULL_RESOURCE_DESCRIPTOR *)Partial;
        }
    }
    if (Found[0] != Found[1]) {
        DbgPrint("PCI %02x:%02x.%x: %u raw but %u translated message interrupt descriptors\n",
                 PCI_FUNCTION_ARGS(Function), Found[0], Found[1]);
        *Status = STATUS_INVALID_PARAMETER;
        return 0;
    }
    return Found[1];
}

/* PASSIVE_LEVEL. MSI: one block of Grant->Count messages. */
static NTSTATUS
PciProgramMsi(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
              const PCI_MESSAGE_GRANT *Grant)
{
    ULONG Offset = Function->Msi.CapabilityOffset, Log2 = 0, Data, Mask;
    PHYSICAL_ADDRESS Address;
    USHORT Control, Data16;
    NTSTATUS Status;

    while ((1U << Log2) < Grant->Count) {
        Log2++;
    }
    if (Grant->Count == 0 || (1U << Log2) != Grant->Count || Grant->Count >
        Function->Msi.MessageCount) {
        DbgPrint("PCI %02x:%02x.%x: %u MSI message(s) assigned; it takes a power of two up to "
                 "%u\n", PCI_FUNCTION_ARGS(Function), Grant->Count, Function->Msi.MessageCount);
        return STATUS_INVALID_PARAMETER;
    }
    Status = HalComposeMessageInterrupt(Grant->Vector, Grant->Affinity, &Address, &Data);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* The function puts the message number in the data's low bits (6.8.1.6). */
    if ((Data & (Grant->Count - 1)) != 0 || Data > 0xFFFF ||
        (!Function->Msi.Address64 && Address.HighPart != 0)) {
        DbgPrint("PCI %02x:%02x.%x: MSI message 0x%llx/0x%x for vector 0x%x does not fit its "
                 "capability (%u messages, %u-bit address)\n", PCI_FUNCTION_ARGS(Function),
                 (ULONGLONG)Address.QuadPart, Data, Grant->Vector, Grant->Count,
                 Function->Msi.Address64 ? 64 : 32);
        return STATUS_INVALID_PARAMETER;
    }

    /* Enable off while the pair changes; then the pair, the masks, and on. */
    Status = PciReadFunctionConfig(Access, Function, Offset + PCI_MSI_CONTROL, &Control, 2);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Control &= (USHORT)~(PCI_MSI_CONTROL_ENABLE | PCI_MSI_CONTROL_MME_MASK);
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSI_CONTROL, &Control, 2);
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSI_ADDRESS_LOW,
                                 &Address.LowPart, 4);
    if (Function->Msi.Address64) {
        (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSI_ADDRESS_HIGH,
                                     &Address.HighPart, 4);
    }
    Data16 = (USHORT)Data;
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSI_DATA(Function->Msi.Address64),
                                 &Data16, 2);
    if (Function->Msi.PerVectorMasking) {
        /* The assigned messages unmasked, the rest masked (6.8.1.7). */
        Mask = Grant->Count == 32 ? 0 : ~((1U << Grant->Count) - 1);
        (VOID)PciWriteFunctionConfig(Access, Function,
                                     Offset + PCI_MSI_MASK(Function->Msi.Address64), &Mask, 4);
    }
    Control |= (USHORT)((Log2 << PCI_MSI_CONTROL_MME_SHIFT) | PCI_MSI_CONTROL_ENABLE);
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSI_CONTROL, &Control, 2);
    Status = PciReadFunctionConfig(Access, Function, Offset + PCI_MSI_CONTROL, &Control, 2);
    if (!NT_SUCCESS(Status) || (Control & PCI_MSI_CONTROL_ENABLE) == 0) {
        DbgPrint("PCI %02x:%02x.%x: MSI Enable does not stay set\n", PCI_FUNCTION_ARGS(Function));
        return STATUS_IO_DEVICE_ERROR;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL. Maps the MSI-X table (the BAR BIR names, at the table
 * offset): NULL, with a message, when it is not where the BAR decodes.
 * The BIR must name a memory BAR (6.8.2.4): an I/O BAR's address is a port
 * number, and mapping it as memory would write somewhere else entirely. */
static volatile ULONG *
PciMapMsixTable(const PCI_FUNCTION *Function, PSIZE_T Bytes)
{
    PHYSICAL_ADDRESS Table;
    ULONG Index;

    *Bytes = (SIZE_T)Function->MsiX.TableSize * PCI_MSIX_ENTRY_BYTES;
    for (Index = 0; Index < Function->BarCount; Index++) {
        const PCI_BAR *Bar = &Function->Bars[Index];

        if (Bar->Index == Function->MsiX.TableBar && Bar->Kind != PciBarRom) {
            if (Bar->Kind == PciBarIo || Bar->Address == 0 ||
                Function->MsiX.TableOffset + *Bytes > Bar->Length) {
                break;
            }
            Table.QuadPart = (LONGLONG)(Bar->Address + Function->MsiX.TableOffset);
            return MmMapIoSpace(Table, *Bytes, MmNonCached);
        }
    }
    DbgPrint("PCI %02x:%02x.%x: its MSI-X table (BAR %u + 0x%x, %u entries) is not in an "
             "assigned memory BAR\n", PCI_FUNCTION_ARGS(Function), Function->MsiX.TableBar,
             Function->MsiX.TableOffset, Function->MsiX.TableSize);
    return NULL;
}

/* PASSIVE_LEVEL. Masks (or unmasks) table entry Entry, keeping the
 * reserved bits of its Vector Control as they are. */
static VOID
PciMaskMsixEntry(volatile ULONG *Table, ULONG Entry, BOOLEAN Masked)
{
    volatile ULONG *Control = &Table[Entry * 4 + PCI_MSIX_ENTRY_VECTOR_CONTROL];
    ULONG Value = READ_REGISTER_ULONG(Control);

    Value = Masked ? (Value | PCI_MSIX_VECTOR_MASKED) : (Value & ~PCI_MSIX_VECTOR_MASKED);
    WRITE_REGISTER_ULONG(Control, Value);
}

/* PASSIVE_LEVEL. MSI-X: one entry per assigned message, unmasked; the
 * rest stay as PciDisableMessages left them, masked. The whole function is
 * masked while the entries change. */
static NTSTATUS
PciProgramMsix(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
               const PCI_MESSAGE_GRANT *Grants, ULONG GrantCount)
{
    ULONG Offset = Function->MsiX.CapabilityOffset, Entry = 0, Grant, Message;
    volatile ULONG *Table;
    SIZE_T Bytes;
    USHORT Control;
    NTSTATUS Status = STATUS_SUCCESS;

    for (Grant = 0; Grant < GrantCount; Grant++) {
        Entry += Grants[Grant].Count;
    }
    if (Entry == 0 || Entry > Function->MsiX.TableSize) {
        DbgPrint("PCI %02x:%02x.%x: %u MSI-X message(s) assigned; its table has %u entries\n",
                 PCI_FUNCTION_ARGS(Function), Entry, Function->MsiX.TableSize);
        return STATUS_INVALID_PARAMETER;
    }
    Table = PciMapMsixTable(Function, &Bytes);
    if (Table == NULL) {
        return STATUS_IO_DEVICE_ERROR;
    }
    Status = PciReadFunctionConfig(Access, Function, Offset + PCI_MSIX_CONTROL, &Control, 2);
    if (!NT_SUCCESS(Status)) {
        MmUnmapIoSpace((PVOID)Table, Bytes);
        return Status;
    }
    Control |= PCI_MSIX_CONTROL_FUNCTION_MASK;
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSIX_CONTROL, &Control, 2);

    Entry = 0;
    for (Grant = 0; Grant < GrantCount && NT_SUCCESS(Status); Grant++) {
        for (Message = 0; Message < Grants[Grant].Count; Message++, Entry++) {
            PHYSICAL_ADDRESS Address;
            ULONG Data;

            Status = HalComposeMessageInterrupt(Grants[Grant].Vector + Message,
                                                Grants[Grant].Affinity, &Address, &Data);
            if (!NT_SUCCESS(Status)) {
                break;
            }
            PciMaskMsixEntry(Table, Entry, TRUE);
            WRITE_REGISTER_ULONG(&Table[Entry * 4 + PCI_MSIX_ENTRY_ADDRESS_LOW], Address.LowPart);
            WRITE_REGISTER_ULONG(&Table[Entry * 4 + PCI_MSIX_ENTRY_ADDRESS_HIGH],
                                 (ULONG)Address.HighPart);
            WRITE_REGISTER_ULONG(&Table[Entry * 4 + PCI_MSIX_ENTRY_DATA], Data);
            PciMaskMsixEntry(Table, Entry, FALSE);
        }
    }
    MmUnmapIoSpace((PVOID)Table, Bytes);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* On with the function still masked, then unmasked (6.8.2.3). */
    Control |= PCI_MSIX_CONTROL_ENABLE;
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSIX_CONTROL, &Control, 2);
    Control &= (USHORT)~PCI_MSIX_CONTROL_FUNCTION_MASK;
    (VOID)PciWriteFunctionConfig(Access, Function, Offset + PCI_MSIX_CONTROL, &Control, 2);
    Status = PciReadFunctionConfig(Access, Function, Offset + PCI_MSIX_CONTROL, &Control, 2);
    if (!NT_SUCCESS(Status) || (Control & PCI_MSIX_CONTROL_ENABLE) == 0) {
        DbgPrint("PCI %02x:%02x.%x: MSI-X Enable does not stay set\n",
                 PCI_FUNCTION_ARGS(Function));
        return STATUS_IO_DEVICE_ERROR;
    }
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, memory decode still on. */
VOID
PciDisableMessages(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function)
{
    USHORT Control;
    ULONG Index;

    (VOID)PciSetInterruptDisable(Access, Function, TRUE);
    if (Function->Msi.Present &&
        NT_SUCCESS(PciReadFunctionConfig(Access, Function,
                                         Function->Msi.CapabilityOffset + PCI_MSI_CONTROL,
                                         &Control, 2)) &&
        Control != 0xFFFF && (Control & PCI_MSI_CONTROL_ENABLE) != 0) {
        Control &= (USHORT)~(PCI_MSI_CONTROL_ENABLE | PCI_MSI_CONTROL_MME_MASK);
        (VOID)PciWriteFunctionConfig(Access, Function,
                                     Function->Msi.CapabilityOffset + PCI_MSI_CONTROL, &Control,
                                     2);
    }
    if (Function->MsiX.Present &&
        NT_SUCCESS(PciReadFunctionConfig(Access, Function,
                                         Function->MsiX.CapabilityOffset + PCI_MSIX_CONTROL,
                                         &Control, 2)) &&
        Control != 0xFFFF) {
        USHORT Command = 0;
        SIZE_T Bytes;
        volatile ULONG *Table = NULL;

        /* The table answers only while the BAR decodes memory. */
        if (NT_SUCCESS(PciReadFunctionConfig(Access, Function, PCI_COMMAND_OFFSET, &Command, 2)) &&
            (Command & PCI_ENABLE_MEMORY_SPACE) != 0) {
            Table = PciMapMsixTable(Function, &Bytes);
        }
        if (Table != NULL) {
            for (Index = 0; Index < Function->MsiX.TableSize; Index++) {
                PciMaskMsixEntry(Table, Index, TRUE);
            }
            MmUnmapIoSpace((PVOID)Table, Bytes);
        }
        Control &= (USHORT)~(PCI_MSIX_CONTROL_ENABLE | PCI_MSIX_CONTROL_FUNCTION_MASK);
        (VOID)PciWriteFunctionConfig(Access, Function,
                                     Function->MsiX.CapabilityOffset + PCI_MSIX_CONTROL, &Control,
                                     2);
    }
}

/* PASSIVE_LEVEL, decode already on (the MSI-X table is behind a BAR). */
NTSTATUS
PciEnableMessages(const PCI_CONFIG_ACCESS *Access, const PCI_FUNCTION *Function,
                  const CM_RESOURCE_LIST *Raw, const CM_RESOURCE_LIST *Translated,
                  PULONG MessageCount)
{
    PCI_MESSAGE_GRANT Grants[PCI_MAX_MESSAGE_GRANTS];
    ULONG Count, Index;
    NTSTATUS Status;

    *MessageCount = 0;
    Count = PciFindMessageGrants(Function, Raw, Translated, Grants, &Status);
    /* Whatever the firmware or an earlier start left on goes off first;
     * MSI and MSI-X must never be on together (6.8.2). */
    PciDisableMessages(Access, Function);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Count == 0) {
        return PciSetInterruptDisable(Access, Function, FALSE);
    }
    if (Function->MsiX.Present) {
        Status = PciProgramMsix(Access, Function, Grants, Count);
    } else if (Function->Msi.Present && Count == 1) {
        Status = PciProgramMsi(Access, Function, &Grants[0]);
    } else {
        DbgPrint("PCI %02x:%02x.%x: %u message interrupt descriptor(s) assigned; it has %s\n",
                 PCI_FUNCTION_ARGS(Function), Count,
                 Function->Msi.Present ? "MSI, which takes one" : "neither MSI nor MSI-X");
        Status = STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(Status)) {
        PciDisableMessages(Access, Function);
        return Status;
    }
    for (Index = 0; Index < Count; Index++) {
        *MessageCount += Grants[Index].Count;
    }
    return STATUS_SUCCESS;
}
