/*
 * tests/host/pcimessages.c - how the PCI bus driver turns a function's
 * message-signaled interrupts on and off (drivers/pci/msi.c), against a
 * scripted config space: every config write is recorded, and the MSI case
 * is checked write by write, so the test reads as a record of how the
 * driver drives the capability (PCI Local Bus 3.0 6.8.1). The MSI-X table
 * is host memory behind a fake MmMapIoSpace that checks the physical
 * address it is asked for (the BAR named by the BIR plus the table
 * offset, 6.8.2); HalComposeMessageInterrupt is a fake with the HAL's
 * rules (device vectors 0x30-0xCF, a non-empty affinity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/pcifake.h"

/* ---- The scripted config space of one function ---- */

typedef struct _WRITE_RECORD {
    ULONG Offset;
    ULONG Length;
    ULONG Value;
} WRITE_RECORD;

static UCHAR Config[PCI_CONFIG_SPACE_LENGTH];
static WRITE_RECORD Writes[64];
static ULONG WriteCount;
static ULONG Violations;

static NTSTATUS
ScriptRead(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset, PVOID Buffer,
           ULONG Length)
{
    (void)Context;
    if (Bus != 1 || Device != 4 || Function != 0 || Offset + Length > sizeof(Config)) {
        Violations++;
        return STATUS_INVALID_PARAMETER;
    }
    memcpy(Buffer, Config + Offset, Length);
    return STATUS_SUCCESS;
}

static NTSTATUS
ScriptWrite(PVOID Context, UCHAR Bus, UCHAR Device, UCHAR Function, ULONG Offset,
            const VOID *Buffer, ULONG Length)
{
    ULONG Value = 0;

    (void)Context;
    if (Bus != 1 || Device != 4 || Function != 0 || Offset + Length > sizeof(Config) ||
        (Length != 2 && Length != 4) || (Offset & (Length - 1)) != 0 ||
        WriteCount == sizeof(Writes) / sizeof(Writes[0])) {
        Violations++;
        return STATUS_INVALID_PARAMETER;
    }
    memcpy(&Value, Buffer, Length);
    memcpy(Config + Offset, Buffer, Length);
    Writes[WriteCount++] = (WRITE_RECORD){Offset, Length, Value};
    return STATUS_SUCCESS;
}

static const PCI_CONFIG_ACCESS Access = {ScriptRead, ScriptWrite, NULL, 0};

static USHORT
Config16(ULONG Offset)
{
    USHORT Value;

    memcpy(&Value, Config + Offset, 2);
    return Value;
}

static ULONG
Config32(ULONG Offset)
{
    ULONG Value;

    memcpy(&Value, Config + Offset, 4);
    return Value;
}

/* ---- The kernel services msi.c calls ---- */

#define TABLE_BAR_ADDRESS 0xFEBD0000ULL
#define TABLE_OFFSET 0x2000
static ULONG Table[8][4];               /* an MSI-X table of up to 8 entries */
static LONG Mappings;
static ULONGLONG MappedAddress;

PVOID NTAPI
MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
             MEMORY_CACHING_TYPE CacheType)
{
    assert_int_equal(CacheType, MmNonCached);
    assert_true(NumberOfBytes <= sizeof(Table));
    MappedAddress = (ULONGLONG)PhysicalAddress.QuadPart;
    Mappings++;
    return Table;
}

VOID NTAPI
MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
    (void)NumberOfBytes;
    assert_ptr_equal(BaseAddress, Table);
    Mappings--;
}

NTSTATUS NTAPI
HalComposeMessageInterrupt(ULONG Vector, KAFFINITY Affinity, PPHYSICAL_ADDRESS MessageAddress,
                           PULONG MessageData)
{
    if (Vector < 0x30 || Vector > 0xCF || Affinity == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    MessageAddress->QuadPart = 0xFEE00000;  /* processor 0, physical, no hint */
    *MessageData = Vector;                  /* fixed, edge */
    return STATUS_SUCCESS;
}

/* ---- Functions and resource lists ---- */

#define MSI_AT 0x50
#define MSIX_AT 0x70

/* A function at 01:04.0 with decoding on, as the PDO's start leaves it. */
static VOID
MakeFunction(PCI_FUNCTION *Function, BOOLEAN Msi, USHORT MsiControl, BOOLEAN Msix,
             USHORT TableSize)
{
    USHORT Command = PCI_ENABLE_MEMORY_SPACE | PCI_ENABLE_BUS_MASTER;

    memset(Config, 0, sizeof(Config));
    memset(Table, 0, sizeof(Table));
    memset(Writes, 0, sizeof(Writes));
    WriteCount = Violations = 0;
    Mappings = 0;
    MappedAddress = 0;
    memcpy(Config + PCI_COMMAND_OFFSET, &Command, 2);
    memset(Function, 0, sizeof(*Function));
    Function->Bus = 1;
    Function->Device = 4;
    Function->BarCount = 1;
    Function->Bars[0] = (PCI_BAR){.Index = 0, .Kind = PciBarMemory64,
                                  .Address = TABLE_BAR_ADDRESS, .Length = 0x4000};
    if (Msi) {
        Config[MSI_AT] = PCI_CAPABILITY_ID_MSI;
        memcpy(Config + MSI_AT + 2, &MsiControl, 2);
        Function->Msi.Present = TRUE;
        Function->Msi.CapabilityOffset = MSI_AT;
        Function->Msi.MessageCount = (USHORT)(1U << ((MsiControl >> 1) & 7));
        Function->Msi.Address64 = (MsiControl & 0x80) != 0;
        Function->Msi.PerVectorMasking = (MsiControl & 0x100) != 0;
    }
    if (Msix) {
        USHORT Control = (USHORT)(TableSize - 1);
        ULONG Index;

        Config[MSIX_AT] = PCI_CAPABILITY_ID_MSIX;
        memcpy(Config + MSIX_AT + 2, &Control, 2);
        Function->MsiX.Present = TRUE;
        Function->MsiX.CapabilityOffset = MSIX_AT;
        Function->MsiX.TableSize = TableSize;
        Function->MsiX.TableBar = 0;
        Function->MsiX.TableOffset = TABLE_OFFSET;
        for (Index = 0; Index < 8; Index++) {
            Table[Index][3] = 0xA5A5A5A4;   /* unmasked, reserved bits set */
        }
    }
}

typedef struct _LISTS {
    CM_RESOURCE_LIST Raw;
    CM_PARTIAL_RESOURCE_DESCRIPTOR RawMore[8];
    CM_RESOURCE_LIST Translated;
    CM_PARTIAL_RESOURCE_DESCRIPTOR TranslatedMore[8];
} LISTS;

/* BAR0 and Count message descriptors: descriptor i has Counts[i] messages
 * starting at Vectors[i]. */
static VOID
MakeLists(LISTS *Lists, ULONG Count, const ULONG *Counts, const ULONG *Vectors)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR Raw, Translated;
    ULONG Index;

    memset(Lists, 0, sizeof(*Lists));
    Lists->Raw.Count = Lists->Translated.Count = 1;
    Lists->Raw.List[0].PartialResourceList.Count = Count + 1;
    Lists->Translated.List[0].PartialResourceList.Count = Count + 1;
    Raw = Lists->Raw.List[0].PartialResourceList.PartialDescriptors;
    Translated = Lists->Translated.List[0].PartialResourceList.PartialDescriptors;
    Raw[0].Type = Translated[0].Type = CmResourceTypeMemory;
    Raw[0].u.Memory.Start.QuadPart = Translated[0].u.Memory.Start.QuadPart = TABLE_BAR_ADDRESS;
    for (Index = 0; Index < Count; Index++) {
        Raw[1 + Index].Type = Translated[1 + Index].Type = CmResourceTypeInterrupt;
        Raw[1 + Index].Flags = Translated[1 + Index].Flags =
            CM_RESOURCE_INTERRUPT_MESSAGE | CM_RESOURCE_INTERRUPT_LATCHED;
        Raw[1 + Index].u.MessageInterrupt.Raw.MessageCount = (USHORT)Counts[Index];
        Raw[1 + Index].u.MessageInterrupt.Raw.Vector = CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - Index;
        Translated[1 + Index].u.MessageInterrupt.Translated.Vector = Vectors[Index];
        Translated[1 + Index].u.MessageInterrupt.Translated.Level = 5;
        Translated[1 + Index].u.MessageInterrupt.Translated.Affinity = 1;
    }
}

/* ---- Tests ---- */

/* One message, 64-bit address: the writes in order. */
static void
MsiOneMessageScript(void **State)
{
    static const WRITE_RECORD Expected[] = {
        {PCI_COMMAND_OFFSET, 2, 0x0406},    /* Interrupt Disable, decode kept */
        {MSI_AT + 2, 2, 0x0080},            /* Enable off while the pair changes */
        {MSI_AT + 4, 4, 0xFEE00000},        /* Message Address */
        {MSI_AT + 8, 4, 0x00000000},        /* Message Upper Address */
        {MSI_AT + 12, 2, 0x0051},           /* Message Data: the vector */
        {MSI_AT + 2, 2, 0x0081},            /* MME 0 (one message), MSI Enable */
    };
    const ULONG Counts[] = {1}, Vectors[] = {0x51};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages = 0, Index;

    (void)State;
    MakeFunction(&Function, TRUE, 0x0080, FALSE, 0);
    MakeLists(&Lists, 1, Counts, Vectors);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_SUCCESS);
    assert_int_equal(Messages, 1);
    assert_int_equal(WriteCount, sizeof(Expected) / sizeof(Expected[0]));
    for (Index = 0; Index < WriteCount; Index++) {
        assert_int_equal(Writes[Index].Offset, Expected[Index].Offset);
        assert_int_equal(Writes[Index].Length, Expected[Index].Length);
        assert_int_equal(Writes[Index].Value, Expected[Index].Value);
    }
    assert_int_equal(Violations, 0);

    /* Off again: Interrupt Disable stays set, Enable goes. */
    WriteCount = 0;
    PciDisableMessages(&Access, &Function);
    assert_int_equal(Config16(MSI_AT + 2), 0x0080);
    assert_true(Config16(PCI_COMMAND_OFFSET) & PCI_DISABLE_LEVEL_INTERRUPT);
    assert_int_equal(Violations, 0);
}

/* A block of four of eight, 32-bit address, per-vector masking: MME 2,
 * the other four messages masked; a block that is not aligned is refused
 * and leaves everything off. */
static void
MsiBlockOfFour(void **State)
{
    const ULONG Counts[] = {4}, Aligned[] = {0x54}, Unaligned[] = {0x56};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages;

    (void)State;
    MakeFunction(&Function, TRUE, 0x0100 | (3 << 1), FALSE, 0);
    MakeLists(&Lists, 1, Counts, Aligned);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_SUCCESS);
    assert_int_equal(Messages, 4);
    assert_int_equal(Config16(MSI_AT + 2), 0x0100 | (3 << 1) | (2 << 4) | 1);
    assert_int_equal(Config32(MSI_AT + 4), 0xFEE00000);
    assert_int_equal(Config16(MSI_AT + 8), 0x54);              /* data right after the address */
    assert_int_equal(Config32(MSI_AT + 12), 0xFFFFFFF0);      /* mask bits: 4-31 */

    MakeFunction(&Function, TRUE, 0x0100 | (3 << 1), FALSE, 0);
    MakeLists(&Lists, 1, Counts, Unaligned);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_INVALID_PARAMETER);
    assert_int_equal(Messages, 0);
    assert_int_equal(Config16(MSI_AT + 2) & 1, 0);
    assert_non_null(strstr(FakePciLog, "does not fit its capability"));

    /* More messages than the function asks for. */
    MakeFunction(&Function, TRUE, 0x0100 | (1 << 1), FALSE, 0);
    MakeLists(&Lists, 1, Counts, Aligned);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_INVALID_PARAMETER);
    assert_int_equal(Config16(MSI_AT + 2) & 1, 0);
}

/* MSI-X (preferred over the MSI the function also has): an entry per
 * message, the rest masked, reserved Vector Control bits kept; MSI off. */
static void
MsixEntries(void **State)
{
    const ULONG Counts[] = {1, 1, 1}, Vectors[] = {0x60, 0x61, 0x72};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages, Index;

    (void)State;
    MakeFunction(&Function, TRUE, 0x0081, TRUE, 5);     /* firmware left MSI on */
    MakeLists(&Lists, 3, Counts, Vectors);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_SUCCESS);
    assert_int_equal(Messages, 3);
    assert_int_equal(MappedAddress, TABLE_BAR_ADDRESS + TABLE_OFFSET);
    assert_int_equal(Mappings, 0);
    for (Index = 0; Index < 3; Index++) {
        assert_int_equal(Table[Index][0], 0xFEE00000);
        assert_int_equal(Table[Index][1], 0);
        assert_int_equal(Table[Index][2], Vectors[Index]);
        assert_int_equal(Table[Index][3], 0xA5A5A5A4);
    }
    assert_int_equal(Table[3][3], 0xA5A5A5A5);
    assert_int_equal(Table[4][3], 0xA5A5A5A5);
    assert_int_equal(Table[5][3], 0xA5A5A5A4);               /* beyond the table: untouched */
    assert_int_equal(Config16(MSIX_AT + 2), 0x8000 | 4);      /* Enable, Function Mask clear */
    assert_int_equal(Config16(MSI_AT + 2) & 1, 0);
    assert_true(Config16(PCI_COMMAND_OFFSET) & PCI_DISABLE_LEVEL_INTERRUPT);

    /* Off: every entry masked while decode is on, then Enable clear. */
    PciDisableMessages(&Access, &Function);
    for (Index = 0; Index < 5; Index++) {
        assert_int_equal(Table[Index][3] & 1, 1);
    }
    assert_int_equal(Config16(MSIX_AT + 2) & 0x8000, 0);
    assert_int_equal(Mappings, 0);
    assert_int_equal(Violations, 0);
}

/* More messages than entries, or a message the HAL refuses: nothing on. */
static void
MsixRefusals(void **State)
{
    const ULONG Counts[] = {4, 1}, Vectors[] = {0x60, 0x64}, Bad[] = {0x20};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages, Index;

    (void)State;
    MakeFunction(&Function, FALSE, 0, TRUE, 4);
    MakeLists(&Lists, 2, Counts, Vectors);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_INVALID_PARAMETER);
    assert_int_equal(Config16(MSIX_AT + 2) & 0x8000, 0);
    assert_non_null(strstr(FakePciLog, "5 MSI-X message(s) assigned; its table has 4 entries"));

    MakeFunction(&Function, FALSE, 0, TRUE, 4);
    MakeLists(&Lists, 1, Counts + 1, Bad);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_INVALID_PARAMETER);
    for (Index = 0; Index < 4; Index++) {
        assert_int_equal(Table[Index][3] & 1, 1);
    }
    assert_int_equal(Config16(MSIX_AT + 2) & 0x8000, 0);
    assert_int_equal(Mappings, 0);
}

/* A BIR naming an I/O BAR (6.8.2.4: the table lives in memory space) is
 * refused by name: nothing is mapped and MSI-X stays off. */
static void
MsixTableInIoBarIsRefused(void **State)
{
    const ULONG Counts[] = {1}, Vectors[] = {0x60};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages;

    (void)State;
    MakeFunction(&Function, FALSE, 0, TRUE, 4);
    Function.Bars[0].Kind = PciBarIo;
    MakeLists(&Lists, 1, Counts, Vectors);
    FakePciClearLog();
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(Mappings, 0);
    assert_int_equal(Config16(MSIX_AT + 2) & 0x8000, 0);
    assert_non_null(strstr(FakePciLog, "is not in an assigned memory BAR"));
}

/* Without messages among the resources: MSI off and Interrupt Disable
 * clear, so the line is the function's interrupt. */
static void
NoMessagesMeansLine(void **State)
{
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages = 7;

    (void)State;
    MakeFunction(&Function, TRUE, 0x0081, FALSE, 0);
    MakeLists(&Lists, 0, NULL, NULL);
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_SUCCESS);
    assert_int_equal(Messages, 0);
    assert_int_equal(Config16(MSI_AT + 2) & 1, 0);
    assert_int_equal(Config16(PCI_COMMAND_OFFSET) & PCI_DISABLE_LEVEL_INTERRUPT, 0);
    assert_int_equal(Config16(PCI_COMMAND_OFFSET) & PCI_ENABLE_MEMORY_SPACE,
                     PCI_ENABLE_MEMORY_SPACE);

    /* No lists at all (a function started with nothing). */
    MakeFunction(&Function, TRUE, 0x0080, FALSE, 0);
    assert_int_equal(PciEnableMessages(&Access, &Function, NULL, NULL, &Messages),
                     STATUS_SUCCESS);
    assert_int_equal(Messages, 0);
}

/* Raw and translated lists that do not pair up are refused by name. */
static void
ListsMustPair(void **State)
{
    const ULONG Counts[] = {1, 1}, Vectors[] = {0x60, 0x61};
    PCI_FUNCTION Function;
    LISTS Lists;
    ULONG Messages;

    (void)State;
    MakeFunction(&Function, FALSE, 0, TRUE, 4);
    MakeLists(&Lists, 2, Counts, Vectors);
    Lists.Raw.List[0].PartialResourceList.Count = 2;    /* the second message left out */
    assert_int_equal(PciEnableMessages(&Access, &Function, &Lists.Raw, &Lists.Translated,
                                       &Messages), STATUS_INVALID_PARAMETER);
    assert_non_null(strstr(FakePciLog, "1 raw but 2 translated message interrupt descriptors"));
    assert_int_equal(Config16(MSIX_AT + 2) & 0x8000, 0);
}

/* With memory decode already off the table cannot be reached: it is not
 * mapped, and MSI-X Enable still goes. */
static void
DisableWithoutDecode(void **State)
{
    PCI_FUNCTION Function;
    USHORT Command = 0, Control = 0x8003;

    (void)State;
    MakeFunction(&Function, FALSE, 0, TRUE, 4);
    memcpy(Config + PCI_COMMAND_OFFSET, &Command, 2);
    memcpy(Config + MSIX_AT + 2, &Control, 2);
    PciDisableMessages(&Access, &Function);
    assert_int_equal(MappedAddress, 0);
    assert_int_equal(Config16(MSIX_AT + 2), 0x0003);
    assert_int_equal(Config16(PCI_COMMAND_OFFSET), PCI_DISABLE_LEVEL_INTERRUPT);
}

int
main(void)
{
    const struct CMUnitTest Tests[] = {
        cmocka_unit_test(MsiOneMessageScript),
        cmocka_unit_test(MsiBlockOfFour),
        cmocka_unit_test(MsixEntries),
        cmocka_unit_test(MsixRefusals),
        cmocka_unit_test(MsixTableInIoBarIsRefused),
        cmocka_unit_test(NoMessagesMeansLine),
        cmocka_unit_test(ListsMustPair),
        cmocka_unit_test(DisableWithoutDecode),
    };

    return cmocka_run_group_tests_name("pcimessages", Tests, NULL, NULL);
}
