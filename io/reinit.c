/*
 * io/reinit.c - IoRegisterDriverReinitialization: a second chance for a
 * driver whose DriverEntry needs something another driver provides. Once
 * every built-in driver's DriverEntry has run, the I/O manager calls the
 * registered routines in the order they were registered; a routine that
 * registers again is called again in the next round, with Count (also
 * DRIVER_EXTENSION.Count) one higher.
 */
#include "io/iop.h"

/* Rounds after which a driver that keeps re-registering is reported and
 * dropped, rather than keeping the boot from finishing. */
#define IOP_MAXIMUM_REINIT_ROUNDS 64

typedef struct _IOP_REINIT_ENTRY {
    LIST_ENTRY Link;
    PDRIVER_OBJECT DriverObject;        /* referenced */
    PDRIVER_REINITIALIZE Routine;
    PVOID Context;
} IOP_REINIT_ENTRY, *PIOP_REINIT_ENTRY;

static LIST_ENTRY IopReinitQueue = {&IopReinitQueue, &IopReinitQueue};
static KSPIN_LOCK IopReinitLock;

/* IRQL PASSIVE_LEVEL. A registration that cannot be recorded (no memory)
 * is reported: the routine has no way to return a status. */
VOID NTAPI
IoRegisterDriverReinitialization(PDRIVER_OBJECT DriverObject,
                                 PDRIVER_REINITIALIZE DriverReinitializationRoutine,
                                 PVOID Context)
{
    PIOP_REINIT_ENTRY Entry;
    KIRQL OldIrql;

    if (DriverReinitializationRoutine == NULL) {
        DbgPrint("IoRegisterDriverReinitialization(%wZ): the routine is NULL; ignored\n",
                 &DriverObject->DriverName);
        return;
    }
    Entry = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*Entry), IOP_REINIT_TAG);
    if (Entry == NULL) {
        DbgPrint("IoRegisterDriverReinitialization(%wZ): out of memory; the routine will not "
                 "be called\n", &DriverObject->DriverName);
        return;
    }
    ObfReferenceObject(DriverObject);
    Entry->DriverObject = DriverObject;
    Entry->Routine = DriverReinitializationRoutine;
    Entry->Context = Context;
    DriverObject->Flags |= DRVO_REINIT_REGISTERED;
    KeAcquireSpinLock(&IopReinitLock, &OldIrql);
    InsertTailList(&IopReinitQueue, &Entry->Link);
    KeReleaseSpinLock(&IopReinitLock, OldIrql);
}

/* Kestrel loads every driver at boot, in one group: boot drivers'
 * reinitialization is the same as everyone's. */
VOID NTAPI
IoRegisterBootDriverReinitialization(PDRIVER_OBJECT DriverObject,
                                     PDRIVER_REINITIALIZE DriverReinitializationRoutine,
                                     PVOID Context)
{
    IoRegisterDriverReinitialization(DriverObject, DriverReinitializationRoutine, Context);
}

/* PASSIVE_LEVEL. */
VOID
IopCallDriverReinitializationRoutines(VOID)
{
    ULONG Round;

    for (Round = 0;; Round++) {
        LIST_ENTRY Batch;
        KIRQL OldIrql;

        /* Take what is registered now; what the routines register goes to
         * the next round. */
        InitializeListHead(&Batch);
        KeAcquireSpinLock(&IopReinitLock, &OldIrql);
        if (!IsListEmpty(&IopReinitQueue)) {
            Batch = IopReinitQueue;
            Batch.Flink->Blink = &Batch;
            Batch.Blink->Flink = &Batch;
            InitializeListHead(&IopReinitQueue);
        }
        KeReleaseSpinLock(&IopReinitLock, OldIrql);
        if (IsListEmpty(&Batch)) {
            return;
        }
        while (!IsListEmpty(&Batch)) {
            PIOP_REINIT_ENTRY Entry = CONTAINING_RECORD(RemoveHeadList(&Batch), IOP_REINIT_ENTRY,
                                                        Link);
            PDRIVER_OBJECT Driver = Entry->DriverObject;

            if (Round < IOP_MAXIMUM_REINIT_ROUNDS) {
                Driver->DriverExtension->Count++;
                Driver->Flags &= ~DRVO_REINIT_REGISTERED;
                Entry->Routine(Driver, Entry->Context, Driver->DriverExtension->Count);
            } else {
                DbgPrint("Io: %wZ re-registered its reinitialization routine %u times; it is "
                         "not called again\n", &Driver->DriverName, Round);
            }
            ObfDereferenceObject(Driver);
            ExFreePoolWithTag(Entry, IOP_REINIT_TAG);
        }
    }
}

/* PASSIVE_LEVEL, once, from IoInitSystem. */
VOID
IopInitializeReinitialization(VOID)
{
    KeInitializeSpinLock(&IopReinitLock);
}
