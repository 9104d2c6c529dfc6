/*
 * tests/kernel/pnpbusstop.c - a bus whose resource requirements change
 * (PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED from its FDO,
 * io/pnpdevstate.c) is stopped with everything on it, children first, and
 * started again before them; a child's veto cancels the whole stop, and a
 * bus that does not start again takes its children with it. With
 * the KtPnp test bus and function driver (tests/kernel/pnpdrv.h).
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

#define KT_BUSSTOP_PORT0 0x6600
#define KT_BUSSTOP_PORT1 0x6700

/* The bus FDO asks to be given new resources: QUERY_STOP to both children
 * before the bus, STOP likewise, then the bus's requirements, its START,
 * and the children's START after it; they get their resources back. */
KTEST(PnpBusRequirementsChangeStopsChildren)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Bus, Node0, Node1;
    LONG QueryStop0, QueryStop1, BusQueryStop, Stop0, Stop1, BusStop, BusQuery, BusStart;
    LONG Start0, Start1;
    ULONG Mark;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_BUSSTOP_PORT0, .Irq = 0xFF};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_BUSSTOP_PORT1, .Irq = 0xFF};
    BusPdo = KtPnpCreateBus(L"B1");
    KT_ASSERT(BusPdo != NULL);
    Bus = IopDeviceExtension(BusPdo)->DeviceNode;
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    KT_ASSERT(Bus != NULL && Node0 != NULL && Node1 != NULL);
    KT_ASSERT(Node0->State == DeviceNodeStarted && Node1->State == DeviceNodeStarted);

    Mark = KtPnp.EventCount;
    RtlZeroMemory(&KtPnp.Children[0].RawPort, sizeof(KtPnp.Children[0].RawPort));
    KtPnp.BusDeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(BusPdo);
    IopWaitForPnpIdle();
    QueryStop0 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    QueryStop1 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    BusQueryStop = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    Stop0 = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE);
    Stop1 = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(1), IRP_MJ_PNP, IRP_MN_STOP_DEVICE);
    BusStop = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_STOP_DEVICE);
    BusQuery = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
    BusStart = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_START_DEVICE);
    Start0 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    Start1 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    KT_ASSERT(QueryStop0 >= 0 && QueryStop1 >= 0);
    KT_ASSERT(BusQueryStop > QueryStop0 && BusQueryStop > QueryStop1);
    KT_ASSERT(Stop0 > BusQueryStop && Stop1 > BusQueryStop);
    KT_ASSERT(BusStop > Stop0 && BusStop > Stop1);
    KT_ASSERT(BusQuery > BusStop && BusStart > BusQuery);
    KT_ASSERT(Start0 > BusStart && Start1 > BusStart);
    /* A start after a stop asks for no state. */
    KT_ASSERT(KtPnpFindEvent(BusStart, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_QUERY_PNP_DEVICE_STATE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) < 0);
    KT_ASSERT_EQ(Bus->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node1->State, DeviceNodeStarted);
    KT_ASSERT(KtPnpChildNode(0) == Node0 && KtPnpChildNode(1) == Node1);
    KT_ASSERT_EQ(KtPnp.Children[0].RawPort.u.Port.Start.QuadPart, KT_BUSSTOP_PORT0);
    KT_ASSERT(Node0->ResourceList != NULL && Node1->ResourceList != NULL);

    /* Child 1 vetoes: both children hear CANCEL_STOP, the bus is not even
     * asked, and nothing stops. */
    Mark = KtPnp.EventCount;
    KtPnp.Children[1].FailQueryStop = TRUE;
    KtPnp.BusDeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(BusPdo);
    IopWaitForPnpIdle();
    QueryStop0 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    QueryStop1 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE);
    KT_ASSERT(QueryStop0 >= 0 && QueryStop1 > QueryStop0);
    KT_ASSERT(KtPnpFindEvent(QueryStop1, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                             IRP_MN_CANCEL_STOP_DEVICE) > QueryStop1);
    KT_ASSERT(KtPnpFindEvent(QueryStop1, KTPNP_WHO_FUNC(1), IRP_MJ_PNP,
                             IRP_MN_CANCEL_STOP_DEVICE) > QueryStop1);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_STOP_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_STOP_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT_EQ(Bus->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node1->State, DeviceNodeStarted);
    KT_ASSERT(Node0->ResourceList != NULL);

    /* The bus does not start again: its stopped children get REMOVE_DEVICE
     * before it does, and their nodes go; the bus keeps problem 10. */
    Mark = KtPnp.EventCount;
    KtPnp.Children[1].FailQueryStop = FALSE;
    KtPnp.BusFailStart = TRUE;
    KtPnp.BusDeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(BusPdo);
    IopWaitForPnpIdle();
    BusStart = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_START_DEVICE);
    Stop0 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    Stop1 = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    BusStop = KtPnpFindEvent(Mark, KTPNP_WHO_BUS, IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE);
    KT_ASSERT(BusStart >= 0 && Stop0 > BusStart && Stop1 > BusStart);
    KT_ASSERT(BusStop > Stop0 && BusStop > Stop1);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT(KtPnp.Children[0].Removed && KtPnp.Children[1].Removed);
    KT_ASSERT(KtPnp.BusFdo == NULL);
    KT_ASSERT(Bus->Child == NULL);
    KT_ASSERT_EQ(Bus->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Bus->Problem, CM_PROB_FAILED_START);

    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnp.BusFdo == NULL);
}
