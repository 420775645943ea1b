"""Stationary points: classify one point from its Hessian (``point``), find every stationary
point in a box (``finder``: the ``exact`` Gröbner path and the ``numeric`` path), and the
higher-order test for degenerate points (``higher_order``)."""
