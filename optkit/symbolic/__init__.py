"""Formulas: the safe grammar (``grammar``), exact derivatives and their cache (``derivatives``),
Taylor polynomials (``taylor``).  Nothing here evaluates user text as code."""
