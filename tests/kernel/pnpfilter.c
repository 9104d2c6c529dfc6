/*
 * tests/kernel/pnpfilter.c - IRP_MN_FILTER_RESOURCE_REQUIREMENTS
 * (io/pnpfilter.c) with the KtPnp test bus and function driver
 * (tests/kernel/pnpdrv.h): the function driver sees the bus's list after
 * AddDevice and before START, a list it puts in its place is what the
 * device is started with, a failure keeps the device from starting, and
 * a requirements change filters again before the restart.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

#define KT_FILTER_PORT0 0x6A00
#define KT_FILTER_PORT1 0x6B00
#define KT_FILTER_PORT2 0x6C00
#define KT_FILTER_PORT3 0x6D00
#define KT_FILTER_PORT4 0x6E00

/* The first port of a requirements list's first alternative, 0 if none. */
static ULONG64
KtFilterFirstPort(const IO_RESOURCE_REQUIREMENTS_LIST *List)
{
    if (List == NULL || List->AlternativeLists == 0 || List->List[0].Count == 0) {
        return 0;
    }
    return (ULONG64)List->List[0].Descriptors[0].u.Port.MinimumAddress.QuadPart;
}

/* Child 0's driver replaces the bus's list with another port; child 1's
 * fails the IRP; child 2 has no requirements and its driver passes the
 * IRP down untouched (NULL in, boot configuration used). */
KTEST(PnpFilterRequirementsReplaceAndFail)
{
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node0, Node1, Node2;
    LONG Query, PdoFilter, FuncFilter, PdoStart;
    KTPNP_CHILD *C0, *C1, *C2;
    ULONG Mark;

    KtPnpReset();
    KtPnp.Children[0] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_FILTER_PORT0, .Irq = 0xFF,
                                      .RequirementsPort = KT_FILTER_PORT0,
                                      .FilterPort = KT_FILTER_PORT2};
    KtPnp.Children[1] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_FILTER_PORT1, .Irq = 0xFF,
                                      .RequirementsPort = KT_FILTER_PORT1,
                                      .FilterStatus = STATUS_INSUFFICIENT_RESOURCES};
    KtPnp.Children[2] = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_FILTER_PORT3, .Irq = 0xFF};
    C0 = &KtPnp.Children[0];
    C1 = &KtPnp.Children[1];
    C2 = &KtPnp.Children[2];
    BusPdo = KtPnpCreateBus(L"F1");
    KT_ASSERT(BusPdo != NULL);
    Node0 = KtPnpChildNode(0);
    Node1 = KtPnpChildNode(1);
    Node2 = KtPnpChildNode(2);
    KT_ASSERT(Node0 != NULL && Node1 != NULL && Node2 != NULL);

    /* Order: the bus's requirements, AddDevice, the filter down the stack
     * and back up through the function driver, then START. */
    Query = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
    PdoFilter = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP,
                               IRP_MN_FILTER_RESOURCE_REQUIREMENTS);
    FuncFilter = KtPnpFindEvent(0, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                                IRP_MN_FILTER_RESOURCE_REQUIREMENTS);
    PdoStart = KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    KT_ASSERT(Query >= 0 && PdoFilter > Query && FuncFilter > PdoFilter);
    KT_ASSERT(PdoStart > FuncFilter);
    KT_ASSERT_EQ(C0->FilterCount, 1);
    KT_ASSERT_EQ(C0->FilterSawPort, KT_FILTER_PORT0);   /* the bus's list came in */
    KT_ASSERT(C0->FilterParameterMatched);

    /* Started with the driver's port; the bus's list is kept as it was. */
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_FILTER_PORT2);
    KT_ASSERT_EQ(C0->TranslatedPort.u.Port.Start.QuadPart, KT_FILTER_PORT2);
    KT_ASSERT((Node0->Flags & DNF_REQUIREMENTS_FILTERED) != 0);
    KT_ASSERT_EQ(KtFilterFirstPort(Node0->FilteredRequirements), KT_FILTER_PORT2);
    KT_ASSERT_EQ(KtFilterFirstPort(Node0->ResourceRequirements), KT_FILTER_PORT0);

    /* A failed filter: no START, the drivers go (REMOVE_DEVICE), problem 10. */
    KT_ASSERT_EQ(C1->FilterCount, 1);
    KT_ASSERT(KtPnpFindEvent(0, KTPNP_WHO_PDO(1), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    KT_ASSERT(KtPnpFindEvent(0, KTPNP_WHO_FUNC(1), IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE) >= 0);
    KT_ASSERT(C1->Removed);
    KT_ASSERT_EQ(Node1->State, DeviceNodeRemoved);
    KT_ASSERT_EQ(Node1->Problem, CM_PROB_FAILED_START);
    KT_ASSERT_EQ(Node1->ProblemStatus, STATUS_INSUFFICIENT_RESOURCES);
    KT_ASSERT(Node1->ResourceList == NULL);
    KT_ASSERT((Node1->Flags & DNF_REQUIREMENTS_FILTERED) == 0);

    /* No requirements: Information NULL, passed down, boot configuration. */
    KT_ASSERT_EQ(C2->FilterCount, 1);
    KT_ASSERT(C2->FilterSawNull);
    KT_ASSERT((Node2->Flags & DNF_REQUIREMENTS_FILTERED) == 0);
    KT_ASSERT_EQ(Node2->State, DeviceNodeStarted);
    KT_ASSERT_EQ(C2->RawPort.u.Port.Start.QuadPart, KT_FILTER_PORT3);

    /* Requirements changed: the new list is filtered again, after the
     * requirements query and before the restart. */
    Mark = KtPnp.EventCount;
    C0->RequirementsPort = KT_FILTER_PORT1;
    C0->FilterPort = KT_FILTER_PORT4;
    C0->DeviceState = PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    IoInvalidateDeviceState(C0->Pdo);
    IopWaitForPnpIdle();
    Query = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
    FuncFilter = KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP,
                                IRP_MN_FILTER_RESOURCE_REQUIREMENTS);
    PdoStart = KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE);
    KT_ASSERT(Query >= 0 && FuncFilter > Query && PdoStart > FuncFilter);
    KT_ASSERT_EQ(C0->FilterCount, 2);
    KT_ASSERT_EQ(C0->FilterSawPort, KT_FILTER_PORT1);
    KT_ASSERT_EQ(Node0->State, DeviceNodeStarted);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_FILTER_PORT4);
    KT_ASSERT_EQ(KtFilterFirstPort(Node0->ResourceRequirements), KT_FILTER_PORT1);

    IopRootDeleteDevice(BusPdo);
    IopWaitForPnpIdle();
    KT_ASSERT(KtPnp.BusFdo == NULL);
}
