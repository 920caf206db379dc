"""At the largest grid (401²) in a view of the default window's size the surface is drawn with a coarser index buffer
over the same vertices: the picture is nearly full detail's and its holes are the same; zoomed in, the full grid's
triangles are drawn again (the same pixels as full detail), and zoomed out again the coarse buffer is reused, not
rewritten. The coarse triangles never bridge a hole and cover exactly the cells full detail draws; the size of a cell
on screen that decides it is an upper bound of the cells' projected size."""
import numpy as np
import pytest

from gui.views.grid_mesh import grid_faces
from gui.views.mesh_lod import cell_pixels, coarse_faces
from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import gl_pixels, shown

pytestmark = [pytest.mark.gui, pytest.mark.gl]

N = 401
XS = np.linspace(-2, 2, N)
GX, GY = np.meshgrid(XS, XS, indexing="ij")
WHOLE = np.sin(2 * GX) * np.cos(GY)
HOLES = np.where(((GX - 1) ** 2 + (GY + 1) ** 2 < 0.3) | (GX - GY > 3.4), np.nan, WHOLE)   # facing the camera
DEFAULT_SIZE = (549, 677)   # the Surface workspace's 3D view in the main window at its default size
MAXIMISED_SIZE = (672, 817)   # ... in the main window maximised on a 1600×1000 screen (its cells: 1.4–1.8 px)


def _picture(view, level_of_detail: bool) -> np.ndarray:
    view._mesh.level_of_detail = level_of_detail
    return gl_pixels(view).astype(int)


def _bare(view) -> np.ndarray:
    """The view with its mesh hidden: what shows wherever the mesh draws nothing."""
    view._mesh.setVisible(False)
    pixels = gl_pixels(view).astype(int)
    view._mesh.setVisible(True)
    return pixels


def _eroded(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] &= mask[:-1]
    out[:-1] &= mask[1:]
    out[:, 1:] &= mask[:, :-1]
    out[:, :-1] &= mask[:, 1:]
    return out


def _cell_coverage(faces: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """How much of each fine cell the triangles cover, each triangle counted as half of the cells of its bounding
    block of grid indices (a pair of triangles on a block covers each of its cells once)."""
    i, j = np.divmod(faces.astype(np.int64), ny)
    cover = np.zeros((nx, ny))   # a 2D difference array over cells
    i0, i1, j0, j1 = i.min(1), i.max(1), j.min(1), j.max(1)
    for di, dj, sign in ((i0, j0, 1), (i1, j0, -1), (i0, j1, -1), (i1, j1, 1)):
        np.add.at(cover, (di, dj), 0.5 * sign)
    return cover.cumsum(0).cumsum(1)[:-1, :-1]


def test_at_401_squared_the_default_view_draws_a_coarse_buffer_with_nearly_the_same_picture(qtbot):
    view = shown(qtbot, SurfaceView(), DEFAULT_SIZE)
    view.set_surface(XS, XS, WHOLE)
    bare, whole = _bare(view), _picture(view, False)
    view.set_surface(XS, XS, HOLES)
    full = _picture(view, False)
    fine_faces = len(view._mesh.faces)
    coarse = _picture(view, True)
    assert view._mesh.stride >= 2 and len(view._mesh.faces) < 0.4 * fine_faces
    assert np.mean(np.abs(coarse - full)) < 0.5   # per channel, of 255
    assert np.mean(np.any(np.abs(coarse - full) > 24, axis=-1)) < 0.002
    empty = np.all(full == bare, axis=-1)   # where full detail draws no mesh: the holes and around the surface
    holes = empty & ~np.all(whole == bare, axis=-1)
    assert _eroded(holes).sum() > 5000
    assert np.all(np.all(coarse == bare, axis=-1)[_eroded(empty)])   # not a pixel coloured inside a hole
    view._mesh.level_of_detail = True
    gl_pixels(view)
    drawn, fine = view._mesh.faces, grid_faces(N, N, np.isfinite(HOLES))
    assert np.array_equal(_cell_coverage(drawn, N, N), _cell_coverage(fine, N, N))


def _coarse_view(qtbot) -> SurfaceView:
    """A view of the default size showing HOLES at 401², drawn once (with the coarse buffer)."""
    view = shown(qtbot, SurfaceView(), DEFAULT_SIZE)
    view.set_surface(XS, XS, HOLES)
    gl_pixels(view)
    assert view._mesh.stride >= 2
    return view


def test_zooming_in_draws_the_full_grid_and_zooming_out_reuses_the_coarse_buffer(qtbot):
    view = _coarse_view(qtbot)
    far = view.opts["distance"]
    view.setCameraPosition(distance=far / 6)
    near = _picture(view, True)
    assert view._mesh.stride == 1
    assert np.array_equal(near, _picture(view, False))
    view._mesh.level_of_detail = True
    uploads = view._mesh.face_uploads
    view.setCameraPosition(distance=far)
    gl_pixels(view)
    assert view._mesh.stride >= 2 and view._mesh.face_uploads == uploads   # the coarse buffer kept from before
    view.setCameraPosition(distance=far / 6)
    gl_pixels(view)
    assert view._mesh.stride == 1 and view._mesh.face_uploads == uploads


def test_a_narrower_field_of_view_or_a_larger_view_draws_the_full_grid(qtbot):
    view = _coarse_view(qtbot)
    fov = view.opts["fov"]
    view.setCameraParams(fov=fov / 3)   # a telephoto at the same distance: cells three times larger
    gl_pixels(view)
    assert view._mesh.stride == 1
    view.setCameraParams(fov=fov)
    gl_pixels(view)
    assert view._mesh.stride >= 2
    view.resize(2 * DEFAULT_SIZE[0], 2 * DEFAULT_SIZE[1])   # the camera is refitted: the same picture, twice as large
    qtbot.waitUntil(lambda: view.width() == 2 * DEFAULT_SIZE[0])
    gl_pixels(view)
    assert view._mesh.stride == 1


@pytest.mark.parametrize("shape", [(41, 41), (37, 50), (64, 29)])
@pytest.mark.parametrize("stride", [2, 4])
def test_coarse_triangles_never_cover_a_hole_and_cover_every_cell_full_detail_draws(shape, stride):
    rng = np.random.default_rng(sum(shape) * stride)
    finite = rng.random(shape) > 0.03
    finite[5:9, 10:13] = False
    faces = coarse_faces(*shape, finite, stride)
    i, j = np.divmod(faces.astype(np.int64), shape[1])
    for t in range(len(faces)):
        assert finite[i[t].min(): i[t].max() + 1, j[t].min(): j[t].max() + 1].all()
    assert np.array_equal(_cell_coverage(faces, *shape), _cell_coverage(grid_faces(*shape, finite), *shape))
    assert np.any(i.max(1) - i.min(1) == stride)   # some blocks are drawn coarse
    assert len(faces) < len(grid_faces(*shape, finite))


def _largest_projected_step(view, points: np.ndarray) -> float:
    """The longest grid edge, in device pixels, of the (N, N) grid of scene ``points`` as the view projects it
    (edges with both ends in the picture)."""
    width, height = view.deviceWidth(), view.deviceHeight()
    region = (0, 0, width, height)
    mvp = np.array((view.projectionMatrix(region, region) * view.viewMatrix()).data(), dtype=np.float64)
    clip = np.column_stack([points, np.ones(len(points))]) @ mvp.reshape(4, 4)   # data() is column-major
    screen = ((clip[:, :2] / clip[:, 3:4] + 1.0) / 2.0 * (width, height)).reshape(N, N, 2)
    inside = np.all((screen >= 0) & (screen <= (width, height)), axis=-1) & (clip[:, 3].reshape(N, N) > 0)
    longest = 0.0
    for axis in (0, 1):
        steps = np.linalg.norm(np.diff(screen, axis=axis), axis=-1)
        both = inside[1:] & inside[:-1] if axis == 0 else inside[:, 1:] & inside[:, :-1]
        longest = max(longest, float(steps[both].max()))
    return longest


def test_the_cell_size_that_decides_bounds_the_projected_cells_at_every_height_of_the_box(qtbot):
    view = shown(qtbot, SurfaceView(), DEFAULT_SIZE)
    view.set_surface(XS, XS, HOLES)
    gl_pixels(view)
    _, _, _, lo, hi, step = view._mesh._grid
    flat = view._mesh.vertexes.astype(np.float64)   # heights are not counted: the grid flat at the box's heights
    far = view.opts["distance"]
    for distance in (far, far * 0.85, far * 2):
        view.setCameraPosition(distance=distance)
        bound = cell_pixels(view, lo, hi, step)
        largest = []
        for height in (lo[2], hi[2]):
            flat[:, 2] = height
            largest.append(_largest_projected_step(view, flat))
        assert max(largest) <= bound
        assert bound < 1.25 * max(largest)   # tight: a big view (800×600 and more) is coarsened too


def test_a_maximised_windows_view_is_coarsened_too_with_nearly_the_same_picture_and_zoomed_in_draws_every_cell(
        qtbot):
    view = shown(qtbot, SurfaceView(), MAXIMISED_SIZE)
    view.set_surface(XS, XS, HOLES)
    full = _picture(view, False)
    coarse = _picture(view, True)
    assert view._mesh.stride >= 2
    assert np.mean(np.abs(coarse - full)) < 0.5   # per channel, of 255
    assert np.mean(np.any(np.abs(coarse - full) > 24, axis=-1)) < 0.002
    view.setCameraPosition(distance=view.opts["distance"] / 3)
    assert np.array_equal(_picture(view, True), _picture(view, False))
    assert view._mesh.stride == 1
