"""The Matrix workspace: vector and matrix calculus, derived by the engine, checked by finite differences, and
compared with the gradient the user typed."""
