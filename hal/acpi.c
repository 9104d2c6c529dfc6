/*
 * hal/acpi.c - finding the ACPI tables: the RSDP, the RSDT or XSDT, and a
 * directory of every table they list that passes validation.
 *
 * Firmware tables are input, not truth. Before a table is used, its header
 * must be readable, its Length at least the header's 36 bytes and at most
 * ACPI_MAX_TABLE_LENGTH, its bytes must sum to zero over Length, and its
 * signature must be the one its referrer promised. A table that fails is
 * reported and skipped; the others still count. ACPI 6.5, 5.2.5 to 5.2.8.
 */
#include "hal/acpip.h"

UCHAR
HalpAcpiChecksum(const VOID *Buffer, ULONG Length)
{
    const UCHAR *Bytes = Buffer;
    UCHAR Sum = 0;
    ULONG Index;

    for (Index = 0; Index < Length; Index++) {
        Sum = (UCHAR)(Sum + Bytes[Index]);
    }
    return Sum;
}

VOID
HalpAcpiPrintableSignature(const CHAR *Signature, PCHAR Text)
{
    ULONG Index;

    for (Index = 0; Index < 4; Index++) {
        CHAR Character = Signature[Index];
        Text[Index] = (Character >= 0x20 && Character < 0x7F) ? Character : '?';
    }
    Text[4] = '\0';
}

static BOOLEAN
HalpAcpiSignatureIs(const CHAR *Signature, PCSTR Expected)
{
    ULONG Index;

    for (Index = 0; Index < 4; Index++) {
        if (Signature[Index] != Expected[Index]) {
            return FALSE;
        }
    }
    return TRUE;
}

NTSTATUS
HalpAcpiCheckTableLength(const ACPI_DESCRIPTION_HEADER *Table, ULONG Available,
                         ULONG MinimumLength, PCSTR Name, PULONG Length)
{
    *Length = 0;
    if (Available < sizeof(ACPI_DESCRIPTION_HEADER)) {
        DbgPrint("ACPI: %s: only %u bytes readable, less than the 36-byte header; ignored\n",
                 Name, Available);
        return STATUS_BAD_DATA;
    }
    if (Table->Length > Available) {
        DbgPrint("ACPI: %s: Length 0x%x is more than the 0x%x bytes mapped; ignored\n",
                 Name, Table->Length, Available);
        return STATUS_BAD_DATA;
    }
    if (Table->Length < MinimumLength) {
        DbgPrint("ACPI: %s: Length 0x%x is less than the 0x%x bytes its fixed fields need; "
                 "ignored\n", Name, Table->Length, MinimumLength);
        return STATUS_BAD_DATA;
    }
    *Length = Table->Length;
    return STATUS_SUCCESS;
}

const ACPI_DESCRIPTION_HEADER *
HalpAcpiMapTable(const ACPI_PHYSICAL_ACCESS *Access, ULONGLONG PhysicalAddress,
                 PCSTR Signature, PULONG Length)
{
    const ACPI_DESCRIPTION_HEADER *Header;
    CHAR Found[5];
    ULONG TableLength;
    UCHAR Sum;

    *Length = 0;
    Header = Access->Map(Access->Context, PhysicalAddress, sizeof(*Header));
    if (Header == NULL) {
        DbgPrint("ACPI: table at 0x%llx cannot be mapped; skipped\n", PhysicalAddress);
        return NULL;
    }
    TableLength = Header->Length;
    HalpAcpiPrintableSignature(Header->Signature, Found);
    Access->Unmap(Access->Context, (PVOID)Header, sizeof(*Header));

    if (Signature != NULL && !HalpAcpiSignatureIs(Found, Signature)) {
        DbgPrint("ACPI: table at 0x%llx has signature '%s', expected '%s'; skipped\n",
                 PhysicalAddress, Found, Signature);
        return NULL;
    }
    if (TableLength < sizeof(ACPI_DESCRIPTION_HEADER)) {
        DbgPrint("ACPI: table at 0x%llx has signature '%s' but Length %u, less than the "
                 "36-byte header; skipped\n", PhysicalAddress, Found, TableLength);
        return NULL;
    }
    if (TableLength > ACPI_MAX_TABLE_LENGTH) {
        DbgPrint("ACPI: table at 0x%llx has signature '%s' but Length 0x%x, over the "
                 "0x%x limit; skipped\n", PhysicalAddress, Found, TableLength,
                 ACPI_MAX_TABLE_LENGTH);
        return NULL;
    }
    Header = Access->Map(Access->Context, PhysicalAddress, TableLength);
    if (Header == NULL) {
        DbgPrint("ACPI: table '%s' at 0x%llx (Length 0x%x) cannot be mapped; skipped\n",
                 Found, PhysicalAddress, TableLength);
        return NULL;
    }
    Sum = HalpAcpiChecksum(Header, TableLength);
    if (Sum != 0) {
        DbgPrint("ACPI: table at 0x%llx has signature '%s' but checksum 0x%02x != 0; "
                 "skipped\n", PhysicalAddress, Found, Sum);
        Access->Unmap(Access->Context, (PVOID)Header, TableLength);
        return NULL;
    }
    *Length = TableLength;
    return Header;
}

VOID
HalpAcpiUnmapTable(const ACPI_PHYSICAL_ACCESS *Access, const ACPI_DESCRIPTION_HEADER *Table,
                   ULONG Length)
{
    Access->Unmap(Access->Context, (PVOID)Table, Length);
}

const ACPI_TABLE_DESCRIPTOR *
HalpAcpiFindTable(const ACPI_ROOT *Root, PCSTR Signature, ULONG Instance)
{
    ULONG Index;

    for (Index = 0; Index < Root->TableCount; Index++) {
        if (HalpAcpiSignatureIs(Root->Tables[Index].Signature, Signature)) {
            if (Instance == 0) {
                return &Root->Tables[Index];
            }
            Instance--;
        }
    }
    return NULL;
}

/* Validates the table an RSDT/XSDT entry points at and adds it to the
 * directory; a bad one is reported (by HalpAcpiMapTable) and counted. */
static VOID
HalpAcpiAddTable(PACPI_ROOT Root, PCSTR RootName, ULONG Entry, ULONGLONG PhysicalAddress)
{
    const ACPI_DESCRIPTION_HEADER *Table;
    PACPI_TABLE_DESCRIPTOR Descriptor;
    ULONG Length;

    if (PhysicalAddress == 0) {
        DbgPrint("ACPI: %s entry %u is a null address; skipped\n", RootName, Entry);
        Root->SkippedCount++;
        return;
    }
    Table = HalpAcpiMapTable(&Root->Access, PhysicalAddress, NULL, &Length);
    if (Table == NULL) {
        Root->SkippedCount++;
        return;
    }
    if (Root->TableCount == ACPI_MAX_TABLES) {
        DbgPrint("ACPI: %s entry %u: more than %u tables; the rest are ignored\n", RootName,
                 Entry, ACPI_MAX_TABLES);
        Root->SkippedCount++;
    } else {
        Descriptor = &Root->Tables[Root->TableCount++];
        Descriptor->PhysicalAddress = PhysicalAddress;
        Descriptor->Length = Length;
        Descriptor->Revision = Table->Revision;
        HalpAcpiPrintableSignature(Table->Signature, Descriptor->Signature);
    }
    HalpAcpiUnmapTable(&Root->Access, Table, Length);
}

/* Reads the RSDT (4-byte entries) or XSDT (8-byte entries) at
 * PhysicalAddress into the directory. ACPI 6.5 5.2.7, 5.2.8. */
static NTSTATUS
HalpAcpiParseRootTable(PACPI_ROOT Root, ULONGLONG PhysicalAddress, BOOLEAN Xsdt)
{
    PCSTR Name = Xsdt ? ACPI_XSDT_SIGNATURE : ACPI_RSDT_SIGNATURE;
    ULONG EntrySize = Xsdt ? 8 : 4;
    const ACPI_DESCRIPTION_HEADER *Table;
    const UCHAR *Entries;
    ULONG Length, Count, Remainder, Index;

    Table = HalpAcpiMapTable(&Root->Access, PhysicalAddress, Name, &Length);
    if (Table == NULL) {
        return STATUS_BAD_DATA;
    }
    Count = (Length - sizeof(*Table)) / EntrySize;
    Remainder = (Length - sizeof(*Table)) % EntrySize;
    if (Remainder != 0) {
        DbgPrint("ACPI: %s: Length 0x%x leaves %u bytes after its %u entries; ignored\n", Name,
                 Length, Remainder, Count);
    }
    Root->UsingXsdt = Xsdt;
    Root->RootTableAddress = PhysicalAddress;
    Root->RootEntryCount = Count;

    /* The entries follow the header with no alignment promise: read them
     * as bytes, little-endian. */
    Entries = (const UCHAR *)(Table + 1);
    for (Index = 0; Index < Count; Index++) {
        const UCHAR *Entry = Entries + Index * EntrySize;
        ULONGLONG Address = 0;
        ULONG Byte;

        for (Byte = 0; Byte < EntrySize; Byte++) {
            Address |= (ULONGLONG)Entry[Byte] << (8 * Byte);
        }
        HalpAcpiAddTable(Root, Name, Index, Address);
    }
    HalpAcpiUnmapTable(&Root->Access, Table, Length);
    return STATUS_SUCCESS;
}

/* Checks the ACPI 2.0 part of a revision 2+ RSDP; returns the XSDT address,
 * or 0 when it cannot be trusted (the RSDT is then used). ACPI 6.5 5.2.5.3. */
static ULONGLONG
HalpAcpiExtendedRsdp(PACPI_ROOT Root, ULONGLONG RsdpAddress, ULONG Length)
{
    const ACPI_RSDP *Rsdp;
    ULONGLONG XsdtAddress;
    UCHAR Sum;

    if (Length < sizeof(ACPI_RSDP) || Length > ACPI_MAX_RSDP_LENGTH) {
        DbgPrint("ACPI: RSDP at 0x%llx: revision %u but Length %u is outside 36..%u; "
                 "ignoring the XSDT, using the RSDT\n", RsdpAddress, Root->RsdpRevision,
                 Length, ACPI_MAX_RSDP_LENGTH);
        return 0;
    }
    Rsdp = Root->Access.Map(Root->Access.Context, RsdpAddress, Length);
    if (Rsdp == NULL) {
        DbgPrint("ACPI: RSDP at 0x%llx: its %u bytes cannot be mapped; using the RSDT\n",
                 RsdpAddress, Length);
        return 0;
    }
    Sum = HalpAcpiChecksum(Rsdp, Length);
    XsdtAddress = Rsdp->XsdtAddress;
    Root->Access.Unmap(Root->Access.Context, (PVOID)Rsdp, Length);
    if (Sum != 0) {
        DbgPrint("ACPI: RSDP at 0x%llx: extended checksum over %u bytes is 0x%02x, not 0; "
                 "ignoring the XSDT, using the RSDT\n", RsdpAddress, Length, Sum);
        return 0;
    }
    return XsdtAddress;
}

NTSTATUS
HalpAcpiParseRoot(PACPI_ROOT Root, const ACPI_PHYSICAL_ACCESS *Access, ULONGLONG RsdpAddress)
{
    static const CHAR Expected[] = ACPI_RSDP_SIGNATURE;
    const ACPI_RSDP *Rsdp;
    ULONGLONG XsdtAddress = 0;
    ULONG RsdtAddress, Length, Index;
    BOOLEAN SignatureOk = TRUE;
    UCHAR Sum;

    *Root = (ACPI_ROOT){0};
    Root->Access = *Access;
    Root->RsdpAddress = RsdpAddress;
    if (RsdpAddress == 0) {
        DbgPrint("ACPI: no RSDP: the boot loader found none\n");
        return STATUS_NOT_FOUND;
    }

    /* The ACPI 1.0 part first: signature and checksum over 20 bytes. */
    Rsdp = Access->Map(Access->Context, RsdpAddress, ACPI_RSDP_V1_LENGTH);
    if (Rsdp == NULL) {
        DbgPrint("ACPI: RSDP at 0x%llx cannot be mapped\n", RsdpAddress);
        return STATUS_NOT_FOUND;
    }
    for (Index = 0; Index < 8; Index++) {
        SignatureOk = SignatureOk && Rsdp->Signature[Index] == Expected[Index];
    }
    Sum = HalpAcpiChecksum(Rsdp, ACPI_RSDP_V1_LENGTH);
    Root->RsdpRevision = Rsdp->Revision;
    for (Index = 0; Index < 6; Index++) {
        CHAR Character = Rsdp->OemId[Index];
        Root->OemId[Index] = (Character >= 0x20 && Character < 0x7F) ? Character : '?';
    }
    RsdtAddress = Rsdp->RsdtAddress;
    Access->Unmap(Access->Context, (PVOID)Rsdp, ACPI_RSDP_V1_LENGTH);
    if (!SignatureOk) {
        DbgPrint("ACPI: RSDP at 0x%llx lacks the signature 'RSD PTR '; ignored\n", RsdpAddress);
        return STATUS_NOT_FOUND;
    }
    if (Sum != 0) {
        DbgPrint("ACPI: RSDP at 0x%llx: checksum over its first 20 bytes is 0x%02x, not 0; "
                 "ignored\n", RsdpAddress, Sum);
        return STATUS_NOT_FOUND;
    }

    /* Revision 0 is ACPI 1.0 (RSDT only); 2 and later add the XSDT. */
    if (Root->RsdpRevision >= 2) {
        Rsdp = Access->Map(Access->Context, RsdpAddress, sizeof(ACPI_RSDP));
        if (Rsdp == NULL) {
            DbgPrint("ACPI: RSDP at 0x%llx: its ACPI 2.0 part cannot be mapped; using the "
                     "RSDT\n", RsdpAddress);
        } else {
            Length = Rsdp->Length;
            Access->Unmap(Access->Context, (PVOID)Rsdp, sizeof(ACPI_RSDP));
            XsdtAddress = HalpAcpiExtendedRsdp(Root, RsdpAddress, Length);
        }
    }
    if (XsdtAddress != 0) {
        if (NT_SUCCESS(HalpAcpiParseRootTable(Root, XsdtAddress, TRUE))) {
            return STATUS_SUCCESS;
        }
        DbgPrint("ACPI: XSDT at 0x%llx is unusable; falling back to the RSDT at 0x%x\n",
                 XsdtAddress, RsdtAddress);
    }
    if (RsdtAddress == 0) {
        DbgPrint("ACPI: RSDP at 0x%llx gives no usable RSDT or XSDT\n", RsdpAddress);
        return STATUS_BAD_DATA;
    }
    return HalpAcpiParseRootTable(Root, RsdtAddress, FALSE);
}
