#include "train/plot.h"

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>

namespace losslab {

void run_gnuplot(const std::string& script) {
  std::FILE* pipe = popen("gnuplot", "w");
  if (pipe == nullptr) {
    throw std::runtime_error(
        "plot: cannot start gnuplot; HINT: apt-get install gnuplot-nox");
  }
  std::fwrite(script.data(), 1, script.size(), pipe);
  int status = pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    throw std::runtime_error(
        "plot: gnuplot exited with status " + std::to_string(code) +
        (code == 127 ? "; HINT: apt-get install gnuplot-nox" : ""));
  }
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void plot_curves(const std::string& csv_path, const std::string& png_path,
                 bool gradient) {
  // Columns of curves.csv: target, prob, bce, bce_grad, mse, mse_grad, l1,
  // l1_grad.
  const int offset = gradient ? 1 : 0;
  std::string script =
      "set terminal pngcairo size 1000,450 font ',10'\n"
      "set output " +
      gnuplot_quote(png_path) +
      "\n"
      "set datafile separator ','\n"
      "set key top center\n"
      "set grid\n"
      "set xlabel 'predicted probability p of class 1'\n"
      "set multiplot layout 1,2\n";
  const char* ylabel = gradient ? "d loss / d p" : "loss";
  for (int target = 0; target <= 1; ++target) {
    script += "set title 'target y = " + std::to_string(target) + "'\n";
    script += std::string("set ylabel '") + ylabel + "'\n";
    script += gradient ? (target == 0 ? "set yrange [0:20]\n"
                                      : "set yrange [-20:0]\n")
                       : "set yrange [0:5]\n";
    std::string filter = "($1==" + std::to_string(target) + "?$2:1/0)";
    script += "plot ";
    const char* names[] = {"BCE", "MSE", "L1"};
    for (int k = 0; k < 3; ++k) {
      script += gnuplot_quote(csv_path) + " skip 1 using " + filter + ":" +
                std::to_string(3 + 2 * k + offset) +
                " with lines lw 2 title '" + names[k] + "'";
      script += k < 2 ? ", " : "\n";
    }
  }
  script += "unset multiplot\n";
  run_gnuplot(script);
}

}  // namespace losslab
