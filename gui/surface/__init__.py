"""The Surface workspace: a function's surface, contours, gradient field, point inspector and critical points."""
