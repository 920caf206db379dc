"""The Graph workspace: a chain-rule graph editor over engine.graph.Graph (see workspace.GraphWorkspace)."""
