/*
 * drivers/pci/ids.c - the strings IRP_MN_QUERY_ID and IRP_MN_QUERY_DEVICE_TEXT
 * return for a PCI function, formed as Windows' PCI bus driver forms them
 * (WDK, "Identifiers for PCI Devices"; uppercase hexadecimal):
 *
 *   device ID     PCI\VEN_v(4)&DEV_d(4)&SUBSYS_s(4)n(4)&REV_r(2)
 *   hardware IDs  PCI\VEN_v(4)&DEV_d(4)&SUBSYS_s(4)n(4)&REV_r(2)
 *                 PCI\VEN_v(4)&DEV_d(4)&SUBSYS_s(4)n(4)
 *                 PCI\VEN_v(4)&DEV_d(4)&CC_c(2)s(2)p(2)
 *                 PCI\VEN_v(4)&DEV_d(4)&CC_c(2)s(2)
 *   compatible    PCI\VEN_v(4)&DEV_d(4)&REV_r(2)
 *   IDs           PCI\VEN_v(4)&DEV_d(4)
 *                 PCI\VEN_v(4)&CC_c(2)s(2)p(2)
 *                 PCI\VEN_v(4)&CC_c(2)s(2)
 *                 PCI\VEN_v(4)
 *                 PCI\CC_c(2)s(2)p(2)
 *                 PCI\CC_c(2)s(2)
 *
 * where s(4) is the subsystem ID and n(4) the subsystem vendor ID (in that
 * order). The WDK page lists VEN&DEV&REV and VEN&DEV among the hardware IDs
 * too, then notes that since Windows 10 they are reported as compatible
 * IDs, which is where its compatible-ID list starts; Kestrel does as
 * Windows 10 does, so each string appears in one list only and the more
 * specific list is tried first.
 *
 * The instance ID must tell apart two identical functions anywhere in the
 * machine (two identical cards behind two bridges share every ID string):
 * Windows makes its PCI instance IDs unique by prefixing the parent's, and
 * Kestrel's PnP manager does not, so the instance ID names the function's
 * place in hex, bus&device&function ("01&02&0"). Kestrel has one segment,
 * so that is unique machine-wide and the capabilities say UniqueID = TRUE.
 */
#include "pci.h"

/* A bounded WCHAR writer: overflow is impossible with the fixed formats
 * below, but is checked anyway and stops writing rather than overrun. */
typedef struct _PCI_ID_WRITER {
    PWCHAR Buffer;
    ULONG Capacity;             /* characters */
    ULONG Length;
} PCI_ID_WRITER;

/* Any IRQL, as every routine here: pure formatting. */
static VOID
PciPutChar(PCI_ID_WRITER *Writer, WCHAR Char)
{
    if (Writer->Length + 1 < Writer->Capacity) {
        Writer->Buffer[Writer->Length++] = Char;
    }
}

/* Any IRQL. */
static VOID
PciPutText(PCI_ID_WRITER *Writer, PCSTR Text)
{
    while (*Text != '\0') {
        PciPutChar(Writer, (WCHAR)*Text++);
    }
}

/* Any IRQL. Value as exactly Digits upper-case hex digits. */
static VOID
PciPutHex(PCI_ID_WRITER *Writer, ULONG Value, ULONG Digits)
{
    static const CHAR HexDigits[] = "0123456789ABCDEF";

    while (Digits-- != 0) {
        PciPutChar(Writer, (WCHAR)HexDigits[(Value >> (Digits * 4)) & 0xF]);
    }
}

/* Any IRQL. Ends one string of a multi-string: its NUL, and a second NUL that the
 * next string overwrites (so the list is always terminated). */
static VOID
PciEndString(PCI_ID_WRITER *Writer)
{
    if (Writer->Length + 1 < Writer->Capacity) {
        Writer->Buffer[Writer->Length++] = L'\0';
        Writer->Buffer[Writer->Length] = L'\0';
    }
}

enum {
    PciIdSubsys = 1 << 0,
    PciIdRevision = 1 << 1,
    PciIdDevice = 1 << 2,
    PciIdClass6 = 1 << 3,       /* CC_ccsspp */
    PciIdClass4 = 1 << 4,       /* CC_ccss */
    PciIdVendor = 1 << 5,
};

/* Any IRQL. One ID string made of the parts Parts asks for, in Windows' order. */
static VOID
PciPutId(PCI_ID_WRITER *Writer, const PCI_FUNCTION *Function, ULONG Parts)
{
    BOOLEAN First = TRUE;

    PciPutText(Writer, "PCI\\");
    if (Parts & PciIdVendor) {
        PciPutText(Writer, "VEN_");
        PciPutHex(Writer, Function->VendorId, 4);
        First = FALSE;
    }
    if (Parts & PciIdDevice) {
        PciPutText(Writer, "&DEV_");
        PciPutHex(Writer, Function->DeviceId, 4);
    }
    if (Parts & PciIdSubsys) {
        PciPutText(Writer, "&SUBSYS_");
        PciPutHex(Writer, Function->SubSystemId, 4);
        PciPutHex(Writer, Function->SubVendorId, 4);
    }
    if (Parts & PciIdRevision) {
        PciPutText(Writer, "&REV_");
        PciPutHex(Writer, Function->RevisionId, 2);
    }
    if (Parts & (PciIdClass6 | PciIdClass4)) {
        PciPutText(Writer, First ? "CC_" : "&CC_");
        PciPutHex(Writer, Function->BaseClass, 2);
        PciPutHex(Writer, Function->SubClass, 2);
        if (Parts & PciIdClass6) {
            PciPutHex(Writer, Function->ProgIf, 2);
        }
    }
}

/* Any IRQL. */
static VOID
PciPutDecimal(PCI_ID_WRITER *Writer, ULONG Value)
{
    CHAR Digits[12];
    ULONG Count = 0;

    do {
        Digits[Count++] = (CHAR)('0' + Value % 10);
        Value /= 10;
    } while (Value != 0);
    while (Count != 0) {
        PciPutChar(Writer, (WCHAR)Digits[--Count]);
    }
}

/* Any IRQL. */
VOID
PciFormatIds(PPCI_FUNCTION Function)
{
    static const ULONG HardwareIds[] = {
        PciIdVendor | PciIdDevice | PciIdSubsys | PciIdRevision,
        PciIdVendor | PciIdDevice | PciIdSubsys,
        PciIdVendor | PciIdDevice | PciIdClass6,
        PciIdVendor | PciIdDevice | PciIdClass4,
    };
    static const ULONG CompatibleIds[] = {
        PciIdVendor | PciIdDevice | PciIdRevision,
        PciIdVendor | PciIdDevice,
        PciIdVendor | PciIdClass6,
        PciIdVendor | PciIdClass4,
        PciIdVendor,
        PciIdClass6,
        PciIdClass4,
    };
    PCI_ID_WRITER Writer;
    ULONG Index;

    Writer = (PCI_ID_WRITER){Function->DeviceIdString, PCI_MAX_ID_CHARS, 0};
    PciPutId(&Writer, Function, HardwareIds[0]);
    Writer.Buffer[Writer.Length] = L'\0';

    Writer = (PCI_ID_WRITER){Function->HardwareIds, PCI_MAX_MULTI_SZ_CHARS, 0};
    Writer.Buffer[0] = L'\0';
    for (Index = 0; Index < ARRAYSIZE(HardwareIds); Index++) {
        PciPutId(&Writer, Function, HardwareIds[Index]);
        PciEndString(&Writer);
    }

    Writer = (PCI_ID_WRITER){Function->CompatibleIds, PCI_MAX_MULTI_SZ_CHARS, 0};
    Writer.Buffer[0] = L'\0';
    for (Index = 0; Index < ARRAYSIZE(CompatibleIds); Index++) {
        PciPutId(&Writer, Function, CompatibleIds[Index]);
        PciEndString(&Writer);
    }

    Writer = (PCI_ID_WRITER){Function->InstanceId, ARRAYSIZE(Function->InstanceId), 0};
    PciPutHex(&Writer, Function->Bus, 2);
    PciPutChar(&Writer, L'&');
    PciPutHex(&Writer, Function->Device, 2);
    PciPutChar(&Writer, L'&');
    PciPutHex(&Writer, Function->Function, 1);
    Writer.Buffer[Writer.Length] = L'\0';

    /* Windows' DeviceTextLocationInformation for PCI. */
    Writer = (PCI_ID_WRITER){Function->LocationText, PCI_MAX_ID_CHARS, 0};
    PciPutText(&Writer, "PCI bus ");
    PciPutDecimal(&Writer, Function->Bus);
    PciPutText(&Writer, ", device ");
    PciPutDecimal(&Writer, Function->Device);
    PciPutText(&Writer, ", function ");
    PciPutDecimal(&Writer, Function->Function);
    Writer.Buffer[Writer.Length] = L'\0';
}
