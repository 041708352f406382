#!/usr/bin/python3
"""PyTorch's half of ctnn's ONNX and safetensors tests (Debian's /usr/bin/python3, python3-torch).

Builds the seed networks N1-N4, and N5 (the other layer kinds), as PyTorch modules laid out like their ctnn types (an
nn.Sequential with one module per ctnn layer, so the state_dict names are ctnn's: "0.weight",
"8.running_var", "2.branch.0.weight"), with random weights and batch-norm statistics, and
writes into OUT_DIR for each (name in n1..n5):
  torch_<name>.onnx            torch.onnx.export of the eval-mode module (opset 13)
  torch_<name>.input.bin       float32 little-endian samples [16, input shape]
  torch_<name>.output.bin      float32 PyTorch outputs [16, classes]
  torch_<name>.safetensors     the state_dict, written by hand (torch 1.13 has no safetensors)
and torch_n4_softmax.onnx (N4 ending in a Softmax, whose outputs are probabilities) and
torch_n3_folded.onnx (N3 exported in torch's default EVAL mode, which folds each batch norm
into the Conv before it: ctnn's N3 must refuse it and say why), and torch_n5_edited.onnx
(N5's graph with MatMul + Add, Gemm transB=0, Identity and Dropout nodes; same outputs).
"""
import json
import os
import struct
import sys

import torch
from torch import nn


class Residual(nn.Module):
    """ctnn::residual<Branch, Skip>: branch(x) + skip(x)."""

    def __init__(self, branch, skip):
        super().__init__()
        self.branch = branch
        self.skip = skip

    def forward(self, x):
        return self.branch(x) + self.skip(x)


def n1():  # ctnn::seeds::mnist_cnn
    return nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 24, 6, stride=2, padding=3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(24 * 2 * 2, 64), nn.ReLU(), nn.BatchNorm1d(64),
                         nn.Linear(64, 10)), (1, 28, 28)


def n2():  # ctnn::seeds::residual_mlp
    return nn.Sequential(nn.Linear(784, 100), nn.ReLU(),
                         Residual(nn.Sequential(nn.Linear(100, 66, bias=False), nn.ReLU()),
                                  nn.Linear(100, 66, bias=False)),
                         nn.Linear(66, 10, bias=False)), (784,)


def n3():  # ctnn::seeds::lenet_bn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                         nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), (1, 28, 28)


def n4():  # ctnn::seeds::tiny_cnn<10>
    return nn.Sequential(nn.Conv2d(1, 3, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(3, 3, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(75, 10)), (1, 28, 28)


def n5():  # every other layer kind: see N5 in tests/onnx/support.hpp
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.LeakyReLU(0.1), nn.AvgPool2d(2),
                         nn.Conv2d(4, 4, 3, stride=2, bias=False), nn.Sigmoid(), nn.Flatten(),
                         nn.Linear(16, 16), nn.Tanh(), nn.Dropout(0.2),
                         Residual(nn.Sequential(nn.Linear(16, 16), nn.ReLU()), nn.Identity()),
                         nn.Linear(16, 5, bias=False)), (1, 12, 12)


def edited_n5(out):
    """N5's graph written the other ways ONNX allows: the first Linear as MatMul + Add, the
    residual's as Gemm with transB=0, and an Identity and a Dropout node after the Tanh."""
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(os.path.join(out, "torch_n5.onnx"))
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    nodes = []
    for n in g.node:
        if n.name == "/6/Gemm":
            w = numpy_helper.to_array(inits["6.weight"]).T.copy()
            g.initializer.append(numpy_helper.from_array(w, "6.weight_t"))
            nodes.append(helper.make_node("MatMul", [n.input[0], "6.weight_t"], ["/6/mm"],
                                          name="/6/MatMul"))
            nodes.append(helper.make_node("Add", ["/6/mm", "6.bias"], [n.output[0]],
                                          name="/6/Add"))
        elif n.op_type == "Gemm" and n.input[1] == "9.branch.0.weight":
            w = numpy_helper.to_array(inits["9.branch.0.weight"]).T.copy()
            g.initializer.append(numpy_helper.from_array(w, "9.branch.0.weight_t"))
            nodes.append(helper.make_node("Gemm", [n.input[0], "9.branch.0.weight_t", n.input[2]],
                                          list(n.output), name=n.name, transB=0))
        elif n.op_type == "Tanh":
            nodes.append(helper.make_node("Tanh", list(n.input), ["/7/tanh"], name=n.name))
            nodes.append(helper.make_node("Identity", ["/7/tanh"], ["/7/id"], name="/7/Identity"))
            nodes.append(helper.make_node("Dropout", ["/7/id"], [n.output[0]], name="/8/Dropout"))
        else:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "torch_n5_edited.onnx"))


def randomise(net):
    """Random weights and batch-norm statistics, so that every tensor matters."""
    for m in net.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.normal_(0, 0.2)
            m.running_mean.normal_(0, 0.3)
            m.running_var.uniform_(0.5, 2.0)


def write_floats(path, tensor):
    with open(path, "wb") as f:
        f.write(tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes())


def write_safetensors(path, state_dict):
    """The safetensors format: u64 header length, a JSON header, then raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in state_dict.items():
        if t.dtype == torch.float32:
            dtype, data = "F32", t.contiguous().numpy().astype("<f4").tobytes()
        elif t.dtype == torch.int64:
            dtype, data = "I64", t.contiguous().numpy().astype("<i8").tobytes()
        else:
            raise SystemExit(f"unexpected dtype {t.dtype} of {name}")
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format aligns the data to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def export(net, shape, out, name, samples=16, mode=torch.onnx.TrainingMode.PRESERVE):
    net.eval()
    x = torch.rand(samples, *shape)
    with torch.no_grad():
        y = net(x)
    # PRESERVE (with the module in eval mode) keeps BatchNormalization as a node; the default
    # EVAL mode folds it into the Conv before it.
    torch.onnx.export(net, x[:1], os.path.join(out, f"torch_{name}.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
                      training=mode, do_constant_folding=True)
    write_floats(os.path.join(out, f"torch_{name}.input.bin"), x)
    write_floats(os.path.join(out, f"torch_{name}.output.bin"), y)
    return net


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(13)
    for name, make in (("n1", n1), ("n2", n2), ("n3", n3), ("n4", n4), ("n5", n5)):
        net, shape = make()
        randomise(net)
        export(net, shape, out, name)
        write_safetensors(os.path.join(out, f"torch_{name}.safetensors"), net.state_dict())
        if name == "n3":
            export(net, shape, out, "n3_folded", mode=torch.onnx.TrainingMode.EVAL)
    net, shape = n4()
    export(nn.Sequential(*net, nn.Softmax(dim=1)), shape, out, "n4_softmax")
    edited_n5(out)
    print(f"wrote N1-N5 (ONNX, samples, outputs, safetensors) to {out}")


if __name__ == "__main__":
    main()
