/*
 * drivers/samples/filter/kestrelfilter.h - what clients of the
 * KestrelFilter sample need: its control code and what it returns.
 */
#ifndef KESTREL_FILTER_H
#define KESTREL_FILTER_H

/* Answered by the filter itself (METHOD_BUFFERED), never passed down. */
#define IOCTL_KESTREL_FILTER_GET_COUNTS \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x8F0, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _KESTREL_FILTER_COUNTS {
    ULONG Seen[IRP_MJ_MAXIMUM_FUNCTION + 1];   /* IRPs passed down, per major function */
    ULONG Completed;                            /* of those, completed (seen on the way up) */
    ULONG Failed;                               /* of those, completed with an error */
} KESTREL_FILTER_COUNTS, *PKESTREL_FILTER_COUNTS;

#endif /* KESTREL_FILTER_H */
