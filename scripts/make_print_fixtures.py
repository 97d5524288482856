#!/usr/bin/env python3
"""Writes src/test/resources/fixtures/print.json: how PyTorch prints a set of tensors.

Run with Debian's interpreter and python3-torch:  /usr/bin/python3 scripts/make_print_fixtures.py
The Java test TensorFormatTest builds the same tensors and compares toString() with these strings.
Each case is built from explicit values (no random numbers) so the Java side can rebuild it.
"""
import json, os, torch

cases = {}
def case(name, t):
    cases[name] = str(t)

case("row", torch.tensor([[0.4306, 1.4551]]))
case("ints_as_float", torch.tensor([1., 2., 3.]))
case("int64", torch.tensor([1, 2, 3]))
case("int64_wide", torch.tensor([[1, -20, 300], [4, 5, 6]]))
case("bool", torch.tensor([True, False, True]))
case("scalar", torch.tensor(0.5))
case("scalar_int", torch.tensor(7))
case("sci_small", torch.tensor([1e-5, 1.0]))
case("sci_ratio", torch.tensor([0.001, 2.0, 3000.0]))
case("neg_mixed", torch.tensor([-0.5, 10.25, 3.0]))
case("half_even", torch.tensor([0.00005, 0.12345, 0.99995]))
case("inf_nan", torch.tensor([float('-inf'), 1.5, float('nan'), float('inf')]))
case("all_inf", torch.tensor([float('-inf'), float('-inf')]))
case("zeros", torch.zeros(2, 3))
case("empty", torch.tensor([]))
case("empty2d", torch.zeros(0, 3))
case("big_int_float", torch.tensor([1e9, 1.0]))
case("matrix3d", torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 7)
case("long_row", torch.arange(30, dtype=torch.float32) / 3)
case("summarized_1d", torch.arange(2000, dtype=torch.float32))
case("summarized_2d", torch.arange(2000, dtype=torch.float32).reshape(40, 50) / 1000)
case("summarized_int", torch.arange(3000).reshape(3, 1000))
x = torch.tensor([1.0, 2.0], requires_grad=True)
case("requires_grad", x)
case("grad_fn_mul", x * 2)
case("grad_fn_add", x + x)
w = torch.tensor([[0.25, -0.5], [1.5, 2.0], [0.1, 0.2]], requires_grad=True)
case("grad_fn_mm", w @ x)
case("grad_fn_wrap", torch.tensor([[0.1234, 0.5678, 0.9012, 0.3456, 0.7890, 0.1111, 0.2222, 0.3333, 0.4444]], requires_grad=True) * 1)
case("softmax", torch.softmax(torch.tensor([[0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865]]), dim=-1))

out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "print.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1, sort_keys=False)
print("wrote", len(cases), "cases to", out)
