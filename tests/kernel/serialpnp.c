/*
 * tests/kernel/serialpnp.c - PnP stop/start and removal of the serial
 * device while a read is pending: the read completes with an error
 * status, nothing hangs, and nothing leaks.
 *
 * "Nothing leaks" is counted, before and after:
 *   - the pool's outstanding blocks and bytes under the driver's tag and
 *     the I/O manager's and object manager's tags that a serial open, read,
 *     stop or removal uses (SystemBuffers, completion contexts, file
 *     objects, MDLs, device objects, interrupt objects, object names,
 *     symbolic links);
 *   - IRP memory (IopQueryIrpsInUse: IRPs are kept on lookaside lists, so
 *     their pool tag alone would count the cached ones);
 *   - the I/O verifier's IRPs outstanding in the serial device;
 *   - the device and file objects' reference counts.
 * After a removal the names \Device\Serial<n> and \DosDevices\COM<n> must
 * be gone and the device object deleted: unlinked from its driver, marked
 * delete-pending, and its memory freed once the test lets go of the one
 * reference it kept to watch it.
 */
#include "tests/kernel/serialtest.h"
#include "drivers/serial/serial.h"
#include "io/fileio.h"
#include "io/iopirp.h"
#include "kernel/mm/pool.h"

static const struct {
    ULONG Tag;
    PCSTR What;
} KtsLeakTags[] = {
    {SERIAL_POOL_TAG, "serial driver"},
    {IOP_SYSTEM_BUFFER_TAG, "SystemBuffers"},
    {IOP_COMPLETION_CONTEXT_TAG, "completion contexts"},
    {IOP_FILE_TAG, "file objects"},
    {'lMoI', "MDLs (kernel/mm/mdl.c)"},
    {IOP_DEVICE_TAG, "device objects"},
    {'tnIK', "interrupt objects (io/interrupt.c)"},
    {OBP_NAME_TAG, "object names"},
    {OBP_SYMBOLIC_LINK_TAG, "symbolic links"},
};
#define KTS_LEAK_TAG_COUNT (sizeof(KtsLeakTags) / sizeof(KtsLeakTags[0]))

typedef struct _KTS_LEAK_SNAPSHOT {
    EXP_POOL_TAG_INFO Tags[KTS_LEAK_TAG_COUNT];
    LONG64 IrpsInUse;
} KTS_LEAK_SNAPSHOT, *PKTS_LEAK_SNAPSHOT;

static IO_STATUS_BLOCK KtsPnpIo[2];
static UCHAR KtsPnpEcho[16];
static KTS_LEAK_SNAPSHOT KtsBefore, KtsAfter;

/* PASSIVE_LEVEL. */
static VOID
KtsTakeSnapshot(PKTS_LEAK_SNAPSHOT Snapshot)
{
    ULONG Index;

    for (Index = 0; Index < KTS_LEAK_TAG_COUNT; Index++) {
        (VOID)ExpQueryPoolTag(KtsLeakTags[Index].Tag, &Snapshot->Tags[Index]);
    }
    Snapshot->IrpsInUse = IopQueryIrpsInUse();
}

/* The first thing that differs, printed with its numbers; NULL when
 * nothing does. Tell is FALSE while the caller will look again. */
static PCSTR
KtsCompareSnapshots(const KTS_LEAK_SNAPSHOT *Before, const KTS_LEAK_SNAPSHOT *After,
                    BOOLEAN Tell)
{
    ULONG Index;

    for (Index = 0; Index < KTS_LEAK_TAG_COUNT; Index++) {
        const EXP_POOL_TAG_INFO *Old = &Before->Tags[Index], *New = &After->Tags[Index];
        if (New->Allocations - New->Frees != Old->Allocations - Old->Frees ||
            New->BytesOutstanding != Old->BytesOutstanding) {
            if (Tell) {
                DbgPrint("KtsFindLeak: %s: %llu blocks, %llu bytes outstanding before; "
                         "%llu blocks, %llu bytes after\n", KtsLeakTags[Index].What,
                         (ULONG64)(Old->Allocations - Old->Frees), (ULONG64)Old->BytesOutstanding,
                         (ULONG64)(New->Allocations - New->Frees), (ULONG64)New->BytesOutstanding);
            }
            return KtsLeakTags[Index].What;
        }
    }
    if (After->IrpsInUse != Before->IrpsInUse) {
        if (Tell) {
            DbgPrint("KtsFindLeak: %lld IRPs in use before, %lld after\n", Before->IrpsInUse,
                     After->IrpsInUse);
        }
        return "IRPs";
    }
    return NULL;
}

/* What leaked (NULL: nothing), allowing a second for frees that come after
 * a completion has been seen. */
static PCSTR
KtsFindLeak(const KTS_LEAK_SNAPSHOT *Before, PKTS_LEAK_SNAPSHOT After)
{
    ULONG Try;

    for (Try = 0; Try < 100; Try++) {
        KtsTakeSnapshot(After);
        if (KtsCompareSnapshots(Before, After, FALSE) == NULL) {
            return NULL;
        }
        KtsSleep(10);
    }
    return KtsCompareSnapshots(Before, After, TRUE);
}

/* An object's reference count (its header's PointerCount). */
static LONG_PTR
KtsReferences(PVOID Object)
{
    return OBJECT_TO_OBJECT_HEADER(Object)->PointerCount;
}

/* The file object's references, not counting the one taken to look. */
static LONG_PTR
KtsFileReferences(HANDLE Handle)
{
    PFILE_OBJECT File;
    LONG_PTR References;

    if (!NT_SUCCESS(ObReferenceObjectByHandle(Handle, 0, *IoFileObjectType, KernelMode,
                                              (PVOID *)&File, NULL))) {
        return -1;
    }
    References = KtsReferences(File) - 1;
    ObDereferenceObject(File);
    return References;
}

/* ZwCreateFile's status for Name (the handle, if any, closed at once). */
static NTSTATUS
KtsTryOpen(PCWSTR Name)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK IoStatus;
    UNICODE_STRING String;
    HANDLE Handle;
    NTSTATUS Status;

    RtlInitUnicodeString(&String, Name);
    InitializeObjectAttributes(&Attributes, &String, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    Status = ZwCreateFile(&Handle, GENERIC_READ | SYNCHRONIZE, &Attributes, &IoStatus, NULL, 0, 0,
                          FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (NT_SUCCESS(Status)) {
        ZwClose(Handle);
    }
    return Status;
}

/* TRUE when Device is on its driver's list of devices. */
static BOOLEAN
KtsDriverHasDevice(PDRIVER_OBJECT Driver, PDEVICE_OBJECT Device)
{
    PDEVICE_OBJECT Each;

    for (Each = Driver->DeviceObject; Each != NULL; Each = Each->NextDevice) {
        if (Each == Device) {
            return TRUE;
        }
    }
    return FALSE;
}

/* PnP stop and start of the PnP manager's COM2 with a read pending: the
 * read is cancelled, I/O while stopped is refused, after the restart
 * bytes go through again, and the stop/start cost nothing. */
KTS_TEST(SerialStopStartWithPendingRead, FALSE)
{
    LONG_PTR FdoReferences = KtsReferences(Port->Fdo);
    LONG_PTR FileReferences = KtsFileReferences(Port->Handle);
    IO_STATUS_BLOCK IoStatus;
    PCSTR Leak;

    KT_ASSERT(FileReferences > 0);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 0), STATUS_SUCCESS);   /* wait forever */
    KtsTakeSnapshot(&KtsBefore);
    KtsPnpIo[0].Status = STATUS_PENDING;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &KtsPnpIo[0], KtsPnpEcho, 10,
                                NULL, NULL), STATUS_PENDING);
    if (IopVerifierEnabled) {
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(Port->Fdo), 1);
    }
    KT_ASSERT_STATUS(KtsStop(Port), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsPnpIo[0], 2000), STATUS_CANCELLED);
    KT_ASSERT_EQ(KtsPnpIo[0].Information, 0);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "a", 1, NULL, NULL),
                     STATUS_NO_SUCH_DEVICE);
    KT_ASSERT_STATUS(KtsStart(Port), STATUS_SUCCESS);
    /* The port works: bytes out and back through the UART's loopback. */
    KT_ASSERT_STATUS(KtsLoopback(Port, TRUE), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 2000), STATUS_SUCCESS);
    KtsPnpIo[0].Status = STATUS_PENDING;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &KtsPnpIo[0], KtsPnpEcho, 4,
                                NULL, NULL), STATUS_PENDING);
    KT_ASSERT(NT_SUCCESS(KtsStartWrite(Port, "ping", 4, &KtsPnpIo[1])));
    KT_ASSERT_STATUS(KtsAwait(&KtsPnpIo[1], 2000), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsPnpIo[0], 3000), STATUS_SUCCESS);
    KT_ASSERT_EQ(KtsPnpIo[0].Information, 4);
    KT_ASSERT(RtlCompareMemory(KtsPnpEcho, "ping", 4) == 4);
    KT_ASSERT_STATUS(KtsLoopback(Port, FALSE), STATUS_SUCCESS);
    /* And it cost nothing. */
    Leak = KtsFindLeak(&KtsBefore, &KtsAfter);
    if (Leak != NULL) {
        KtFail(KtContext, __FILE__, __LINE__, "stop/start with a pending read leaked %s", Leak);
        return;
    }
    if (IopVerifierEnabled) {
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(Port->Fdo), 0);
    }
    KT_ASSERT_EQ(KtsReferences(Port->Fdo), FdoReferences);
    KT_ASSERT_EQ(KtsFileReferences(Port->Handle), FileReferences);
}

/* Removal with a read pending, on a private stack (COM9): the device
 * vanishes (SURPRISE_REMOVAL), the read is cancelled and new I/O refused,
 * the client closes its handle, REMOVE_DEVICE follows. Then the names are
 * gone and the device object is deleted. The body keeps one reference to
 * the device to watch it go; the test drops it, tears down what is left
 * whether the body got through or not, and counts. */
static PDEVICE_OBJECT KtsWatchedFdo;
static BOOLEAN KtsRemovalDone;

KTS_BODY(SerialRemovalBody)
{
    PDEVICE_OBJECT Fdo = Port->Fdo;
    PDRIVER_OBJECT Serial = Fdo->DriverObject;
    IO_STATUS_BLOCK IoStatus;
    LONG_PTR FdoReferences;

    ObReferenceObject(Fdo);
    KtsWatchedFdo = Fdo;
    FdoReferences = KtsReferences(Fdo);
    KT_ASSERT_STATUS(KtsTryOpen(L"\\DosDevices\\COM9"), STATUS_ACCESS_DENIED);  /* exclusive */
    KT_ASSERT_STATUS(KtsSetTimeouts(Port, 0, 0, 0), STATUS_SUCCESS);
    KtsPnpIo[0].Status = STATUS_PENDING;
    KT_ASSERT_STATUS(ZwReadFile(Port->Handle, NULL, NULL, NULL, &KtsPnpIo[0], KtsPnpEcho, 10,
                                NULL, NULL), STATUS_PENDING);
    if (IopVerifierEnabled) {
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(Fdo), 1);
    }
    /* The device vanishes: the read ends, the COM9 link goes at once. */
    KT_ASSERT_STATUS(KtsSendPnp(Port, IRP_MN_SURPRISE_REMOVAL, NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT_STATUS(KtsAwait(&KtsPnpIo[0], 2000), STATUS_CANCELLED);
    KT_ASSERT_EQ(KtsPnpIo[0].Information, 0);
    KT_ASSERT_STATUS(ZwWriteFile(Port->Handle, NULL, NULL, NULL, &IoStatus, "a", 1, NULL, NULL),
                     STATUS_NO_SUCH_DEVICE);
    KT_ASSERT_STATUS(KtsTryOpen(L"\\DosDevices\\COM9"), STATUS_OBJECT_NAME_NOT_FOUND);
    /* The client lets go; the file object's reference to the device goes. */
    KT_ASSERT_STATUS(ZwClose(Port->Handle), STATUS_SUCCESS);
    Port->Handle = NULL;
    KT_ASSERT(KtsReferences(Fdo) < FdoReferences);
    /* REMOVE_DEVICE: detached, unnamed, unlinked from its driver, deleted. */
    KT_ASSERT_STATUS(KtsSendPnp(Port, IRP_MN_REMOVE_DEVICE, NULL, NULL), STATUS_SUCCESS);
    KT_ASSERT(Port->Pdo->AttachedDevice == NULL);
    KT_ASSERT((IopDeviceExtension(Fdo)->ExtensionFlags & DOE_DELETE_PENDING) != 0);
    KT_ASSERT(!KtsDriverHasDevice(Serial, Fdo));
    KT_ASSERT_STATUS(KtsTryOpen(L"\\Device\\Serial8"), STATUS_OBJECT_NAME_NOT_FOUND);
    if (IopVerifierEnabled) {
        KT_ASSERT_EQ(IopGetOutstandingIrpCount(Fdo), 0);
    }
    KT_ASSERT_EQ(KtsReferences(Fdo), 1);        /* the body's alone */
    KtsRemovalDone = TRUE;
}

KTEST(SerialRemovalWithPendingReadLeaksNothing)
{
    KTS_PORT Port;
    PCSTR Leak;

    /* What the first private stack of a boot leaves for good (the bus
     * driver's object and name) first, and COM2 started, as the PnP
     * manager keeps it. */
    KT_ASSERT_STATUS(KtsLoadBusDriver(), STATUS_SUCCESS);
    KtsGiveCom2Back();
    KtsTakeSnapshot(&KtsBefore);
    KT_ASSERT_STATUS(KtsSetUpPrivate(&Port, FALSE), STATUS_SUCCESS);
    KtsWatchedFdo = NULL;
    KtsRemovalDone = FALSE;
    SerialRemovalBody(KtContext, &Port);
    if (KtsWatchedFdo != NULL) {
        ObDereferenceObject(KtsWatchedFdo);     /* the device's memory goes now */
    }
    KtsTearDown(&Port);                         /* the PDO; COM2 back to the PnP manager */
    if (!KtsRemovalDone) {
        return;
    }
    Leak = KtsFindLeak(&KtsBefore, &KtsAfter);
    if (Leak != NULL) {
        KtFail(KtContext, __FILE__, __LINE__, "removal with a pending read leaked %s", Leak);
    }
}
