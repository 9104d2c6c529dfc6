/*
 * bugcodes.h - bugcheck (stop) codes, with the numbers Windows uses.
 *
 * KeBugCheckEx prints the name of the code together with its four
 * parameters; kernel/ke/bugcheck.c keeps the code-to-name table.
 */
#ifndef _BUGCODES_
#define _BUGCODES_

#define APC_INDEX_MISMATCH                       0x00000001
#define IRQL_NOT_GREATER_OR_EQUAL                0x00000009
#define IRQL_NOT_LESS_OR_EQUAL                   0x0000000A
#define NO_EXCEPTION_HANDLING_SUPPORT            0x0000000B
#define MAXIMUM_WAIT_OBJECTS_EXCEEDED            0x0000000C
#define SPIN_LOCK_ALREADY_OWNED                  0x0000000F
#define SPIN_LOCK_NOT_OWNED                      0x00000010
#define THREAD_NOT_MUTEX_OWNER                   0x00000011
#define BAD_POOL_HEADER                          0x00000019
#define MEMORY_MANAGEMENT                        0x0000001A
#define KMODE_EXCEPTION_NOT_HANDLED              0x0000001E
#define INVALID_DATA_ACCESS_TRAP                 0x00000004
#define SYSTEM_SERVICE_EXCEPTION                 0x0000003B
#define NO_MORE_IRP_STACK_LOCATIONS              0x00000035
#define NO_MORE_SYSTEM_PTES                      0x0000003F
#define MULTIPLE_IRP_COMPLETE_REQUESTS           0x00000044
#define CANCEL_STATE_IN_COMPLETED_IRP            0x00000048
#define INSUFFICIENT_SYSTEM_MAP_REGS             0x00000045
#define PAGE_FAULT_IN_NONPAGED_AREA              0x00000050
#define PROCESS_INITIALIZATION_FAILED            0x00000060
#define PHASE0_INITIALIZATION_FAILED             0x00000031
#define PHASE1_INITIALIZATION_FAILED             0x00000032
#define INACCESSIBLE_BOOT_DEVICE                 0x0000007B
#define UNEXPECTED_KERNEL_MODE_TRAP              0x0000007F
#define NMI_HARDWARE_FAILURE                     0x00000080
#define MANUALLY_INITIATED_CRASH                 0x000000E2
#define KERNEL_STACK_INPAGE_ERROR                0x00000077
#define MACHINE_CHECK_EXCEPTION                  0x0000009C
#define DRIVER_POWER_STATE_FAILURE               0x0000009F
#define ACPI_BIOS_ERROR                          0x000000A5
#define DRIVER_IRQL_NOT_LESS_OR_EQUAL            0x000000D1
#define DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS 0x000000CE
#define DRIVER_VERIFIER_DETECTED_VIOLATION       0x000000C4
#define SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION  0x000000C1
#define BAD_POOL_CALLER                          0x000000C2
#define DRIVER_CORRUPTED_EXPOOL                  0x000000C5
#define DRIVER_CAUGHT_MODIFYING_FREED_POOL       0x000000C6
#define TIMER_OR_DPC_INVALID                     0x000000C7
#define IRQL_UNEXPECTED_VALUE                    0x000000C8
#define DRIVER_VERIFIER_IOMANAGER_VIOLATION      0x000000C9
#define PNP_DETECTED_FATAL_ERROR                 0x000000CA
#define DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS      0x000000CB
#define PAGE_FAULT_IN_FREED_SPECIAL_POOL         0x000000CC
#define PAGE_FAULT_BEYOND_END_OF_ALLOCATION      0x000000CD
#define DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL  0x000000D5
#define DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION 0x000000D6
#define ATTEMPTED_WRITE_TO_READONLY_MEMORY       0x000000BE
#define ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY    0x000000FC
#define DRIVER_OVERRAN_STACK_BUFFER              0x000000F7
#define THREAD_STUCK_IN_DEVICE_DRIVER            0x000000EA
#define DPC_WATCHDOG_VIOLATION                   0x00000133
#define KERNEL_SECURITY_CHECK_FAILURE            0x00000139
#define INTERRUPT_EXCEPTION_NOT_HANDLED          0x0000003D
#define HAL_INITIALIZATION_FAILED                0x0000005C
#define INVALID_KERNEL_HANDLE                    0x00000093
#define BUGCODE_ID_DRIVER                        0x000000D2
#define RESOURCE_NOT_OWNED                       0x000000E3
#define WORKER_INVALID                           0x000000E4
#define WORKER_THREAD_RETURNED_AT_BAD_IRQL       0x000000E1
#define KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE   0x00000162
#define DRIVER_RETURNED_STATUS_REPARSE_FOR_VOLUME_OPEN 0x000000EE
#define FATAL_UNHANDLED_HARD_ERROR               0x0000004C
#define REFERENCE_BY_POINTER                     0x00000018
#define UNMOUNTABLE_BOOT_VOLUME                  0x000000ED
#define KERNEL_MODE_EXCEPTION_NOT_HANDLED        0x0000008E
#define PFN_LIST_CORRUPT                         0x0000004E
#define SYSTEM_PTE_MISUSE                        0x000000DA
#define INSTALL_MORE_MEMORY                      0x0000007D

/*
 * Kestrel's own test-only code: a test that must stop the machine on purpose
 * (to prove the crash report works) uses it, as Windows' MANUALLY_INITIATED_CRASH.
 */

#endif /* _BUGCODES_ */
