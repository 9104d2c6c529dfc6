/*
 * tests/kernel/pnpiface.c - device interfaces (io/pnpiface.c) on the PnP
 * tests' bus (tests/kernel/pnpdrv.c): a child's interface is registered,
 * enabled, opened by its name so that IRP_MJ_CREATE reaches the function
 * driver with the reference string, listed, disabled, and disabled by the
 * PnP manager when the device is removed. Each test uses its own class
 * GUID, since registrations outlive the devices (as in Windows' registry).
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"
#include <initguid.h>

/* Defined here, through INITGUID, as a driver defines its own GUIDs. */
DEFINE_GUID(KtIfaceGuidNames, 0x6B1E3F2AL, 0x0C4D, 0x4E5F, 0x8A, 0x9B, 0x01, 0x23, 0x45, 0x67,
            0x89, 0xAB);
DEFINE_GUID(KtIfaceGuidOpen, 0x6B1E3F2BL, 0x0C4D, 0x4E5F, 0x8A, 0x9B, 0x01, 0x23, 0x45, 0x67,
            0x89, 0xAB);
DEFINE_GUID(KtIfaceGuidRemove, 0x6B1E3F2CL, 0x0C4D, 0x4E5F, 0x8A, 0x9B, 0x01, 0x23, 0x45, 0x67,
            0x89, 0xAB);

#define KT_IFACE_NAME_NAMES L"\\??\\KTPNP#Widget#0#{6B1E3F2A-0C4D-4E5F-8A9B-0123456789AB}"

/* A bus with two children without resources; NULL if it did not start. */
static PDEVICE_OBJECT
KtIfaceBus(PCWSTR Instance)
{
    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .Irq = 0xFF};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .Irq = 0xFF};
    return KtPnpCreateBus(Instance);
}

static BOOLEAN
KtIfaceRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

/* Strings in a multi-sz. */
static ULONG
KtIfaceCount(PCWSTR MultiSz)
{
    ULONG Count = 0;

    for (; *MultiSz != UNICODE_NULL; MultiSz += IopWcsLen(MultiSz) + 1) {
        Count++;
    }
    return Count;
}

/* IoGetDeviceInterfaces, reduced to: how many, and is Name among them. */
static NTSTATUS
KtIfaceList(const GUID *Guid, PDEVICE_OBJECT Pdo, ULONG Flags, PCUNICODE_STRING Name,
            PULONG Count, PBOOLEAN Listed)
{
    PZZWSTR List = NULL;
    NTSTATUS Status = IoGetDeviceInterfaces(Guid, Pdo, Flags, &List);

    *Count = 0;
    *Listed = FALSE;
    if (NT_SUCCESS(Status)) {
        *Count = KtIfaceCount(List);
        *Listed = Name != NULL && IopMultiSzContains(List, Name->Buffer);
        ExFreePool(List);
    }
    return Status;
}

static NTSTATUS
KtIfaceOpen(PUNICODE_STRING Name, PHANDLE Handle)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    InitializeObjectAttributes(&Attributes, Name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    return ZwCreateFile(Handle, GENERIC_READ, &Attributes, &Iosb, NULL, 0, 0, FILE_OPEN, 0, NULL,
                        0);
}

KTEST(PnpIfaceRegisterNamesTheInstance)
{
    PDEVICE_OBJECT BusPdo = KtIfaceBus(L"21");
    UNICODE_STRING Expected = RTL_CONSTANT_STRING(KT_IFACE_NAME_NAMES);
    UNICODE_STRING WithRef = RTL_CONSTANT_STRING(KT_IFACE_NAME_NAMES L"\\Ref1");
    UNICODE_STRING Ref = RTL_CONSTANT_STRING(L"Ref1"), BadRef = RTL_CONSTANT_STRING(L"a\\b");
    UNICODE_STRING Name, Again, Referenced, Bad;
    PDEVICE_OBJECT Pdo;
    PZZWSTR List = (PZZWSTR)1;
    ULONG Count;
    BOOLEAN Listed;

    KT_ASSERT(BusPdo != NULL);
    Pdo = KtPnp.Children[0].Pdo;
    KT_ASSERT(Pdo != NULL && KtPnp.Children[0].Fdo != NULL);
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidNames, NULL, &Name),
                     STATUS_SUCCESS);
    KT_ASSERT(RtlEqualUnicodeString(&Name, &Expected, FALSE));
    KT_ASSERT_EQ(Name.Buffer[Name.Length / sizeof(WCHAR)], UNICODE_NULL);
    /* The same registration again: the same name. */
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidNames, NULL, &Again),
                     STATUS_SUCCESS);
    KT_ASSERT(RtlEqualUnicodeString(&Again, &Name, FALSE));
    KT_ASSERT(Again.Buffer != Name.Buffer);         /* each caller frees its own */
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidNames, &Ref, &Referenced),
                     STATUS_SUCCESS);
    KT_ASSERT(RtlEqualUnicodeString(&Referenced, &WithRef, FALSE));
    /* Two registrations, neither enabled. */
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidNames, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE,
                                 &Name, &Count, &Listed), STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 2);
    KT_ASSERT(Listed);
    /* Bad input: a reference string with a separator, a PDO the PnP manager
     * does not know (the function driver's FDO, NULL). */
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidNames, &BadRef, &Bad),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(KtPnp.Children[0].Fdo, &KtIfaceGuidNames, NULL,
                                               &Bad), STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(NULL, &KtIfaceGuidNames, NULL, &Bad),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_STATUS(IoGetDeviceInterfaces(&KtIfaceGuidNames, KtPnp.Children[0].Fdo, 0, &List),
                     STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT(List == NULL);
    RtlFreeUnicodeString(&Name);
    RtlFreeUnicodeString(&Again);
    RtlFreeUnicodeString(&Referenced);
    KT_ASSERT(KtIfaceRemoveBus(BusPdo));
}

KTEST(PnpIfaceEnableOpenListDisable)
{
    PDEVICE_OBJECT BusPdo = KtIfaceBus(L"22");
    UNICODE_STRING Ref = RTL_CONSTANT_STRING(L"Ref1");
    UNICODE_STRING Name, Referenced;
    PDEVICE_OBJECT Pdo;
    HANDLE Handle;
    ULONG Count, Creates;
    BOOLEAN Listed;

    KT_ASSERT(BusPdo != NULL);
    Pdo = KtPnp.Children[0].Pdo;
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidOpen, NULL, &Name),
                     STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(Pdo, &KtIfaceGuidOpen, &Ref, &Referenced),
                     STATUS_SUCCESS);
    /* Registered only: not listed, not openable. */
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, NULL, 0, &Name, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 0);
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, FALSE), STATUS_OBJECT_NAME_NOT_FOUND);

    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, TRUE), STATUS_OBJECT_NAME_EXISTS);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, NULL, 0, &Name, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 1);
    KT_ASSERT(Listed);
    /* The name reaches the top of child 0's stack, with nothing left over. */
    Creates = KtPnp.CreateCount;
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtPnp.CreateCount, Creates + 1);
    KT_ASSERT_EQ(KtPnp.CreateWho, KTPNP_WHO_FUNC(0));
    KT_ASSERT_EQ(KtPnp.CreateFileName[0], UNICODE_NULL);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    /* With a reference string: the driver sees it as the FileName. */
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Referenced, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtIfaceOpen(&Referenced, &Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtPnp.CreateCount, Creates + 2);
    KT_ASSERT_EQ(KtPnp.CreateWho, KTPNP_WHO_FUNC(0));
    KT_ASSERT(KtPnp.CreateFileName[0] == L'\\' && KtPnp.CreateFileName[1] == L'R' &&
              KtPnp.CreateFileName[4] == L'1' && KtPnp.CreateFileName[5] == UNICODE_NULL);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    /* Both listed; narrowed to child 1, none; to child 0, both. */
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, NULL, 0, &Referenced, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 2);
    KT_ASSERT(Listed);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, KtPnp.Children[1].Pdo,
                                 DEVICE_INTERFACE_INCLUDE_NONACTIVE, NULL, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 0);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, Pdo, 0, NULL, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 2);
    /* Disabled: gone from the list and from the namespace (the link lives
     * until the last interface sharing it goes). */
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Referenced, FALSE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, FALSE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, FALSE), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(KtIfaceOpen(&Referenced, &Handle), STATUS_OBJECT_PATH_NOT_FOUND);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, NULL, 0, NULL, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 0);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidOpen, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE,
                                 &Referenced, &Count, &Listed), STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 2);
    KT_ASSERT(Listed);
    RtlFreeUnicodeString(&Name);
    RtlFreeUnicodeString(&Referenced);
    KT_ASSERT(KtIfaceRemoveBus(BusPdo));
}

KTEST(PnpIfaceDisabledWhenDeviceRemoved)
{
    PDEVICE_OBJECT BusPdo = KtIfaceBus(L"23");
    UNICODE_STRING Name;
    HANDLE Handle;
    ULONG Count;
    BOOLEAN Listed;

    KT_ASSERT(BusPdo != NULL);
    KT_ASSERT_STATUS(IoRegisterDeviceInterface(KtPnp.Children[1].Pdo, &KtIfaceGuidRemove, NULL,
                                               &Name), STATUS_SUCCESS);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtPnp.CreateWho, KTPNP_WHO_FUNC(1));
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    /* The driver never disables it: REMOVE_DEVICE does. */
    KT_ASSERT(KtIfaceRemoveBus(BusPdo));
    KT_ASSERT(KtPnp.Children[1].Removed);
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidRemove, NULL, 0, NULL, &Count, &Listed),
                     STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 0);
    KT_ASSERT_STATUS(KtIfaceOpen(&Name, &Handle), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, FALSE), STATUS_OBJECT_NAME_NOT_FOUND);
    /* Still registered, but its device is gone: it cannot be enabled. */
    KT_ASSERT_STATUS(KtIfaceList(&KtIfaceGuidRemove, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE,
                                 &Name, &Count, &Listed), STATUS_SUCCESS);
    KT_ASSERT_EQ(Count, 1);
    KT_ASSERT(Listed);
    KT_ASSERT_STATUS(IoSetDeviceInterfaceState(&Name, TRUE), STATUS_NO_SUCH_DEVICE);
    RtlFreeUnicodeString(&Name);
}
