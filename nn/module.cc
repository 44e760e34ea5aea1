#include "nn/module.h"

namespace losslab {

template <class T>
std::vector<NamedParameter<T>> Module<T>::named_parameters() {
  std::vector<NamedParameter<T>> out;
  collect_parameters("", out);
  return out;
}

template <class T>
std::vector<ConstNamedParameter<T>> Module<T>::named_parameters() const {
  // collect_parameters is non-const because the usual caller, an optimizer,
  // writes through the pointers. This view only reads, so casting away const
  // for the walk is safe: nothing is modified.
  std::vector<NamedParameter<T>> all;
  const_cast<Module*>(this)->collect_parameters("", all);
  std::vector<ConstNamedParameter<T>> out;
  out.reserve(all.size());
  for (NamedParameter<T>& p : all) out.push_back({std::move(p.name), p.param});
  return out;
}

template <class T>
void Module<T>::zero_grad() {
  for (NamedParameter<T>& p : named_parameters()) p.param->zero_grad();
}

template <class T>
std::size_t Module<T>::num_parameters() const {
  std::size_t n = 0;
  for (const ConstNamedParameter<T>& p : named_parameters()) {
    n += p.param->value.size();
  }
  return n;
}

template class Module<float>;
template class Module<double>;

}  // namespace losslab
