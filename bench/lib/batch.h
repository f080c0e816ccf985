/* bench/lib/batch.h — the batch sizes every batch benchmark measures
 * (the personality's batch entry and the raw io_uring baseline alike). */
#ifndef BENCH_BATCH_H
#define BENCH_BATCH_H

#define BENCH_BATCH_SIZES 1, 2, 4, 8, 16, 32, 64, 128
#define BENCH_BATCH_MAX   128

#endif
