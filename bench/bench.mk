# bench/: benchmarks. The kernel half runs inside the kernel when the command
# line says bench=<name> (bench/kernel); bench/run.py is `make bench`.
KERNEL_SRCS += \
	bench/kernel/kbench.c \
	bench/kernel/latency.c \
	bench/kernel/switch.c \
	bench/kernel/irp.c \
	bench/kernel/latency.asm
