#include "nn/sequential.h"

#include <stdexcept>

namespace losslab {

template <class T>
Module<T>& Sequential<T>::add(std::unique_ptr<Module<T>> module) {
  if (!module) {
    throw std::invalid_argument("Sequential::add: module is null");
  }
  module->set_training(this->training_);
  children_.push_back(std::move(module));
  return *children_.back();
}

template <class T>
Var<T> Sequential<T>::forward(Tape<T>& tape, Var<T> x) {
  for (auto& child : children_) x = child->forward(tape, x);
  return x;
}

template <class T>
std::string Sequential<T>::describe() const {
  std::string s = "Sequential(";
  for (std::size_t i = 0; i < children_.size(); ++i) {
    if (i) s += ", ";
    s += children_[i]->describe();
  }
  return s + ")";
}

template <class T>
void Sequential<T>::collect_parameters(const std::string& prefix,
                                       std::vector<NamedParameter<T>>& out) {
  for (std::size_t i = 0; i < children_.size(); ++i) {
    children_[i]->collect_parameters(prefix + std::to_string(i) + ".", out);
  }
}

template <class T>
void Sequential<T>::set_training(bool training) {
  this->training_ = training;
  for (auto& child : children_) child->set_training(training);
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace losslab
