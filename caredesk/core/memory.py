"""Keeping a long-running import's memory flat under glibc's allocator.

glibc hands out a block of 128 KB or more as its own mapping, returned to the system
when freed; but once such a block is freed it raises that threshold to the block's size
(up to 32 MB), so later blocks that size come from the heap instead. An import that
allocates and frees batches of a few megabytes (lines, joined buffers, COPY text, NumPy
arrays) in two threads then fragments the heap and grows with every batch: measured on
a million-row call import, from 240 MB to 315 MB. With the threshold fixed, such blocks
stay mapped and memory stays flat (241 MB at its peak).

The setting is for the whole process, from then on (a worker that has run an import
keeps it): a small cost, a system call for each large block. It concerns glibc's malloc
only: what Python, NumPy and psycopg allocate. polars brings its own allocator.
"""

from __future__ import annotations

import ctypes
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
MAPPED_FROM = 256 * 1024  # blocks this size or larger get their own mapping


@functools.cache
def large_blocks_mapped() -> bool:
    """Make glibc map every large block (for this process, from now on). False where
    the C library is not glibc: there is nothing to set."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MAPPED_FROM))
