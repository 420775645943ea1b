"""Draw the figure records of :mod:`optkit.figures` with matplotlib; nothing is computed here.

matplotlib is an optional extra: it is imported inside these functions only (start-up
stays fast), without pyplot, on the Agg canvas (no display is ever needed).  Every figure
is 1000 pixels wide at 100 dpi with no text under 9 pt.  Colours are the Okabe–Ito
palette (distinguishable by colour-blind readers) and every method also has its own
marker and line style, and every kind of stationary point its own marker shape, so the
figures read in greyscale too.

:func:`write_figure` writes PNG, SVG or PDF by the file's extension, through a temporary
file renamed into place, so a failure never leaves half a file behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from contextlib import contextmanager

from optkit.errors import OptkitError

EXTENSIONS = ("png", "svg", "pdf")
WIDTH_INCHES = 10.0  # 1000 px at DPI
DPI = 100
INSTALL_HINT = 'matplotlib is needed for figures: pip install "optkit[plot]"'

# Okabe & Ito (2008), "Color universal design": distinguishable with any colour-vision deficiency.
# Its yellow is left out (it vanishes on white and on viridis' light end); grey takes its place.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#000000", "#999999")
PATH_MARKERS = ("o", "s", "^", "D", "v", "P", "h", "*")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--")
KIND_MARKERS = {"minimum": "o", "maximum": "^", "saddle": "X", "degenerate": "D"}
KIND_FILLS = {"minimum": "#FFFFFF", "maximum": "#000000", "saddle": "#F0E442", "degenerate": "#CC79A7"}
STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
         "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 13, "svg.fonttype": "none",
         "svg.hashsalt": "optkit"}  # stable ids: the same record gives the same file


def output_format(path: str) -> str:
    """png, svg or pdf from the file name; anything else is one clear error."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise OptkitError(f"cannot tell the figure format of {path!r}: end the file name in .png, .svg or .pdf")
    return ext


def check_output(path: str) -> str:
    """Before any work: the format is known and the folder exists and is writable."""
    fmt = output_format(path)
    check_folder(path)
    return fmt


def check_folder(path: str) -> None:
    """The file's folder exists and is writable, and the path is not a folder."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OptkitError(f"cannot write {path!r}: folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise OptkitError(f"cannot write {path!r}: permission denied")
    if os.path.isdir(path):
        raise OptkitError(f"cannot write {path!r}: it is a folder")


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise OptkitError(INSTALL_HINT) from None


def write_figure(record, path: str) -> None:
    """Draw ``record`` into ``path`` (format from the extension), atomically."""
    fmt = check_output(path)
    write_atomically(path, figure_bytes(record, fmt))


def write_atomically(path: str, data: bytes) -> None:
    """``path`` holds ``data`` whole, or is left as it was: a temporary file renamed into place."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".optkit-", suffix=os.path.splitext(path)[1], dir=folder)
    except OSError as exc:
        raise OptkitError(f"cannot write {path!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a figure is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OptkitError(f"cannot write {path!r}: {exc.strerror}") from None


def figure_bytes(record, fmt: str = "png") -> bytes:
    buffer = io.BytesIO()
    with _style():
        fig = build_figure(record)
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_metadata(fmt))
    return buffer.getvalue()


def svg_text(record) -> str:
    """The figure as an inline SVG element (for the HTML report)."""
    text = figure_bytes(record, "svg").decode("utf-8")
    return text[text.index("<svg"):]


def build_figure(record):
    """The matplotlib Figure of one record (dispatch on its type)."""
    require_matplotlib()
    from optkit.figures.convergence import Convergence
    from optkit.figures.landscape import Landscape
    from optkit.figures.profiles import Profiles
    from optkit.figures.spectrum import Spectrum

    draw = {Landscape: draw_landscape, Convergence: draw_convergence, Spectrum: draw_spectrum,
            Profiles: draw_profiles}.get(type(record))
    if draw is None:
        raise OptkitError(f"no renderer for {type(record).__name__}")
    return draw(record)


@contextmanager
def _style():
    require_matplotlib()
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def _metadata(fmt: str) -> dict:
    # No dates: the same figure gives the same file, so committed figures only change when the data do.
    return {"png": {"Software": "optkit"}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]


def _figure(height: float, **kw):
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained", **kw)


def legend_columns(labels, most: int) -> int:
    """As many columns (up to ``most``) as fit across the figure: ~6.5 px per character at 10 pt, plus the handle."""
    width = 6.5 * max((len(label) for label in labels), default=1) + 60
    return max(1, min(most, len(labels), int(WIDTH_INCHES * DPI * 0.95 // width)))


def _legend_rows(labels, most: int) -> int:
    columns = legend_columns(labels, most)
    return -(-len(labels) // columns)


def _legend_below(fig, handles, labels, caption: str, ncol: int, **kw) -> None:
    """Legend outside the axes, under them (it never hides a path), titled by the record's caption."""
    import textwrap

    caption = "\n".join(textwrap.wrap(caption, 140))
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=legend_columns(labels, ncol), frameon=False,
                   title=caption or None, title_fontsize=9, **kw)
    elif caption:
        fig.supxlabel(caption, fontsize=9)


# ---------------------------------------------------------------- landscape


def draw_landscape(rec):
    import numpy as np
    from matplotlib.colors import BoundaryNorm
    import matplotlib

    fig = _figure(8.0)
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["viridis"]
    norm = BoundaryNorm(rec.levels, cmap.N)
    z = np.ma.masked_invalid(rec.z)
    filled = ax.contourf(rec.xs, rec.ys, z, levels=rec.levels, cmap=cmap, norm=norm)
    filled.set_rasterized(True)  # the fills as one image in SVG/PDF: small files; lines and text stay vector
    ax.contour(rec.xs, rec.ys, z, levels=rec.levels, colors="black", linewidths=0.35, alpha=0.35)
    bar = fig.colorbar(filled, ax=ax, spacing="uniform", pad=0.01)
    bar.set_label("f" + ("  (levels geometric in f − min)" if rec.log_levels else ""))
    if rec.log_levels:
        ticks = rec.levels[::max(1, len(rec.levels) // 8)]
        bar.set_ticks(ticks, labels=[f"{t:.3g}" for t in ticks])
    for i, path in enumerate(rec.paths):
        steps = len(path.x) - 1
        label = f"{path.label}: {path.outcome}, {steps} step{'s' if steps != 1 else ''}" if path.outcome else path.label
        z = 4 + i * 0.01
        ax.plot(path.x, path.y, color="white", linewidth=3.6, solid_capstyle="round", zorder=z)  # halo
        ax.plot(path.x, path.y, color=PALETTE[i % len(PALETTE)], marker=PATH_MARKERS[i % len(PATH_MARKERS)],
                linestyle=LINE_STYLES[i % len(LINE_STYLES)], markersize=5, linewidth=1.8, label=label,
                markeredgecolor="black", markeredgewidth=0.5, zorder=z)
    if rec.start is not None:
        ax.plot([rec.start[0]], [rec.start[1]], linestyle="none", marker="*", markersize=17, color="white",
                markeredgecolor="black", markeredgewidth=1.4, label="start x₀", zorder=6)
    shown = []
    for kind in KIND_MARKERS:
        pts = [p for p in rec.points if p.kind == kind]
        if not pts:
            continue
        ax.plot([p.x for p in pts], [p.y for p in pts], linestyle="none", marker=KIND_MARKERS[kind], markersize=12,
                color=KIND_FILLS[kind], markeredgecolor="black", markeredgewidth=1.6, zorder=5,
                label=f"{kind} ({len(pts)})" if len(pts) > 1 else kind)
        shown.append(kind)
    ax.set_xlim(*rec.box[0])
    ax.set_ylim(*rec.box[1])
    ax.set_xlabel(rec.xlabel)
    ax.set_ylabel(rec.ylabel, rotation=0, labelpad=10)
    ax.set_title(rec.title)
    handles, labels = ax.get_legend_handles_labels()
    _legend_below(fig, handles, labels, rec.caption, 3)
    return fig


# ---------------------------------------------------------------- convergence


def draw_convergence(rec):
    fig = _figure(7.5)
    axes = fig.subplots(2, 2, sharey="row")
    for i, s in enumerate(rec.series):
        style = dict(color=PALETTE[i % len(PALETTE)], linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                     marker=PATH_MARKERS[i % len(PATH_MARKERS)], markersize=3.5, linewidth=1.6,
                     label=f"{s.label}: {s.outcome}" if s.outcome else s.label)
        axes[0, 0].plot(s.k, s.f, **style)
        axes[1, 0].plot(s.k, s.grad_norm, **style)
        if s.evaluations is not None:
            axes[0, 1].plot(s.evaluations, s.f, **style)
            axes[1, 1].plot(s.evaluations, s.grad_norm, **style)
    for ax in axes[0]:
        if rec.f_scale == "symlog":
            ax.set_yscale("symlog", linthresh=rec.linthresh)
        else:
            ax.set_yscale("log", nonpositive="mask")
    for ax in axes[1]:
        ax.set_yscale("log", nonpositive="mask")
    axes[0, 1].set_xscale("log")
    axes[1, 1].set_xscale("log")
    axes[0, 0].set_ylabel(f"{rec.f_label} ({'symlog' if rec.f_scale == 'symlog' else 'log'} scale)")
    axes[1, 0].set_ylabel("‖g‖₂ (log scale)")
    axes[1, 0].set_xlabel("iteration k")
    axes[1, 1].set_xlabel("evaluations (f + ∇f + ∇²f + Hv, log scale)")
    for ax in axes.flat:
        ax.grid(True, which="major", alpha=0.3)
    fig.suptitle(rec.title)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, rec.caption, 4)
    return fig


# ---------------------------------------------------------------- spectrum


def draw_spectrum(rec):
    fig = _figure(6.5)
    left, right = fig.subplots(1, 2)
    for i, s in enumerate(rec.series):
        colour = PALETTE[i % len(PALETTE)]
        marker = PATH_MARKERS[i % len(PATH_MARKERS)]
        ks = [k for k, e in zip(s.k, s.eigenvalues) for _ in e]
        lam = [v for e in s.eigenvalues for v in e]
        left.scatter(ks, lam, s=9, color=colour, marker=marker, alpha=0.7, linewidths=0,
                     label=f"{s.label}: {s.outcome}" if s.outcome else s.label)
        right.plot(s.f, s.index, color=colour, marker=marker, linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                   markersize=4, linewidth=1.2, label=s.label)
    left.set_yscale("symlog", linthresh=rec.linthresh)
    left.axhline(0.0, color="black", linewidth=0.8)
    left.set_xlabel("iteration k")
    left.set_ylabel("eigenvalues λᵢ of ∇²f (symlog scale)")
    left.set_title("Hessian eigenvalues along the run")
    right.set_xscale("log", nonpositive="mask")
    right.set_xlabel("f (log scale)")
    right.set_ylabel("index α: fraction of λᵢ < 0")
    right.set_ylim(-0.03, max(0.55, max((v for s in rec.series for v in s.index), default=0) + 0.05))
    right.set_title("index against f (Dauphin et al. 2014, Fig. 1)")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.suptitle(rec.title)
    handles, labels = left.get_legend_handles_labels()
    _legend_below(fig, handles, labels, rec.caption, 4, markerscale=2.5)
    return fig


# ---------------------------------------------------------------- profiles


def draw_profiles(rec):
    labels = [line.legend for line in rec.panels[0].lines] if rec.panels else []
    fig = _figure(5.0 + 0.25 * _legend_rows(labels, 2))  # room for a legend of long outcome counts
    axes = fig.subplots(1, len(rec.panels), squeeze=False)[0]
    for ax, panel in zip(axes, rec.panels):
        for i, line in enumerate(panel.lines):
            tau = [line.tau[0] if line.tau else 1.0] + list(line.tau) + [panel.x_max]
            rho = [0.0] + list(line.rho) + [line.rho[-1] if line.rho else 0.0]
            ax.step(tau, rho, where="post", color=PALETTE[i % len(PALETTE)], linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                    linewidth=1.9, label=line.legend)
        ax.set_xscale("log", base=2)
        # a little room left of the first step, so a curve rising at τ = 1 is not hidden by the axis
        ax.set_xlim(left=0.92 * min([t for line in panel.lines for t in line.tau] + [1.0]), right=panel.x_max)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(panel.xlabel)
        ax.set_ylabel(panel.ylabel)
        ax.set_title(f"{panel.kind} profile")
        ax.grid(True, alpha=0.3)
    fig.suptitle(rec.title)
    handles, labels = axes[0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, rec.caption, 2)
    return fig
