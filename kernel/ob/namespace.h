/*
 * kernel/ob/namespace.h - the object namespace: directories, names and
 * symbolic links (kernel/ob/namespace.c, kernel/ob/symlink.c).
 *
 * The namespace is a tree of directory objects whose entries name other
 * objects. Kestrel's tree at boot:
 *
 *   \                      the root directory
 *   \Device                device objects (IoCreateDevice)
 *   \Driver                driver objects (built-in drivers)
 *   \??                    DOS device names: links to \Device\... 
 *   \DosDevices  -> \??    symbolic links, as on Windows
 *   \GLOBAL??    -> \??
 *
 * An entry is kept apart from the object it names (OBJECT_DIRECTORY_ENTRY),
 * so any object of the object manager (kernel/ob/obp.h) can be named, and
 * the entry holds one reference on the object until the name is removed
 * (ObMakeTemporaryObject). Names compare case-insensitively, as NT's do.
 * One spin lock guards the whole tree; lookups hold it for the walk only.
 */
#ifndef KESTREL_KERNEL_OB_NAMESPACE_H
#define KESTREL_KERNEL_OB_NAMESPACE_H

#include "kernel/ob/obp.h"

/* More symbolic links on one path than OBP_MAXIMUM_REPARSE. */
#ifndef STATUS_REPARSE_POINT_NOT_RESOLVED
#define STATUS_REPARSE_POINT_NOT_RESOLVED ((NTSTATUS)0xC0000280L)
#endif

#define OBP_NAME_TAG 'mNbO'         /* directory entries, names, path copies */
#define OBP_DIRECTORY_TAG 'iDbO'
#define OBP_SYMBOLIC_LINK_TAG 'ySbO'
#define OBP_MAXIMUM_REPARSE 32      /* symbolic links followed on one lookup */
#define OBP_MAXIMUM_COMPONENT 255   /* characters in one path component */

typedef struct _OBJECT_DIRECTORY {
    LIST_ENTRY Entries;             /* OBJECT_DIRECTORY_ENTRY.DirectoryLink */
} OBJECT_DIRECTORY, *POBJECT_DIRECTORY;

typedef struct _OBJECT_DIRECTORY_ENTRY {
    LIST_ENTRY DirectoryLink;       /* in Directory->Entries */
    LIST_ENTRY NamedLink;           /* in the list of every named object */
    POBJECT_DIRECTORY Directory;
    PVOID Object;                   /* referenced while the entry exists */
    UNICODE_STRING Name;            /* the last path component */
} OBJECT_DIRECTORY_ENTRY, *POBJECT_DIRECTORY_ENTRY;

typedef struct _OBJECT_SYMBOLIC_LINK {
    UNICODE_STRING LinkTarget;      /* absolute; resolved at every lookup */
} OBJECT_SYMBOLIC_LINK, *POBJECT_SYMBOLIC_LINK;

extern OBJECT_TYPE ObpDirectoryObjectType;
extern OBJECT_TYPE ObpSymbolicLinkObjectType;

/* Creates the tree drawn above. Once, at boot, before the I/O manager.
 * PASSIVE_LEVEL. */
VOID ObInitializeNamespace(VOID);

/*
 * Gives Object the absolute name Path ("\Device\Sample"). The directory
 * part must exist (symbolic links in it are followed: "\DosDevices\X"
 * lands in \??); the last component must be free there. The name holds a
 * reference on Object until ObMakeTemporaryObject. An object has one name
 * at most. STATUS_OBJECT_NAME_INVALID (not absolute, empty or over-long
 * component), STATUS_OBJECT_PATH_NOT_FOUND, STATUS_OBJECT_NAME_COLLISION,
 * STATUS_INVALID_PARAMETER (already named), STATUS_INSUFFICIENT_RESOURCES.
 * IRQL <= DISPATCH_LEVEL.
 */
NTSTATUS ObInsertObjectName(_In_ PVOID Object, _In_ PCUNICODE_STRING Path);

/* Removes Object's name, if it has one, and releases the reference the
 * name held: lookups stop finding it at once. IRQL <= DISPATCH_LEVEL. */
VOID NTAPI ObMakeTemporaryObject(_In_ PVOID Object);

/* TRUE when Object has a name in the namespace. */
BOOLEAN ObpIsObjectNamed(_In_ PVOID Object);

/*
 * Looks up an absolute Path and returns its object with a reference added
 * (release it with ObDereferenceObject).
 *  - Components compare case-insensitively; "\" alone is the root.
 *  - Symbolic links are followed, the last one too unless Attributes has
 *    OBJ_OPENLINK; more than OBP_MAXIMUM_REPARSE links on one lookup is
 *    STATUS_REPARSE_POINT_NOT_RESOLVED (a loop, most likely).
 *  - When the walk reaches an object that is not a directory with
 *    components left ("\Device\Disk\file"): with RemainingName, the object
 *    is returned and *RemainingName receives the rest, "\file" (pool,
 *    OBP_NAME_TAG; free it with ObFreeRemainingName); without it, the
 *    lookup fails with STATUS_OBJECT_PATH_NOT_FOUND. RemainingName is empty
 *    (Buffer NULL) when nothing is left.
 *  - ObjectType (NULL: any) must match: STATUS_OBJECT_TYPE_MISMATCH.
 *  - STATUS_OBJECT_NAME_INVALID (not absolute, empty component),
 *    STATUS_OBJECT_NAME_NOT_FOUND (the last component is missing),
 *    STATUS_OBJECT_PATH_NOT_FOUND (a directory on the way is missing).
 * IRQL <= DISPATCH_LEVEL.
 */
NTSTATUS ObReferenceObjectByName(_In_ PCUNICODE_STRING Path, _In_ ULONG Attributes,
                                 _In_opt_ POBJECT_TYPE ObjectType, _Out_ PVOID *Object,
                                 _Out_opt_ PUNICODE_STRING RemainingName);
VOID ObFreeRemainingName(_Inout_ PUNICODE_STRING RemainingName);

/* Creates the directory Path (its parent must exist) and leaves it in the
 * namespace for good. PASSIVE_LEVEL. */
NTSTATUS ObpCreateDirectory(_In_ PCWSTR Path);

/* Fills in ObpSymbolicLinkObjectType (from ObInitializeNamespace). */
VOID ObpInitializeSymbolicLinkType(VOID);

/* Creates the symbolic link LinkName -> Target (both absolute). Target
 * need not exist: it is resolved at each lookup. Errors as
 * ObInsertObjectName. PASSIVE_LEVEL. */
NTSTATUS ObCreateSymbolicLink(_In_ PCUNICODE_STRING LinkName, _In_ PCUNICODE_STRING Target);
/* Deletes the link LinkName (not what it points to). STATUS_OBJECT_NAME_NOT_FOUND,
 * or STATUS_OBJECT_TYPE_MISMATCH when LinkName is not a link. PASSIVE_LEVEL. */
NTSTATUS ObDeleteSymbolicLink(_In_ PCUNICODE_STRING LinkName);

#endif /* KESTREL_KERNEL_OB_NAMESPACE_H */
