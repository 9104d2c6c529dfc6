/*
 * ddk/po.h - the power manager routines a driver may call (io/power.c).
 * Part of wdm.h; the power states and IRP_MN_* codes are in
 * ddk/pnptypes.h and ddk/iotypes.h. Names and signatures are the WDK's.
 */
#ifndef _KESTREL_DDK_PO_H
#define _KESTREL_DDK_PO_H

/* IRQL <= DISPATCH_LEVEL. Passes a power IRP to the next driver: on
 * Windows Vista and later simply IoCallDriver, and so here. */
NTSTATUS NTAPI PoCallDriver(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp);

/* IRQL <= DISPATCH_LEVEL. On Windows Vista and later this does nothing
 * (power IRPs are no longer serialized per device), and Kestrel follows
 * them; drivers that also run on older systems still call it. */
VOID NTAPI PoStartNextPowerIrp(_Inout_ PIRP Irp);

/* IRQL <= DISPATCH_LEVEL. Records the device's (or, with
 * SystemPowerState, the system's) new power state for the PnP manager and
 * returns the previous one. */
POWER_STATE NTAPI PoSetPowerState(_In_ PDEVICE_OBJECT DeviceObject, _In_ POWER_STATE_TYPE Type,
                                  _In_ POWER_STATE State);

typedef VOID REQUEST_POWER_COMPLETE(_In_ PDEVICE_OBJECT DeviceObject, _In_ UCHAR MinorFunction,
                                    _In_ POWER_STATE PowerState, _In_opt_ PVOID Context,
                                    _In_ PIO_STATUS_BLOCK IoStatus);
typedef REQUEST_POWER_COMPLETE *PREQUEST_POWER_COMPLETE;

/*
 * IRQL <= DISPATCH_LEVEL. Builds a device power IRP (IRP_MN_SET_POWER,
 * IRP_MN_QUERY_POWER or IRP_MN_WAIT_WAKE) and sends it to the top of the
 * stack of DeviceObject (a PDO). CompletionFunction runs when it completes,
 * then the IRP is freed. Returns STATUS_PENDING once sent;
 * STATUS_INVALID_PARAMETER_2 for another minor function,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI PoRequestPowerIrp(_In_ PDEVICE_OBJECT DeviceObject, _In_ UCHAR MinorFunction,
                                 _In_ POWER_STATE PowerState,
                                 _In_opt_ PREQUEST_POWER_COMPLETE CompletionFunction,
                                 _In_opt_ PVOID Context, _Outptr_opt_ PIRP *Irp);

#endif /* _KESTREL_DDK_PO_H */
