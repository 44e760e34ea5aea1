// Flushing subnormal floats to zero for a scope, on the calling thread.
//
// A subnormal float (0 < |x| < 1.18e-38) costs an x86 core a microcode
// assist of about a hundred cycles for every operation that reads or
// produces one. Training makes them in bulk: Adam's first moment of a
// weight whose gradient has gone to zero shrinks by beta1 per step and
// passes through the subnormal range on its way to zero. On Fashion-MNIST
// (its border pixels are almost always 0) this made epochs 2 to 10 of the
// default run take 0.8-1.0 s instead of 0.6 s.
//
//   {
//     FlushDenormals flush;   // this thread: FTZ and DAZ on
//     ... train ...
//   }                         // the previous mode is back
//
// While a FlushDenormals is alive, float and double arithmetic on this
// thread treats subnormal inputs as zero and rounds subnormal results to
// zero (the x86 MXCSR flags FTZ and DAZ; TensorFlow does the same in its
// CPU executors, PyTorch on request with torch.set_flush_denormal). Values
// change only where a subnormal would have appeared, 2^-126 below any
// normal float. Other threads, OpenBLAS's workers among them, keep their
// own mode. On a CPU without these flags it does nothing.
#pragma once

namespace losslab {

class FlushDenormals {
 public:
  FlushDenormals();
  ~FlushDenormals();
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

  // Whether this build can flush (x86 with SSE); if not, the guard is a
  // no-op.
  static bool supported();

 private:
  unsigned saved_ = 0;  // the thread's control word before the guard
};

}  // namespace losslab
