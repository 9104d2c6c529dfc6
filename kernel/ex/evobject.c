/*
 * kernel/ex/evobject.c - event objects behind handles: ExEventObjectType
 * and ZwCreateEvent.
 *
 * A KEVENT a driver declares itself needs no handle; one that another
 * routine takes by handle (ZwReadFile's Event, say) is created here, as an
 * object of the Event type whose body is the KEVENT. ObReferenceObjectByHandle
 * with *ExEventObjectType gives the PKEVENT; ZwClose drops the handle.
 */
#include "kernel/ob/obp.h"

#define EXP_EVENT_TAG 'nvEE'

static OBJECT_TYPE ExpEventObjectType;
static POBJECT_TYPE ExpEventObjectTypePointer = &ExpEventObjectType;
POBJECT_TYPE *ExEventObjectType = &ExpEventObjectTypePointer;
static volatile LONG ExpEventTypeState;

/* PASSIVE_LEVEL. Kestrel has no named events: ObjectAttributes may be NULL
 * or name nothing. STATUS_INVALID_PARAMETER (with a message) for a name
 * or a bad EventType. */
NTSTATUS NTAPI
ZwCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
              EVENT_TYPE EventType, BOOLEAN InitialState)
{
    PKEVENT Event;
    NTSTATUS Status;

    if (EventHandle == NULL) {
        DbgPrint("ZwCreateEvent from %pS: no EventHandle\n", __builtin_return_address(0));
        return STATUS_INVALID_PARAMETER;
    }
    *EventHandle = NULL;
    if (ObjectAttributes != NULL && ObjectAttributes->ObjectName != NULL) {
        DbgPrint("ZwCreateEvent: named events (%wZ) are not supported\n",
                 ObjectAttributes->ObjectName);
        return STATUS_INVALID_PARAMETER;
    }
    if (EventType != NotificationEvent && EventType != SynchronizationEvent) {
        DbgPrint("ZwCreateEvent: EventType %d is not an event type\n", (int)EventType);
        return STATUS_INVALID_PARAMETER;
    }
    /* The type is set up on first use (0 -> 1 -> 2), so that no boot step
     * is needed; a racing second caller waits for the first. */
    if (InterlockedCompareExchange(&ExpEventTypeState, 1, 0) == 0) {
        ObpInitializeObjectType(&ExpEventObjectType, "Event", EXP_EVENT_TAG, NULL);
        InterlockedExchange(&ExpEventTypeState, 2);
    }
    while (ExpEventTypeState != 2) {
        __builtin_ia32_pause();
    }
    Status = ObpCreateObject(&ExpEventObjectType, sizeof(KEVENT), (PVOID *)&Event);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    KeInitializeEvent(Event, EventType, InitialState);
    Status = ObpCreateHandle(Event, DesiredAccess, EventHandle);
    if (!NT_SUCCESS(Status)) {
        ObfDereferenceObject(Event);
    }
    return Status;
}
