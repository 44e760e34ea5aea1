// Checkpoints: a model, its optimizer state and an epoch counter in one
// binary file.
//
// File layout, version 1 (all integers little-endian, values IEEE-754 in the
// width given by the header):
//   magic        8 bytes  "LLCKPT\x1a\n"
//   version      u32      1
//   file size    u64      total bytes, this header and the checksum included
//   value bytes  u8       4 (float) or 8 (double)
//   model        str spec, str activation, f64 dropout, str init
//   epoch        i64
//   parameters   u32 count, then per parameter: str name, u32 rows,
//                u32 cols, rows * cols values
//   optimizer    u8 present; if 1: str kind, i64 step, u32 count of
//                (str name, f64 value) hyperparameters, u32 count of
//                buffers (str name, u32 rows, u32 cols, values)
//   checksum     u32 CRC-32 (zlib) of every byte before it
// where str is a u32 byte count followed by the bytes.
//
// Saving is atomic: the bytes go to a temporary file in the same directory,
// which is flushed to disk (fsync) and renamed over the target, so a crash
// leaves either the old file or the new one. Loading reads and checks the
// whole file (size, magic, version, checksum, structure) into a Checkpoint
// before touching the model; restoring then checks architecture, parameter
// names and shapes and optimizer state, and only then copies. Every failure
// is a std::runtime_error naming the path and what differs (expected vs
// found), and leaves model and optimizer unchanged.
//
// Usage:
//   save_checkpoint(path, model, &optimizer, epoch);
//   std::int64_t epoch = load_checkpoint(path, model, &optimizer);
//   // A model rebuilt from the file alone (e.g. for prediction):
//   Checkpoint<float> c = read_checkpoint<float>(path);
//   Mlp<float> model(c.model, /*seed=*/0);
//   restore_checkpoint(c, model, nullptr, path);
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "nn/mlp.h"
#include "nn/optimizer.h"

namespace losslab {

inline constexpr std::uint32_t kCheckpointVersion = 1;

template <class T>
struct Checkpoint {
  MlpConfig model;
  std::int64_t epoch = 0;
  std::vector<NamedTensor<T>> parameters;
  bool has_optimizer = false;
  OptimizerState<T> optimizer;
};

// A copy of the model's parameters and, when `optimizer` is not null, its
// state.
template <class T>
Checkpoint<T> capture_checkpoint(
    const Mlp<T>& model, const std::type_identity_t<Optimizer<T>>* optimizer,
    std::int64_t epoch);

// Writes `checkpoint` to `path` atomically. Throws std::runtime_error with
// the path and the system's reason when the file cannot be written.
template <class T>
void write_checkpoint(const std::string& path, const Checkpoint<T>& checkpoint);

// Reads and fully checks the file at `path`; values stored in the other
// floating-point width are converted to T. Throws std::runtime_error for a
// missing, truncated, corrupt or foreign file, and for one whose model spec
// does not account for exactly the parameter values stored (so building
// Mlp(c.model) from a file that reads cleanly costs no more memory than
// the file holds).
template <class T>
Checkpoint<T> read_checkpoint(const std::string& path);

// Copies `checkpoint` into `model` and, when not null, `optimizer`, after
// checking that everything fits. `path` only labels error messages. Throws
// std::runtime_error when the architecture, a parameter name or shape, or
// the optimizer state differs, or when an optimizer is given but the
// checkpoint holds none; nothing is modified then.
template <class T>
void restore_checkpoint(const Checkpoint<T>& checkpoint, Mlp<T>& model,
                        std::type_identity_t<Optimizer<T>>* optimizer,
                        const std::string& path);

// capture_checkpoint + write_checkpoint.
template <class T>
void save_checkpoint(const std::string& path, const Mlp<T>& model,
                     const std::type_identity_t<Optimizer<T>>* optimizer,
                     std::int64_t epoch);

// read_checkpoint + restore_checkpoint; returns the saved epoch.
template <class T>
std::int64_t load_checkpoint(const std::string& path, Mlp<T>& model,
                             std::type_identity_t<Optimizer<T>>* optimizer);

}  // namespace losslab
