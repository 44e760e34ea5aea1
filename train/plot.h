// Plots drawn by gnuplot (Debian's gnuplot-nox), as PNG files.
//
// run_gnuplot feeds a script to `gnuplot` on its standard input and throws
// std::runtime_error, with gnuplot's exit status and a hint to install it,
// when it cannot be run or fails. Library code never prints: gnuplot's own
// messages go to the process's stderr.
#pragma once

#include <string>

namespace losslab {

void run_gnuplot(const std::string& script);

// A gnuplot string literal for `text` (quotes and backslashes escaped).
std::string gnuplot_quote(const std::string& text);

// The two figures of `losslab curves`: loss (or d loss / d p when
// `gradient`) against p for targets 0 and 1, from curves.csv.
void plot_curves(const std::string& csv_path, const std::string& png_path,
                 bool gradient);

}  // namespace losslab
