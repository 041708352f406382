// SPDX-License-Identifier: BSL-1.0
// The four networks of the lab reports ctnn grew from (N1-N4), shared by examples and tests.
#pragma once

#include <ctnn/ctnn.hpp>

namespace ctnn::seeds {

/// N1: the compact MNIST CNN, 20,994 parameters.
using mnist_cnn = network<input<1, 28, 28>,                        //
                          conv2d<16, 3, stride<2>, pad<1>>, relu,  //
                          max_pool<2>,                             //
                          conv2d<24, 6, stride<2>, pad<3>>, relu,  //
                          max_pool<2>,                             //
                          flatten,                                 //
                          dense<64>, relu,                         //
                          batch_norm,                              //
                          dense<10>>;

/// N2: residual MLP, h1 = relu(x W1 + b1); out = (relu(h1 W2) + h1 Wskip) W3; 92,360 params.
using residual_mlp =
    network<input<784>,        //
            dense<100>, relu,  //
            residual<sequence<dense<66, no_bias>, relu>, dense<66, no_bias>>, dense<10, no_bias>>;

/// N3: LeNet with batch normalisation, for Fashion-MNIST; 61,750 parameters.
using lenet_bn = network<input<1, 28, 28>,                                     //
                         conv2d<6, 5, pad<2>>, batch_norm, relu, max_pool<2>,  //
                         conv2d<16, 5>, batch_norm, relu, max_pool<2>,         //
                         flatten,                                              //
                         dense<120>, relu,                                     //
                         dense<84>, relu,                                      //
                         dense<10>>;

/// N4: a tiny CNN for three digit classes (or ten), 922 parameters with ten outputs.
template <std::size_t Classes = 10>
using tiny_cnn = network<input<1, 28, 28>,                 //
                         conv2d<3, 5>, relu, max_pool<2>,  //
                         conv2d<3, 3>, relu, max_pool<2>,  //
                         flatten,                          //
                         dense<Classes>>;

/// The parameter budget of the lab task: 9*9*20 + 2000*100 + 100*10.
inline constexpr std::size_t lab_budget = 9 * 9 * 20 + 2000 * 100 + 100 * 10;

}  // namespace ctnn::seeds
