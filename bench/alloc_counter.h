// A count of global operator new calls, for checking that a warm training
// step does not touch the heap.
//
// Linking alloc_counter.cc into a program replaces the global operator new
// and delete (all forms) with versions that count every allocation, then
// forward to malloc and free. The count is process-wide and relaxed-atomic:
// read it before and after the measured work on one thread, with nothing
// else running. Only for benchmark and check programs; never link it into
// a library.
#pragma once

#include <cstdint>

namespace losslab::bench {

// Allocations made through global operator new since the program started.
std::uint64_t allocation_count();

}  // namespace losslab::bench
