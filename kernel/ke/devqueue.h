/*
 * kernel/ke/devqueue.h - the bookkeeping of a KDEVICE_QUEUE, without its
 * lock (kernel/ke/devqlist.c): pure list logic, host-tested
 * (tests/host/ke_devqueue.c). kernel/ke/devqueue.c wraps each routine in
 * the queue's spin lock to make the DDK's Ke*DeviceQueue routines.
 *
 * A device queue is busy while its owner is working on an entry: the first
 * insertion into an idle queue does not queue anything, it only marks the
 * queue busy and tells the caller to start the work itself (that is how
 * IoStartPacket decides whether to call StartIo now). Later insertions
 * queue; a removal from an empty queue marks it idle again.
 */
#ifndef KESTREL_KERNEL_KE_DEVQUEUE_H
#define KESTREL_KERNEL_KE_DEVQUEUE_H

#include <wdm.h>

/* Windows' KOBJECTS value DeviceQueueObject, for KDEVICE_QUEUE.Type. */
#define KI_DEVICE_QUEUE_OBJECT 20

/* Caller holds the queue's lock (or owns the queue outright). */

/* TRUE when Entry was queued (at the tail, or after every entry whose
 * SortKey is <= SortKey when ByKey); FALSE when the queue was idle: it is
 * now busy and Entry is not queued. Entry->SortKey is set when ByKey. */
BOOLEAN KiDeviceQueueInsert(_Inout_ PKDEVICE_QUEUE DeviceQueue,
                            _Inout_ PKDEVICE_QUEUE_ENTRY DeviceQueueEntry, BOOLEAN ByKey,
                            ULONG SortKey);

/* The head entry or, when ByKey, the first whose SortKey is >= SortKey
 * (the head when there is none), unlinked; NULL when the queue is empty,
 * which also makes it idle. */
PKDEVICE_QUEUE_ENTRY KiDeviceQueueRemove(_Inout_ PKDEVICE_QUEUE DeviceQueue, BOOLEAN ByKey,
                                         ULONG SortKey);

/* Unlinks Entry if it is queued; TRUE when it was. The busy state stays. */
BOOLEAN KiDeviceQueueRemoveEntry(_Inout_ PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);

#endif /* KESTREL_KERNEL_KE_DEVQUEUE_H */
