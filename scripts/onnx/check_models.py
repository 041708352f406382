#!/usr/bin/python3
"""python3-onnx's verdict on ctnn's exported models: the full checker (with shape inference)
on every DIR/ctnn_*.onnx, and the inferred output shape against the declared one."""
import glob
import os
import sys

import onnx
import onnx.shape_inference

files = sorted(glob.glob(os.path.join(sys.argv[1], "ctnn_*.onnx")))
if not files:
    sys.exit(f"no ctnn_*.onnx in {sys.argv[1]}")
for f in files:
    model = onnx.load(f)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out = inferred.graph.output[0].type.tensor_type.shape
    print(f"{os.path.basename(f)}: valid (onnx {onnx.__version__}), opset "
          f"{model.opset_import[0].version}, {len(model.graph.node)} nodes, output "
          f"{[d.dim_param or d.dim_value for d in out.dim]}")
