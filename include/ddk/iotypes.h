/*
 * ddk/iotypes.h - the I/O manager's driver-facing structures (their numbers are
 * in ddk/iocodes.h). Part of wdm.h (the routines are in ddk/io.h).
 *
 * Every structure here has the WDK's name, field names, field types and
 * field order, and the Windows x64 layout: the _Static_asserts pin sizes and
 * the offsets drivers depend on to the values in Microsoft's public symbols
 * for ntoskrnl.exe (as dumped with "dt nt!_IRP" etc.; sizes: IRP 0xD0,
 * IO_STACK_LOCATION 0x48, DEVICE_OBJECT 0x150, DRIVER_OBJECT 0x150,
 * FILE_OBJECT 0xD8, IO_STATUS_BLOCK 0x10, KDEVICE_QUEUE 0x28,
 * KDEVICE_QUEUE_ENTRY 0x18, DEVOBJ_EXTENSION 0x68 ...). Matching them now
 * is what will let a binary driver built for Windows run later.
 *
 * Where a nested Windows type does not exist in Kestrel yet (KAPC, the
 * security and cache-manager types), its exact size is reserved with a
 * named placeholder and a comment, or it is reached only through a pointer
 * to an incomplete struct, as drivers reach it anyway.
 */
#ifndef _KESTREL_DDK_IOTYPES_H
#define _KESTREL_DDK_IOTYPES_H

/* On x64 the WDK aligns some IO_STACK_LOCATION members to 8 bytes. */
#ifndef POINTER_ALIGNMENT
#define POINTER_ALIGNMENT DECLSPEC_ALIGN(8)
#endif
#ifndef MEMORY_ALLOCATION_ALIGNMENT
#define MEMORY_ALLOCATION_ALIGNMENT 16
#endif

/*
 * PAGED_CODE() marks a routine the WDK would let the pager evict; on Windows
 * it asserts IRQL <= APC_LEVEL in checked builds. Kestrel has no pager and
 * all kernel memory is resident, so code may run at any IRQL and the macro
 * checks nothing. Kestrel does not define ALLOC_PRAGMA, so a driver's
 * "#pragma alloc_text(PAGE, ...)" blocks (guarded by it) are skipped.
 */
#ifndef PAGED_CODE
#define PAGED_CODE() ((void)0)
#define PAGED_CODE_LOCKED() ((void)0)
#endif

/* Access rights: DELETE ... GENERIC_ALL are in ddk/ob.h, which wdm.h
 * includes before this file; the rest the I/O manager adds here. */
#ifndef STANDARD_RIGHTS_READ
#define STANDARD_RIGHTS_READ READ_CONTROL
#define STANDARD_RIGHTS_WRITE READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE READ_CONTROL
#endif
#ifndef ACCESS_SYSTEM_SECURITY
#define ACCESS_SYSTEM_SECURITY 0x01000000L
#endif
#ifndef MAXIMUM_ALLOWED
#define MAXIMUM_ALLOWED 0x02000000L
#endif
#ifndef OBJ_DONT_REPARSE
#define OBJ_IGNORE_IMPERSONATED_DEVICEMAP 0x00000800L
#define OBJ_DONT_REPARSE 0x00001000L
#endif

/* Kestrel has no security descriptors yet; the fields are carried as NULL. */
typedef PVOID PSECURITY_DESCRIPTOR;

/* Opaque to drivers, or not implemented yet: reached through pointers only. */
struct _OBJECT_ATTRIBUTES;      /* ddk/ob.h */
struct _EPROCESS;
struct _ETHREAD;
struct _KTHREAD;
struct _IO_TIMER;
struct _IO_WORKITEM;
struct _FAST_IO_DISPATCH;
struct _SCATTER_GATHER_LIST;
struct _ACCESS_STATE;
struct _SECURITY_QUALITY_OF_SERVICE;
struct _NAMED_PIPE_CREATE_PARAMETERS;
struct _MAILSLOT_CREATE_PARAMETERS;
struct _IO_RESOURCE_REQUIREMENTS_LIST;
struct _FILE_GET_QUOTA_INFORMATION;
struct _SCSI_REQUEST_BLOCK;
struct _DMA_ADAPTER;
struct _DEVICE_DESCRIPTION;

typedef struct _OBJECT_TYPE *POBJECT_TYPE;
typedef struct _EPROCESS *PEPROCESS;
typedef struct _ETHREAD *PETHREAD;
typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _IO_TIMER *PIO_TIMER;
typedef struct _IO_WORKITEM IO_WORKITEM, *PIO_WORKITEM;
typedef struct _FAST_IO_DISPATCH *PFAST_IO_DISPATCH;
typedef struct _SCATTER_GATHER_LIST *PSCATTER_GATHER_LIST;
typedef struct _ACCESS_STATE *PACCESS_STATE;
typedef struct _SECURITY_QUALITY_OF_SERVICE *PSECURITY_QUALITY_OF_SERVICE;

struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;
struct _FILE_OBJECT;
struct _IRP;
struct _IO_STACK_LOCATION;
typedef struct _DRIVER_OBJECT *PDRIVER_OBJECT;
typedef struct _FILE_OBJECT *PFILE_OBJECT;
typedef struct _IRP *PIRP;
typedef struct _IO_STACK_LOCATION *PIO_STACK_LOCATION;
/* PDEVICE_OBJECT is declared by ddk/io.h (interrupt parameters use it). */

/* The numbers (function codes, flags, device types, IOCTL encoding, file
 * access and create options) live in their own header. */
#include <ddk/iocodes.h>

/* ---- I/O status ---- */
typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;      /* bytes transferred, or a request-specific value */
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef VOID NTAPI IO_APC_ROUTINE(_In_ PVOID ApcContext, _In_ PIO_STATUS_BLOCK IoStatusBlock,
                                  _In_ ULONG Reserved);
typedef IO_APC_ROUTINE *PIO_APC_ROUTINE;

/* ---- Device queues (KeInitializeDeviceQueue & co., ddk/io.h) ---- */
typedef struct _KDEVICE_QUEUE_ENTRY {
    LIST_ENTRY DeviceListEntry;
    ULONG SortKey;
    BOOLEAN Inserted;
} KDEVICE_QUEUE_ENTRY, *PKDEVICE_QUEUE_ENTRY, *PRKDEVICE_QUEUE_ENTRY;

typedef struct _KDEVICE_QUEUE {
    CSHORT Type;                /* KI_DEVICE_QUEUE_OBJECT_TYPE */
    CSHORT Size;
    LIST_ENTRY DeviceListHead;
    KSPIN_LOCK Lock;
    union {
        BOOLEAN Busy;
        struct {
            LONG64 Reserved : 8;
            LONG64 Hint : 56;
        };
    };
} KDEVICE_QUEUE, *PKDEVICE_QUEUE, *PRKDEVICE_QUEUE;

/* ---- Role typedefs: declare driver routines with these ---- */
typedef NTSTATUS DRIVER_INITIALIZE(_In_ struct _DRIVER_OBJECT *DriverObject,
                                   _In_ PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;

typedef NTSTATUS DRIVER_ADD_DEVICE(_In_ struct _DRIVER_OBJECT *DriverObject,
                                   _In_ struct _DEVICE_OBJECT *PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;

typedef NTSTATUS DRIVER_DISPATCH(_In_ struct _DEVICE_OBJECT *DeviceObject,
                                 _Inout_ struct _IRP *Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef DRIVER_DISPATCH DRIVER_DISPATCH_RAISED;
typedef DRIVER_DISPATCH DRIVER_DISPATCH_PAGED;

typedef VOID DRIVER_STARTIO(_Inout_ struct _DEVICE_OBJECT *DeviceObject,
                            _Inout_ struct _IRP *Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;

typedef VOID DRIVER_UNLOAD(_In_ struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;

typedef VOID DRIVER_CANCEL(_Inout_ struct _DEVICE_OBJECT *DeviceObject,
                           _Inout_ struct _IRP *Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;

typedef NTSTATUS IO_COMPLETION_ROUTINE(_In_ struct _DEVICE_OBJECT *DeviceObject,
                                       _In_ struct _IRP *Irp, _In_opt_ PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;

typedef VOID IO_TIMER_ROUTINE(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_opt_ PVOID Context);
typedef IO_TIMER_ROUTINE *PIO_TIMER_ROUTINE;

typedef VOID DRIVER_REINITIALIZE(_In_ struct _DRIVER_OBJECT *DriverObject,
                                 _In_opt_ PVOID Context, _In_ ULONG Count);
typedef DRIVER_REINITIALIZE *PDRIVER_REINITIALIZE;

typedef enum _IO_ALLOCATION_ACTION {
    KeepObject = 1,
    DeallocateObject,
    DeallocateObjectKeepRegisters
} IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

typedef IO_ALLOCATION_ACTION DRIVER_CONTROL(_In_ struct _DEVICE_OBJECT *DeviceObject,
                                            _Inout_ struct _IRP *Irp,
                                            _In_ PVOID MapRegisterBase, _In_ PVOID Context);
typedef DRIVER_CONTROL *PDRIVER_CONTROL;

typedef VOID DRIVER_LIST_CONTROL(_In_ struct _DEVICE_OBJECT *DeviceObject,
                                 _In_ struct _IRP *Irp,
                                 _In_ PSCATTER_GATHER_LIST ScatterGather, _In_ PVOID Context);
typedef DRIVER_LIST_CONTROL *PDRIVER_LIST_CONTROL;

typedef VOID IO_WORKITEM_ROUTINE(_In_ struct _DEVICE_OBJECT *DeviceObject,
                                 _In_opt_ PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef VOID IO_WORKITEM_ROUTINE_EX(_In_ PVOID IoObject, _In_opt_ PVOID Context,
                                    _In_ PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;

/* What IoRequestDpc queues: DEVICE_OBJECT.Dpc calls it with the IRP and
 * context as the DPC's system arguments. */
typedef VOID IO_DPC_ROUTINE(_In_ PKDPC Dpc, _In_ struct _DEVICE_OBJECT *DeviceObject,
                            _Inout_ struct _IRP *Irp, _In_opt_ PVOID Context);
typedef IO_DPC_ROUTINE *PIO_DPC_ROUTINE;

typedef enum _WORK_QUEUE_TYPE {
    CriticalWorkQueue,
    DelayedWorkQueue,
    HyperCriticalWorkQueue,
    NormalWorkQueue,
    BackgroundWorkQueue,
    RealTimeWorkQueue,
    SuperCriticalWorkQueue,
    MaximumWorkQueue
} WORK_QUEUE_TYPE;

/* ---- WAIT_CONTEXT_BLOCK: a DMA adapter's or controller's wait entry ---- */
typedef struct _WAIT_CONTEXT_BLOCK {
    union {
        KDEVICE_QUEUE_ENTRY WaitQueueEntry;
        struct {
            LIST_ENTRY DmaWaitEntry;
            ULONG NumberOfChannels;
            ULONG SyncCallback : 1;
            ULONG DmaContext : 1;
            ULONG ZeroMapRegisters : 1;
            ULONG Reserved : 9;
            ULONG NumberOfRemapPages : 20;
        };
    };
    PDRIVER_CONTROL DeviceRoutine;
    PVOID DeviceContext;
    ULONG NumberOfMapRegisters;
    PVOID DeviceObject;
    PVOID CurrentIrp;
    PKDPC BufferChainingDpc;
} WAIT_CONTEXT_BLOCK, *PWAIT_CONTEXT_BLOCK;

/* ---- Volume parameter block (file systems; devices carry a NULL Vpb) ---- */
#define MAXIMUM_VOLUME_LABEL_LENGTH (32 * sizeof(WCHAR))

typedef struct _VPB {
    CSHORT Type;
    CSHORT Size;
    USHORT Flags;
    USHORT VolumeLabelLength;   /* in bytes */
    struct _DEVICE_OBJECT *DeviceObject;
    struct _DEVICE_OBJECT *RealDevice;
    ULONG SerialNumber;
    ULONG ReferenceCount;
    WCHAR VolumeLabel[MAXIMUM_VOLUME_LABEL_LENGTH / sizeof(WCHAR)];
} VPB, *PVPB;

/* ---- Driver objects ---- */
typedef struct _DRIVER_EXTENSION {
    struct _DRIVER_OBJECT *DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;                /* times DriverEntry/reinitialization has run */
    UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;

/* DRIVER_OBJECT.Flags */
#define DRVO_UNLOAD_INVOKED 0x00000001
#define DRVO_LEGACY_DRIVER 0x00000002
#define DRVO_BUILTIN_DRIVER 0x00000004
#define DRVO_REINIT_REGISTERED 0x00000008
#define DRVO_INITIALIZED 0x00000010

typedef struct _DRIVER_OBJECT {
    CSHORT Type;                        /* IO_TYPE_DRIVER */
    CSHORT Size;
    struct _DEVICE_OBJECT *DeviceObject;    /* first of the driver's devices */
    ULONG Flags;                        /* DRVO_* */
    PVOID DriverStart;
    ULONG DriverSize;
    PVOID DriverSection;
    PDRIVER_EXTENSION DriverExtension;
    UNICODE_STRING DriverName;          /* \Driver\Xxx */
    PUNICODE_STRING HardwareDatabase;
    PFAST_IO_DISPATCH FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PDRIVER_STARTIO DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT;

/* ---- Device objects ---- */

/*
 * The I/O manager's per-device bookkeeping. The WDK publishes only Type,
 * Size and DeviceObject; the rest is the layout of Windows' private part,
 * which Kestrel uses for the same purposes. Drivers must not touch it.
 */
typedef struct _DEVOBJ_EXTENSION {
    CSHORT Type;                        /* IO_TYPE_DEVICE_OBJECT_EXTENSION */
    USHORT Size;
    struct _DEVICE_OBJECT *DeviceObject;
    /* -- private to the I/O manager from here on -- */
    ULONG PowerFlags;
    PVOID Dope;                         /* struct _DEVICE_OBJECT_POWER_EXTENSION * */
    ULONG ExtensionFlags;               /* DOE_* (io/iop.h) */
    PVOID DeviceNode;                   /* the PnP manager's node, later */
    struct _DEVICE_OBJECT *AttachedTo;  /* the device this one is attached above */
    LONG StartIoCount;                  /* StartIo bookkeeping (io/startio.c) */
    LONG StartIoKey;
    ULONG StartIoFlags;
    PVPB Vpb;
    PVOID DependencyNode;
    PVOID InterruptContext;
    PVOID VerifierContext;
} DEVOBJ_EXTENSION, *PDEVOBJ_EXTENSION;

typedef struct DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) _DEVICE_OBJECT {
    CSHORT Type;                        /* IO_TYPE_DEVICE */
    USHORT Size;                        /* of this structure plus the device extension */
    LONG ReferenceCount;                /* open file objects on this device */
    struct _DRIVER_OBJECT *DriverObject;
    struct _DEVICE_OBJECT *NextDevice;  /* the driver's next device */
    struct _DEVICE_OBJECT *AttachedDevice;  /* the device attached above, or NULL */
    struct _IRP *CurrentIrp;            /* the IRP in StartIo */
    PIO_TIMER Timer;
    ULONG Flags;                        /* DO_* */
    ULONG Characteristics;              /* FILE_* characteristics */
    volatile PVPB Vpb;
    PVOID DeviceExtension;              /* zeroed, 16-byte aligned, right after this object */
    DEVICE_TYPE DeviceType;
    CCHAR StackSize;                    /* stack locations an IRP to this device needs */
    union {
        LIST_ENTRY ListEntry;
        WAIT_CONTEXT_BLOCK Wcb;
    } Queue;
    ULONG AlignmentRequirement;         /* FILE_*_ALIGNMENT */
    KDEVICE_QUEUE DeviceQueue;          /* StartIo's queue */
    KDPC Dpc;                           /* IoInitializeDpcRequest / IoRequestDpc */
    ULONG ActiveThreadCount;
    PSECURITY_DESCRIPTOR SecurityDescriptor;
    KEVENT DeviceLock;
    USHORT SectorSize;
    USHORT Spare1;
    struct _DEVOBJ_EXTENSION *DeviceObjectExtension;
    PVOID Reserved;
} DEVICE_OBJECT;

/* AlignmentRequirement values. */
#define FILE_BYTE_ALIGNMENT 0x00000000
#define FILE_WORD_ALIGNMENT 0x00000001
#define FILE_LONG_ALIGNMENT 0x00000003
#define FILE_QUAD_ALIGNMENT 0x00000007
#define FILE_OCTA_ALIGNMENT 0x0000000f
#define FILE_32_BYTE_ALIGNMENT 0x0000001f
#define FILE_64_BYTE_ALIGNMENT 0x0000003f
#define FILE_128_BYTE_ALIGNMENT 0x0000007f
#define FILE_256_BYTE_ALIGNMENT 0x000000ff
#define FILE_512_BYTE_ALIGNMENT 0x000001ff

/* ---- File objects ---- */
typedef struct _SECTION_OBJECT_POINTERS {
    PVOID DataSectionObject;
    PVOID SharedCacheMap;
    PVOID ImageSectionObject;
} SECTION_OBJECT_POINTERS, *PSECTION_OBJECT_POINTERS;

typedef struct _IO_COMPLETION_CONTEXT {
    PVOID Port;
    PVOID Key;
} IO_COMPLETION_CONTEXT, *PIO_COMPLETION_CONTEXT;

typedef struct _FILE_OBJECT {
    CSHORT Type;                        /* IO_TYPE_FILE */
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;        /* the device opened (not the top of its stack) */
    PVPB Vpb;
    PVOID FsContext;                    /* the driver's, per open */
    PVOID FsContext2;
    PSECTION_OBJECT_POINTERS SectionObjectPointer;
    PVOID PrivateCacheMap;
    NTSTATUS FinalStatus;
    struct _FILE_OBJECT *RelatedFileObject;
    BOOLEAN LockOperation;
    BOOLEAN DeletePending;
    BOOLEAN ReadAccess;
    BOOLEAN WriteAccess;
    BOOLEAN DeleteAccess;
    BOOLEAN SharedRead;
    BOOLEAN SharedWrite;
    BOOLEAN SharedDelete;
    ULONG Flags;                        /* FO_* */
    UNICODE_STRING FileName;            /* what followed the device's name */
    LARGE_INTEGER CurrentByteOffset;
    volatile ULONG Waiters;
    volatile ULONG Busy;
    PVOID LastLock;
    KEVENT Lock;
    KEVENT Event;                       /* signaled at completion when no UserEvent */
    volatile PIO_COMPLETION_CONTEXT CompletionContext;
    KSPIN_LOCK IrpListLock;
    LIST_ENTRY IrpList;                 /* the open's pending IRPs (cleanup cancels them) */
    volatile PVOID FileObjectExtension;
} FILE_OBJECT;

/* ---- IRPs ---- */
typedef struct DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) _IRP {
    CSHORT Type;                        /* IO_TYPE_IRP */
    USHORT Size;                        /* IoSizeOfIrp(StackCount) */
    USHORT AllocationProcessorNumber;
    USHORT Reserved;
    PMDL MdlAddress;                    /* direct I/O: the locked buffer */
    ULONG Flags;                        /* IRP_* */
    union {
        struct _IRP *MasterIrp;
        volatile LONG IrpCount;
        PVOID SystemBuffer;             /* buffered I/O */
    } AssociatedIrp;
    LIST_ENTRY ThreadListEntry;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;               /* StackCount + 1 .. 1; 0 is past the bottom */
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    CCHAR ApcEnvironment;
    UCHAR AllocationFlags;              /* IRP_QUOTA_CHARGED ... */
    PIO_STATUS_BLOCK UserIosb;          /* where the final IoStatus is copied */
    PKEVENT UserEvent;
    union {
        struct {
            union {
                PIO_APC_ROUTINE UserApcRoutine;
                PVOID IssuingProcess;
            };
            PVOID UserApcContext;
        } AsynchronousParameters;
        LARGE_INTEGER AllocationSize;
    } Overlay;
    volatile PDRIVER_CANCEL CancelRoutine;
    PVOID UserBuffer;                   /* neither I/O, and the caller's buffer */
    union {
        struct {
            union {
                KDEVICE_QUEUE_ENTRY DeviceQueueEntry;
                struct {
                    PVOID DriverContext[4];
                };
            };
            PETHREAD Thread;
            PCHAR AuxiliaryBuffer;
            struct {
                LIST_ENTRY ListEntry;
                union {
                    struct _IO_STACK_LOCATION *CurrentStackLocation;
                    ULONG PacketType;
                };
            };
            PFILE_OBJECT OriginalFileObject;
        } Overlay;
        /* A KAPC (0x58 bytes on x64) in Windows. Kestrel has no APCs yet; the
         * placeholder keeps the size, alignment and name. */
        struct {
            ULONG_PTR Reserved[11];
        } Apc;
        PVOID CompletionKey;
    } Tail;
} IRP;

typedef struct _IO_SECURITY_CONTEXT {
    PSECURITY_QUALITY_OF_SERVICE SecurityQos;
    PACCESS_STATE AccessState;
    ACCESS_MASK DesiredAccess;
    ULONG FullCreateOptions;
} IO_SECURITY_CONTEXT, *PIO_SECURITY_CONTEXT;

/* The information classes of IRP_MJ_QUERY/SET_INFORMATION and
 * IRP_MJ_QUERY/SET_VOLUME_INFORMATION (the first ones; values are the WDK's). */
typedef enum _FILE_INFORMATION_CLASS {
    FileDirectoryInformation = 1,
    FileFullDirectoryInformation,
    FileBothDirectoryInformation,
    FileBasicInformation,
    FileStandardInformation,
    FileInternalInformation,
    FileEaInformation,
    FileAccessInformation,
    FileNameInformation,
    FileRenameInformation,
    FileLinkInformation,
    FileNamesInformation,
    FileDispositionInformation,
    FilePositionInformation,
    FileFullEaInformation,
    FileModeInformation,
    FileAlignmentInformation,
    FileAllInformation,
    FileAllocationInformation,
    FileEndOfFileInformation,
    FileMaximumInformation = 64
} FILE_INFORMATION_CLASS, *PFILE_INFORMATION_CLASS;

typedef enum _FSINFOCLASS {
    FileFsVolumeInformation = 1,
    FileFsLabelInformation,
    FileFsSizeInformation,
    FileFsDeviceInformation,
    FileFsAttributeInformation,
    FileFsControlInformation,
    FileFsFullSizeInformation,
    FileFsObjectIdInformation,
    FileFsDriverPathInformation,
    FileFsVolumeFlagsInformation,
    FileFsSectorSizeInformation,
    FileFsDataCopyInformation,
    FileFsMetadataSizeInformation,
    FileFsMaximumInformation = 14
} FS_INFORMATION_CLASS, *PFS_INFORMATION_CLASS;

typedef ULONG LCID;

/* PnP and power parameters: device relations, capabilities, power states,
 * resource lists, interfaces. */
#include <ddk/pnptypes.h>

/* ---- IO_STACK_LOCATION: one per driver an IRP passes through ---- */
typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;                /* IRP_MJ_* */
    UCHAR MinorFunction;                /* IRP_MN_* */
    UCHAR Flags;                        /* SL_* (per major function) */
    UCHAR Control;                      /* SL_PENDING_RETURNED, SL_INVOKE_ON_* */
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;              /* CreateDisposition << 24 | CreateOptions */
            USHORT POINTER_ALIGNMENT FileAttributes;
            USHORT ShareAccess;
            ULONG POINTER_ALIGNMENT EaLength;
        } Create;
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT Reserved;
            USHORT ShareAccess;
            struct _NAMED_PIPE_CREATE_PARAMETERS *Parameters;
        } CreatePipe;
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT Reserved;
            USHORT ShareAccess;
            struct _MAILSLOT_CREATE_PARAMETERS *Parameters;
        } CreateMailslot;
        struct {
            ULONG Length;
            ULONG POINTER_ALIGNMENT Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Read;
        struct {
            ULONG Length;
            ULONG POINTER_ALIGNMENT Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Write;
        struct {
            ULONG Length;
            FILE_INFORMATION_CLASS POINTER_ALIGNMENT FileInformationClass;
        } QueryFile;
        struct {
            ULONG Length;
            FILE_INFORMATION_CLASS POINTER_ALIGNMENT FileInformationClass;
            PFILE_OBJECT FileObject;
            union {
                struct {
                    BOOLEAN ReplaceIfExists;
                    BOOLEAN AdvanceOnly;
                };
                ULONG ClusterCount;
                HANDLE DeleteHandle;
            };
        } SetFile;
        struct {
            ULONG Length;
            FS_INFORMATION_CLASS POINTER_ALIGNMENT FsInformationClass;
        } QueryVolume;
        struct {
            ULONG OutputBufferLength;
            ULONG POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT FsControlCode;
            PVOID Type3InputBuffer;
        } FileSystemControl;
        struct {
            PLARGE_INTEGER Length;
            ULONG POINTER_ALIGNMENT Key;
            LARGE_INTEGER ByteOffset;
        } LockControl;
        struct {
            ULONG OutputBufferLength;
            ULONG POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Type3InputBuffer;     /* METHOD_NEITHER: the caller's input buffer */
        } DeviceIoControl;
        struct {
            ULONG SecurityInformation;
            ULONG POINTER_ALIGNMENT Length;
        } QuerySecurity;
        struct {
            ULONG SecurityInformation;
            PSECURITY_DESCRIPTOR SecurityDescriptor;
        } SetSecurity;
        struct {
            PVPB Vpb;
            PDEVICE_OBJECT DeviceObject;
        } MountVolume;
        struct {
            PVPB Vpb;
            PDEVICE_OBJECT DeviceObject;
        } VerifyVolume;
        struct {
            struct _SCSI_REQUEST_BLOCK *Srb;
        } Scsi;
        struct {
            ULONG Length;
            PVOID StartSid;
            struct _FILE_GET_QUOTA_INFORMATION *SidList;
            ULONG SidListLength;
        } QueryQuota;
        struct {
            ULONG Length;
        } SetQuota;
        struct {
            DEVICE_RELATION_TYPE Type;
        } QueryDeviceRelations;
        struct {
            const GUID *InterfaceType;
            USHORT Size;
            USHORT Version;
            PINTERFACE Interface;
            PVOID InterfaceSpecificData;
        } QueryInterface;
        struct {
            PDEVICE_CAPABILITIES Capabilities;
        } DeviceCapabilities;
        struct {
            struct _IO_RESOURCE_REQUIREMENTS_LIST *IoResourceRequirementList;
        } FilterResourceRequirements;
        struct {
            ULONG WhichSpace;
            PVOID Buffer;
            ULONG Offset;
            ULONG POINTER_ALIGNMENT Length;
        } ReadWriteConfig;
        struct {
            BOOLEAN Lock;
        } SetLock;
        struct {
            BUS_QUERY_ID_TYPE IdType;
        } QueryId;
        struct {
            DEVICE_TEXT_TYPE DeviceTextType;
            LCID POINTER_ALIGNMENT LocaleId;
        } QueryDeviceText;
        struct {
            BOOLEAN InPath;
            BOOLEAN Reserved[3];
            DEVICE_USAGE_NOTIFICATION_TYPE POINTER_ALIGNMENT Type;
        } UsageNotification;
        struct {
            SYSTEM_POWER_STATE PowerState;
        } WaitWake;
        struct {
            PPOWER_SEQUENCE PowerSequence;
        } PowerSequence;
        struct {
            union {
                ULONG SystemContext;
                SYSTEM_POWER_STATE_CONTEXT SystemPowerStateContext;
            };
            POWER_STATE_TYPE POINTER_ALIGNMENT Type;
            POWER_STATE POINTER_ALIGNMENT State;
            POWER_ACTION POINTER_ALIGNMENT ShutdownType;
        } Power;
        struct {
            PCM_RESOURCE_LIST AllocatedResources;
            PCM_RESOURCE_LIST AllocatedResourcesTranslated;
        } StartDevice;
        struct {
            ULONG_PTR ProviderId;
            PVOID DataPath;
            ULONG BufferSize;
            PVOID Buffer;
        } WMI;
        struct {
            PVOID Argument1;
            PVOID Argument2;
            PVOID Argument3;
            PVOID Argument4;
        } Others;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;        /* the device this location is for */
    PFILE_OBJECT FileObject;
    PIO_COMPLETION_ROUTINE CompletionRoutine;   /* set by the driver above */
    PVOID Context;
} IO_STACK_LOCATION;

/* ---- Cancel-safe queues (IoCsq*, ddk/io.h) ---- */
typedef struct _IO_CSQ IO_CSQ, *PIO_CSQ;

#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ 2
#define IO_TYPE_CSQ_EX 3

typedef struct _IO_CSQ_IRP_CONTEXT {
    ULONG Type;
    PIRP Irp;
    PIO_CSQ Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;

typedef VOID IO_CSQ_INSERT_IRP(_In_ struct _IO_CSQ *Csq, _In_ PIRP Irp);
typedef IO_CSQ_INSERT_IRP *PIO_CSQ_INSERT_IRP;
typedef NTSTATUS IO_CSQ_INSERT_IRP_EX(_In_ struct _IO_CSQ *Csq, _In_ PIRP Irp,
                                      _In_ PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;
typedef VOID IO_CSQ_REMOVE_IRP(_In_ PIO_CSQ Csq, _In_ PIRP Irp);
typedef IO_CSQ_REMOVE_IRP *PIO_CSQ_REMOVE_IRP;
typedef PIRP IO_CSQ_PEEK_NEXT_IRP(_In_ PIO_CSQ Csq, _In_opt_ PIRP Irp, _In_opt_ PVOID PeekContext);
typedef IO_CSQ_PEEK_NEXT_IRP *PIO_CSQ_PEEK_NEXT_IRP;
typedef VOID IO_CSQ_ACQUIRE_LOCK(_In_ PIO_CSQ Csq, _Out_ PKIRQL Irql);
typedef IO_CSQ_ACQUIRE_LOCK *PIO_CSQ_ACQUIRE_LOCK;
typedef VOID IO_CSQ_RELEASE_LOCK(_In_ PIO_CSQ Csq, _In_ KIRQL Irql);
typedef IO_CSQ_RELEASE_LOCK *PIO_CSQ_RELEASE_LOCK;
typedef VOID IO_CSQ_COMPLETE_CANCELED_IRP(_In_ PIO_CSQ Csq, _In_ PIRP Irp);
typedef IO_CSQ_COMPLETE_CANCELED_IRP *PIO_CSQ_COMPLETE_CANCELED_IRP;

struct _IO_CSQ {
    ULONG Type;                         /* IO_TYPE_CSQ or IO_TYPE_CSQ_EX */
    PIO_CSQ_INSERT_IRP CsqInsertIrp;    /* a PIO_CSQ_INSERT_IRP_EX for IO_TYPE_CSQ_EX */
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
    PVOID ReservePointer;
};

/* ---- Remove locks (IoAcquireRemoveLock & co., ddk/io.h) ----
 * The free-build layout: Windows' checked builds (DBG) append a debugging
 * block; Kestrel always uses this one, whatever DBG says, so that one
 * binary layout serves both. */
typedef struct _IO_REMOVE_LOCK_COMMON_BLOCK {
    BOOLEAN Removed;
    BOOLEAN Reserved[3];
    volatile LONG IoCount;
    KEVENT RemoveEvent;
} IO_REMOVE_LOCK_COMMON_BLOCK;

typedef struct _IO_REMOVE_LOCK {
    IO_REMOVE_LOCK_COMMON_BLOCK Common;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;

/* ---- Layouts pinned to Windows x64 (ntoskrnl public symbols) ---- */
_Static_assert(sizeof(IO_STATUS_BLOCK) == 0x10, "IO_STATUS_BLOCK");
_Static_assert(sizeof(KDEVICE_QUEUE_ENTRY) == 0x18, "KDEVICE_QUEUE_ENTRY");
_Static_assert(sizeof(KDEVICE_QUEUE) == 0x28, "KDEVICE_QUEUE");
_Static_assert(FIELD_OFFSET(KDEVICE_QUEUE, Busy) == 0x20, "KDEVICE_QUEUE.Busy");
_Static_assert(sizeof(WAIT_CONTEXT_BLOCK) == 0x48, "WAIT_CONTEXT_BLOCK");
_Static_assert(sizeof(VPB) == 0x60, "VPB");
_Static_assert(sizeof(DRIVER_EXTENSION) == 0x28, "DRIVER_EXTENSION");
_Static_assert(sizeof(DRIVER_OBJECT) == 0x150, "DRIVER_OBJECT");
_Static_assert(FIELD_OFFSET(DRIVER_OBJECT, DriverExtension) == 0x30, "DRIVER_OBJECT.DriverExtension");
_Static_assert(FIELD_OFFSET(DRIVER_OBJECT, DriverName) == 0x38, "DRIVER_OBJECT.DriverName");
_Static_assert(FIELD_OFFSET(DRIVER_OBJECT, DriverStartIo) == 0x60, "DRIVER_OBJECT.DriverStartIo");
_Static_assert(FIELD_OFFSET(DRIVER_OBJECT, DriverUnload) == 0x68, "DRIVER_OBJECT.DriverUnload");
_Static_assert(FIELD_OFFSET(DRIVER_OBJECT, MajorFunction) == 0x70, "DRIVER_OBJECT.MajorFunction");
_Static_assert(sizeof(DEVOBJ_EXTENSION) == 0x68, "DEVOBJ_EXTENSION");
_Static_assert(FIELD_OFFSET(DEVOBJ_EXTENSION, AttachedTo) == 0x30, "DEVOBJ_EXTENSION.AttachedTo");
_Static_assert(sizeof(DEVICE_OBJECT) == 0x150, "DEVICE_OBJECT");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, AttachedDevice) == 0x18, "DEVICE_OBJECT.AttachedDevice");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, Flags) == 0x30, "DEVICE_OBJECT.Flags");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, DeviceExtension) == 0x40, "DEVICE_OBJECT.DeviceExtension");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, StackSize) == 0x4c, "DEVICE_OBJECT.StackSize");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, Queue) == 0x50, "DEVICE_OBJECT.Queue");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, AlignmentRequirement) == 0x98, "DEVICE_OBJECT.AlignmentRequirement");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, DeviceQueue) == 0xa0, "DEVICE_OBJECT.DeviceQueue");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, Dpc) == 0xc8, "DEVICE_OBJECT.Dpc");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, DeviceLock) == 0x118, "DEVICE_OBJECT.DeviceLock");
_Static_assert(FIELD_OFFSET(DEVICE_OBJECT, DeviceObjectExtension) == 0x138, "DEVICE_OBJECT.DeviceObjectExtension");
_Static_assert(sizeof(FILE_OBJECT) == 0xd8, "FILE_OBJECT");
_Static_assert(FIELD_OFFSET(FILE_OBJECT, FsContext) == 0x18, "FILE_OBJECT.FsContext");
_Static_assert(FIELD_OFFSET(FILE_OBJECT, Flags) == 0x50, "FILE_OBJECT.Flags");
_Static_assert(FIELD_OFFSET(FILE_OBJECT, FileName) == 0x58, "FILE_OBJECT.FileName");
_Static_assert(FIELD_OFFSET(FILE_OBJECT, Event) == 0x98, "FILE_OBJECT.Event");
_Static_assert(FIELD_OFFSET(FILE_OBJECT, IrpList) == 0xc0, "FILE_OBJECT.IrpList");
_Static_assert(sizeof(IRP) == 0xd0, "IRP");
_Static_assert(FIELD_OFFSET(IRP, MdlAddress) == 0x08, "IRP.MdlAddress");
_Static_assert(FIELD_OFFSET(IRP, AssociatedIrp) == 0x18, "IRP.AssociatedIrp");
_Static_assert(FIELD_OFFSET(IRP, IoStatus) == 0x30, "IRP.IoStatus");
_Static_assert(FIELD_OFFSET(IRP, RequestorMode) == 0x40, "IRP.RequestorMode");
_Static_assert(FIELD_OFFSET(IRP, Cancel) == 0x44, "IRP.Cancel");
_Static_assert(FIELD_OFFSET(IRP, UserIosb) == 0x48, "IRP.UserIosb");
_Static_assert(FIELD_OFFSET(IRP, CancelRoutine) == 0x68, "IRP.CancelRoutine");
_Static_assert(FIELD_OFFSET(IRP, UserBuffer) == 0x70, "IRP.UserBuffer");
_Static_assert(FIELD_OFFSET(IRP, Tail.Overlay.DriverContext) == 0x78, "IRP.Tail.Overlay.DriverContext");
_Static_assert(FIELD_OFFSET(IRP, Tail.Overlay.Thread) == 0x98, "IRP.Tail.Overlay.Thread");
_Static_assert(FIELD_OFFSET(IRP, Tail.Overlay.ListEntry) == 0xa8, "IRP.Tail.Overlay.ListEntry");
_Static_assert(FIELD_OFFSET(IRP, Tail.Overlay.CurrentStackLocation) == 0xb8, "IRP.Tail.Overlay.CurrentStackLocation");
_Static_assert(FIELD_OFFSET(IRP, Tail.Overlay.OriginalFileObject) == 0xc0, "IRP.Tail.Overlay.OriginalFileObject");
_Static_assert(sizeof(((IRP *)0)->Tail) == 0x58, "IRP.Tail (a KAPC is 0x58)");
_Static_assert(sizeof(IO_STACK_LOCATION) == 0x48, "IO_STACK_LOCATION");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters) == 0x08, "IO_STACK_LOCATION.Parameters");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Create.EaLength) == 0x20, "Parameters.Create.EaLength");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Read.Key) == 0x10, "Parameters.Read.Key");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Read.ByteOffset) == 0x18, "Parameters.Read.ByteOffset");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.InputBufferLength) == 0x10, "Parameters.DeviceIoControl.InputBufferLength");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode) == 0x18, "Parameters.DeviceIoControl.IoControlCode");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.Type3InputBuffer) == 0x20, "Parameters.DeviceIoControl.Type3InputBuffer");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Power.State) == 0x18, "Parameters.Power.State");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.QueryInterface.Interface) == 0x18, "Parameters.QueryInterface.Interface");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, DeviceObject) == 0x28, "IO_STACK_LOCATION.DeviceObject");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, FileObject) == 0x30, "IO_STACK_LOCATION.FileObject");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, CompletionRoutine) == 0x38, "IO_STACK_LOCATION.CompletionRoutine");
_Static_assert(FIELD_OFFSET(IO_STACK_LOCATION, Context) == 0x40, "IO_STACK_LOCATION.Context");
_Static_assert(sizeof(IO_CSQ) == 0x40, "IO_CSQ");
_Static_assert(sizeof(IO_CSQ_IRP_CONTEXT) == 0x18, "IO_CSQ_IRP_CONTEXT");
_Static_assert(sizeof(IO_REMOVE_LOCK) == 0x20, "IO_REMOVE_LOCK (free build)");
_Static_assert(sizeof(IO_SECURITY_CONTEXT) == 0x18, "IO_SECURITY_CONTEXT");

#endif /* _KESTREL_DDK_IOTYPES_H */
