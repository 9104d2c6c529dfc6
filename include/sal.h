/*
 * sal.h - the WDK's source annotation language, accepted and ignored.
 *
 * Kestrel builds with GCC, which has no SAL checker, so every annotation
 * expands to nothing. They stay in driver source because they document the
 * contract (direction, IRQL, buffer sizes) for the reader.
 */
#ifndef _KESTREL_SAL_H
#define _KESTREL_SAL_H

#define _In_
#define _In_opt_
#define _Inout_
#define _Inout_opt_
#define _Out_
#define _Out_opt_
#define _In_z_
#define _In_opt_z_
#define _Out_writes_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_z_(n)
#define _Out_writes_bytes_to_(n, c)
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Deref_out_range_(a, b)
#define _Printf_format_string_
#define _Success_(e)
#define _Return_type_success_(e)
#define _Check_return_
#define _Must_inspect_result_
#define _Ret_maybenull_
#define _Post_writable_byte_size_(n)
#define _Post_invalid_
#define _Analysis_noreturn_
#define _Null_terminated_
#define _Field_size_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_part_(n, c)
#define _When_(c, a)
#define _Pre_satisfies_(c)
#define _Post_satisfies_(c)
#define _Use_decl_annotations_
#define _Dispatch_type_(t)
#define _Function_class_(n)
#define _IRQL_requires_(l)
#define _IRQL_requires_max_(l)
#define _IRQL_requires_min_(l)
#define _IRQL_requires_same_
#define _IRQL_raises_(l)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, p)
#define _IRQL_restores_global_(k, p)
#define _IRQL_always_function_min_(l)
#define _IRQL_always_function_max_(l)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_clear_do_init_(v)
#define _Kernel_IoGetDmaAdapter_
#define _Strict_type_match_
#define _Notliteral_
#define _Literal_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Pre_notnull_
#define _Post_ptr_invalid_
#define _Maybenull_
#define _Reserved_
#define _Deref_pre_maybenull_
#define _Deref_post_maybenull_

#endif /* _KESTREL_SAL_H */
