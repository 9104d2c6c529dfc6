/*
 * hal/acpimadt.c - the MADT: processors, IOAPICs, and how ISA interrupts
 * reach them. ACPI 6.5, 5.2.12.
 *
 * The MADT is a list of variable-length entries, each starting with a type
 * and a length byte. A length that is too short for its type (0 or 1 would
 * never advance) or that runs past the table end means nothing after it can
 * be located: the parse stops there with a message, and the entries before
 * it are kept. Entry types this HAL does not use (SAPIC, GIC, ...) are
 * skipped by their length.
 */
#include "hal/acpip.h"

/* The smallest valid length of each type this parser reads; 0 for types it
 * skips, which still need the two-byte entry header. */
static UCHAR
HalpMadtMinimumLength(UCHAR Type)
{
    switch (Type) {
    case ACPI_MADT_TYPE_LOCAL_APIC:
        return sizeof(ACPI_MADT_LOCAL_APIC);
    case ACPI_MADT_TYPE_IOAPIC:
        return sizeof(ACPI_MADT_IOAPIC);
    case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
        return sizeof(ACPI_MADT_INTERRUPT_OVERRIDE);
    case ACPI_MADT_TYPE_NMI_SOURCE:
        return sizeof(ACPI_MADT_NMI_SOURCE);
    case ACPI_MADT_TYPE_LOCAL_APIC_NMI:
        return sizeof(ACPI_MADT_LOCAL_APIC_NMI);
    case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE:
        return sizeof(ACPI_MADT_LOCAL_APIC_OVERRIDE);
    case ACPI_MADT_TYPE_LOCAL_X2APIC:
        return sizeof(ACPI_MADT_LOCAL_X2APIC);
    case ACPI_MADT_TYPE_LOCAL_X2APIC_NMI:
        return sizeof(ACPI_MADT_LOCAL_X2APIC_NMI);
    default:
        return sizeof(ACPI_MADT_ENTRY_HEADER);
    }
}

/* MPS INTI flags -> polarity and trigger. "Conforms to the bus" and the
 * reserved value 2 take the defaults the caller gives (ISA: active high,
 * edge; the SCI: active low, level). ACPI 6.5 5.2.12.5. */
static VOID
HalpMadtDecodeFlags(USHORT Flags, ACPI_INTERRUPT_POLARITY DefaultPolarity,
                    ACPI_INTERRUPT_TRIGGER DefaultTrigger, ACPI_INTERRUPT_POLARITY *Polarity,
                    ACPI_INTERRUPT_TRIGGER *Trigger)
{
    switch (Flags & ACPI_MPS_POLARITY_MASK) {
    case ACPI_MPS_POLARITY_ACTIVE_HIGH:
        *Polarity = AcpiActiveHigh;
        break;
    case ACPI_MPS_POLARITY_ACTIVE_LOW:
        *Polarity = AcpiActiveLow;
        break;
    default:
        *Polarity = DefaultPolarity;
        break;
    }
    switch ((Flags >> ACPI_MPS_TRIGGER_SHIFT) & ACPI_MPS_TRIGGER_MASK) {
    case ACPI_MPS_TRIGGER_EDGE:
        *Trigger = AcpiEdgeTriggered;
        break;
    case ACPI_MPS_TRIGGER_LEVEL:
        *Trigger = AcpiLevelTriggered;
        break;
    default:
        *Trigger = DefaultTrigger;
        break;
    }
}

/* Reserves the next slot of an array, or counts the entry as dropped. */
#define HALP_MADT_SLOT(Madt, Count, Array, Offset, What)                                   \
    (((Madt)->Count < RTL_NUMBER_OF((Madt)->Array))                                       \
         ? &(Madt)->Array[(Madt)->Count++]                                                \
         : (DbgPrint("ACPI: MADT: entry at offset 0x%x: more than %u %s; dropped\n",      \
                     (Offset), (ULONG)RTL_NUMBER_OF((Madt)->Array), (What)),              \
            (Madt)->DroppedCount++, NULL))

static VOID
HalpMadtAddProcessor(PACPI_MADT_INFO Madt, ULONG Offset, ULONG ApicId, ULONG Uid, ULONG Flags,
                     BOOLEAN X2Apic)
{
    ACPI_PROCESSOR *Processor;

    Processor = HALP_MADT_SLOT(Madt, ProcessorCount, Processors, Offset, "processors");
    if (Processor != NULL) {
        Processor->ApicId = ApicId;
        Processor->ProcessorUid = Uid;
        Processor->Enabled = (Flags & ACPI_MADT_LAPIC_ENABLED) != 0;
        Processor->OnlineCapable = (Flags & ACPI_MADT_LAPIC_ONLINE_CAPABLE) != 0;
        Processor->X2Apic = X2Apic;
    }
}

static VOID
HalpMadtAddLocalNmi(PACPI_MADT_INFO Madt, ULONG Offset, ULONG Uid, BOOLEAN All, UCHAR Lint,
                    USHORT Flags)
{
    ACPI_LOCAL_NMI *Nmi;

    if (Lint > 1) {
        DbgPrint("ACPI: MADT: entry at offset 0x%x (local NMI) names LINT%u; only LINT0 and "
                 "LINT1 exist; ignored\n", Offset, Lint);
        return;
    }
    Nmi = HALP_MADT_SLOT(Madt, LocalNmiCount, LocalNmis, Offset, "local NMIs");
    if (Nmi != NULL) {
        Nmi->ProcessorUid = Uid;
        Nmi->AllProcessors = All;
        Nmi->Lint = Lint;
        /* NMIs on LINTn default to edge, active high (the LVT's reset state). */
        HalpMadtDecodeFlags(Flags, AcpiActiveHigh, AcpiEdgeTriggered, &Nmi->Polarity,
                            &Nmi->Trigger);
    }
}

static VOID
HalpMadtAddOverride(PACPI_MADT_INFO Madt, ULONG Offset, const ACPI_MADT_INTERRUPT_OVERRIDE *Entry)
{
    ACPI_INTERRUPT_OVERRIDE *Override;
    ULONG Index;

    if (Entry->Bus != 0) {
        DbgPrint("ACPI: MADT: entry at offset 0x%x (override) is for bus %u, not ISA (0); "
                 "ignored\n", Offset, Entry->Bus);
        return;
    }
    for (Index = 0; Index < Madt->OverrideCount; Index++) {
        if (Madt->Overrides[Index].SourceIrq == Entry->SourceIrq) {
            DbgPrint("ACPI: MADT: entry at offset 0x%x overrides IRQ%u a second time; the "
                     "first override stands\n", Offset, Entry->SourceIrq);
            return;
        }
    }
    Override = HALP_MADT_SLOT(Madt, OverrideCount, Overrides, Offset, "overrides");
    if (Override != NULL) {
        Override->SourceIrq = Entry->SourceIrq;
        Override->Gsi = Entry->Gsi;
        Override->Flags = Entry->Flags;
        HalpMadtDecodeFlags(Entry->Flags, AcpiActiveHigh, AcpiEdgeTriggered,
                            &Override->Polarity, &Override->Trigger);
    }
}

/* One entry whose length is already known to be sound for its type. */
static VOID
HalpMadtParseEntry(PACPI_MADT_INFO Madt, const UCHAR *Entry, ULONG Offset)
{
    const ACPI_MADT_ENTRY_HEADER *Header = (const ACPI_MADT_ENTRY_HEADER *)Entry;

    switch (Header->Type) {
    case ACPI_MADT_TYPE_LOCAL_APIC: {
        const ACPI_MADT_LOCAL_APIC *Lapic = (const ACPI_MADT_LOCAL_APIC *)Entry;
        HalpMadtAddProcessor(Madt, Offset, Lapic->ApicId, Lapic->ProcessorUid, Lapic->Flags,
                             FALSE);
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_X2APIC: {
        const ACPI_MADT_LOCAL_X2APIC *X2Apic = (const ACPI_MADT_LOCAL_X2APIC *)Entry;
        HalpMadtAddProcessor(Madt, Offset, X2Apic->X2ApicId, X2Apic->ProcessorUid,
                             X2Apic->Flags, TRUE);
        break;
    }
    case ACPI_MADT_TYPE_IOAPIC: {
        const ACPI_MADT_IOAPIC *Source = (const ACPI_MADT_IOAPIC *)Entry;
        ACPI_IOAPIC *IoApic = HALP_MADT_SLOT(Madt, IoApicCount, IoApics, Offset, "IOAPICs");
        if (IoApic != NULL) {
            IoApic->Id = Source->IoApicId;
            IoApic->Address = Source->Address;
            IoApic->GsiBase = Source->GsiBase;
        }
        break;
    }
    case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
        HalpMadtAddOverride(Madt, Offset, (const ACPI_MADT_INTERRUPT_OVERRIDE *)Entry);
        break;
    case ACPI_MADT_TYPE_NMI_SOURCE: {
        const ACPI_MADT_NMI_SOURCE *Source = (const ACPI_MADT_NMI_SOURCE *)Entry;
        ACPI_NMI_SOURCE *Nmi = HALP_MADT_SLOT(Madt, NmiSourceCount, NmiSources, Offset,
                                              "NMI sources");
        if (Nmi != NULL) {
            Nmi->Gsi = Source->Gsi;
            HalpMadtDecodeFlags(Source->Flags, AcpiActiveHigh, AcpiEdgeTriggered,
                                &Nmi->Polarity, &Nmi->Trigger);
        }
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_APIC_NMI: {
        const ACPI_MADT_LOCAL_APIC_NMI *Nmi = (const ACPI_MADT_LOCAL_APIC_NMI *)Entry;
        HalpMadtAddLocalNmi(Madt, Offset, Nmi->ProcessorUid,
                            Nmi->ProcessorUid == ACPI_MADT_ALL_PROCESSORS_UID8, Nmi->Lint,
                            Nmi->Flags);
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_X2APIC_NMI: {
        const ACPI_MADT_LOCAL_X2APIC_NMI *Nmi = (const ACPI_MADT_LOCAL_X2APIC_NMI *)Entry;
        HalpMadtAddLocalNmi(Madt, Offset, Nmi->ProcessorUid,
                            Nmi->ProcessorUid == ACPI_MADT_ALL_PROCESSORS_UID32, Nmi->Lint,
                            Nmi->Flags);
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE: {
        const ACPI_MADT_LOCAL_APIC_OVERRIDE *Override =
            (const ACPI_MADT_LOCAL_APIC_OVERRIDE *)Entry;
        Madt->LocalApicAddress = Override->Address;
        Madt->LocalApicOverridden = TRUE;
        break;
    }
    default:
        Madt->UnknownCount++;
        break;
    }
}

NTSTATUS
HalpAcpiParseMadt(const ACPI_DESCRIPTION_HEADER *Table, ULONG Available, PACPI_MADT_INFO Madt)
{
    const ACPI_MADT *Fixed = (const ACPI_MADT *)Table;
    const UCHAR *Bytes = (const UCHAR *)Table;
    ULONG Length, Offset;
    NTSTATUS Status;

    *Madt = (ACPI_MADT_INFO){0};
    Status = HalpAcpiCheckTableLength(Table, Available, sizeof(ACPI_MADT), "MADT", &Length);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Madt->LocalApicAddress = Fixed->LocalApicAddress;
    Madt->PcatCompat = (Fixed->Flags & ACPI_MADT_PCAT_COMPAT) != 0;

    for (Offset = sizeof(ACPI_MADT); Offset < Length;) {
        UCHAR Type, EntryLength, Minimum;

        if (Length - Offset < sizeof(ACPI_MADT_ENTRY_HEADER)) {
            DbgPrint("ACPI: MADT: %u stray byte at offset 0x%x, too short for an entry "
                     "header; ignored\n", Length - Offset, Offset);
            Madt->Truncated = TRUE;
            break;
        }
        Type = Bytes[Offset];
        EntryLength = Bytes[Offset + 1];
        Minimum = HalpMadtMinimumLength(Type);
        if (EntryLength < Minimum) {
            DbgPrint("ACPI: MADT: entry at offset 0x%x (type %u, length %u) is shorter than "
                     "the %u bytes its type needs; ignoring the rest\n", Offset, Type,
                     EntryLength, Minimum);
            Madt->Truncated = TRUE;
            break;
        }
        if (EntryLength > Length - Offset) {
            DbgPrint("ACPI: MADT: entry at offset 0x%x (type %u, length %u) runs past the "
                     "table end (length 0x%x); ignoring the rest\n", Offset, Type, EntryLength,
                     Length);
            Madt->Truncated = TRUE;
            break;
        }
        HalpMadtParseEntry(Madt, Bytes + Offset, Offset);
        Offset += EntryLength;
    }
    if (Madt->LocalApicAddress == 0) {
        DbgPrint("ACPI: MADT: the local APIC address is 0; the MADT is unusable\n");
        return STATUS_BAD_DATA;
    }
    return STATUS_SUCCESS;
}

NTSTATUS
HalpAcpiRouteIsaIrq(const ACPI_MADT_INFO *Madt, ULONG Irq, PACPI_INTERRUPT_ROUTE Route)
{
    ULONG Index;

    if (Irq > 15) {
        return STATUS_INVALID_PARAMETER;
    }
    /* ISA signals edges, active high, and with no override IRQ n is GSI n
     * (ACPI 6.5 5.2.12.5). */
    Route->Gsi = Irq;
    Route->Polarity = AcpiActiveHigh;
    Route->Trigger = AcpiEdgeTriggered;
    Route->Overridden = FALSE;
    if (Madt == NULL) {
        return STATUS_SUCCESS;
    }
    for (Index = 0; Index < Madt->OverrideCount; Index++) {
        const ACPI_INTERRUPT_OVERRIDE *Override = &Madt->Overrides[Index];

        if (Override->SourceIrq == Irq) {
            Route->Gsi = Override->Gsi;
            Route->Polarity = Override->Polarity;
            Route->Trigger = Override->Trigger;
            Route->Overridden = TRUE;
            break;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS
HalpAcpiRouteSci(const ACPI_MADT_INFO *Madt, const ACPI_FADT_INFO *Fadt,
                 PACPI_INTERRUPT_ROUTE Route)
{
    ULONG Index;

    /* The SCI is shareable, level triggered, active low unless an override
     * says otherwise (ACPI 6.5 5.2.9, SCI_INT); an override's "conforms"
     * bits keep those defaults rather than ISA's. Without 8259s the field
     * is a GSI already and ISA overrides do not apply to it. */
    Route->Gsi = Fadt->SciInterrupt;
    Route->Polarity = AcpiActiveLow;
    Route->Trigger = AcpiLevelTriggered;
    Route->Overridden = FALSE;
    if (Madt == NULL || !Madt->PcatCompat) {
        return STATUS_SUCCESS;
    }
    for (Index = 0; Index < Madt->OverrideCount; Index++) {
        const ACPI_INTERRUPT_OVERRIDE *Override = &Madt->Overrides[Index];

        if (Override->SourceIrq == Fadt->SciInterrupt) {
            Route->Gsi = Override->Gsi;
            HalpMadtDecodeFlags(Override->Flags, AcpiActiveLow, AcpiLevelTriggered,
                                &Route->Polarity, &Route->Trigger);
            Route->Overridden = TRUE;
            break;
        }
    }
    return STATUS_SUCCESS;
}
