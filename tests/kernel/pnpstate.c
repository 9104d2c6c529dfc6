/*
 * tests/kernel/pnpstate.c - what a started device tells the PnP manager
 * about itself (io/pnpdevstate.c) and IoRequestDeviceEject
 * (io/pnpeject.c), with the KtPnp test bus and function driver
 * (tests/kernel/pnpdrv.h): QUERY_CAPABILITIES and QUERY_PNP_DEVICE_STATE
 * after each start, IoInvalidateDeviceState, and what each
 * PNP_DEVICE_STATE bit does to the device. Every test reads the IRPs the
 * drivers logged, in order, and the node's state and problem.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

#define KT_STATE_PORT0 0x7A00
#define KT_STATE_PORT1 0x7B00
#define KT_STATE_PORT2 0x7C00

static PDEVICE_NODE
KtStateBusNode(PDEVICE_OBJECT BusPdo)
{
    return IopDeviceExtension(BusPdo)->DeviceNode;
}

/* Removes the test bus (no longer reported by the root); TRUE once its
 * FDO is gone. */
static BOOLEAN
KtStateRemoveBus(PDEVICE_OBJECT BusPdo)
{
    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    return KtPnp.BusFdo == NULL;
}

/* A bus with two children, ports only; the test sets their options. */
static VOID
KtStateTwoChildren(VOID)
{
    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_STATE_PORT0, .Irq = 0xFF};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_STATE_PORT1, .Irq = 0xFF};
}

static BOOLEAN
KtStateDumpContains(PCSTR Wanted)
{
    SIZE_T Size = 16384, Length = 0, Index;
    BOOLEAN Found = FALSE;
    PCHAR Text, Cursor;

    Text = ExAllocatePoolWithTag(NonPagedPoolNx, Size, 'tsPK');
    if (Text == NULL) {
        return FALSE;
    }
    IopFormatDeviceTree(Text, Size);
    while (Wanted[Length] != '\0') {
        Length++;
    }
    for (Cursor = Text; *Cursor != '\0' && !Found; Cursor++) {
        for (Index = 0; Index < Length && Cursor[Index] == Wanted[Index]; Index++) {
        }
        Found = Index == Length;
    }
    ExFreePoolWithTag(Text, 'tsPK');
    return Found;
}

static NTSTATUS
KtStateRemove(PDEVICE_NODE Node)
{
    NTSTATUS Status;

    IopAcquirePnpTreeLock();
    Status = IopRequestDeviceRemove(Node);
    IopReleasePnpTreeLock();
    return Status;
}

/* After START, the stack is asked for its capabilities again (the function
 * driver's change is kept) and for its state, before the device's own
 * children; a stack that does not answer the state has state 0. */
KTEST(PnpStateQueriedAfterStart)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0, Node1;
    LONG PdoStart, FuncStart, Caps, PdoState, FuncState, BusState, BusRelationsQuery;
    ULONG Mark;

    KtStateTwoChildren();
    KtPnp.Children[0].FuncSurpriseRemovalOK = TRUE;
    KtPnp.Children[0].DeviceState = PNP_DEVICE_DONT_DISPLAY_IN_UI;
    BusPdo = KtPnpCreateBus(L"S1");
    KT_ASSERT(BusPdo != NULL);
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    KT_ASSERT(Node0 != NULL && Node1 != NULL);

    PdoStart = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    FuncStart = KtPnpFindEvent(0, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    Caps = KtPnpFindEvent(0, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_CAPABILITIES);
    PdoState = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE);
    FuncState = KtPnpFindEvent(0, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE);
    KT_ASSERT(PdoStart >= 0 && FuncStart > PdoStart);
    KT_ASSERT(Caps > FuncStart);                /* the function driver saw it: after AddDevice */
    KT_ASSERT(PdoState > Caps && FuncState > PdoState);
    /* The bus: its state before its children are asked for. */
    BusState = KtPnpFindEvent(0, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE);
    BusRelationsQuery = KtPnpFindEvent(0, KTPNP_WHO_BUS, IRP_MJ_PNP,
                                       IRP_MN_QUERY_DEVICE_RELATIONS);
    KT_ASSERT(BusState >= 0 && BusRelationsQuery > BusState);

    /* The PDO says SurpriseRemovalOK = FALSE; the function driver set it. */
    KT_ASSERT(Node0->Capabilities.SurpriseRemovalOK);
    KT_ASSERT(!Node1->Capabilities.SurpriseRemovalOK);
    KT_ASSERT_EQ(Node0->Capabilities.Address, 0x100);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node0->DeviceState, PNP_DEVICE_DONT_DISPLAY_IN_UI);
    KT_ASSERT_EQ(Node1->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node1->DeviceState, 0);        /* STATUS_NOT_SUPPORTED all the way */
    KT_ASSERT(KtStateDumpContains("KTPNP\\Widget\\0  DeviceNodeStarted"));
    KT_ASSERT(KtStateDumpContains("hidden (PNP_DEVICE_DONT_DISPLAY_IN_UI)"));

    /* IoInvalidateDeviceState asks again; an FDO is refused. */
    Mark = KtPnp.EventCount;
    KtPnp.Children[0].DeviceState = 0;
    IoInvalidateDeviceState(KtPnp.Children[0].Fdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_QUERY_PNP_DEVICE_STATE) < 0);
    IoInvalidateDeviceState(KtPnp.Children[0].Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_QUERY_PNP_DEVICE_STATE) >= 0);
    KT_ASSERT_EQ(Node0->DeviceState, 0);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT(KtStateRemoveBus(BusPdo));
}

/* PNP_DEVICE_FAILED: SURPRISE_REMOVAL at once, REMOVE_DEVICE when the last
 * handle closes, problem 43; the node stays while its bus reports it, is
 * not restarted by enumeration, and comes back after a removal request. */
KTEST(PnpStateFailedDeviceIsSurpriseRemoved)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtPnpFunc0");
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    PDEVICE_OBJECT BusPdo, Pdo0;
    PDEVICE_NODE Node0, Node1;
    LONG Query, Surprise;
    HANDLE Handle;
    KIRQL OldIrql;
    ULONG Mark;

    KtStateTwoChildren();
    KtPnp.Children[1].DeviceState = PNP_DEVICE_FAILED;     /* fails right after its start */
    BusPdo = KtPnpCreateBus(L"S2");
    KT_ASSERT(BusPdo != NULL);
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    Pdo0 = KtPnp.Children[0].Pdo;
    KT_ASSERT(Node0 != NULL && Node1 != NULL);
    KT_ASSERT_EQ(Node1->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Node1->Problem, CM_PROB_FAILED_POST_START);
    Query = KtPnpFindEvent(0, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE);
    Surprise = KtPnpFindEvent(0, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL);
    KT_ASSERT(Query >= 0 && Surprise > Query);
    KT_ASSERT(KtPnpFindEvent(Surprise, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >
              Surprise);
    KT_ASSERT(KtPnp.Children[1].Pdo != NULL);   /* still on its bus */

    InitializeObjectAttributes(&Attributes, &Name, OBJ_KERNEL_HANDLE, NULL, NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&Handle, GENERIC_READ, &Attributes, &Iosb, NULL, 0, 0,
                                  FILE_OPEN, 0, NULL, 0), STATUS_SUCCESS);
    Mark = KtPnp.EventCount;
    KtPnp.Children[0].DeviceState = PNP_DEVICE_FAILED;
    /* Drivers find out at DISPATCH_LEVEL (in a DPC, say): that is allowed. */
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    IoInvalidateDeviceState(Pdo0);
    KeLowerIrql(OldIrql);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT_EQ(Node0->State, DeviceNodeRemovePendingCloses);
    KT_ASSERT_EQ(Node0->Problem, CM_PROB_FAILED_POST_START);
    KT_ASSERT(Node0->ResourceList == NULL);
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >= 0);
    KT_ASSERT(KtPnp.Children[0].Removed);
    KT_ASSERT(KtPnp.Children[0].Pdo == Pdo0);   /* the bus keeps the PDO */
    KT_ASSERT(KtPnpChildNode(0) == Node0);
    KT_ASSERT_EQ(Node0->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Node0->Problem, CM_PROB_FAILED_POST_START);
    KT_ASSERT(KtStateDumpContains("problem 43 CM_PROB_FAILED_POST_START"));

    /* Enumeration does not start a failed device again ... */
    Mark = KtPnp.EventCount;
    KtPnp.Children[0].DeviceState = 0;
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT_EQ(Node0->Problem, CM_PROB_FAILED_POST_START);
    /* ... a removal asked of it does, at the next enumeration. */
    KT_ASSERT_STATUS(KtStateRemove(Node0), STATUS_SUCCESS);
    KT_ASSERT_EQ(Node0->Problem, 0);
    IoInvalidateDeviceRelations(BusPdo, BusRelations);
    IopWaitForPnpIdle();
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT(KtStateRemoveBus(BusPdo));
}

/* PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED: stop, requirements again, start
 * with the new resources, and no state query after that start (the WDK
 * sends none on a start after a stop for rebalancing); a device that
 * refuses to stop keeps its own. */
KTEST(PnpStateRequirementsChangeRestartsDevice)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node;
    LONG Query, QueryStop, Stop, Requirements, Start;
    KTPNP_CHILD *C0;
    ULONG Mark;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_STATE_PORT0, .Irq = 0xFF,
                                      .RequirementsPort = KT_STATE_PORT0};
    C0 = &KtPnp.Children[0];
    BusPdo = KtPnpCreateBus(L"S3");
    KT_ASSERT(BusPdo != NULL);
    Node = KtPnpChildNode(0);
    KT_ASSERT(Node != NULL && Node->State == DeviceNodeStarted);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_STATE_PORT0);

    Mark = KtPnp.EventCount;
    C0->RequirementsPort = KT_STATE_PORT2;
    C0->DeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(C0->Pdo);
    IopWaitForPnpIdle();
    Query = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_PNP_DEVICE_STATE);
    QueryStop = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    Stop = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE);
    Requirements = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP,
                                  IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
    Start = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    KT_ASSERT(Query >= 0 && QueryStop > Query && Stop > QueryStop);
    KT_ASSERT(Requirements > Stop && Start > Requirements);
    KT_ASSERT(KtPnpFindEvent(Start, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_QUERY_PNP_DEVICE_STATE) < 0);
    KT_ASSERT(KtPnpFindEvent(Start, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_QUERY_CAPABILITIES) < 0);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node->DeviceState, 0);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_STATE_PORT2);
    KT_ASSERT_EQ(C0->TranslatedPort.u.Port.Start.QuadPart, KT_STATE_PORT2);
    KT_ASSERT(Node->ResourceList != NULL);
    KT_ASSERT_EQ(Node->ResourceList->List[0].PartialResourceList.PartialDescriptors[0].u.Port
                     .Start.QuadPart, KT_STATE_PORT2);

    /* Refused stop: cancelled, the device keeps what it has. */
    Mark = KtPnp.EventCount;
    C0->FailQueryStop = TRUE;
    C0->RequirementsPort = KT_STATE_PORT1;
    C0->DeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(C0->Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_CANCEL_STOP_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_STATE_PORT2);
    KT_ASSERT(KtStateRemoveBus(BusPdo));
}

/* PNP_DEVICE_NOT_DISABLEABLE: a removal asked of the device, or of the bus
 * it sits on, or an eject, is refused before any query; once the driver
 * clears the bit the removal goes through. Losing the bus is not refused. */
KTEST(PnpStateNotDisableableRefusesRemoval)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0;
    ULONG Mark;

    KtStateTwoChildren();
    KtPnp.Children[0].DeviceState = PNP_DEVICE_NOT_DISABLEABLE;
    KtPnp.Children[1].DeviceState = PNP_DEVICE_NOT_DISABLEABLE;
    KtPnp.Children[0].EjectSupported = TRUE;
    BusPdo = KtPnpCreateBus(L"S4");
    KT_ASSERT(BusPdo != NULL);
    Node0 = KtPnpChildNode(0);
    KT_ASSERT(Node0 != NULL && Node0->State == DeviceNodeStarted);
    KT_ASSERT_EQ(Node0->DeviceState, PNP_DEVICE_NOT_DISABLEABLE);
    KT_ASSERT(KtStateDumpContains("not disableable"));

    Mark = KtPnp.EventCount;
    KT_ASSERT_STATUS(KtStateRemove(Node0), STATUS_INVALID_DEVICE_REQUEST);
    KT_ASSERT_STATUS(KtStateRemove(KtStateBusNode(BusPdo)), STATUS_INVALID_DEVICE_REQUEST);
    IoRequestDeviceEject(KtPnp.Children[0].Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_EJECT) < 0);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT(!KtPnp.Children[0].Ejected);

    KtPnp.Children[0].DeviceState = 0;
    IoInvalidateDeviceState(KtPnp.Children[0].Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT_EQ(Node0->DeviceState, 0);
    KT_ASSERT_STATUS(KtStateRemove(Node0), STATUS_SUCCESS);
    KT_ASSERT_EQ(Node0->State, DeviceNodeRemoved);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >= 0);
    /* Child 1 still says it; the bus leaving is not a request. */
    KT_ASSERT(KtStateRemoveBus(BusPdo));
    KT_ASSERT(KtPnp.Children[1].Removed);
}

/* PNP_DEVICE_DISABLED: orderly removal, problem 29. PNP_DEVICE_REMOVED:
 * surprise removal, problem 24, the node kept while the bus reports it. */
KTEST(PnpStateDisabledAndRemovedBits)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0, Node1;
    LONG QueryRemove, Remove;
    ULONG Mark;

    KtStateTwoChildren();
    BusPdo = KtPnpCreateBus(L"S5");
    KT_ASSERT(BusPdo != NULL);
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    KT_ASSERT(Node0 != NULL && Node1 != NULL);

    Mark = KtPnp.EventCount;
    KtPnp.Children[0].DeviceState = PNP_DEVICE_DISABLED;
    KtPnp.Children[1].DeviceState = PNP_DEVICE_REMOVED;
    IoInvalidateDeviceState(KtPnp.Children[0].Pdo);
    IoInvalidateDeviceState(KtPnp.Children[1].Pdo);
    IopWaitForPnpIdle();
    QueryRemove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE);
    Remove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    KT_ASSERT(QueryRemove >= 0 && Remove > QueryRemove);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL) < 0);
    KT_ASSERT_EQ(Node0->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Node0->Problem, CM_PROB_HARDWARE_DISABLED);

    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE) < 0);
    Remove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_SURPRISE_REMOVAL);
    KT_ASSERT(Remove >= 0);
    KT_ASSERT(KtPnpFindEvent(Remove, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) > Remove);
    KT_ASSERT(KtPnpChildNode(1) == Node1);
    KT_ASSERT_EQ(Node1->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Node1->Problem, CM_PROB_DEVICE_NOT_THERE);
    KT_ASSERT(KtStateDumpContains("problem 29 CM_PROB_HARDWARE_DISABLED"));
    KT_ASSERT(KtStateRemoveBus(BusPdo));
}

/* IoRequestDeviceEject: a veto stops it; a device whose bus can eject it
 * is query-removed, removed, ejected and then gone from the tree; a bus
 * that cannot be ejected is removed with its children, children first. */
KTEST(PnpStateEjectRemovesThenEjects)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0, Node1, Bus;
    LONG QueryRemove, Remove, Eject, BusQuery, BusRemove;
    ULONG Mark;

    KtStateTwoChildren();
    KtPnp.Children[0].EjectSupported = TRUE;
    KtPnp.Children[1].EjectSupported = TRUE;
    KtPnp.Children[1].FailQueryRemove = TRUE;
    BusPdo = KtPnpCreateBus(L"S6");
    KT_ASSERT(BusPdo != NULL);
    Bus = KtStateBusNode(BusPdo);
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    KT_ASSERT(Node0 != NULL && Node1 != NULL);
    KT_ASSERT(Node0->Capabilities.EjectSupported);

    /* Vetoed: cancelled, nothing removed or ejected. */
    Mark = KtPnp.EventCount;
    IoRequestDeviceEject(KtPnp.Children[1].Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_CANCEL_REMOVE_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(1), IRP_MJ_PNP, IRP_MN_EJECT) < 0);
    KT_ASSERT_EQ(Node1->State, DeviceNodeStarted);

    /* Allowed: query-remove, remove, eject; then the bus no longer has it. */
    Mark = KtPnp.EventCount;
    IoRequestDeviceEject(KtPnp.Children[0].Pdo);
    IopWaitForPnpIdle();
    QueryRemove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE);
    Remove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    Eject = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_EJECT);
    KT_ASSERT(QueryRemove >= 0 && Remove > QueryRemove && Eject > Remove);
    KT_ASSERT(KtPnp.Children[0].Ejected && KtPnp.Children[0].Removed);
    KT_ASSERT(KtPnp.Children[0].Pdo == NULL);   /* gone from the bus: PDO deleted */
    KT_ASSERT(Bus->Child == Node1 && Node1->Sibling == NULL);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE) < 0);

    /* The bus cannot be ejected (its root PDO says so): its child is
     * query-removed before it, then removed before it; problem 47. */
    KtPnp.Children[1].FailQueryRemove = FALSE;
    Mark = KtPnp.EventCount;
    IoRequestDeviceEject(BusPdo);
    IopWaitForPnpIdle();
    QueryRemove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE);
    BusQuery = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE);
    Remove = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    BusRemove = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    KT_ASSERT(QueryRemove >= 0 && BusQuery > QueryRemove);
    KT_ASSERT(Remove > BusQuery && BusRemove > Remove);
    KT_ASSERT(KtPnp.BusFdo == NULL);
    KT_ASSERT_EQ(Bus->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Bus->Problem, CM_PROB_HELD_FOR_EJECT);
    KT_ASSERT(Bus->Child == NULL);
    KT_ASSERT(KtStateRemoveBus(BusPdo));
}

/* A device that failed while a handle is open waits, surprise-removed, for
 * the handle: a removal asked of its bus is vetoed meanwhile (no
 * REMOVE_DEVICE under an open handle), and when the bus itself vanishes
 * the failed node goes with it once the handle closes, so that the bus
 * gets its REMOVE_DEVICE too. */
KTEST(PnpStateFailedDeviceOpenUnderLeavingBus)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KtPnpFunc0");
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0, Bus;
    HANDLE Handle;
    ULONG Mark;

    KtStateTwoChildren();
    BusPdo = KtPnpCreateBus(L"S7");
    KT_ASSERT(BusPdo != NULL);
    Bus = KtStateBusNode(BusPdo);
    Node0 = KtPnpChildNode(0);
    KT_ASSERT(Bus != NULL && Node0 != NULL && Node0->State == DeviceNodeStarted);
    InitializeObjectAttributes(&Attributes, &Name, OBJ_KERNEL_HANDLE, NULL, NULL);
    KT_ASSERT_STATUS(ZwCreateFile(&Handle, GENERIC_READ, &Attributes, &Iosb, NULL, 0, 0,
                                  FILE_OPEN, 0, NULL, 0), STATUS_SUCCESS);
    Mark = KtPnp.EventCount;
    KtPnp.Children[0].DeviceState = PNP_DEVICE_FAILED;
    IoInvalidateDeviceState(KtPnp.Children[0].Pdo);
    IopWaitForPnpIdle();
    KT_ASSERT_EQ(Node0->State, DeviceNodeRemovePendingCloses);

    KT_ASSERT_STATUS(KtStateRemove(Bus), STATUS_DEVICE_BUSY);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_REMOVE_DEVICE) < 0);
    KT_ASSERT_EQ(Bus->State, DeviceNodeStarted);

    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    KT_ASSERT_EQ(Bus->State, DeviceNodeRemovePendingCloses);
    KT_ASSERT(KtPnp.BusFdo != NULL);            /* its child still has a handle open */
    KT_ASSERT_STATUS(ZwClose(Handle), STATUS_SUCCESS);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >= 0);
    KT_ASSERT(KtPnp.BusFdo == NULL);
}
