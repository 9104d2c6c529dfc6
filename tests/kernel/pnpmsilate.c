/*
 * tests/kernel/pnpmsilate.c - message-signaled interrupts around a start
 * that does not happen at enumeration: a device no driver serves until a
 * test registers one (KtPnpLate), and a start the bus fails, after which
 * the message vectors must be free again. On the KtPnp test bus
 * (tests/kernel/pnpdrvbus.c); the helpers are pnpmsi.c's.
 */
#include "tests/kernel/ktest.h"
#include "tests/kernel/pnpdrv.h"
#include "io/pnpp.h"

/* A device no driver serves keeps problem 28 (CM_PROB_FAILED_INSTALL);
 * registering a driver for it starts it at once, with the messages the
 * new driver says it handles. */
KTEST(PnpMsiLateDriverStartsProblem28Node)
{
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node;
    ULONG Used = KtMsiUsedVectors(), Mark, Vector;

    KtPnpReset();
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = KT_MSI_IRQ,
                        .Messages = 2, .Late = TRUE};
    BusPdo = KtPnpCreateBus(L"M5");
    KT_ASSERT(BusPdo != NULL);
    Node = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Node != NULL);
    KT_ASSERT(IopFindDeviceNodeByInstancePath(L"KTPNP\\Late\\0") == Node);
    KT_ASSERT_EQ(Node->State, DeviceNodeInitialized);
    KT_ASSERT_EQ(Node->Problem, CM_PROB_FAILED_INSTALL);
    KT_ASSERT(!C0->Added);

    Mark = KtPnp.EventCount;
    KtPnpLateService.MessageSignaled = TRUE;
    IopRegisterDriverService(&KtPnpLateService);
    KT_ASSERT_EQ(Node->State, DeviceNodeStarted);
    KT_ASSERT_EQ(Node->Problem, 0);
    KT_ASSERT(Node->Service == &KtPnpLateService);
    KT_ASSERT(C0->Added && C0->AddedPdo == C0->Pdo);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT_EQ(C0->RawPort.u.Port.Start.QuadPart, KT_MSI_PORT0);
    KT_ASSERT_EQ(C0->TranslatedInterruptCount, 1);
    KT_ASSERT(KtMsiPairIsRight(&C0->RawInterrupts[0], &C0->TranslatedInterrupts[0], 2,
                               CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN - 1));
    Vector = C0->TranslatedInterrupts[0].u.MessageInterrupt.Translated.Vector;
    KT_ASSERT(KtMsiVectorsInUse(Vector, 2, TRUE));

    /* Registered again later, nothing is started twice. */
    IopUnregisterDriverService(&KtPnpLateService);
    Mark = KtPnp.EventCount;
    IopRegisterDriverService(&KtPnpLateService);
    KT_ASSERT(KtPnpFindEvent(Mark, KTPNP_WHO_FUNC(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) < 0);
    IopUnregisterDriverService(&KtPnpLateService);
    KtPnpLateService.MessageSignaled = FALSE;
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
    KT_ASSERT(C0->Removed);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
}

/* A start that fails gives the message vectors back (the WDK's failed
 * start: REMOVE_DEVICE follows, problem 10). */
KTEST(PnpMsiFailedStartGivesVectorsBack)
{
    KTPNP_CHILD *C0 = &KtPnp.Children[0];
    PDEVICE_OBJECT BusPdo;
    PDEVICE_NODE Node;
    ULONG Used = KtMsiUsedVectors();

    KtPnpReset();
    KtPnpSetMessageSignaled(TRUE);
    *C0 = (KTPNP_CHILD){.Present = TRUE, .PortBase = KT_MSI_PORT0, .Irq = 0xFF, .Messages = 8,
                        .FailStart = TRUE};
    BusPdo = KtPnpCreateBus(L"M6");
    KT_ASSERT(BusPdo != NULL);
    Node = KtMsiBusNode(BusPdo)->Child;
    KT_ASSERT(Node != NULL);
    KT_ASSERT_EQ(Node->Problem, CM_PROB_FAILED_START);
    KT_ASSERT(Node->ResourceList == NULL);
    KT_ASSERT(KtPnpFindEvent(0, KTPNP_WHO_PDO(0), IRP_MJ_PNP, IRP_MN_START_DEVICE) >= 0);
    KT_ASSERT_EQ(KtMsiUsedVectors(), Used);
    KT_ASSERT(KtMsiRemoveBus(BusPdo));
}
