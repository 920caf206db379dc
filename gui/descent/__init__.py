"""The Descent workspace: optimizers racing down the surface (see workspace.py)."""
