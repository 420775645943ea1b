"""Figures as plain data: what each picture shows, computed by the library, drawn elsewhere.

Every figure is a dataclass of numbers and words (grids, paths, classified points,
convergence series, spectra along a run, profile curves).  :mod:`optkit.render.plots`
draws them and computes nothing, so tests assert on the plotted data (a path equals the
trace, a marker sits on a classified point, an axis is logarithmic) rather than on pixels.

* :mod:`~optkit.figures.runs`        a run as the figures see it (from a Result or a stored run)
* :mod:`~optkit.figures.landscape`   filled contours of f with paths and stationary points
* :mod:`~optkit.figures.convergence` f − f* and ‖g‖ against iteration and evaluations
* :mod:`~optkit.figures.spectrum`    Hessian eigenvalues along a run; index against f
* :mod:`~optkit.figures.profiles`    performance and data profiles (step curves)
* :mod:`~optkit.figures.report`      the comparison report page's content
"""
