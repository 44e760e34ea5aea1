// Writing result files so that a crash never leaves a half-written one.
//
// write_file_atomically writes to a temporary file in the same directory,
// flushes it to disk, then renames it over `path`; readers see either the
// old file or the complete new one, never a mix, even after SIGKILL or
// power loss. Throws std::runtime_error naming the path on any failure, and
// removes the temporary file.
#pragma once

#include <string>
#include <string_view>

namespace losslab {

void write_file_atomically(const std::string& path, std::string_view content);

// Reads a whole file; throws std::runtime_error naming the path.
std::string read_file(const std::string& path);

}  // namespace losslab
