# Steps per second against batch size, losslab and libtorch (and the
# step's GEMM calls alone), from torch_compare's CSV.
# Usage: gnuplot -e "csv='compare.csv'; png='steps.png'" plot.gp
set terminal pngcairo size 800,520 font ",11"
set output png
set datafile separator ","
set logscale xy
set xtics (1, 8, 32, 128, 512)
set xlabel "batch size"
set ylabel "training steps per second (one thread)"
set title "784-256-128-10 ReLU MLP, one SGD step, median of rounds"
set key top right
set grid
rows(impl) = sprintf("< awk -F, '$2 == \"%s\"' '%s'", impl, csv)
plot rows("losslab")   using 1:4 with linespoints lw 2 pt 7 title "losslab", \
     rows("libtorch")  using 1:4 with linespoints lw 2 pt 5 title "libtorch", \
     rows("gemm_only") using 1:4 with linespoints lw 1 dt 2 pt 1 \
                       title "the step's sgemm calls alone"
